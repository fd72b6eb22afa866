"""Allow `python -m pmpc_tui`."""

from pmpc_tui.cli.main import main

raise SystemExit(main())
