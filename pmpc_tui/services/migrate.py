"""Migrating a guest to another node: every rule PVE would refuse on, checked before anything is sent.

A running VM moves live (`online`), and with disks on local storage only with `with-local-disks`; a running
container moves by restart migration (stopped, copied, started on the target). A locked guest, the node it
is already on, an offline or unknown target and a storage the target lacks are refused with the next step.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, ResourceLocked, ValidationFailed
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind, shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.task_events import watch_task
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task

NODE_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", re.ASCII)
STORAGE_ID = re.compile(r"[a-z][a-z0-9\-_.]*[a-z0-9]", re.ASCII)
QEMU_DISK = re.compile(r"(?:ide|sata|scsi|virtio)\d+|efidisk0|tpmstate0")
LXC_DISK = re.compile(r"rootfs|mp\d+")
RUNNING = ("running", "paused")


def parse_node_name(value: object, field_name: str = "NODE") -> str:
    """A node name as PVE spells them (a DNS label), else ValidationFailed."""
    text = str(value).strip() if isinstance(value, str) else ""
    if not NODE_NAME.fullmatch(text):
        raise ValidationFailed("invalid", {field_name: f"{shown(value)} is not a node name"})
    return text


def parse_storage(value: object, field_name: str = "--storage") -> str:
    """A storage ID (`local-lvm`, `ceph`), else ValidationFailed."""
    text = value.strip() if isinstance(value, str) else ""
    if not STORAGE_ID.fullmatch(text):
        raise ValidationFailed("invalid", {field_name: f"{shown(value)} is not a storage ID"})
    return text


def guest_disks(kind: str, config: dict[str, Any]) -> dict[str, str]:
    """Config key → storage ID of every disk (not CD-ROMs, not `none`)."""
    pattern = QEMU_DISK if kind == "qemu" else LXC_DISK
    out = {}
    for key, value in config.items():
        if not pattern.fullmatch(key):
            continue
        text = str(value)
        volume = text.split(",")[0]
        if "media=cdrom" in text or ":" not in volume:
            continue
        out[key] = volume.split(":")[0]
    return out


async def storages_by_node(client: PVEClient) -> dict[str, dict[str, bool]]:
    """node → {storage: shared} for every available storage."""
    out: dict[str, dict[str, bool]] = {}
    for s in await client.get("/cluster/resources", type="storage"):
        if s.get("status", "available") != "available":
            continue
        out.setdefault(str(s.get("node")), {})[str(s.get("storage"))] = bool(int(s.get("shared", 0) or 0))
    return out


async def online_nodes(client: PVEClient) -> list[str]:
    """Names of the cluster's nodes that are online (migration and clone targets)."""
    return sorted(str(n["node"]) for n in await client.get("/nodes") if n.get("status") == "online")


def locked(ref: GuestRef, lock: str, action: str) -> ResourceLocked:
    """PVE's own words (`VM is locked (migrate)`) naming the guest and what would fail."""
    return ResourceLocked(f"{'VM' if ref.kind == 'qemu' else 'CT'} is locked ({lock}): {action} of {ref.label} "
                          "would fail")


@dataclass
class MigratePlan:
    """What a migration will do (or did): the guest, from where to where, how."""

    guest: GuestRef
    target: str
    online: bool = False
    restart: bool = False
    with_local_disks: bool = False
    target_storage: str | None = None
    local_disks: list[str] = field(default_factory=list)
    dry_run: bool = False
    upid: str | None = None
    exitstatus: str | None = None
    notice: str | None = None

    @property
    def mode(self) -> str:
        return "online" if self.online else "restart" if self.restart else "offline"

    def params(self) -> dict[str, Any]:
        """The POST body of /nodes/{node}/{kind}/{vmid}/migrate."""
        params: dict[str, Any] = {"target": self.target}
        if self.online:
            params["online"] = 1
        if self.restart:
            params["restart"] = 1
        if self.with_local_disks:
            params["with-local-disks"] = 1
        if self.target_storage:
            params["targetstorage" if self.guest.kind == "qemu" else "target-storage"] = self.target_storage
        return params

    def as_dict(self) -> dict[str, Any]:
        return {"vmid": self.guest.vmid, "name": self.guest.name, "type": self.guest.kind,
                "source": self.guest.node, "target": self.target, "mode": self.mode,
                "local_disks": self.local_disks, "target_storage": self.target_storage,
                "dry_run": self.dry_run, "upid": self.upid, "exitstatus": self.exitstatus, "notice": self.notice}

    @property
    def message(self) -> str:
        what = f"migrate {self.guest.label} to {self.target} ({self.mode})"
        if self.dry_run:
            text = f"would {what} (dry run: nothing sent)"
        elif self.exitstatus:
            text = f"{what}: {self.exitstatus}"
        else:
            text = f"{what}: task {self.upid}"
        return text + (f"\n{self.notice}" if self.notice else "")


