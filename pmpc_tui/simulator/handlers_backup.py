"""Route handlers for backups: vzdump, restore (qmrestore / pct restore), backup volumes, what Ansible reads.

As PVE does it: one vzdump task per node backs up the listed guests that live there (a node with none of
them answers `OK` and starts nothing); each guest is locked `backup` while its archive is written, and its
log shows progress lines such as `INFO:  45% (14.4 GiB of 32.0 GiB) in 9s, …`. A failed guest makes the
whole job end with `job errors`. Restoring over an existing guest needs `force` and a stopped guest.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.backupvol import BackupVolume, archive_path, new_backup, store
from pmpc_tui.simulator.guestops import drive_key, is_cloudinit, is_drive, normalize_guest_config, release_volumes
from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.model import (
    GiB,
    Guest,
    format_size,
    parse_property_string,
    parse_size,
    print_property_string,
)
from pmpc_tui.simulator.tasks import TaskError

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

GUEST_SECONDS = 2.0  # one guest's backup or restore at speed 1.0
STEPS = 10
_VMID_LIST = re.compile(r"^\d+([,;\s]+\d+)*$")


def _label(kind: str) -> str:
    return "VM" if kind == "qemu" else "CT"


def _gib(size: float) -> str:
    return f"{size / GiB:.1f} GiB"


def _vmid_list(text: str | None, name: str) -> list[int]:
    if not text:
        return []
    if not _VMID_LIST.match(text.strip()):
        raise _err(400, "Parameter verification failed.",
                   {name: "invalid format - value does not look like a valid VMID\n"})
    return [int(v) for v in re.split(r"[,;\s]+", text.strip()) if v]


def _backup_storage(call: Call, sid: str, node: str) -> None:
    st = call.cluster.storages.get(sid)
    if st is None:
        raise _err(500, f"storage '{sid}' does not exist")
    if not st.available_on(node):
        raise _err(500, f"storage '{sid}' is not available on node '{node}'")
    if "backup" not in st.content:
        raise _err(500, f"can't use storage '{sid}' for backups - wrong content type")


def _disk_bytes(call: Call, g: Guest) -> int:
    dkey = drive_key(g.kind)
    total = 0
    for key, value in g.config.items():
        if is_drive(g.kind, key):
            drive = parse_property_string(str(value), dkey)
            if drive.get("media") != "cdrom" and not is_cloudinit(drive.get(dkey, "")):
                total += parse_size(drive.get("size", "0"))
    return total or 4 * GiB


# --- vzdump --------------------------------------------------------------------------------------
def _selected(call: Call, node: str) -> list[int]:
    """The VMIDs this node backs up."""
    p, c = call.params, call.cluster
    listed = _vmid_list(p.get("vmid"), "vmid")
    excluded = set(_vmid_list(p.get("exclude"), "exclude"))
    if p.get("all") and listed:
        raise _err(400, "Parameter verification failed.", {"all": "option conflicts with option 'vmid'"})
    if p.get("all"):
        return [g.vmid for g in sorted(c.guests.values(), key=lambda g: g.vmid)
                if g.node == node and g.vmid not in excluded]
    if p.get("pool"):
        pool = c.pools.get(p["pool"])
        if pool is None:
            raise _err(500, f"pool '{p['pool']}' does not exist")
        return [v for v in sorted(pool.vmids) if c.guests.get(v) and c.guests[v].node == node]
    if not listed:
        raise _err(400, "Parameter verification failed.", {"vmid": "property is missing and it is not optional"})
    # guests that exist nowhere stay in this node's list and fail visibly in the job, as PVE does
    return [v for v in listed if v not in c.guests or c.guests[v].node == node]


@route("POST", "/nodes/{node}/vzdump")
async def vzdump(call: Call) -> str:
    p = call.params
    node = p["node"]
    sid = p.get("storage", "local")
    _backup_storage(call, sid, node)
    vmids = _selected(call, node)
    call.require(f"/storage/{sid}", "Datastore.AllocateSpace")
    for vmid in vmids:
        call.require(f"/vms/{vmid}", "VM.Backup")
    if not vmids:
        return "OK"  # PVE: silent exit when the listed guests run on other nodes
    mode = p.get("mode", "snapshot")
    compress = p.get("compress", "0")
    template = p.get("notes-template")

    async def work(task: Any) -> None:
        options = f"--mode {mode} --storage {sid} --compress {compress} --node {node}"
        task.add_log(f"INFO: starting new backup job: vzdump {' '.join(map(str, vmids))} {options}")
        failed = 0
        for vmid in vmids:
            try:
                await _backup_one(call, task, vmid, node, sid, mode, compress, template)
            except TaskError as exc:
                failed += 1
                task.add_log(f"ERROR: Backup of VM {vmid} failed - {exc}")
        if failed:
            raise TaskError("job errors")
        task.add_log("INFO: Backup job finished successfully")

    task_id = str(vmids[0]) if len(vmids) == 1 else ""
    return call.sim.tasks.start(node, "vzdump", task_id, call.auth.auth_id, work)


async def _backup_one(call: Call, task: Any, vmid: int, node: str, sid: str, mode: str, compress: str,
                      template: str | None) -> None:
    c = call.cluster
    g = c.guests.get(vmid)
    if g is None or g.node != node:
        raise TaskError(f"unable to find VM '{vmid}'")
    label = _label(g.kind)
    started = time.time()
    task.add_log(f"INFO: Starting Backup of VM {vmid} ({g.kind})")
    task.add_log(f"INFO: Backup started at {time.strftime('%Y-%m-%d %H:%M:%S')}")
    if g.lock:
        raise TaskError(f"{label} is locked ({g.lock})")
    was = g.status
    task.add_log(f"INFO: status = {'running' if was == 'paused' else was}")
    task.add_log(f"INFO: {'VM Name' if g.kind == 'qemu' else 'CT Name'}: {g.name}")
    g.config["lock"] = "backup"
    try:
        effective = mode if was == "running" else "stop"
        task.add_log(f"INFO: backup mode: {effective}")
        if was == "running" and mode == "suspend":
            task.add_log("INFO: suspending guest" if g.kind == "qemu" else "INFO: suspending container")
            g.status = "paused" if g.kind == "qemu" else g.status
        if was == "running" and mode == "stop":
            task.add_log("INFO: stopping virtual guest")
            g.status = "stopped"
        st = c.storages[sid]
        size = _disk_bytes(call, g)
        when = time.time()
        vol = new_backup(c, sid, node, g, when, compress, _notes(template, call, g, node), size)
        task.add_log(f"INFO: creating {'Proxmox Backup Server' if st.type == 'pbs' else 'vzdump'} archive "
                     f"'{archive_path(st, vol.volid)}'")
        await _write(call, task, g.kind, size, st.type == "pbs")
        if g.status != was:
            task.add_log("INFO: resuming guest" if mode == "suspend" else "INFO: restarting vm")
            g.status = was
        store(c, vol)
        task.add_log(f"INFO: archive file size: {vol.size / GiB:.2f}GB")
        if vol.notes:
            task.add_log("INFO: adding notes to backup")
        took = int(time.time() - started)
        task.add_log(f"INFO: Finished Backup of VM {vmid} ({took // 3600:02d}:{took // 60 % 60:02d}:{took % 60:02d})")
        task.add_log(f"INFO: Backup finished at {time.strftime('%Y-%m-%d %H:%M:%S')}")
    finally:  # a failed or cancelled run leaves the guest as it found it
        g.status = was
        if g.config.get("lock") == "backup":
            g.config.pop("lock", None)


async def _write(call: Call, task: Any, kind: str, size: int, pbs: bool) -> None:
    """Spend the guest's backup time, logging progress as vzdump does (qemu and PBS archives show %)."""
    step = GUEST_SECONDS * call.sim.tasks.speed / STEPS
    for i in range(1, STEPS + 1):
        await asyncio.sleep(step)
        if kind == "qemu" or pbs:
            done = size * i // STEPS
            seconds = max(1, int(step * i))
            task.add_log(f"INFO: {i * 100 // STEPS:3d}% ({_gib(done)} of {_gib(size)}) in {seconds}s, "
                         f"read: {_gib(done / seconds)}/s, write: {_gib(done / seconds / 6)}/s")
    if kind == "lxc" and not pbs:
        task.add_log(f"INFO: Total bytes written: {size // 3} ({_gib(size // 3)}, 210 MiB/s)")


