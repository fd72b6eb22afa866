"""Route handlers for the cluster's scheduled backup jobs (`/cluster/backup`, jobs.cfg), as PVE 9 keeps them.

A job holds vzdump's options plus `schedule` (a calendar event; the old `starttime`/`dow` pair is turned
into one), `enabled`, `comment` and `repeat-missed`. It selects guests by `vmid`, `all` (with `exclude`) or
`pool`; the list shows each job's `next-run`. Parameter checks that PVE makes inside its config lock come
back as 500 errors whose message is the stringified 400 (`400 Parameter verification failed.\nvmid: …`),
because PVE's job code re-raises them with `die "$@"`.
"""

from __future__ import annotations

import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator import calendar
from pmpc_tui.simulator.guestops import drive_key, is_cloudinit, is_drive
from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.model import Guest, parse_property_string
from pmpc_tui.simulator.specs_backup import BACKUP_PARAMS
from pmpc_tui.simulator.specs_backupjobs import REQUIRES

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"
ROOT_ONLY = ("tmpdir", "dumpdir", "script")
PROPERTY_STRINGS = ("prune-backups", "performance", "fleecing")  # kept parsed; answers show them as objects
DELETABLE_EXTRA = ("comment", "repeat-missed")
_OPTION_NAMES = frozenset(BACKUP_PARAMS[("POST", "/nodes/{node}/vzdump")])  # what `delete` may name
_QEMU_ORDER = ("ide", "sata", "scsi", "virtio", "efidisk", "tpmstate")


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\0\s]+", text) if item]


def _param_error(errors: dict[str, str]) -> Exception:
    return _err(400, "Parameter verification failed.", errors)


def _stringified(errors: dict[str, str]) -> str:
    """A parameter exception turned into text by `die "$@"`, as PVE's job code does."""
    return "400 Parameter verification failed.\n" + "".join(f"{k}: {v}\n" for k, v in errors.items())


# --- option checks ---------------------------------------------------------------------------------
def _check_requires(params: dict[str, Any]) -> None:
    errors = {needed: f"missing property required by '{name}'"
              for name, needed in REQUIRES.items() if name in params and needed not in params}
    if errors:
        raise _param_error(errors)


def _check_permissions(call: Call, params: dict[str, Any]) -> None:
    if call.auth.auth_id == "root@pam":  # an API token, even root's, is not root@pam
        return
    for key in ROOT_ONLY:
        if key in params:
            raise _param_error({key: "Only root may set this option."})
    if params.get("storage"):
        call.require(f"/storage/{params['storage']}", "Datastore.Allocate")
    pool = params.get("pool")
    if pool:
        call.require(f"/pool/{pool}", "VM.Backup")


def _check_pool(call: Call, params: dict[str, Any]) -> None:
    pool = params.get("pool")
    if pool and pool not in call.cluster.pools:
        raise _err(403, f"Permission check failed (pool '{pool}' does not exist)")


def _schedule(params: dict[str, Any], required: bool) -> None:
    """PVE's schedule check: `schedule` or the legacy `starttime` (+`dow`), never both."""
    if "schedule" in params:
        if "starttime" in params:
            raise _param_error({"starttime": "'starttime' and 'schedule' cannot both be set"})
    elif "starttime" not in params:
        if required:
            raise _param_error({"schedule": "neither 'starttime' nor 'schedule' were set"})
    else:
        dow = ",".join(_split(params.get("dow", "")))
        params["schedule"] = params["starttime"] if dow in ("", ALL_DAYS) else f"{dow} {params['starttime']}"
    params.pop("starttime", None)
    params.pop("dow", None)


def _notes_problem(template: str) -> str | None:
    if "\n" in template:
        return "contains a line feed"
    problems = [f"escape sequence '\\{m.group(1)}' at char {m.start()}"
                for m in re.finditer(r"\\(.)", template) if m.group(1) not in ("n", "\\")]
    problems += [f"variable '{m.group(1)}' at char {m.start(1)}" for m in re.finditer(r"\{\{([^\s{}]+)\}\}", template)
                 if m.group(1) not in ("cluster", "guestname", "node", "vmid")]
    return "found unknown " + ", ".join(problems) if problems else None


