"""Route handlers that move guests and volumes: migrate (qemu, lxc), move_disk (qemu), move_volume (lxc).

As PVE does it: a migration of a stopped guest copies its local volumes to the target node (a running VM
needs `online` and, with local disks, `with-local-disks`; a running container needs `restart`); a moved
volume is copied to the new storage and the old one stays as `unusedN` unless `delete` is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.guestops import guest_volids, uses_only_shared_storage
from pmpc_tui.simulator.handlers import _check_lock, _err, _guest, route
from pmpc_tui.simulator.model import Guest, format_size, parse_property_string, print_property_string
from pmpc_tui.simulator.tasks import TaskError

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


def _storage_map(text: str | None) -> dict[str, str]:
    """`storage-pair-list`: `target` (every volume) or `source:target,…`."""
    if not text:
        return {}
    pairs: dict[str, str] = {}
    for part in text.split(","):
        source, _, target = part.partition(":")
        pairs[source if target else "*"] = target or source
    return pairs


def _migrate(call: Call, kind: str) -> str:
    g = _guest(call, kind)
    p, c = call.params, call.cluster
    call.require(f"/vms/{g.vmid}", "VM.Migrate")
    _check_lock(g)
    target = p["target"]
    label = "VM" if kind == "qemu" else "CT"
    if target == g.node:
        raise _err(400, "Parameter verification failed.", {"target": "target is local node."})
    if target not in c.nodes or not c.nodes[target].online:
        raise _err(500, f"target node '{target}' is not online" if target in c.nodes
                   else f"no such cluster node '{target}'")
    running = g.status in ("running", "paused")
    local = not uses_only_shared_storage(c, g)
    if running and kind == "qemu" and not p.get("online"):
        raise _err(500, "can't migrate running VM without --online")
    if running and kind == "qemu" and local and not p.get("with-local-disks"):
        raise _err(500, "can't live migrate attached local disks without with-local-disks option")
    if running and kind == "lxc" and not p.get("restart"):
        raise _err(500, f"CT {g.vmid} is running - use online migration or restart mode")
    pairs = _storage_map(p.get("targetstorage") if kind == "qemu" else p.get("target-storage"))
    for sid in set(pairs.values()):
        st = c.storages.get(sid)
        if st is None or not st.available_on(target):
            raise _err(500, f"storage '{sid}' is not available on node '{target}'")
    g.config["lock"] = "migrate"

    async def work(task: Any) -> None:
        task.add_log(f"starting migration of {label} {g.vmid} to node '{target}'")
        if running and kind == "lxc":
            task.add_log(f"shutdown CT {g.vmid}")
        await call.sim.tasks.sleep(task, 0.2)
        await _carry_volumes(call, g, target, pairs, task)
        if running and kind == "qemu":
            await _copy_progress(call, task, "migration active, transferred {done} of {size} VM-state",
                                 g.maxmem())
            task.add_log("migration status: completed")
        if running and kind == "lxc":
            task.add_log(f"start container on target node '{target}'")
        g.node = target
        task.add_log(f"migration finished successfully (duration 00:00:0{STEPS})")

    def finish(task: Any, ok: bool) -> None:
        if g.config.get("lock") == "migrate":
            g.config.pop("lock", None)

    task_type = "qmigrate" if kind == "qemu" else "vzmigrate"
    return call.sim.tasks.start(g.node, task_type, str(g.vmid), call.auth.auth_id, work, finish)


STEPS = 4  # progress lines per copied volume (and for a running VM's RAM)


def _gib(size: int) -> str:
    return f"{size / 1024 ** 3:.1f} GiB" if size >= 1024 ** 3 else f"{size / 1024 ** 2:.1f} MiB"


async def _copy_progress(call: Call, task: Any, text: str, size: int) -> None:
    """Lines as PVE writes them while it copies: `drive-scsi0: transferred 8.0 GiB of 32.0 GiB (25.00%) in 1s`
    for a disk (`text` holds {done} and {size}), `migration active, transferred … VM-state` for RAM."""
    for i in range(1, STEPS + 1):
        await call.sim.tasks.sleep(task, 0.8 / (STEPS * 2))
        done = size * i // STEPS
        line = text.format(done=_gib(done), size=_gib(size))
        if "VM-state" in text:
            task.add_log(line)
        else:  # a live mirror says how long it took so far, qemu-img convert does not
            task.add_log(f"{line} ({i * 100 / STEPS:.2f}%)" + (f" in {i}s" if text.startswith("drive-") else ""))


async def clone_progress(call: Call, task: Any, src: Guest) -> None:
    """A full clone's copy lines, one drive after another: `transferred 8.0 GiB of 32.0 GiB (25.00%)`."""
    for key, volid in guest_volids(src).items():
        vol = call.cluster.find_volume(volid, src.node)
        if vol is None or vol.vmid != src.vmid:
            continue
        task.add_log(f"create full clone of drive {key} ({volid})")
        await _copy_progress(call, task, "transferred {done} of {size}", vol.size)