def _notes(template: str | None, call: Call, g: Guest, node: str) -> str | None:
    if not template:
        return None
    values = {"guestname": g.name, "vmid": str(g.vmid), "node": node, "cluster": call.cluster.name}
    return re.sub(r"\{\{(\w+)\}\}", lambda m: values.get(m.group(1), m.group(0)), template).replace("\\n", "\n")


# --- restore -------------------------------------------------------------------------------------
def is_restore(params: dict[str, Any], kind: str) -> bool:
    """A create request that restores an archive (qmrestore: `archive`; pct restore: `restore=1`)."""
    return bool(params.get("archive")) if kind == "qemu" else bool(params.get("restore"))


def restore_guest(call: Call, kind: str) -> str:
    """`POST /nodes/{node}/qemu` with `archive`, or `…/lxc` with `ostemplate`=archive and `restore=1`."""
    p, c = call.params, call.cluster
    node, vmid = p["node"], p["vmid"]
    label = _label(kind)
    emsg = f"unable to restore {label} {vmid} -"
    volid = p["archive"] if kind == "qemu" else p["ostemplate"]
    archive = c.find_volume(volid, node)
    if not isinstance(archive, BackupVolume):
        raise _err(500, f"{emsg} volume '{volid}' does not exist")
    if archive.subtype != kind:
        raise _err(500, f"{emsg} archive '{volid}' is not a {'VM' if kind == 'qemu' else 'container'} backup")
    existing = c.guests.get(vmid)
    if existing is not None:
        call.require(f"/vms/{vmid}", "VM.Backup")
        if not p.get("force"):
            raise _err(500, f"{_label(existing.kind)} {vmid} already exists on node '{existing.node}'")
        if existing.node != node or existing.kind != kind:
            conf = "qemu-server" if kind == "qemu" else "lxc"
            raise _err(500, f"Configuration file 'nodes/{node}/{conf}/{vmid}.conf' does not exist")
        if existing.status != "stopped":
            raise _err(500, f"{emsg} vm is running" if kind == "qemu" else "can't overwrite running container")
        if existing.lock:
            raise _err(500, f"{label} is locked ({existing.lock})")
        if str(existing.config.get("protection", "0")) == "1":
            raise _err(500, f"{emsg} can't overwrite {label} {vmid} - protection mode enabled")
    else:
        call.require(f"/vms/{vmid}", "VM.Allocate")
    storage = p.get("storage")
    if storage is not None:
        st = c.storages.get(storage)
        wanted = "images" if kind == "qemu" else "rootdir"
        if st is None or not st.available_on(node):
            raise _err(500, f"storage '{storage}' does not exist")
        if wanted not in st.content:
            raise _err(500, f"storage '{storage}' does not support content-type '{wanted}'")
        call.require(f"/storage/{storage}", "Datastore.AllocateSpace")
    placeholder = existing or Guest(vmid, kind, node, {})
    placeholder.config["lock"] = "create"
    if existing is None:
        c.guests[vmid] = placeholder

    async def work(task: Any) -> None:
        pbs = archive.format.startswith("pbs-")
        task.add_log(_restore_header(c, archive, kind))
        size = _archive_disk_bytes(archive)
        await _read(call, task, kind, size, pbs)
        if existing is not None:
            for old in release_volumes(c, existing):
                task.add_log(f"removing old volume '{old}'")
        config = _restored_config(call, archive, node, vmid, storage, task.add_log)
        if p.get("unique") or vmid != archive.vmid:
            config = normalize_guest_config(c, node, kind, config, fresh_identity=bool(p.get("unique")))
        placeholder.config = config
        placeholder.status = "stopped"
        placeholder.snapshots = {}
        task.add_log("rescan volumes..." if kind == "qemu" else "merging backed-up and given configuration..")

    def finish(task: Any, ok: bool) -> None:
        if placeholder.config.get("lock") == "create":
            placeholder.config.pop("lock", None)
        if not ok and existing is None and c.guests.get(vmid) is placeholder:
            release_volumes(c, placeholder)
            del c.guests[vmid]

    task_type = "qmrestore" if kind == "qemu" else "vzrestore"
    return call.sim.tasks.start(node, task_type, str(vmid), call.auth.auth_id, work, finish)