def _verify(params: dict[str, Any], check_missing: bool) -> dict[str, str]:
    """vzdump's parameter rules (selection conflicts, retention, notes); the errors found."""
    for name in ("all", "exclude", "pool"):
        if params.get(name) and params.get("vmid"):
            return {name: "option conflicts with option 'vmid'"}
    if "prune-backups" in params and isinstance(params["prune-backups"], str):
        parsed = _prune(params["prune-backups"])
        if isinstance(parsed, str):
            return {"prune-backups": parsed}
        params["prune-backups"] = parsed
    for key in ("performance", "fleecing"):
        if isinstance(params.get(key), str):
            params[key] = parse_property_string(params[key], "enabled" if key == "fleecing" else None)
    problem = _notes_problem(params.get("notes-template") or "")
    if problem:
        return {"notes-template": problem}
    if params.get("exclude") is not None and not params.get("pool"):
        params["all"] = 1
    if check_missing and not (params.get("all") or params.get("stop") or params.get("pool") or params.get("vmid")):
        return {"vmid": "property is missing"}
    return {}


PRUNE_KEYS = ("keep-all", "keep-daily", "keep-hourly", "keep-last", "keep-monthly", "keep-weekly", "keep-yearly")


def _prune(text: str) -> dict[str, int] | str:
    """`prune-backups` as a dict, or PVE's message."""
    out: dict[str, int] = {}
    for part in _split(text.replace(",", " ")):
        key, _, value = part.partition("=")
        if key not in PRUNE_KEYS:
            return f"invalid format - format error\nprune-backups.{key}: property is not defined in schema"
        if not re.fullmatch(r"\d+", value) or (key != "keep-all" and int(value) < 1) or \
                (key == "keep-all" and value not in ("0", "1")):
            return f"invalid format - format error\nprune-backups.{key}: value must be a positive integer"
        out[key] = int(value)
    if out.get("keep-all") and len(out) > 1:
        return "keep-all cannot be set together with other options"
    return out


# --- answers -----------------------------------------------------------------------------------------
def _entry(jobid: str, job: dict[str, Any]) -> dict[str, Any]:
    return {**job, "id": jobid}


