"""Cloning a guest: a full copy (any guest) or a linked clone (templates only), checked as PVE checks it.

The new VMID is the cluster's next free one unless given; a clone to another node needs the source on shared
storage; `--storage` is for full clones only and must exist on the target node; a running container can be
cloned only from a snapshot, so we refuse it (a running VM is copied live, as PVE does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, ValidationFailed
from pmpc_tui.services.guest_ref import is_guest_name, parse_guest_ident, parse_guest_kind, parse_vmid, shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.migrate import (
    RUNNING,
    guest_disks,
    locked,
    online_nodes,
    parse_node_name,
    parse_storage,
    storages_by_node,
)
from pmpc_tui.services.task_events import watch_task
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task


@dataclass
class ClonePlan:
    """What a clone will create (or created): from which guest, as which VMID and name, where, how."""

    source: GuestRef
    newid: int
    name: str
    node: str
    storage: str | None = None
    linked: bool = False
    dry_run: bool = False
    upid: str | None = None
    exitstatus: str | None = None

    def params(self) -> dict[str, Any]:
        """The POST body of /nodes/{node}/{kind}/{vmid}/clone."""
        params: dict[str, Any] = {"newid": self.newid, "full": 0 if self.linked else 1,
                                  "name" if self.source.kind == "qemu" else "hostname": self.name}
        if self.node != self.source.node:
            params["target"] = self.node
        if self.storage:
            params["storage"] = self.storage
        return params

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source.vmid, "source_name": self.source.name, "type": self.source.kind,
                "vmid": self.newid, "name": self.name, "node": self.node, "storage": self.storage,
                "linked": self.linked, "dry_run": self.dry_run, "upid": self.upid, "exitstatus": self.exitstatus}

    @property
    def message(self) -> str:
        label = "VM" if self.source.kind == "qemu" else "CT"
        what = (f"{'linked' if self.linked else 'full'} clone of {self.source.label} as {label} {self.newid} "
                f"({self.name}) on {self.node}")
        if self.dry_run:
            return f"would create a {what} (dry run: nothing sent)"
        if self.exitstatus:
            return f"{what}: {self.exitstatus}"
        return f"{what}: task {self.upid}"


def check_clone_inputs(kind: str, source: str | int, name: str, vmid: str | int | None, node: str | None,
                       storage: str | None, linked: bool) -> None:
    """Syntax only (no API call): kind, source, the new name (a DNS name), VMID, node, storage."""
    parse_guest_kind(kind)
    parse_guest_ident(source, "SOURCE")
    if not isinstance(name, str) or not is_guest_name(name.strip()) or name.strip().isdigit():
        raise ValidationFailed("invalid", {"--name": f"{shown(name)} is not a guest name (a DNS name: letters, "
                                                     "digits, - and .)"})
    if vmid is not None:
        parse_vmid(vmid, "--vmid")
    if node is not None:
        parse_node_name(node, "--node")
    if storage is not None:
        parse_storage(storage)
        if linked:
            raise ValidationFailed("invalid", {"--storage": "a linked clone stays on its template's storage: "
                                                            "leave --storage out, or drop --linked"})


async def plan_clone(client: PVEClient, kind: str, source: str | int, name: str, *, vmid: str | int | None = None,
                     node: str | None = None, storage: str | None = None, linked: bool = False) -> ClonePlan:
    """Read the source and the cluster; refuse what PVE would refuse; pick the next free VMID."""
    kind = parse_guest_kind(kind)
    check_clone_inputs(kind, source, name, vmid, node, storage, linked)
    ref = await find_guest(client, kind, parse_guest_ident(source, "SOURCE"))
    config = await client.get(f"{ref.path}/config", current=1)
    if config.get("lock"):
        raise locked(ref, str(config["lock"]), "a clone")
    template = bool(int(config.get("template", 0) or 0))
    if linked and not template:
        raise ConflictError(f"{ref.label} is not a template: PVE makes linked clones only from templates",
                            "Leave out --linked for a full clone, or convert it first: proxmox-mpc template "
                            f"{'vm' if kind == 'qemu' else 'ct'} {ref.vmid}")
    if kind == "lxc" and ref.status in RUNNING:
        raise ConflictError(f"{ref.label} is running: PVE cannot fully clone a running container",
                            "Shut it down first, or take a snapshot and clone that in the web UI.")
    target = node or ref.node
    if target != ref.node:
        nodes = await online_nodes(client)
        if target not in nodes:
            raise NotFound(f"no online node {shown(target)} in the cluster", f"Online nodes: {', '.join(nodes)}.")
    storages = await storages_by_node(client)
    here = storages.get(ref.node, {})
    if target != ref.node:
        local = sorted(k for k, sid in guest_disks(kind, config).items() if not here.get(sid, False))
        if local:
            raise ConflictError(f"{ref.label} has disks on local storage ({', '.join(local)}): PVE clones it to "
                                f"another node only from shared storage",
                                "Clone it on its own node and migrate the clone, or move its disks to shared "
                                "storage.")
        if storage is not None and not storages.get(target, {}).get(storage, False):
            raise ConflictError(f"storage '{storage}' is not shared: a clone to another node needs shared storage",
                                "Pick a shared storage, or leave --storage out.")
    if storage is not None and storage not in storages.get(target, {}):
        raise NotFound(f"storage '{storage}' is not available on node '{target}'",
                       f"Storage on {target}: {', '.join(sorted(storages.get(target, {}))) or 'none'}.")
    if vmid is None:
        newid = int(await client.get("/cluster/nextid"))
    else:
        newid = parse_vmid(vmid, "--vmid")
        taken = {int(r["vmid"]) for r in await client.get("/cluster/resources", type="vm")}
        if newid in taken:
            raise ConflictError(f"VMID {newid} is already in use", "Leave out --vmid to take the next free one.")
    return ClonePlan(ref, newid, name.strip(), target, storage, linked)


async def start_clone(client: PVEClient, plan: ClonePlan) -> ClonePlan:
    """Send the clone; the plan gets its task's UPID."""
    plan.upid = str(await client.post(f"{plan.source.path}/clone", **plan.params()))
    watch_task(client, plan.upid)  # task events, only while someone listens
    return plan


async def follow_clone(client: PVEClient, plan: ClonePlan, *, timeout: float = 3600.0
                       ) -> AsyncIterator[ProgressUpdate]:
    """Progress from the task log until it ends (the last update has the exit status)."""
    async for update in follow_task(client, plan.upid or "", timeout=timeout):
        if update.done:
            plan.exitstatus = update.exitstatus or "OK"
        yield update
