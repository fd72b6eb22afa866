"""Route handlers of the simulator, one small function per documented endpoint."""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.backupvol import BackupVolume
from pmpc_tui.simulator.configupdate import apply_pending, update_config
from pmpc_tui.simulator.guestops import (
    allocate_drives,
    check_drive_storage,
    guest_list_entry,
    guest_status,
    normalize_guest_config,
    release_volumes,
    uses_only_shared_storage,
)
from pmpc_tui.simulator.model import (
    GiB,
    Guest,
    format_size,
    parse_property_string,
    parse_size,
    print_property_string,
)
from pmpc_tui.simulator.pending import config_with_pending, pending_entries
from pmpc_tui.simulator.purge import purge_guest, unpurged_ha_refusal
from pmpc_tui.simulator.specs_guest import CONTROL_PARAMS
from pmpc_tui.simulator.tasks import TaskError

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

ROUTES: dict[tuple[str, str], Callable[[Call], Awaitable[Any]]] = {}


def route(method: str, template: str) -> Callable[[Callable[[Call], Awaitable[Any]]], Callable[[Call], Awaitable[Any]]]:
    def register(fn: Callable[[Call], Awaitable[Any]]) -> Callable[[Call], Awaitable[Any]]:
        ROUTES[(method, template)] = fn
        return fn
    return register


def _err(status: int, message: str, errors: dict[str, str] | None = None) -> Exception:
    from pmpc_tui.simulator.api import ApiError

    return ApiError(status, message, errors)


# --- access --------------------------------------------------------------------------------------
@route("GET", "/access/ticket")
async def get_ticket(call: Call) -> None:
    return None


@route("POST", "/access/ticket")
async def post_ticket(call: Call) -> dict[str, Any]:
    p = call.params
    access = call.sim.access
    userid = access.login(p["username"], p["password"], p.get("realm"))
    if userid is None:
        raise _err(401, "authentication failure")
    return {
        "username": userid,
        "ticket": access.make_ticket(userid),
        "CSRFPreventionToken": access.make_csrf(userid),
        "clustername": call.cluster.name,
        "cap": {"vms": {}, "storage": {}, "nodes": {}, "access": {}, "dc": {}, "sdn": {}},
    }


@route("GET", "/access/domains")
async def get_domains(call: Call) -> list[dict[str, Any]]:
    out = []  # what the login box needs; the rest needs `GET /access/domains/{realm}`
    for realm, options in sorted(call.sim.access.realms.items()):
        entry = {"realm": realm, **{k: v for k, v in options.items() if k in ("type", "comment")}}
        if options.get("tfa"):  # the provider only (`type=oath,…` -> `oath`)
            entry["tfa"] = str(options["tfa"]).split(",")[0].removeprefix("type=")
        out.append(entry)
    return out


# --- cluster -------------------------------------------------------------------------------------
@route("GET", "/version")
async def get_version(call: Call) -> dict[str, Any]:
    return {"version": "9.1.1", "release": "9.1", "repoid": "42ab1c5e", "console": "xtermjs"}


