"""A browser console's process: loads the console first, then waits for its user's hand-over on stdin (a pipe).

`proxmox-mpc serve` keeps one such process warm, so a browser tab does not wait for Python and Textual to
start. The hand-over is one JSON line of environment variables (PMPC_URL, PMPC_TICKET … and the terminal's
COLUMNS/ROWS); the console's start-up takes the ticket from there and removes it again
(services/console_launch.py). It never appears on the command line. The line is read byte by byte, so no packet
that follows it is taken from Textual's web driver.
"""

from __future__ import annotations

import json
import os
import sys

HANDOVER_LIMIT = 64 * 1024


def read_handover(fd: int = 0) -> dict[str, str] | None:
    """The hand-over line from `fd`, or None when the server closed the pipe (no browser needed this console)."""
    line = bytearray()
    while len(line) < HANDOVER_LIMIT:
        byte = os.read(fd, 1)
        if not byte:
            return None
        if byte == b"\n":
            break
        line += byte
    values = json.loads(line)
    return {str(name): str(value) for name, value in values.items()}


def run() -> None:
    from pmpc_tui.cli.main import main
    from pmpc_tui.tui.app import ProxmoxApp  # noqa: F401  the slow import, done before anyone waits for it

    handover = read_handover()
    if handover is None:
        raise SystemExit(0)
    os.environ.update(handover)
    raise SystemExit(main(sys.argv[1:]))


if __name__ == "__main__":
    run()
