"""Registry entry of `ask "REQUEST"`: plain English from a shell, included by registry.py.

The handler lives in `nl/ask.py` (plain English sits above the commands): `--explain` only reads, and
without it every proposed line runs through its own command, asked first by its risk class.
"""

from __future__ import annotations

import argparse

from pmpc_tui.commands.registry import Command


def _ask(p: argparse.ArgumentParser) -> None:
    p.add_argument("request", nargs="+", help='the request in plain English, e.g. "stop every vm tagged dev"')
    p.add_argument("--explain", action="store_true",
                   help="run nothing: print the proposal as one JSON object (exit 0 understood, 1 not)")
    p.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                   help="the demo cluster (homelab scenario); with --explain it is not even started")
    p.add_argument("--yes", "-y", action="store_true",
                   help="do not ask before changes (refused for destructive proposals: type the count)")


COMMANDS: tuple[Command, ...] = (
    Command("ask", "plain English: show the commands a request stands for (--explain), or ask and run them",
            "pmpc_tui.nl.ask:ask", _ask, needs_cluster=False, console=False, risk="read",
            offline_flag="explain",
            examples=('ask --explain "stop every vm tagged dev"', 'ask "start web-01"',
                      'ask "which vms use the most memory" -o json')),
)