@route("GET", "/cluster/status")
async def cluster_status(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    nodes = call.cluster.nodes.values()
    online = sum(1 for n in nodes if n.online)
    out: list[dict[str, Any]] = [{
        "type": "cluster", "id": "cluster", "name": call.cluster.name, "nodes": len(nodes),
        "quorate": 1 if online * 2 > len(nodes) else 0, "version": 4 + len(nodes),
    }]
    first = min(call.cluster.nodes)
    for n in nodes:
        out.append({"type": "node", "id": f"node/{n.name}", "name": n.name, "nodeid": n.nodeid, "ip": n.ip,
                    "online": 1 if n.online else 0, "local": 1 if n.name == first else 0, "level": ""})
    return out


def _node_resource(call: Call, name: str) -> dict[str, Any]:
    c = call.cluster
    n = c.nodes[name]
    entry: dict[str, Any] = {"id": f"node/{name}", "type": "node", "node": name,
                             "status": "online" if n.online else "offline"}
    if n.online:
        disk_used = 3 * GiB + (n.maxdisk // 50)
        entry.update({"maxcpu": n.maxcpu, "cpu": c.node_cpu(name), "maxmem": n.maxmem,
                      "mem": min(n.maxmem, c.node_mem_used(name)), "maxdisk": n.maxdisk, "disk": disk_used,
                      "uptime": int(time.time() - n.boot_time), "level": "", "cgroup-mode": 2})
    return entry


def _storage_resource(call: Call, storage: str, node: str) -> dict[str, Any]:
    st = call.cluster.storages[storage]
    online = call.cluster.nodes[node].online
    return {
        "id": f"storage/{node}/{storage}", "type": "storage", "storage": storage, "node": node,
        "status": "available" if online else "unknown", "plugintype": st.type, "content": ",".join(st.content),
        "shared": 1 if st.shared else 0, "disk": call.cluster.storage_used(storage, node) if online else 0,
        "maxdisk": st.total if online else 0,
    }


@route("GET", "/cluster/resources")
async def cluster_resources(call: Call) -> list[dict[str, Any]]:
    kind = call.params.get("type")
    c = call.cluster
    out: list[dict[str, Any]] = []
    if kind is None:  # PVE 8.1+ lists the pools first, with their running members' usage
        from pmpc_tui.simulator.handlers_pools import pool_resources

        out.extend(pool_resources(call))
    if kind in (None, "vm"):
        for g in sorted(c.guests.values(), key=lambda g: g.vmid):
            if call.can(f"/vms/{g.vmid}", "VM.Audit"):
                entry = guest_list_entry(c, g, resource=True)
                if not c.nodes[g.node].online:
                    entry["status"] = "unknown"
                out.append(entry)
    if kind in (None, "node"):
        out.extend(_node_resource(call, name) for name in sorted(c.nodes)
                   if call.can(f"/nodes/{name}", "Sys.Audit"))
    if kind in (None, "storage"):
        for name in sorted(c.nodes):
            for sid, st in sorted(c.storages.items()):
                if st.available_on(name) and call.can(f"/storage/{sid}", "Datastore.Audit",
                                                      "Datastore.AllocateSpace", any_of=True):
                    out.append(_storage_resource(call, sid, name))
    if kind in (None, "sdn"):
        out.extend({"id": f"sdn/{name}/localnetwork", "type": "sdn", "sdn": "localnetwork", "node": name,
                    "status": "ok" if c.nodes[name].online else "unknown"} for name in sorted(c.nodes))
    return out


@route("GET", "/cluster/nextid")
async def cluster_nextid(call: Call) -> str:
    wanted = call.params.get("vmid")
    if wanted is not None:
        if wanted in call.cluster.guests:
            raise _err(400, "Parameter verification failed.", {"vmid": f"VM {wanted} already exists"})
        return str(wanted)
    return str(call.cluster.next_free_vmid())


@route("GET", "/cluster/tasks")
async def cluster_tasks(call: Call) -> list[dict[str, Any]]:
    tasks = [call.cluster.tasks[u] for u in reversed(call.cluster.task_order[-1000:])]
    return [_task_entry(t) for t in tasks if _may_see_task(call, t)]


# --- nodes ---------------------------------------------------------------------------------------
@route("GET", "/nodes")
async def list_nodes(call: Call) -> list[dict[str, Any]]:
    out = []
    for name in sorted(call.cluster.nodes):
        entry = _node_resource(call, name)
        entry["ssl_fingerprint"] = call.sim.fingerprint
        entry.pop("cgroup-mode", None)
        out.append(entry)
    return out


@route("GET", "/nodes/{node}/status")
async def node_status(call: Call) -> dict[str, Any]:
    name = call.params["node"]
    call.require(f"/nodes/{name}", "Sys.Audit")
    c = call.cluster
    n = c.nodes[name]
    used = min(n.maxmem, c.node_mem_used(name))
    cpu = c.node_cpu(name)
    load = f"{cpu * n.maxcpu:.2f}"
    disk_used = 3 * GiB + (n.maxdisk // 50)
    return {
        "cpu": cpu, "wait": 0.0012, "idle": 0, "uptime": int(time.time() - n.boot_time),
        "loadavg": [load, load, load],
        "memory": {"total": n.maxmem, "used": used, "free": n.maxmem - used, "available": n.maxmem - used},
        "swap": {"total": 8 * GiB, "used": 0, "free": 8 * GiB},
        "rootfs": {"total": n.maxdisk, "used": disk_used, "free": n.maxdisk - disk_used,
                   "avail": n.maxdisk - disk_used},
        "ksm": {"shared": 0},
        "cpuinfo": {"model": n.cpu_model, "cpus": n.maxcpu, "cores": max(1, n.maxcpu // 2), "sockets": 1,
                    "mhz": "3400.000", "hvm": "1", "user_hz": 100, "flags": "fpu vme de pse tsc msr pae mce"},
        "pveversion": "pve-manager/9.1.1/42ab1c5e",
        "kversion": "Linux 6.17.2-1-pve #1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-11-10T09:11Z)",
        "current-kernel": {"sysname": "Linux", "release": "6.17.2-1-pve", "machine": "x86_64",
                           "version": "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-11-10T09:11Z)"},
        "boot-info": {"mode": "efi", "secureboot": 0},
    }


# --- guests: shared helpers ----------------------------------------------------------------------
def _guest(call: Call, kind: str) -> Guest:
    vmid = call.params["vmid"]
    node = call.params["node"]
    g = call.cluster.guests.get(vmid)
    if g is None or g.kind != kind or g.node != node:
        conf = "qemu-server" if kind == "qemu" else "lxc"
        raise _err(500, f"Configuration file 'nodes/{node}/{conf}/{vmid}.conf' does not exist")
    return g


def _check_lock(g: Guest, skiplock: bool = False) -> None:
    if g.lock and not skiplock:
        label = "VM" if g.kind == "qemu" else "CT"
        raise _err(500, f"{label} is locked ({g.lock})")


def _prefix(kind: str) -> str:
    return "qm" if kind == "qemu" else "vz"


def _list_guests(call: Call, kind: str) -> list[dict[str, Any]]:
    node = call.params["node"]
    return [guest_list_entry(call.cluster, g, resource=False)
            for g in sorted(call.cluster.guests.values(), key=lambda g: g.vmid)
            if g.kind == kind and g.node == node and call.can(f"/vms/{g.vmid}", "VM.Audit")]


async def _create_guest(call: Call, kind: str) -> str:
    p = call.params
    c = call.cluster
    node, vmid = p["node"], p["vmid"]
    call.require(f"/vms/{vmid}", "VM.Allocate")
    if vmid in c.guests:
        other = c.guests[vmid]
        label = "VM" if other.kind == "qemu" else "CT"
        raise _err(500, f"{label} {vmid} already exists on node '{other.node}'")
    pool = _check_pool(call, p.get("pool"))
    config = {k: v for k, v in p.items() if k not in CONTROL_PARAMS}
    if kind == "lxc":
        template = p["ostemplate"]
        if not any(v.volid == template and (v.node in (None, node)) for v in c.volumes.values()):
            raise _err(400, "Parameter verification failed.",
                       {"ostemplate": f"volume '{template}' does not exist"})
        config.setdefault("rootfs", f"{p.get('storage', 'local')}:4")
        config.setdefault("arch", "amd64")
        config.setdefault("ostype", _ostype_from_template(template))
    drive_errors = check_drive_storage(c, node, kind, config)
    if drive_errors:
        raise _err(400, "Parameter verification failed.", drive_errors)
    config = normalize_guest_config(c, node, kind, config)
    guest = Guest(vmid, kind, node, {**config, "lock": "create"})
    c.guests[vmid] = guest
    start_after = bool(p.get("start"))

    async def work(task: Any) -> None:
        task.add_log(f"creating {'VM' if kind == 'qemu' else 'CT'} {vmid} on node '{node}'")
        await call.sim.tasks.sleep(task, 0.5)
        if c.guests.get(vmid) is not guest:
            raise TaskError(f"unable to create VM {vmid} - VM {vmid} already exists")
        try:
            allocate_drives(c, guest, task.add_log)
        except ValueError as exc:
            raise TaskError(f"unable to create {'VM' if kind == 'qemu' else 'CT'} {vmid} - {exc}") from exc
        await call.sim.tasks.sleep(task, 0.5)
        guest.config.pop("lock", None)
        if pool is not None:
            c.pools[pool].vmids.add(vmid)
        if start_after:
            _power_on(call, guest, task)

    def finish(task: Any, ok: bool) -> None:
        if not ok and c.guests.get(vmid) is guest:
            release_volumes(c, guest)
            del c.guests[vmid]
            _leave_pools(call, vmid)

    return call.sim.tasks.start(node, f"{_prefix(kind)}create", str(vmid), call.auth.auth_id, work, finish)


def _check_pool(call: Call, pool: str | None) -> str | None:
    """A create/clone `pool` must name an existing pool (PVE: check_pool_exist, a 403)."""
    if pool is not None and pool not in call.cluster.pools:
        raise _err(403, f"Permission check failed (pool '{pool}' does not exist)")
    return pool


def _leave_pools(call: Call, vmid: int) -> None:
    for pool in call.cluster.pools.values():
        pool.vmids.discard(vmid)


def _ostype_from_template(template: str) -> str:
    name = template.split("/")[-1].lower()
    for os_name in ("debian", "ubuntu", "alpine", "centos", "fedora", "archlinux", "opensuse", "gentoo"):
        if name.startswith(os_name):
            return os_name
    return "unmanaged"


def _power_on(call: Call, g: Guest, task: Any) -> None:
    c = call.cluster
    if g.status == "running":
        raise TaskError(f"{'VM' if g.kind == 'qemu' else 'CT'} {g.vmid} already running")
    node = c.nodes[g.node]
    if c.node_mem_committed(g.node) + g.maxmem() > node.maxmem:
        task.add_log("kvm: cannot set up guest memory 'pc.ram': Cannot allocate memory")
        raise TaskError("start failed: QEMU exited with code 1" if g.kind == "qemu"
                        else "startup for container failed: not enough memory on node")
    apply_pending(c, g)  # a start runs the config with its pending changes
    g.status = "running"
    g.started_at = time.time()


async def _power(call: Call, kind: str, action: str) -> str:
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.PowerMgmt")
    _check_lock(g, bool(call.params.get("skiplock")))
    label = "VM" if kind == "qemu" else "CT"
    if action == "start" and g.is_template:
        raise _err(500, f"you can't start a {'vm' if kind == 'qemu' else 'CT'} if it's a template")

    async def work(task: Any) -> None:
        task.add_log(f"{action} {label} {g.vmid}")
        await call.sim.tasks.sleep(task)
        if action == "start":
            _power_on(call, g, task)
        elif action in ("stop", "shutdown"):
            if g.status == "stopped":
                raise TaskError(f"{label} {g.vmid} not running")
            g.status = "stopped"
            g.started_at = 0.0
        elif action in ("reboot", "reset"):
            if g.status != "running":
                raise TaskError(f"{label} {g.vmid} not running")
            if action == "reboot":  # a reboot starts a new QEMU process / container: pending applies
                apply_pending(call.cluster, g)
            g.started_at = time.time()
        elif action == "suspend":
            if g.status != "running":
                raise TaskError(f"{label} {g.vmid} not running")
            g.status = "paused"
        elif action == "resume":
            if g.status != "paused":
                raise TaskError(f"{label} {g.vmid} not paused" if g.status == "running"
                                else f"{label} {g.vmid} not running")
            g.status = "running"

    return call.sim.tasks.start(g.node, f"{_prefix(kind)}{action}", str(g.vmid), call.auth.auth_id, work)


async def _delete_guest(call: Call, kind: str) -> str:
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Allocate")
    _check_lock(g, bool(call.params.get("skiplock")))
    label = "VM" if kind == "qemu" else "CT"
    if int(g.config.get("protection", 0) or 0):
        raise _err(500, f"can't remove {label} {g.vmid} - protection mode enabled")
    c = call.cluster
    refusal = unpurged_ha_refusal(c, g, bool(call.params.get("purge")))
    if refusal:
        raise _err(500, refusal)
    if g.status != "stopped" and not call.params.get("force"):
        raise _err(500, f"{label} {g.vmid} is running - destroy failed")
    g.config["lock"] = "destroyed"

    async def work(task: Any) -> None:
        await call.sim.tasks.sleep(task)
        for volid in release_volumes(c, g):
            task.add_log(f"Removing image: 100% complete...done. ({volid})")
        c.guests.pop(g.vmid, None)
        _leave_pools(call, g.vmid)
        if call.params.get("purge"):
            purge_guest(c, g, task.add_log)

    def finish(task: Any, ok: bool) -> None:
        if not ok and g.vmid in c.guests:
            g.config.pop("lock", None)

    return call.sim.tasks.start(g.node, f"{_prefix(kind)}destroy", str(g.vmid), call.auth.auth_id, work, finish)


def _get_config(call: Call, kind: str) -> dict[str, Any]:
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Audit")
    snap = call.params.get("snapshot")
    if snap:
        if snap not in g.snapshots:
            raise _err(500, f"snapshot '{snap}' does not exist")
        conf = dict(g.snapshots[snap]["config"])
    elif call.params.get("current"):
        conf = dict(g.config)
    else:  # by default PVE shows the config with its pending changes applied
        conf = config_with_pending(g)
    conf["digest"] = g.digest()
    return conf


def _config_privileges(kind: str, keys: set[str]) -> list[str]:
    privs: set[str] = set()
    for key in keys:
        base = re.sub(r"\d+$", "", key)
        if key in ("cores", "sockets", "cpu", "cpulimit", "cpuunits", "vcpus", "numa", "affinity"):
            privs.add("VM.Config.CPU")
        elif key in ("memory", "balloon", "shares", "swap"):
            privs.add("VM.Config.Memory")
        elif base in ("net",):
            privs.add("VM.Config.Network")
        elif base in ("scsi", "virtio", "sata", "ide", "efidisk", "tpmstate", "unused", "mp") or key == "rootfs":
            privs.add("VM.Config.Disk")
        elif base in ("ipconfig",) or key in ("ciuser", "cipassword", "sshkeys", "nameserver", "searchdomain"):
            privs.add("VM.Config.Cloudinit")
        else:
            privs.add("VM.Config.Options")
    return sorted(privs)


def _update_config(call: Call, kind: str, asynchronous: bool) -> Any:
    g = _guest(call, kind)
    p = call.params
    changes = {k: v for k, v in p.items() if k not in CONTROL_PARAMS}
    deletes = [d for d in re.split(r"[,;\s]+", p.get("delete", "")) if d]
    for priv in _config_privileges(kind, set(changes) | set(deletes)):
        call.require(f"/vms/{g.vmid}", priv)
    _check_lock(g, bool(p.get("skiplock")))
    if p.get("digest") and p["digest"] != g.digest():
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")
    overlap = set(changes) & set(deletes)
    if overlap:
        key = sorted(overlap)[0]
        raise _err(400, "Parameter verification failed.",
                   {"delete": f"you can't use '-{key}' and -delete {key}' at the same time"})
    reverts = [r for r in re.split(r"[,;\s]+", p.get("revert", "")) if r]
    for key in reverts:
        if key in changes:
            raise _err(400, "Parameter verification failed.",
                       {"delete": f"you can't use '-{key}' and -revert {key}' at the same time"})
        if key in deletes:
            raise _err(400, "Parameter verification failed.",
                       {"revert": f"you can't use '-delete {key}' and -revert {key}' at the same time"})
    errors = check_drive_storage(call.cluster, g.node, kind, changes)
    if errors:
        raise _err(400, "Parameter verification failed.", errors)
    for key in reverts:  # reverting a pending change: write back the current value, or drop a new key
        if key in g.config:
            changes[key] = g.config[key]
        elif key in g.pending:
            deletes.append(key)
    try:
        update_config(call.cluster, g, changes, deletes, force=bool(p.get("force")))
        failure = None
    except ValueError as exc:
        if not asynchronous:
            raise _err(500, str(exc)) from exc
        failure = str(exc)  # the POST variant does the update in its task, so the task fails
    if not asynchronous:
        return None

    async def work(task: Any) -> None:
        task.add_log(f"update VM {g.vmid}: " + " ".join(f"-{k} {'***' if 'password' in k else v}"
                                                       for k, v in changes.items()))
        await call.sim.tasks.sleep(task)
        if failure is not None:
            raise TaskError(failure)

    return call.sim.tasks.start(g.node, "qmconfig", str(g.vmid), call.auth.auth_id, work)


async def _clone(call: Call, kind: str) -> str:
    src = _guest(call, kind)
    p = call.params
    c = call.cluster
    newid = p["newid"]
    call.require(f"/vms/{src.vmid}", "VM.Clone")
    call.require(f"/vms/{newid}", "VM.Allocate")
    _check_lock(src)
    if newid in c.guests:
        raise _err(500, f"unable to create VM {newid}: config file already exists")
    target = p.get("target", src.node)
    if target not in c.nodes:
        raise _err(500, f"no such cluster node '{target}'")
    full = bool(p.get("full", 0 if src.is_template else 1))
    if not src.is_template and not full:
        raise _err(500, "Linked clone feature is not supported for drive 'scsi0'" if kind == "qemu"
                   else "parameter 'full' is only supported for templates")
    if kind == "lxc" and src.status == "running" and not p.get("snapname"):
        raise _err(500, "Cannot do full clones on a running container without snapshots")
    pool = _check_pool(call, p.get("pool"))
    storage = p.get("storage")
    if storage is not None and (storage not in c.storages or not c.storages[storage].available_on(target)):
        raise _err(400, "Parameter verification failed.", {"storage": f"storage '{storage}' does not exist"})
    if storage is not None and target != src.node and not c.storages[storage].shared:
        raise _err(500, f"can't clone to non-shared storage '{storage}'")
    if storage is not None and not full:
        raise _err(500, "parameter 'storage' not allowed for linked clones")
    if target != src.node and not uses_only_shared_storage(c, src):
        label = "VM" if kind == "qemu" else "CT"
        raise _err(500, f"can't clone {label} to node '{target}' ({label} uses local storage)")
    config = copy.deepcopy(src.config)
    for key in ("template", "lock"):
        config.pop(key, None)
    name_key = "name" if kind == "qemu" else "hostname"
    config[name_key] = p.get("name") or p.get("hostname") or f"Copy-of-VM-{config.get(name_key, src.vmid)}"
    if "description" in p:
        config["description"] = p["description"]
    config = normalize_guest_config(c, target, kind, config, fresh_identity=True)
    clone = Guest(newid, kind, target, {**config, "lock": "clone"}, firewall=copy.deepcopy(src.firewall))
    c.guests[newid] = clone
    src.config["lock"] = "clone"

    async def work(task: Any) -> None:
        task.add_log(f"create {'full' if full else 'linked'} clone of drive(s) from {src.vmid}")
        await call.sim.tasks.sleep(task, 0.1)
        if full:  # qemu-img convert / rsync progress as PVE logs it
            from pmpc_tui.simulator.handlers_move import clone_progress

            await clone_progress(call, task, src)
        await call.sim.tasks.sleep(task, 0.1)
        try:
            allocate_drives(c, clone, task.add_log, clone_from=src, storage_override=storage)
        except ValueError as exc:
            raise TaskError(f"clone failed: {exc}") from exc
        await call.sim.tasks.sleep(task, 0.5)
        clone.config.pop("lock", None)
        if pool is not None:
            c.pools[pool].vmids.add(newid)

    def finish(task: Any, ok: bool) -> None:
        if src.config.get("lock") == "clone":
            src.config.pop("lock", None)
        if not ok and c.guests.get(newid) is clone:
            release_volumes(c, clone)
            del c.guests[newid]

    return call.sim.tasks.start(src.node, f"{_prefix(kind)}clone", str(src.vmid), call.auth.auth_id, work, finish)


async def _resize(call: Call, kind: str) -> str:
    """PVE 9 runs the whole resize in its task: a missing disk, a CD-ROM or shrinking fail the task."""
    g = _guest(call, kind)
    p = call.params
    c = call.cluster
    call.require(f"/vms/{g.vmid}", "VM.Config.Disk")
    disk, text = p["disk"], p["size"]
    default_key = "volume" if kind == "lxc" else "file"

    async def work(task: Any) -> None:
        await call.sim.tasks.sleep(task)
        if p.get("digest") and p["digest"] != g.digest():
            raise TaskError("checksum mismatch (file change by other user?)")
        if not p.get("skiplock") and g.lock:
            raise TaskError(f"{'VM' if kind == 'qemu' else 'CT'} is locked ({g.lock})")
        if disk not in g.config:
            raise TaskError(f"disk '{disk}' does not exist")
        drive = parse_property_string(str(g.config[disk]), default_key)
        if drive.get("media") == "cdrom":
            raise TaskError("you can't resize a cdrom")
        vol = c.find_volume(drive.get(default_key, ""), g.node)
        current = vol.size if vol is not None else parse_size(drive.get("size", "0"))  # the volume's real size
        amount = parse_size(text.lstrip("+"))
        new_size = current + amount if text.startswith("+") else amount
        if new_size < current:
            raise TaskError("shrinking disks is not supported")
        if new_size == current:
            return
        if vol is not None and c.free_space(vol.storage, g.node) < new_size - current:
            raise TaskError(f"not enough free space on storage '{vol.storage}'")
        task.add_log(f"resizing {disk} to {new_size} bytes")
        drive["size"] = format_size(new_size)
        if vol is not None:
            vol.size = new_size
        g.config[disk] = print_property_string(drive, (default_key,), bare_first=True)

    return call.sim.tasks.start(g.node, "resize", str(g.vmid), call.auth.auth_id, work)


def _template(call: Call, kind: str) -> str | None:
    g = _guest(call, kind)
    call.require(f"/vms/{g.vmid}", "VM.Allocate")
    _check_lock(g)
    if g.is_template and not call.params.get("disk"):
        raise _err(500, "you can't convert a template to a template")
    if g.status != "stopped":
        raise _err(500, "you can't convert a VM to template if VM is running" if kind == "qemu"
                   else "you can't convert a CT to template if the CT is running")
    if kind == "lxc":  # the container call converts in the request and answers null
        g.config["template"] = 1
        return None

    async def work(task: Any) -> None:
        await call.sim.tasks.sleep(task)
        g.config["template"] = 1

    return call.sim.tasks.start(g.node, "qmtemplate", str(g.vmid), call.auth.auth_id, work)


def _register_guest_routes(kind: str) -> None:
    base = f"/nodes/{{node}}/{kind}"

    @route("GET", base)
    async def list_(call: Call) -> Any:
        return _list_guests(call, kind)

    @route("POST", base)
    async def create(call: Call) -> Any:
        from pmpc_tui.simulator.handlers_backup import is_restore, restore_guest

        if is_restore(call.params, kind):  # qmrestore / pct restore
            return restore_guest(call, kind)
        return await _create_guest(call, kind)

    @route("GET", base + "/{vmid}")
    async def index(call: Call) -> Any:
        _guest(call, kind)
        subdirs = ["config", "pending", "status", "snapshot", "clone", "resize", "rrd", "rrddata", "firewall"]
        return [{"subdir": s} for s in subdirs]

    @route("DELETE", base + "/{vmid}")
    async def delete(call: Call) -> Any:
        return await _delete_guest(call, kind)

    @route("GET", base + "/{vmid}/config")
    async def get_config(call: Call) -> Any:
        return _get_config(call, kind)

    @route("GET", base + "/{vmid}/pending")
    async def get_pending(call: Call) -> Any:
        g = _guest(call, kind)
        call.require(f"/vms/{g.vmid}", "VM.Audit")
        return pending_entries(g)

    @route("PUT", base + "/{vmid}/config")
    async def put_config(call: Call) -> Any:
        return _update_config(call, kind, asynchronous=False)

    @route("GET", base + "/{vmid}/status")
    async def status_index(call: Call) -> Any:
        _guest(call, kind)
        actions = ["current", "start", "stop", "shutdown", "reboot", "suspend", "resume"]
        if kind == "qemu":
            actions.insert(3, "reset")
        return [{"subdir": a} for a in actions]

    @route("GET", base + "/{vmid}/status/current")
    async def status_current(call: Call) -> Any:
        g = _guest(call, kind)
        call.require(f"/vms/{g.vmid}", "VM.Audit")
        return guest_status(call.cluster, g)

    actions = ("start", "stop", "shutdown", "reboot", "suspend", "resume") + (("reset",) if kind == "qemu" else ())
    for action in actions:
        def make(action: str = action) -> Callable[[Call], Awaitable[Any]]:
            async def power(call: Call) -> Any:
                return await _power(call, kind, action)
            return power
        route("POST", base + f"/{{vmid}}/status/{action}")(make())

    @route("POST", base + "/{vmid}/clone")
    async def clone(call: Call) -> Any:
        return await _clone(call, kind)

    @route("PUT", base + "/{vmid}/resize")
    async def resize(call: Call) -> Any:
        return await _resize(call, kind)

    @route("POST", base + "/{vmid}/template")
    async def template(call: Call) -> Any:
        return _template(call, kind)


_register_guest_routes("qemu")
_register_guest_routes("lxc")


@route("POST", "/nodes/{node}/qemu/{vmid}/config")
async def post_qemu_config(call: Call) -> Any:
    return _update_config(call, "qemu", asynchronous=True)


def _guest_ip(g: Guest) -> tuple[str, int]:
    """The guest's IPv4 address and prefix: static config, else a stable DHCP-style lease."""
    keys = ("ipconfig0",) if g.kind == "qemu" else ("net0",)
    for key in keys:
        conf = parse_property_string(str(g.config.get(key, "")), None) if g.config.get(key) else {}
        ip = conf.get("ip", "")
        if ip and ip not in ("dhcp", "manual") and "/" in ip:
            addr, prefix = ip.split("/", 1)
            return addr, int(prefix)
    return f"192.168.1.{100 + g.vmid % 150}", 24


def _guest_mac(g: Guest) -> str:
    net = str(g.config.get("net0", ""))
    match = re.search(r"([0-9A-F]{2}(:[0-9A-F]{2}){5})", net, re.I)
    return match.group(1) if match else "BC:24:11:00:00:00"


@route("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces")
async def agent_interfaces(call: Call) -> dict[str, Any]:
    g = _guest(call, "qemu")
    call.require(f"/vms/{g.vmid}", "VM.GuestAgent.Audit", "VM.GuestAgent.Unrestricted", any_of=True)
    if g.status != "running":
        raise _err(500, f"VM {g.vmid} is not running")
    agent = parse_property_string(str(g.config.get("agent", "0")), "enabled")
    if agent.get("enabled", "0") not in ("1", "true"):
        raise _err(500, "No QEMU guest agent configured")
    addr, prefix = _guest_ip(g)
    return {"result": [
        {"name": "lo", "hardware-address": "00:00:00:00:00:00",
         "ip-addresses": [{"ip-address": "127.0.0.1", "ip-address-type": "ipv4", "prefix": 8}]},
        {"name": "eth0", "hardware-address": _guest_mac(g).lower(),
         "ip-addresses": [{"ip-address": addr, "ip-address-type": "ipv4", "prefix": prefix}]},
    ]}


@route("GET", "/nodes/{node}/lxc/{vmid}/interfaces")
async def lxc_interfaces(call: Call) -> list[dict[str, Any]]:
    g = _guest(call, "lxc")
    call.require(f"/vms/{g.vmid}", "VM.Audit")
    if g.status != "running":
        raise _err(500, f"CT {g.vmid} not running")
    addr, prefix = _guest_ip(g)
    mac = _guest_mac(g).lower()
    return [
        {"name": "lo", "hwaddr": "00:00:00:00:00:00", "hardware-address": "00:00:00:00:00:00",
         "inet": "127.0.0.1/8"},
        {"name": "eth0", "hwaddr": mac, "hardware-address": mac, "inet": f"{addr}/{prefix}"},
    ]


# --- storage and network -------------------------------------------------------------------------
def _storage_entry(call: Call, sid: str, node: str) -> dict[str, Any]:
    st = call.cluster.storages[sid]
    used = call.cluster.storage_used(sid, node)
    return {
        "storage": sid, "type": st.type, "content": ",".join(st.content), "active": 1, "enabled": 1,
        "shared": 1 if st.shared else 0, "total": st.total, "used": used, "avail": st.total - used,
        "used_fraction": round(used / st.total, 6) if st.total else 0,
    }


@route("GET", "/nodes/{node}/storage")
async def node_storage(call: Call) -> list[dict[str, Any]]:
    node = call.params["node"]
    wanted = call.params.get("storage")
    content = call.params.get("content")
    out = []
    for sid, st in sorted(call.cluster.storages.items()):
        if not st.available_on(node) or (wanted and sid != wanted):
            continue
        if content and not set(content.split(",")) & set(st.content):
            continue
        if call.can(f"/storage/{sid}", "Datastore.Audit", "Datastore.AllocateSpace", any_of=True):
            out.append(_storage_entry(call, sid, node))
    return out


def _storage(call: Call) -> str:
    sid = call.params["storage"]
    st = call.cluster.storages.get(sid)
    if st is None or not st.available_on(call.params["node"]):
        raise _err(500, f"storage '{sid}' does not exist")
    call.require(f"/storage/{sid}", "Datastore.Audit", "Datastore.AllocateSpace", any_of=True)
    return sid


@route("GET", "/nodes/{node}/storage/{storage}/content")
async def storage_content(call: Call) -> list[dict[str, Any]]:
    sid = _storage(call)
    node = call.params["node"]
    content = call.params.get("content")
    vmid = call.params.get("vmid")
    out = []
    for vol in sorted(call.cluster.storage_volumes(sid, node), key=lambda v: v.volid):
        if (content and vol.content != content) or (vmid is not None and vol.vmid != vmid):
            continue
        entry: dict[str, Any] = {"volid": vol.volid, "content": vol.content, "format": vol.format,
                                 "size": vol.size, "ctime": vol.ctime}
        if vol.vmid is not None:
            entry["vmid"] = vol.vmid
            if not isinstance(vol, BackupVolume):
                entry["used"] = vol.size // 3
        if isinstance(vol, BackupVolume):
            entry.update(vol.listing())  # subtype, notes, protected, verification
        out.append(entry)
    return out


@route("GET", "/nodes/{node}/storage/{storage}/status")
async def storage_status(call: Call) -> dict[str, Any]:
    sid = _storage(call)
    return _storage_entry(call, sid, call.params["node"])


@route("GET", "/nodes/{node}/network")
async def node_network(call: Call) -> list[dict[str, Any]]:
    node = call.cluster.nodes[call.params["node"]]
    kind = call.params.get("type")
    out = []
    for iface in node.networks:
        t = iface.get("type")
        if kind in (None, "include_sdn") or kind == t or (kind in ("any_bridge", "any_local_bridge")
                                                           and t in ("bridge", "OVSBridge")):
            out.append(dict(iface))
    return out


# --- tasks ---------------------------------------------------------------------------------------
def _task_entry(t: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"upid": t.upid, "node": t.node, "pid": t.pid, "pstart": t.pstart,
                             "starttime": t.starttime, "type": t.type, "id": t.id, "user": t.user}
    if t.status == "stopped":
        entry["status"] = t.exitstatus
        entry["endtime"] = t.endtime
    return entry


def _may_see_task(call: Call, t: Any) -> bool:
    return t.user == call.auth.auth_id or t.user == call.auth.userid or call.can(f"/nodes/{t.node}", "Sys.Audit")


def _task(call: Call) -> Any:
    upid = call.params["upid"]
    t = call.cluster.tasks.get(upid)
    if t is None or t.node != call.params["node"]:
        from pmpc_tui.simulator.model import UPID_RE

        if not UPID_RE.match(upid):
            raise _err(400, "Parameter verification failed.", {"upid": "unable to parse worker upid"})
        raise _err(500, f"no such task '{upid}'")
    if not _may_see_task(call, t):
        raise _err(403, f"Permission check failed (/nodes/{t.node}, Sys.Audit)")
    return t


@route("GET", "/nodes/{node}/tasks")
async def node_tasks(call: Call) -> list[dict[str, Any]]:
    p = call.params
    node = p["node"]
    source = p.get("source", "archive")
    out = []
    for upid in reversed(call.cluster.task_order):
        t = call.cluster.tasks.get(upid)
        if t is None or t.node != node or not _may_see_task(call, t):
            continue
        if source == "archive" and t.status != "stopped":
            continue
        if source == "active" and t.status == "stopped":
            continue
        if p.get("errors") and t.exitstatus in (None, "OK"):
            continue
        if p.get("vmid") is not None and t.id != str(p["vmid"]):
            continue
        if p.get("typefilter") and t.type != p["typefilter"]:
            continue
        if p.get("userfilter") and p["userfilter"] not in t.user:
            continue
        if p.get("since") is not None and t.starttime < p["since"]:
            continue
        if p.get("until") is not None and t.starttime > p["until"]:
            continue
        out.append(_task_entry(t))
    start = p.get("start", 0)
    return out[start:start + p.get("limit", 50)]


@route("GET", "/nodes/{node}/tasks/{upid}")
async def task_index(call: Call) -> list[dict[str, str]]:
    _task(call)
    return [{"name": "log"}, {"name": "status"}]


@route("DELETE", "/nodes/{node}/tasks/{upid}")
async def task_stop(call: Call) -> None:
    t = _task(call)
    if t.user != call.auth.auth_id:
        call.require(f"/nodes/{t.node}", "Sys.Modify")
    call.sim.tasks.stop(t.upid)
    return None


@route("GET", "/nodes/{node}/tasks/{upid}/status")
async def task_status(call: Call) -> dict[str, Any]:
    t = _task(call)
    entry = _task_entry(t)
    entry.pop("endtime", None)
    entry["status"] = t.status
    if t.status == "stopped":
        entry["exitstatus"] = t.exitstatus
    return entry


@route("GET", "/nodes/{node}/tasks/{upid}/log")
async def task_log(call: Call) -> list[dict[str, Any]]:
    t = _task(call)
    start = call.params.get("start", 0)
    limit = call.params.get("limit", 50)
    lines = t.log[start:start + limit] if limit else t.log[start:]
    return [{"n": start + i + 1, "t": line} for i, line in enumerate(lines)]


# Routes on cluster-wide configuration (storage.cfg, pools) live in their own module.
from pmpc_tui.simulator import handlers_config  # noqa: E402,F401,I001  (registers its routes)
from pmpc_tui.simulator import handlers_move  # noqa: E402,F401  (migrate, move_disk, move_volume)
from pmpc_tui.simulator import handlers_backup  # noqa: E402,F401  (vzdump, restore, backup volumes)
from pmpc_tui.simulator import handlers_firewall  # noqa: E402,F401  (cluster and guest firewall)
from pmpc_tui.simulator import handlers_snapshot  # noqa: E402,F401  (snapshots: list, create, rollback, delete)
from pmpc_tui.simulator import handlers_storage  # noqa: E402,F401  (download-url, upload, node version)
from pmpc_tui.simulator import handlers_pools  # noqa: E402,F401  (resource pools)
from pmpc_tui.simulator import handlers_backupjobs  # noqa: E402,F401  (scheduled backup jobs)
from pmpc_tui.simulator import handlers_ha  # noqa: E402,F401  (HA resources, rules, groups)
from pmpc_tui.simulator import handlers_hastatus  # noqa: E402,F401  (HA status)
from pmpc_tui.simulator import handlers_hamove  # noqa: E402,F401  (HA migrate, relocate)
from pmpc_tui.simulator import handlers_sdn  # noqa: E402,F401  (SDN zones, VNets, subnets)
from pmpc_tui.simulator import handlers_access  # noqa: E402,F401  (users, tokens, groups, roles, ACL)
from pmpc_tui.simulator import handlers_storage_cfg  # noqa: E402,F401  (storage.cfg writes)
from pmpc_tui.simulator import handlers_domains  # noqa: E402,F401  (authentication realms)
