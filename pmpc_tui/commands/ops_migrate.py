"""Registry entries of `migrate`, `clone` and `template` (issue #16), included by registry.py."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.registry import GUEST_KIND_CHOICES, Command, decimal_number


def _kind_guest(p: argparse.ArgumentParser, what: str = "GUEST") -> None:
    p.add_argument("kind", choices=GUEST_KIND_CHOICES, help="vm (QEMU) or ct (LXC container)")
    p.add_argument("guest", metavar=what, help="VMID or name")


def _task_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    p.add_argument("--no-wait", dest="wait", action="store_false", help="return as soon as the task starts")
    p.add_argument("--timeout", type=decimal_number, default=3600.0, help="seconds to wait (default 3600)")


def _migrate(p: argparse.ArgumentParser) -> None:
    _kind_guest(p)
    p.add_argument("node", metavar="NODE", help="the node to move the guest to")
    p.add_argument("--online", action="store_true", help="VMs: move a running VM live")
    p.add_argument("--with-local-disks", action="store_true", help="VMs: copy disks on local storage (live)")
    p.add_argument("--target-storage", metavar="STORAGE", help="storage on the target for the copied disks")
    _task_flags(p)


def _clone(p: argparse.ArgumentParser) -> None:
    _kind_guest(p, "SOURCE")
    p.add_argument("--name", required=True, help="the new guest's name (a DNS name)")
    p.add_argument("--vmid", help="the new guest's VMID (default: the cluster's next free one)")
    p.add_argument("--node", help="node for the clone (default: the source's; another needs shared storage)")
    p.add_argument("--storage", help="full clones: storage for the copied disks (default: the source's)")
    p.add_argument("--linked", action="store_true", help="a linked clone (only from a template; fast, shares disks)")
    _task_flags(p)


def _template(p: argparse.ArgumentParser) -> None:
    _kind_guest(p)
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for the guest's name")
    p.add_argument("--dry-run", action="store_true", help="check and show what would be done; send nothing")
    p.add_argument("--timeout", type=decimal_number, default=600.0, help="seconds to wait (default 600)")


COMMANDS: tuple[Command, ...] = (
    Command("migrate", "move a guest to another node (live with --online; containers restart)",
            "pmpc_tui.commands.migrate_handlers:migrate", _migrate, mutates=True, risk="change",
            examples=("migrate vm 101 pve2 --online", "migrate vm web-01 pve3 --online --with-local-disks",
                      "migrate ct 200 pve2 --target-storage local-lvm", "migrate vm 101 pve2 --dry-run -o json")),
    Command("clone", "copy a guest (full), or make a linked clone of a template",
            "pmpc_tui.commands.migrate_handlers:clone", _clone, mutates=True, risk="change",
            examples=("clone vm 9000 --name web-04 --linked", "clone vm web-01 --name web-01-copy --vmid 150",
                      "clone ct 200 --name pihole2 --storage local-lvm", "clone vm 9000 --name db-02 --node pve2")),
    Command("template", "convert a stopped guest to a template (cannot be undone)",
            "pmpc_tui.commands.migrate_handlers:template", _template, mutates=True, risk="destructive",
            examples=("template vm 9000", "template ct 250 --yes", "template vm golden --dry-run")),
)