async def _carry_volumes(call: Call, g: Guest, target: str, pairs: dict[str, str], task: Any) -> None:
    """Copy the guest's local volumes to `target` (to another storage where `pairs` says so), with progress."""
    c = call.cluster
    log = task.add_log
    dkey = "file" if g.kind == "qemu" else "volume"
    for key, volid in guest_volids(g).items():
        vol = c.find_volume(volid, g.node)
        if vol is None or vol.vmid != g.vmid:
            continue  # an ISO, or a cloud-init drive that is regenerated
        new_storage = pairs.get(vol.storage, pairs.get("*", vol.storage))
        if vol.node is None and new_storage == vol.storage:
            continue  # shared: nothing to copy
        log(f"found local disk '{volid}' (attached)")
        if c.free_space(new_storage, target) < vol.size and new_storage != vol.storage:
            raise TaskError(f"migration aborted: no space left on storage '{new_storage}'")
        await _copy_progress(call, task, f"drive-{key}: transferred {{done}} of {{size}}", vol.size)
        if new_storage == vol.storage:
            vol.node = target
            log(f"copied {volid} to node '{target}'")
            continue
        if c.free_space(new_storage, target) < vol.size:
            raise TaskError(f"migration aborted: no space left on storage '{new_storage}'")
        copy = c.allocate_volume(new_storage, target, g.vmid, g.kind, vol.size)
        del c.volumes[next(k for k, v in c.volumes.items() if v is vol)]
        drive = parse_property_string(str(g.config[key]), dkey)
        drive[dkey] = copy.volid
        g.config[key] = print_property_string(drive, (dkey,), bare_first=True)
        log(f"copied {volid} to {copy.volid} on node '{target}'")


def _move(call: Call, kind: str) -> str:
    g = _guest(call, kind)
    p, c = call.params, call.cluster
    key = p["disk"] if kind == "qemu" else p["volume"]
    call.require(f"/vms/{g.vmid}", "VM.Config.Disk")
    _check_lock(g)
    if p.get("digest") and p["digest"] != g.digest():
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")
    target_vmid = p.get("target-vmid")
    if p.get("storage") and target_vmid is not None:
        raise _err(500, "either set storage or target-vmid, but not both")
    if target_vmid is not None and target_vmid != g.vmid:
        return _reassign(call, g, kind, key, int(target_vmid))
    if not p.get("storage"):
        raise _err(500, "Provide either a 'storage' to move the disk to a different storage or 'target-vmid' and "
                        f"'target-{'disk' if kind == 'qemu' else 'volume'}' to move the disk to another "
                        f"{'VM' if kind == 'qemu' else 'CT'}")
    if kind == "lxc" and g.status == "running":
        raise _err(500, "cannot move volumes of a running container")
    if key not in g.config:
        raise _err(500, f"disk '{key}' does not exist" if kind == "qemu" else f"volume '{key}' does not exist")
    dkey = "file" if kind == "qemu" else "volume"
    drive = parse_property_string(str(g.config[key]), dkey) if not key.startswith("unused") \
        else {dkey: str(g.config[key])}
    if drive.get("media") == "cdrom":
        raise _err(500, f"you can't move a cdrom drive ({key})")
    storage = p.get("storage")
    st = c.storages.get(storage or "")
    if st is None or not st.available_on(g.node):
        raise _err(500, f"storage '{storage}' does not exist")
    old = c.find_volume(drive[dkey], g.node)
    if old is None:
        raise _err(500, f"volume '{drive[dkey]}' does not exist")
    if old.storage == storage:
        raise _err(500, f"unable to move disk '{key}' - source and target storage are the same")
    if c.free_space(storage or "", g.node) < old.size:
        raise _err(500, f"not enough free space on storage '{storage}'")
    g.config["lock"] = "disk" if kind == "lxc" else g.config.get("lock", "")
    if not g.config["lock"]:
        g.config.pop("lock")

    async def work(task: Any) -> None:
        task.add_log(f"moving {key} ({old.volid}) to storage '{storage}'")
        total = old.size / 1024**3
        for step in range(1, 5):  # as the drive mirror (qemu) and the volume copy log their progress
            await call.sim.tasks.sleep(task, 0.25)
            task.add_log(f"{'drive-' if kind == 'qemu' else ''}{key}: transferred {total * step / 4:.1f} GiB of "
                         f"{total:.1f} GiB ({step * 25:.2f}%) in {step}s")
        new = c.allocate_volume(storage or "", g.node, g.vmid, kind, old.size)
        drive[dkey] = new.volid
        drive["size"] = format_size(old.size)
        g.config[key] = print_property_string(drive, (dkey,), bare_first=True)
        if p.get("delete"):
            del c.volumes[next(k for k, v in c.volumes.items() if v is old)]
            task.add_log(f"removed {old.volid}")
        else:
            index = 0
            while f"unused{index}" in g.config:
                index += 1
            g.config[f"unused{index}"] = old.volid
            task.add_log(f"{old.volid} kept as unused{index}")

    def finish(task: Any, ok: bool) -> None:
        if g.config.get("lock") == "disk":
            g.config.pop("lock", None)

    task_type = "qmmove" if kind == "qemu" else "move_volume"
    return call.sim.tasks.start(g.node, task_type, str(g.vmid), call.auth.auth_id, work, finish)


