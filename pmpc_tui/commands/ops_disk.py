"""Registry entries of `resize`, `set` and `disk move|detach|delete` (issue #16), included by registry.py."""

from __future__ import annotations

import argparse
import re

from pmpc_tui.commands.registry import GUEST_KIND_CHOICES, Command, decimal_number

# `disk` has one registry entry whose risk is its highest action's (delete destroys a volume)
ACTION_RISKS: dict[str, str] = {"move": "change", "detach": "change", "delete": "destructive"}


def _guest(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    p.add_argument("guest", help="VMID or name")


def _task_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    p.add_argument("--timeout", type=decimal_number, default=300.0, help="seconds to wait for the task (default 300)")


def _resize(p: argparse.ArgumentParser) -> None:
    # `-5G` reaches the size check (which explains that PVE cannot shrink) instead of reading as an option
    p._negative_number_matcher = re.compile(r"^-\d+(\.\d+)?[KMGTkmgt]?$")
    _guest(p)
    p.add_argument("disk", help="disk key: scsi0, virtio1, sata0 … (VM); rootfs, mp0 … (CT)")
    p.add_argument("size", help="+10G grows by 10 GiB; 64G makes it 64 GiB in total (grow only)")
    _task_flags(p)


def _set(p: argparse.ArgumentParser) -> None:
    _guest(p)
    p.add_argument("--cores", help="CPU cores (a running VM takes them at its next reboot)")
    p.add_argument("--memory", help="memory in MiB")
    p.add_argument("--balloon", help="VMs: minimum memory in MiB for the balloon driver (0 switches it off)")
    p.add_argument("--tags", help="tags, separated by ; or , (replaces the guest's tags)")
    p.add_argument("--description", help="the guest's notes")
    p.add_argument("--onboot", help="start at boot: yes or no")
    p.add_argument("--protection", help="protect from removal: yes or no")
    p.add_argument("--reboot", action="store_true", help="reboot a running guest when a change waits for it")
    p.add_argument("--dry-run", action="store_true", help="check and show what would change; send nothing")
    p.add_argument("--timeout", type=decimal_number, default=300.0, help="seconds to wait for a reboot (default 300)")


def _disk(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    move = sub.add_parser("move", help="move a disk to another storage, or to another guest on the same node")
    _guest(move)
    move.add_argument("disk", help="disk key: scsi0, virtio1, unused0 … (VM); rootfs, mp0, unused0 … (CT)")
    move.add_argument("--storage", help="the storage to move it to")
    move.add_argument("--to-vmid", help="the guest (same node) to give it to")
    move.add_argument("--to-disk", help="its key on that guest (default: the same key)")
    move.add_argument("--delete-source", action="store_true",
                      help="with --storage: delete the old volume (else it stays as unusedN)")
    _task_flags(move)
    detach = sub.add_parser("detach", help="take a disk out of the guest's config (kept as unusedN)")
    _guest(detach)
    detach.add_argument("disk", help="disk key: scsi1, virtio1, mp0 …")
    detach.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    delete = sub.add_parser("delete", help="destroy a disk's volume for good (asks to type the disk key)")
    _guest(delete)
    delete.add_argument("disk", help="disk key: scsi1, mp0, unused0 …")
    delete.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")


COMMANDS: tuple[Command, ...] = (
    Command("resize", "grow a guest's disk (+10G adds, 64G is the new total; PVE cannot shrink)",
            "pmpc_tui.commands.disk_handlers:resize", _resize, mutates=True, risk="change",
            examples=("resize vm 101 scsi0 +10G", "resize ct pihole rootfs 16G", "resize vm web-01 virtio1 +1G "
                      "--dry-run")),
    Command("set", "change a guest's cores, memory, balloon, tags, description, onboot, protection",
            "pmpc_tui.commands.disk_handlers:set_guest", _set, mutates=True, risk="change",
            examples=("set vm 101 --cores 4 --memory 8192", "set ct pihole --tags 'dns;infra' --onboot yes",
                      "set vm web-01 --cores 4 --reboot", "set vm 101 --protection yes --dry-run")),
    Command("disk", "a guest's disks: move (storage or guest), detach (kept as unusedN), delete (destroyed)",
            "pmpc_tui.commands.disk_handlers:disk", _disk, mutates=True, risk="destructive",
            examples=("disk move vm 101 scsi0 --storage nas", "disk move vm 109 unused0 --to-vmid 107",
                      "disk move ct 204 mp0 --storage local-lvm --delete-source", "disk detach vm 101 scsi1",
                      "disk delete vm 101 unused0 --yes")),
)
