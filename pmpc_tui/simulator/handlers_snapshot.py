"""Route handlers of guest snapshots (qemu and lxc): list, create, delete, rollback, config — as PVE 9.1 does them.

Snapshots form a tree: each one records the snapshot that was current when it was taken (`parent`), the
`current` entry ("You are here!") points at the snapshot last taken or rolled back to. RAM (`vmstate`) is
saved only for running VMs; containers have none. Like PVE, create, delete and rollback check the lock and
the snapshot inside their task (the task fails, the request does not); reserved names fail the request.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.guestops import guest_volids
from pmpc_tui.simulator.handlers import _err, _guest, _prefix, route
from pmpc_tui.simulator.model import Guest
from pmpc_tui.simulator.tasks import TaskError

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


def _parent(g: Guest) -> str | None:
    """The snapshot the guest's current state descends from (PVE's `parent:` line of the config)."""
    name = g.snapshot_parent
    return name if name in g.snapshots else None


def _set_parent(g: Guest, name: str | None) -> None:
    g.snapshot_parent = name or None


RUNNING = ("running", "paused")  # the guest's process exists (a paused VM keeps its RAM)


def _label(g: Guest) -> str:
    return "VM" if g.kind == "qemu" else "CT"


def _check_lock(g: Guest) -> None:
    if g.lock:
        raise TaskError(f"{_label(g)} is locked ({g.lock})")


def _vmstate_volid(g: Guest, name: str) -> str:
    """The volume PVE writes a snapshot's RAM to: on the storage of the guest's first disk."""
    volids = [v for _k, v in sorted(_disks(g).items())]
    storage = volids[0].split(":", 1)[0] if volids else "local"
    return f"{storage}:vm-{g.vmid}-state-{name}"


def _disks(g: Guest) -> dict[str, str]:
    """The volumes a snapshot covers: every disk but CD-ROMs (ISOs, cloud-init) and unused ones."""
    return {key: volid for key, volid in guest_volids(g).items()
            if not key.startswith("unused") and "media=cdrom" not in str(g.config.get(key, ""))}


def _can_snapshot(call: Call, g: Guest) -> bool:
    """PVE's `has_feature('snapshot')`: every disk on storage that snapshots — LVM-thin, ZFS, Ceph, or
    qcow2 images on directory/NFS/CIFS storage (raw images there cannot)."""
    for volid in _disks(g).values():
        st = call.cluster.storages.get(volid.split(":", 1)[0])
        vol = call.cluster.volumes.get(volid)
        if st is None or st.type in ("lvmthin", "zfspool", "rbd", "cephfs"):
            continue
        if st.type == "lvm" or (st.type in ("dir", "nfs", "cifs") and (vol is None or vol.format != "qcow2")):
            return False
    return True


def list_snapshots(call: Call, kind: str) -> list[dict[str, Any]]:
    """GET …/snapshot: every snapshot with its parent, then `current`."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Audit")
    out: list[dict[str, Any]] = []
    for name, snap in g.snapshots.items():
        entry: dict[str, Any] = {"name": name, "description": snap.get("description", ""),
                                 "snaptime": snap["snaptime"]}
        if snap.get("parent"):
            entry["parent"] = snap["parent"]
        if kind == "qemu":
            entry["vmstate"] = 1 if snap.get("vmstate") else 0
        out.append(entry)
    current: dict[str, Any] = {"name": "current", "description": "You are here!", "digest": g.digest(),
                               "running": 1 if g.status in RUNNING else 0}
    parent = _parent(g)
    if parent:
        current["parent"] = parent
    out.append(current)
    return out


async def create_snapshot(call: Call, kind: str) -> str:
    """POST …/snapshot: take a snapshot (with RAM for a running VM when `vmstate` is set)."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Snapshot")
    name = call.params["snapname"]
    if name == "current" or name.lower() == "pending":
        raise _err(500, f"unable to use snapshot name '{name}' (reserved name)")
    description = call.params.get("description", "")
    want_ram = bool(call.params.get("vmstate"))

    async def work(task: Any) -> None:
        if g.is_template:
            raise TaskError("you can't take a snapshot if it's a template")
        _check_lock(g)
        if name in g.snapshots:
            raise TaskError(f"snapshot name '{name}' already used")
        if not _can_snapshot(call, g):
            raise TaskError("snapshot feature is not available")
        g.config["lock"] = "snapshot"
        ram = want_ram and kind == "qemu" and g.status in RUNNING  # PVE saves RAM only of a running VM
        task.add_log(f"snapshotting {', '.join(sorted(_disks(g))) or 'the config'}")
        if ram:
            task.add_log(f"saving VM state and RAM using storage '{_vmstate_volid(g, name).split(':')[0]}'")
        await call.sim.tasks.sleep(task)
        config = {k: copy.deepcopy(v) for k, v in g.config.items() if k != "lock"}
        g.snapshots[name] = {"config": config, "snaptime": int(time.time()), "description": description,
                             "vmstate": _vmstate_volid(g, name) if ram else "", "parent": _parent(g),
                             "running": g.status in RUNNING}
        _set_parent(g, name)

    def finish(task: Any, ok: bool) -> None:
        if g.config.get("lock") == "snapshot":
            g.config.pop("lock", None)

    return call.sim.tasks.start(g.node, f"{_prefix(kind)}snapshot", str(g.vmid), call.auth.auth_id, work, finish)


async def delete_snapshot(call: Call, kind: str) -> str:
    """DELETE …/snapshot/{snapname}: children move up to its parent; refused while locked unless `force`."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Snapshot")
    name = call.params["snapname"]
    force = bool(call.params.get("force"))

    async def work(task: Any) -> None:
        if not force:
            _check_lock(g)
        snap = g.snapshots.get(name)
        if snap is None:
            raise TaskError(f"snapshot '{name}' does not exist")
        g.config["lock"] = "snapshot-delete"
        await call.sim.tasks.sleep(task)
        parent = snap.get("parent")
        for other in g.snapshots.values():
            if other.get("parent") == name:
                other["parent"] = parent
        if _parent(g) == name:
            _set_parent(g, parent)
        g.snapshots.pop(name, None)

    def finish(task: Any, ok: bool) -> None:
        if g.config.get("lock") == "snapshot-delete":
            g.config.pop("lock", None)

    return call.sim.tasks.start(g.node, f"{_prefix(kind)}delsnapshot", str(g.vmid), call.auth.auth_id, work, finish)