def _restore_header(c: Any, archive: BackupVolume, kind: str) -> str:
    st = c.storages[archive.storage]
    path = archive_path(st, archive.volid)
    if archive.format.startswith("pbs-"):
        return f"restore {'image' if kind == 'qemu' else 'archive'} from Proxmox Backup Server '{path}'"
    if kind == "qemu":
        return f"restore vma archive: vma extract -v -r /var/tmp/vzdumptmp.fifo {path} /var/tmp/vzdumptmp"
    return f"extracting archive '{path}'"


def _archive_disk_bytes(archive: BackupVolume) -> int:
    dkey = drive_key(archive.subtype)
    total = 0
    for key, value in archive.guest_config.items():
        if is_drive(archive.subtype, key):
            drive = parse_property_string(str(value), dkey)
            if drive.get("media") != "cdrom" and not is_cloudinit(drive.get(dkey, "")):
                total += parse_size(drive.get("size", "0"))
    return total or 4 * GiB


async def _read(call: Call, task: Any, kind: str, size: int, pbs: bool) -> None:
    """Spend the restore's time, logging progress as qmrestore does (a container archive shows none)."""
    step = GUEST_SECONDS * call.sim.tasks.speed / STEPS
    for i in range(1, STEPS + 1):
        await asyncio.sleep(step)
        done = size * i // STEPS
        if pbs:
            task.add_log(f"restore: transferred {_gib(done)} of {_gib(size)} ({i * 100 / STEPS:.2f}%) "
                         f"in {max(1, int(step * i))}s")
        elif kind == "qemu":
            task.add_log(f"progress {i * 100 // STEPS}% (read {done} bytes, duration {int(step * i)} sec)")
    if kind == "lxc" and not pbs:
        task.add_log(f"Total bytes read: {size // 3} ({_gib(size // 3)}, 240MiB/s)")