def check_migrate_inputs(kind: str, ident: str | int, target: str, target_storage: str | None,
                         online: bool = False, with_local_disks: bool = False) -> None:
    """Syntax only (no API call): the guest kind and reference, the node name, the storage ID, the flags."""
    kind = parse_guest_kind(kind)
    parse_guest_ident(ident)
    parse_node_name(target)
    if target_storage is not None:
        parse_storage(target_storage, "--target-storage")
    if kind == "lxc" and online:
        raise ValidationFailed("invalid", {"--online": "containers cannot move live: a running container "
                                                       "moves by restart migration (leave --online out)"})
    if kind == "lxc" and with_local_disks:
        raise ValidationFailed("invalid", {"--with-local-disks": "only for VMs (a container's volumes are "
                                                                 "always copied)"})


async def plan_migrate(client: PVEClient, kind: str, ident: str | int, target: str, *, online: bool = False,
                       with_local_disks: bool = False, target_storage: str | None = None) -> MigratePlan:
    """Read the guest and the cluster; refuse what PVE would refuse, naming the way out."""
    kind = parse_guest_kind(kind)
    check_migrate_inputs(kind, ident, target, target_storage, online, with_local_disks)
    ref = await find_guest(client, kind, parse_guest_ident(ident))
    if target == ref.node:
        raise ValidationFailed("invalid", {"NODE": f"{ref.label} is already on {target}: name another node"})
    nodes = await online_nodes(client)
    if target not in nodes:
        every = sorted(str(n["node"]) for n in await client.get("/nodes"))
        if target in every:
            raise ConflictError(f"node '{target}' is offline: nothing can migrate to it",
                                f"Online nodes: {', '.join(nodes)}.")
        raise NotFound(f"no node {shown(target)} in the cluster", f"The nodes are: {', '.join(every)}.")
    config = await client.get(f"{ref.path}/config", current=1)
    if config.get("lock"):
        raise locked(ref, str(config["lock"]), "migration")
    storages = await storages_by_node(client)
    on_target = storages.get(target, {})
    if target_storage is not None and target_storage not in on_target:
        raise NotFound(f"storage '{target_storage}' is not available on node '{target}'",
                       f"Storage on {target}: {', '.join(sorted(on_target)) or 'none'}.")
    disks = guest_disks(kind, config)
    here = storages.get(ref.node, {})
    local = sorted(k for k, sid in disks.items() if not here.get(sid, False))
    running = ref.status in RUNNING
    plan = MigratePlan(ref, target, online=kind == "qemu" and running and online,
                       restart=kind == "lxc" and running, with_local_disks=with_local_disks,
                       target_storage=target_storage, local_disks=local)
    if kind == "qemu" and running and not online:
        raise ConflictError(f"{ref.label} is running: PVE refuses to migrate a running VM without --online",
                            "Pass --online to move it live, or shut it down first.")
    if kind == "qemu" and running and local and not with_local_disks:
        raise ConflictError(f"{ref.label} has disks on local storage ({', '.join(local)}): a live migration "
                            "needs --with-local-disks to copy them",
                            "Pass --with-local-disks (and --target-storage if the target lacks the storage).")
    missing = sorted({disks[k] for k in local if disks[k] not in on_target})
    if missing and target_storage is None:
        raise ConflictError(f"storage {', '.join(missing)} of {ref.label} is not available on '{target}'",
                            f"Pass --target-storage with one of: {', '.join(sorted(on_target)) or 'none'}.")
    return plan


async def start_migrate(client: PVEClient, plan: MigratePlan) -> MigratePlan:
    """Send the migration; the plan gets its task's UPID."""
    plan.upid = str(await client.post(f"{plan.guest.path}/migrate", **plan.params()))
    watch_task(client, plan.upid)  # task events, only while someone listens
    return plan


async def follow_migrate(client: PVEClient, plan: MigratePlan, *, timeout: float = 3600.0
                         ) -> AsyncIterator[ProgressUpdate]:
    """Progress from the task log until it ends (the last update has the exit status)."""
    async for update in follow_task(client, plan.upid or "", timeout=timeout):
        if update.done:
            plan.exitstatus = update.exitstatus or "OK"
        yield update


@dataclass
class BulkMigratePlan:
    """Several guests to one node: who moves (each checked), who is already there, who is refused and why."""

    target: str
    plans: list[MigratePlan] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """What will not be sent, one line each (empty when every guest moves)."""
        lines = [f"already on {self.target}: {label}" for label in self.skipped]
        return "\n".join(lines + [f"refused: {reason}" for reason in self.refused])


async def plan_migrations(client: PVEClient, kind: str, vmids: list[int], target: str, *, online: bool = False,
                          with_local_disks: bool = False) -> BulkMigratePlan:
    """Check every guest before anything is sent; those already on `target` are skipped, refusals listed."""
    kind = parse_guest_kind(kind)
    parse_node_name(target)
    bulk = BulkMigratePlan(target)
    for vmid in vmids:
        try:
            ref = await find_guest(client, kind, vmid)
            if ref.node == target:
                bulk.skipped.append(f"{'VM' if kind == 'qemu' else 'CT'} {ref.vmid} ({ref.name})")
                continue
            bulk.plans.append(await plan_migrate(client, kind, vmid, target, online=online and kind == "qemu",
                                                 with_local_disks=with_local_disks and kind == "qemu"))
        except (ConflictError, NotFound, ResourceLocked, ValidationFailed) as exc:
            bulk.refused.append(exc.message)
    return bulk
