"""Registry entries for backups: `backup create|list|restore` (one command, three actions)."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.registry import CHANGE, DESTRUCTIVE, GUEST_KIND_CHOICES, READ, Command, decimal_number

# The risk of each action; the command's own class is CHANGE, and restoring over an existing guest asks for
# its typed name in the handler (front ends without a dialog need --yes with --force, MCP confirm=true).
ACTION_RISK: dict[str, str] = {"list": READ, "create": CHANGE, "restore": CHANGE, "restore-over": DESTRUCTIVE}
MODES = ("snapshot", "suspend", "stop")
COMPRESSORS = ("zstd", "lzo", "gzip", "0")


def _backup(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="back up guests now (one vzdump task per node)")
    create.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    create.add_argument("guests", nargs="+", metavar="GUEST", help="VMIDs or names")
    create.add_argument("--storage", help="storage that holds backups (default: pbs if present, else local)")
    create.add_argument("--mode", choices=MODES, default="snapshot", help="snapshot (default), suspend or stop")
    create.add_argument("--compress", choices=COMPRESSORS, default="zstd", help="zstd (default), lzo, gzip or 0")
    _flags(create)
    listing = actions.add_parser("list", help="backup archives on every storage that holds backups (PBS too)")
    listing.add_argument("--node", help="only archives this node sees")
    listing.add_argument("--storage", help="only this storage")
    listing.add_argument("--guest", metavar="VMID", help="only this guest's archives")
    restore = actions.add_parser("restore", help="create a guest from an archive (or overwrite one: --force)")
    restore.add_argument("volid", metavar="VOLID", help="the archive, e.g. pbs:backup/vm/101/2026-11-30T10:00:00Z")
    restore.add_argument("--vmid", help="VMID of the restored guest")
    restore.add_argument("--node", help="node to restore on (default: where the archive or guest is)")
    restore.add_argument("--storage", help="storage for the restored disks (default: where they were)")
    restore.add_argument("--force", action="store_true", help="overwrite an existing stopped guest")
    restore.add_argument("--yes", "-y", action="store_true", help="with --force: don't ask for the guest's name")
    _flags(restore)
    for sub in (create, listing, restore):
        sub.add_argument("--output", "-o", choices=("table", "json", "yaml"), default=argparse.SUPPRESS,
                         help="output format")


def _flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would be done; send nothing")
    p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    p.add_argument("--timeout", type=decimal_number, default=3600.0, help="seconds to wait (default 3600)")


COMMANDS: tuple[Command, ...] = (
    Command("backup", "back up guests, list archives, restore a guest from one",
            "pmpc_tui.commands.backup_handlers:backup", _backup, mutates=True, risk=CHANGE,
            examples=("backup create vm 101 --storage pbs", "backup create ct 200 201 --mode stop --compress lzo",
                      "backup list --guest 101", "backup restore pbs:backup/vm/101/2026-11-30T10:00:00Z --vmid 150",
                      "backup restore local:backup/vzdump-lxc-200-2026_11_30-02_00_00.tar.zst --vmid 200 --force")),
)