@route("GET", "/cluster/backup")
async def list_backup_jobs(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    out = []
    now = time.time()
    for jobid, job in call.cluster.backup_jobs.items():
        entry = _entry(jobid, job)
        if job.get("schedule"):
            next_run = calendar.next_run(job["schedule"], now)
            if next_run is not None:
                entry["next-run"] = next_run
        out.append(entry)
    return out


def _job(call: Call) -> tuple[str, dict[str, Any]]:
    jobid = call.params["id"]
    job = call.cluster.backup_jobs.get(jobid)
    if job is None:
        raise _param_error({"id": f"No such job '{jobid}'"})
    return jobid, job


@route("GET", "/cluster/backup/{id}")
async def get_backup_job(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    return _entry(*_job(call))


@route("POST", "/cluster/backup")
async def create_backup_job(call: Call) -> None:
    call.require("/", "Sys.Modify")
    params = {k: v for k, v in call.params.items() if not k.startswith("_")}
    _check_requires(params)
    _check_permissions(call, params)
    _check_pool(call, params)
    _schedule(params, required=True)
    params.setdefault("enabled", 1)
    jobid = params.pop("id", None) or str(uuid.uuid4())
    jobs = call.cluster.backup_jobs
    if jobid in jobs:
        raise _err(500, f"Job '{jobid}' already exists")
    errors = _verify(params, check_missing=True)
    if errors:
        raise _err(500, _stringified(errors))
    jobs[jobid] = {"type": "vzdump", **params}


@route("PUT", "/cluster/backup/{id}")
async def update_backup_job(call: Call) -> None:
    call.require("/", "Sys.Modify")
    params = {k: v for k, v in call.params.items() if not k.startswith("_") and k not in ("id", "delete")}
    delete = _split(call.params.get("delete", ""))
    _check_requires(params)
    _check_permissions(call, params)
    _check_pool(call, params)
    _schedule(params, required=False)
    if not params and not delete:
        raise _err(500, "no options specified")
    errors = _verify(params, check_missing=False)
    if errors:
        raise _err(500, _stringified(errors))
    job = call.cluster.backup_jobs.get(call.params["id"])
    if job is None:
        raise _err(500, "no such vzdump job")
    updated = dict(job)
    for key in delete:
        if key not in _OPTION_NAMES and key not in DELETABLE_EXTRA:
            raise _err(500, _stringified({"delete": f"unknown option '{key}'"}))
        updated.pop(key, None)
    updated.update(params)
    if updated.get("exclude") is not None and not updated.get("pool"):
        updated["all"] = 1
    if "vmid" in params:
        for key in ("all", "exclude", "pool"):
            updated.pop(key, None)
    elif params.get("all"):
        updated.pop("vmid", None)
        updated.pop("pool", None)
    elif updated.get("pool"):
        for key in ("vmid", "all", "exclude"):
            updated.pop(key, None)
    errors = _verify(updated, check_missing=True)
    if errors:
        raise _err(500, _stringified(errors))
    job.clear()
    job.update(updated)


@route("DELETE", "/cluster/backup/{id}")
async def delete_backup_job(call: Call) -> None:
    call.require("/", "Sys.Modify")
    jobid = call.params["id"]
    if call.cluster.backup_jobs.pop(jobid, None) is None:
        raise _err(500, _stringified({"id": f"No such job '{jobid}'"}))


# --- included volumes -----------------------------------------------------------------------------------
def included_vmids(call: Call, job: dict[str, Any]) -> list[int]:
    """The guests a job backs up (PVE's get_included_guests), guests that are gone included."""
    c = call.cluster
    if job.get("pool"):
        pool = c.pools.get(job["pool"])
        vmids = sorted(pool.vmids) if pool else []
    elif job.get("vmid"):
        vmids = [int(v) for v in _split(str(job["vmid"]))]
    elif job.get("all"):
        excluded = {int(v) for v in _split(str(job.get("exclude", "")))}
        vmids = [v for v in sorted(c.guests) if v not in excluded]
    else:
        return []
    node = job.get("node")
    return sorted({v for v in vmids if v not in c.guests or node is None or c.guests[v].node == node})


def _drive_order(kind: str, key: str) -> tuple[int, int]:
    if kind == "lxc":
        return (0, -1) if key == "rootfs" else (1, int(key[2:]))
    base = key.rstrip("0123456789")
    return (_QEMU_ORDER.index(base) if base in _QEMU_ORDER else 99, int(key[len(base):] or 0))


def backup_volumes(g: Guest) -> list[dict[str, Any]]:
    """The guest's volumes with whether a backup takes them and why (PVE's get_backup_volumes)."""
    out = []
    dkey = drive_key(g.kind)
    keys = sorted((k for k in g.config if is_drive(g.kind, k)), key=lambda k: _drive_order(g.kind, k))
    for key in keys:
        drive = parse_property_string(str(g.config[key]), dkey)
        volume = drive.get(dkey, "")
        if g.kind == "qemu":
            if drive.get("media") == "cdrom" or is_cloudinit(volume):
                continue
            included = int(drive.get("backup", "1") in ("1", "yes", "on", "true"))
            reason = "backup=" + ("no" if "backup" in drive else "yes")
            if key.startswith("efidisk") and g.config.get("bios") != "ovmf":
                included, reason = 0, "efidisk but no OVMF BIOS"
        elif key == "rootfs":
            included, reason = 1, "rootfs"
        elif volume.startswith("/"):
            included, reason = 0, "not a volume"
        else:
            included = int(drive.get("backup", "0") in ("1", "yes", "on", "true"))
            reason = "enabled" if included else "disabled"
        out.append({"id": f"{g.vmid}:{key}", "name": volume, "included": included, "reason": reason, "leaf": 1})
    return out


@route("GET", "/cluster/backup/{id}/included_volumes")
async def included_volumes(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    _, job = _job(call)
    children: list[dict[str, Any]] = []
    for vmid in included_vmids(call, job):
        if not call.can(f"/vms/{vmid}", "VM.Audit"):
            continue
        g = call.cluster.guests.get(vmid)
        if g is None:
            children.append({"id": vmid, "type": "unknown", "leaf": 1})
            continue
        volumes = backup_volumes(g)
        children.append({"id": vmid, "type": g.kind, "name": g.name, "children": volumes,
                         "leaf": 0 if volumes else 1})
    return {"children": children}