def _reassign(call: Call, g: Guest, kind: str, key: str, target_vmid: int) -> str:
    """Hand the volume behind `key` to another guest on the same node (renamed for its new owner)."""
    p, c = call.params, call.cluster
    label = "VM" if kind == "qemu" else "CT"
    target = c.guests.get(target_vmid)
    if target is None or target.kind != kind:
        raise _err(500, f"{label} {target_vmid} does not exist" if target is None
                   else f"{label} {target_vmid} is not a {'VM' if kind == 'qemu' else 'container'}")
    call.require(f"/vms/{target_vmid}", "VM.Config.Disk")
    if target.node != g.node:
        raise _err(500, f"Both {label}s need to be on the same node {g.node} but target {label} {target_vmid} "
                        f"is on {target.node}")
    _check_lock(target)
    if g.config.get("template") or target.config.get("template"):
        raise _err(500, f"Can't move disks from or to template {label}s")
    if p.get("target-digest") and p["target-digest"] != target.digest():
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")
    if key not in g.config:
        raise _err(500, f"disk '{key}' does not exist" if kind == "qemu" else f"volume '{key}' does not exist")
    if kind == "lxc" and key == "rootfs":
        raise _err(500, "cannot reassign the rootfs of a container")
    target_key = p.get("target-disk" if kind == "qemu" else "target-volume") or key
    if key.startswith("unused") != target_key.startswith("unused"):
        raise _err(500, f"cannot move '{key}' to '{target_key}': an unused disk stays unused, a drive stays a "
                        "drive")
    if target_key in target.config:
        raise _err(500, f"target {'disk' if kind == 'qemu' else 'volume'} key '{target_key}' is already in use "
                        f"for {label} {target_vmid}")
    if not key.startswith("unused") and g.status == "running":
        raise _err(500, f"cannot move '{key}' of running {label} {g.vmid} to another guest - detach it first")
    if not key.startswith("unused") and target.status == "running":
        raise _err(500, f"cannot add '{target_key}' to running {label} {target_vmid} - stop it first")
    dkey = "file" if kind == "qemu" else "volume"
    unused = key.startswith("unused")
    drive = {dkey: str(g.config[key])} if unused else parse_property_string(str(g.config[key]), dkey)
    if drive.get("media") == "cdrom":
        raise _err(500, f"you can't move a cdrom drive ({key})")
    old = c.find_volume(drive[dkey], g.node)
    if old is None or old.vmid != g.vmid:
        raise _err(500, f"volume '{drive[dkey]}' is not owned by {label} {g.vmid}")

    async def work(task: Any) -> None:
        task.add_log(f"reassigning {key} ({old.volid}) to {label} {target_vmid} as {target_key}")
        await call.sim.tasks.sleep(task)
        volid, _fmt = c.next_disk_name(old.storage, target_vmid, kind)
        store_key = next(k for k, v in c.volumes.items() if v is old)
        del c.volumes[store_key]
        old.volid, old.vmid = volid, target_vmid
        c.volumes[volid] = old
        drive[dkey] = volid
        g.config.pop(key, None)
        target.config[target_key] = volid if unused else print_property_string(drive, (dkey,), bare_first=True)
        task.add_log(f"renamed to {volid}")

    task_type = "qmmove" if kind == "qemu" else "move_volume"
    return call.sim.tasks.start(g.node, task_type, str(g.vmid), call.auth.auth_id, work)


@route("PUT", "/nodes/{node}/qemu/{vmid}/unlink")
async def qemu_unlink(call: Call) -> None:
    """Remove drives from the config (kept as unusedN, or destroyed with `force`; unusedN always destroyed)."""
    import re

    from pmpc_tui.simulator.configupdate import update_config

    g = _guest(call, "qemu")
    call.require(f"/vms/{g.vmid}", "VM.Config.Disk")
    _check_lock(g)
    keys = [k for k in re.split(r"[,;\s]+", call.params["idlist"]) if k]
    update_config(call.cluster, g, {}, keys, force=bool(call.params.get("force")))
    return None


@route("POST", "/nodes/{node}/qemu/{vmid}/migrate")
async def qemu_migrate(call: Call) -> str:
    return _migrate(call, "qemu")


@route("POST", "/nodes/{node}/lxc/{vmid}/migrate")
async def lxc_migrate(call: Call) -> str:
    return _migrate(call, "lxc")


@route("POST", "/nodes/{node}/qemu/{vmid}/move_disk")
async def qemu_move_disk(call: Call) -> str:
    return _move(call, "qemu")


@route("POST", "/nodes/{node}/lxc/{vmid}/move_volume")
async def lxc_move_volume(call: Call) -> str:
    return _move(call, "lxc")