def _restored_config(call: Call, archive: BackupVolume, node: str, vmid: int, storage: str | None,
                     log: Any) -> dict[str, Any]:
    """The archive's config with new volumes for its disks (on `storage`, else where they were)."""
    c = call.cluster
    kind = archive.subtype
    dkey = drive_key(kind)
    wanted = "images" if kind == "qemu" else "rootdir"
    config = {k: v for k, v in archive.guest_config.items() if not k.startswith("unused")}
    for key in sorted(config):
        if not is_drive(kind, key):
            continue
        drive = parse_property_string(str(config[key]), dkey)
        volume = drive.get(dkey, "")
        if drive.get("media") == "cdrom" and not is_cloudinit(volume):
            continue
        target = storage or volume.split(":", 1)[0]
        st = c.storages.get(target)
        if st is None or not st.available_on(node) or wanted not in st.content:
            raise TaskError(f"unable to restore {_label(kind)} {vmid} - storage '{target}' is not available "
                            f"on node '{node}'")
        if is_cloudinit(volume):
            drive[dkey] = f"{target}:vm-{vmid}-cloudinit"
        else:
            size = parse_size(drive.get("size", "0"))
            if c.free_space(target, node) < size:
                raise TaskError(f"unable to restore {_label(kind)} {vmid} - no space left on storage '{target}'")
            vol = c.allocate_volume(target, node, vmid, kind, size)
            log(f"new volume ID is '{vol.volid}'")
            drive[dkey] = vol.volid
            drive["size"] = format_size(size)
        config[key] = print_property_string(drive, (dkey,), bare_first=True)
    return config


