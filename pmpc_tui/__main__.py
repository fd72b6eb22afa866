"""Allow `python -m pmpc_tui`."""

from pmpc_tui.cli.main import run

run()