async def rollback_snapshot(call: Call, kind: str) -> str:
    """POST …/snapshot/{snapname}/rollback: stop, restore the config, run again per vmstate or `start`."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Snapshot", "VM.Snapshot.Rollback", any_of=True)
    name = call.params["snapname"]
    start_after = bool(call.params.get("start"))

    async def work(task: Any) -> None:
        if g.is_template:
            raise TaskError(f"you can't rollback if {'vm' if kind == 'qemu' else 'ct'} is a template")
        snap = g.snapshots.get(name)
        if snap is None:
            raise TaskError(f"snapshot '{name}' does not exist")
        _check_lock(g)
        g.config["lock"] = "rollback"
        if g.status != "stopped":
            task.add_log(f"stopping {_label(g)} {g.vmid} for the rollback")
            g.status, g.started_at = "stopped", 0.0
        await call.sim.tasks.sleep(task)
        g.config = {**copy.deepcopy(snap["config"]), "lock": "rollback"}
        g.pending, g.pending_delete = {}, {}
        _set_parent(g, name)
        if (kind == "qemu" and snap.get("vmstate")) or start_after:  # a snapshot with RAM resumes running
            task.add_log(f"starting {_label(g)} {g.vmid}")
            g.status, g.started_at = "running", time.time()

    def finish(task: Any, ok: bool) -> None:
        if g.config.get("lock") == "rollback":
            g.config.pop("lock", None)

    return call.sim.tasks.start(g.node, f"{_prefix(kind)}rollback", str(g.vmid), call.auth.auth_id, work, finish)


def _snapshot_or_error(g: Guest, name: str) -> dict[str, Any]:
    snap = g.snapshots.get(name)
    if snap is None:
        raise _err(500, f"snapshot '{name}' does not exist")
    return snap


def snapshot_config(call: Call, kind: str) -> dict[str, Any]:
    """GET …/snapshot/{snapname}/config: the guest's config as the snapshot saved it."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Snapshot", "VM.Snapshot.Rollback", "VM.Audit", any_of=True)
    snap = _snapshot_or_error(g, call.params["snapname"])
    out: dict[str, Any] = {**snap["config"], "snaptime": snap["snaptime"]}
    if snap.get("description"):
        out["description"] = snap["description"]
    if snap.get("vmstate"):
        out["vmstate"] = snap["vmstate"]
    if snap.get("parent"):
        out["parent"] = snap["parent"]
    return out


def update_snapshot_config(call: Call, kind: str) -> None:
    """PUT …/snapshot/{snapname}/config: only the description can change."""
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Snapshot")
    snap = _snapshot_or_error(g, call.params["snapname"])
    if "description" in call.params:
        snap["description"] = call.params["description"]
    return None


def _register(kind: str) -> None:
    base = f"/nodes/{{node}}/{kind}/{{vmid}}/snapshot"

    @route("GET", base)
    async def index(call: Call) -> Any:
        return list_snapshots(call, kind)

    @route("POST", base)
    async def create(call: Call) -> Any:
        return await create_snapshot(call, kind)

    @route("GET", base + "/{snapname}")
    async def commands(call: Call) -> Any:
        _guest(call, kind)
        return [{"cmd": "rollback"}, {"cmd": "config"}]

    @route("DELETE", base + "/{snapname}")
    async def delete(call: Call) -> Any:
        return await delete_snapshot(call, kind)

    @route("POST", base + "/{snapname}/rollback")
    async def rollback(call: Call) -> Any:
        return await rollback_snapshot(call, kind)

    @route("GET", base + "/{snapname}/config")
    async def get_config(call: Call) -> Any:
        return snapshot_config(call, kind)

    @route("PUT", base + "/{snapname}/config")
    async def put_config(call: Call) -> Any:
        return update_snapshot_config(call, kind)


_register("qemu")
_register("lxc")