# --- backup volumes ------------------------------------------------------------------------------
def _volume(call: Call) -> BackupVolume | Any:
    p, c = call.params, call.cluster
    node, sid, volume = p["node"], p.get("storage"), p["volume"]
    volid = volume if ":" in volume else f"{sid}:{volume}"
    if sid is not None and not volid.startswith(f"{sid}:"):
        raise _err(500, f"volume '{volid}' is not on storage '{sid}'")
    storage = volid.split(":", 1)[0]
    st = c.storages.get(storage)
    if st is None or not st.available_on(node):
        raise _err(500, f"storage '{storage}' does not exist")
    vol = c.find_volume(volid, node)
    if vol is None:
        raise _err(500, f"volume '{volid}' does not exist")
    return vol


def _require_backup_access(call: Call, vol: Any, owner_priv: str, storage_priv: str) -> None:
    if isinstance(vol, BackupVolume) and vol.vmid is not None:
        call.require(f"/storage/{vol.storage}", storage_priv)
        call.require(f"/vms/{vol.vmid}", owner_priv)
    else:
        call.require(f"/storage/{vol.storage}", "Datastore.Allocate")


@route("GET", "/nodes/{node}/storage/{storage}/content/{volume}")
async def volume_attributes(call: Call) -> dict[str, Any]:
    vol = _volume(call)
    call.require(f"/storage/{vol.storage}", "Datastore.Audit", "Datastore.AllocateSpace", any_of=True)
    st = call.cluster.storages[vol.storage]
    entry: dict[str, Any] = {"format": vol.format, "size": vol.size, "used": vol.size,
                             "path": archive_path(st, vol.volid) if vol.content == "backup" else vol.volid}
    if isinstance(vol, BackupVolume):
        entry["protected"] = 1 if vol.protected else 0
        if vol.notes:
            entry["notes"] = vol.notes
    return entry


@route("PUT", "/nodes/{node}/storage/{storage}/content/{volume}")
async def volume_update(call: Call) -> None:
    vol = _volume(call)
    _require_backup_access(call, vol, "VM.Backup", "Datastore.AllocateSpace")
    if not isinstance(vol, BackupVolume):
        raise _err(500, "volume attributes can only be changed on backups")
    if "notes" in call.params:
        vol.notes = call.params["notes"] or None
    if "protected" in call.params:
        vol.protected = bool(call.params["protected"])
    return None


@route("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}")
async def volume_delete(call: Call) -> str:
    vol = _volume(call)
    node = call.params["node"]
    _require_backup_access(call, vol, "VM.Backup", "Datastore.AllocateSpace")
    if isinstance(vol, BackupVolume) and vol.protected:
        raise _err(500, f"cannot delete protected backup '{vol.volid}'")
    c = call.cluster

    async def work(task: Any) -> None:
        await asyncio.sleep(0.2 * call.sim.tasks.speed)
        key = next((k for k, v in c.volumes.items() if v is vol), None)
        if key is None:
            raise TaskError(f"volume '{vol.volid}' does not exist")
        del c.volumes[key]
        task.add_log(f"Removed volume '{vol.volid}'")

    # the task id is the volume id; a UPID cannot hold its colons, so the owner's VMID stands in
    return call.sim.tasks.start(node, "imgdel", str(vol.vmid or ""), call.auth.auth_id, work)


# --- what Ansible's proxmox_backup / proxmox_backup_info read ------------------------------------
@route("GET", "/access/permissions")
async def permissions(call: Call) -> dict[str, dict[str, int]]:
    access = call.sim.access
    paths = [call.params["path"]] if call.params.get("path") else \
        ["/", "/vms", "/storage", "/nodes", "/pool", "/access", "/sdn", "/mapping"] \
        + [f"/storage/{s}" for s in sorted(call.cluster.storages)] + [f"/vms/{v}" for v in sorted(call.cluster.guests)]
    out: dict[str, dict[str, int]] = {}
    for path in paths:
        held = access.privileges(call.auth, path)
        if held:
            out[path] = {priv: 1 for priv in sorted(held)}
    return out
