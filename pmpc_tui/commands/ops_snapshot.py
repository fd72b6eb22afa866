"""Registry entry of `snapshot create|list|rollback|delete` (issue #15), included by registry.py.

The registry keys commands by their first word, so the four actions share one entry whose risk is the
highest of them (rollback and delete are destructive); `ACTION_RISKS` gives each action's own class.
"""

from __future__ import annotations

import argparse

from pmpc_tui.commands.registry import GUEST_KIND_CHOICES, OUTPUT_FORMATS, Command, decimal_number

# registry.RISKS spelled out: registry.py includes this module, and mypy cannot type its constants in that cycle
ACTION_RISKS: dict[str, str] = {"list": "read", "create": "change", "rollback": "destructive",
                                "delete": "destructive"}


def _target(p: argparse.ArgumentParser, named: bool = True) -> None:
    p.add_argument("--output", "-o", choices=OUTPUT_FORMATS, default=argparse.SUPPRESS, help="output format")
    p.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    p.add_argument("guest", help="VMID or name")
    if named:
        p.add_argument("name", help="snapshot name: a letter, then letters, digits, - or _ (at most 40)")


def _task_flags(p: argparse.ArgumentParser, confirmed: bool) -> None:
    p.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    if confirmed:
        p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    p.add_argument("--timeout", type=decimal_number, default=300.0, help="seconds to wait for the task (default 300)")


def _snapshot(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="take a snapshot of a guest")
    _target(create)
    create.add_argument("--vmstate", action="store_true", help="VMs: also save the RAM of a running VM")
    create.add_argument("--description", help="a note stored with the snapshot")
    _task_flags(create, confirmed=False)
    listing = sub.add_parser("list", help="a guest's snapshots as a tree (current = You are here)")
    _target(listing, named=False)
    rollback = sub.add_parser("rollback", help="roll a guest back to a snapshot (changes since are lost)")
    _target(rollback)
    rollback.add_argument("--start", action="store_true", help="start the guest after the rollback")
    _task_flags(rollback, confirmed=True)
    delete = sub.add_parser("delete", help="delete a snapshot")
    _target(delete)
    delete.add_argument("--force", action="store_true",
                        help="delete even while the guest is locked (e.g. left over by a failed task)")
    _task_flags(delete, confirmed=True)


COMMANDS: tuple[Command, ...] = (
    Command("snapshot", "guest snapshots: create, list (as a tree), rollback, delete",
            "pmpc_tui.commands.snapshot_handlers:snapshot", _snapshot, mutates=True, risk="destructive",
            examples=("snapshot create vm 101 before-upgrade --description 'before apt upgrade'",
                      "snapshot list vm web-01", "snapshot list ct 200 -o json",
                      "snapshot rollback vm 101 before-upgrade --start", "snapshot delete ct pihole old --yes")),
)
