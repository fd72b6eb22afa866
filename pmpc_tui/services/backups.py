"""Backups and restores: every rule front ends share (which guests, where, which node, when to refuse).

A backup is one vzdump task per node holding the guests; the archive lands on a storage that holds
backups (dir/nfs files or a Proxmox Backup Server datastore). A restore creates the guest from an archive
(qmrestore for VMs, pct restore for containers); restoring over an existing guest needs `force`, a
stopped guest of the same kind on that node, and the front end's typed confirmation of its name.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, ResourceLocked, ValidationFailed
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_vmid, shown
from pmpc_tui.services.inventory import GuestRef
from pmpc_tui.services.task_events import watch_task
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task

MODES = ("snapshot", "suspend", "stop")
COMPRESSORS = ("zstd", "lzo", "gzip", "0")
STORAGE_ID = re.compile(r"[a-z][a-z0-9\-_.]*[a-z0-9]", re.ASCII)
# `local:backup/vzdump-qemu-101-2026_11_30-10_00_00.vma.zst` or `pbs:backup/vm/101/2026-11-30T10:00:00Z`
VOLID = re.compile(r"(?P<storage>[a-z][a-z0-9\-_.]*[a-z0-9]):backup/(?:vzdump-(?P<kind>qemu|lxc)-(?P<vmid>\d+)-"
                   r"\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.(?:vma|tar)(?:\.(?:zst|lzo|gz))?|(?P<btype>vm|ct)/"
                   r"(?P<pvmid>\d+)/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", re.ASCII)


def parse_mode(value: str) -> str:
    if value not in MODES:
        raise ValidationFailed("invalid", {"--mode": f"{shown(value)} is not a backup mode: use {', '.join(MODES)}"})
    return value


def parse_compress(value: str) -> str:
    if value not in COMPRESSORS:
        raise ValidationFailed("invalid", {"--compress": f"{shown(value)} is not a compressor: use "
                                                         f"{', '.join(COMPRESSORS)}"})
    return value


def parse_storage_id(value: str, field: str = "--storage") -> str:
    if not STORAGE_ID.fullmatch(value or ""):
        raise ValidationFailed("invalid", {field: f"{shown(value)} is not a storage ID"})
    return value


def parse_backup_volid(value: str) -> tuple[str, str, int]:
    """(storage, kind, vmid) of a backup volume id, or ValidationFailed before anything is sent."""
    match = VOLID.fullmatch(str(value).strip())
    if match is None:
        raise ValidationFailed("invalid", {"VOLID": f"{shown(value)} is not a backup volume id (e.g. "
                                                    "local:backup/vzdump-qemu-101-2026_11_30-10_00_00.vma.zst or "
                                                    "pbs:backup/vm/101/2026-11-30T10:00:00Z)"})
    if match.group("kind"):
        return match.group("storage"), match.group("kind"), int(match.group("vmid"))
    return match.group("storage"), "qemu" if match.group("btype") == "vm" else "lxc", int(match.group("pvmid"))


# --- reading ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Backup:
    """One archive: where it is, whose it is, how big and when."""

    volid: str
    storage: str
    node: str | None  # None: on shared storage (any node sees it)
    vmid: int
    kind: str  # qemu | lxc
    format: str
    size: int
    ctime: int
    notes: str = ""
    protected: bool = False
    seen_on: str = ""  # a node that sees it (to ask the API about it)

    def as_dict(self) -> dict[str, Any]:
        return {"volid": self.volid, "storage": self.storage, "node": self.node or "(shared)", "vmid": self.vmid,
                "type": "vm" if self.kind == "qemu" else "ct", "format": self.format, "size": self.size,
                "ctime": self.ctime, "created": time.strftime("%Y-%m-%d %H:%M", time.localtime(self.ctime)),
                "notes": self.notes, "protected": self.protected}


BACKUP_COLUMNS = [("created", "CREATED", ""), ("vmid", "VMID", ""), ("type", "TYPE", ""),
                  ("storage", "STORAGE", ""), ("node", "NODE", ""), ("size", "SIZE", "bytes"),
                  ("notes", "NOTES", ""), ("volid", "VOLID", "")]


async def backup_storages(client: PVEClient, node: str | None = None) -> list[tuple[str, str, bool]]:
    """(node, storage, shared) for every online node's storage that holds backups, PBS included."""
    resources = await client.get("/cluster/resources", type="storage")
    out = []
    for s in resources:
        if "backup" not in str(s.get("content", "")).split(",") or s.get("status") != "available":
            continue
        if node is not None and s.get("node") != node:
            continue
        out.append((str(s["node"]), str(s["storage"]), bool(int(s.get("shared", 0) or 0))))
    return sorted(out)


async def list_backups(client: PVEClient, node: str | None = None, storage: str | None = None,
                       vmid: int | None = None) -> list[Backup]:
    """Every backup archive (newest first), optionally on one node, one storage or of one guest."""
    if storage is not None:
        parse_storage_id(storage)
    where = await backup_storages(client, node)
    if storage is not None:
        where = [w for w in where if w[1] == storage]
        if not where:
            raise NotFound(f"no storage '{storage}' holding backups" + (f" on node '{node}'" if node else ""),
                           "`proxmox-mpc list storage` shows the storage and what it holds.")
    seen_shared: set[str] = set()
    found: dict[str, Backup] = {}
    for on, sid, shared in where:
        if shared:  # every node sees the same archives: ask one
            if sid in seen_shared:
                continue
            seen_shared.add(sid)
        params: dict[str, Any] = {"content": "backup"}
        if vmid is not None:
            params["vmid"] = vmid
        for entry in await client.get(f"/nodes/{on}/storage/{sid}/content", **params):
            volid = str(entry["volid"])
            key = volid if shared else f"{on}/{volid}"
            found[key] = Backup(volid, sid, None if shared else on, int(entry.get("vmid", 0) or 0),
                                str(entry.get("subtype") or _kind_from_volid(volid)), str(entry.get("format", "")),
                                int(entry.get("size", 0) or 0), int(entry.get("ctime", 0) or 0),
                                str(entry.get("notes", "") or ""), bool(entry.get("protected")), on)
    return sorted(found.values(), key=lambda b: (-b.ctime, b.volid))


def _kind_from_volid(volid: str) -> str:
    return "lxc" if "-lxc-" in volid or "/ct/" in volid else "qemu"


async def find_backup(client: PVEClient, volid: str, node: str | None = None) -> Backup:
    """The archive `volid` (seen from `node` when given), or NotFound."""
    storage, _kind, vmid = parse_backup_volid(volid)
    matches = [b for b in await list_backups(client, node, storage, vmid) if b.volid == volid.strip()]
    if not matches:
        raise NotFound(f"no backup {volid}" + (f" on node '{node}'" if node else ""),
                       "`proxmox-mpc backup list` shows the archives.")
    if len(matches) > 1:
        nodes = ", ".join(sorted(b.node or "" for b in matches))
        raise ValidationFailed("ambiguous", {"--node": f"{volid} is on several nodes ({nodes}); name one"})
    return matches[0]


# --- backing up --------------------------------------------------------------------------------------
@dataclass
class BackupJob:
    """One vzdump task: the guests on one node."""

    node: str
    guests: list[GuestRef]
    upid: str | None = None

    @property
    def vmids(self) -> str:
        return ",".join(str(g.vmid) for g in self.guests)


@dataclass
class BackupPlan:
    """What `backup create` sends: one job per node, the storage, mode and compression."""

    jobs: list[BackupJob]
    storage: str
    mode: str
    compress: str
    dry_run: bool = False
    exitstatus: dict[str, str] = field(default_factory=dict)

    @property
    def guests(self) -> list[GuestRef]:
        return [g for job in self.jobs for g in job.guests]

    def as_dict(self) -> dict[str, Any]:
        return {"storage": self.storage, "mode": self.mode, "compress": self.compress, "dry_run": self.dry_run,
                "jobs": [{"node": j.node, "vmids": [g.vmid for g in j.guests], "upid": j.upid,
                          "exitstatus": self.exitstatus.get(j.node)} for j in self.jobs]}

    @property
    def message(self) -> str:
        names = ", ".join(f"{g.vmid} ({g.name})" for g in self.guests)
        where = f"to '{self.storage}' ({self.mode}, compress {self.compress})"
        if self.dry_run:
            return f"would back up {names} {where} (dry run: nothing sent)"
        if self.exitstatus:
            return f"backed up {names} {where}: " + ", ".join(sorted(set(self.exitstatus.values())))
        return f"backing up {names} {where}: " + ", ".join(j.upid or "" for j in self.jobs)


def check_backup_inputs(idents: Sequence[str | int], storage: str | None, mode: str,
                        compress: str) -> list[int | str]:
    """The guests as typed (VMIDs or names), checked with the other arguments before anything is sent."""
    wanted = [parse_guest_ident(i) for i in idents]
    if not wanted:
        raise ValidationFailed("missing", {"GUEST": "name at least one guest (VMID or name)"})
    parse_mode(mode)
    parse_compress(compress)
    if storage is not None:
        parse_storage_id(storage)
    return wanted


async def plan_backup(client: PVEClient, kind: str, idents: Sequence[str | int], storage: str | None = None,
                      mode: str = "snapshot", compress: str = "zstd") -> BackupPlan:
    """Resolve the guests and check the storage before anything is sent; refuse locked guests."""
    wanted = check_backup_inputs(idents, storage, mode, compress)
    resources = await client.get("/cluster/resources", type="vm")
    guests: list[GuestRef] = []
    for ident in wanted:
        row = _resolve(resources, kind, ident)
        if row.get("lock"):
            raise ResourceLocked(f"{_label(kind)} {row['vmid']} ({row.get('name', '')}) is locked ({row['lock']})")
        ref = GuestRef(kind, int(row["vmid"]), str(row["node"]), str(row.get("name", "")), str(row.get("status", "")))
        if ref.vmid not in {g.vmid for g in guests}:
            guests.append(ref)
    where = await backup_storages(client)
    target = storage or _default_storage(where)
    jobs: dict[str, BackupJob] = {}
    for g in guests:
        if not any(n == g.node and s == target for n, s, _ in where):
            raise NotFound(f"storage '{target}' holds no backups on node '{g.node}' (needed for {g.vmid})",
                           "Pick a storage with content 'backup' there: `proxmox-mpc list storage --node "
                           f"{g.node}`.")
        jobs.setdefault(g.node, BackupJob(g.node, [])).guests.append(g)
    return BackupPlan(sorted(jobs.values(), key=lambda j: j.node), target, mode, compress)


def _label(kind: str) -> str:
    return "VM" if kind == "qemu" else "CT"


def _default_storage(where: list[tuple[str, str, bool]]) -> str:
    """PBS if there is one, else `local` (vzdump's default), else the first storage holding backups."""
    names = sorted({s for _, s, _ in where})
    for preferred in ("pbs", "local"):
        if preferred in names:
            return preferred
    if not names:
        raise NotFound("no storage holds backups", "Add the content type 'backup' to a storage first.")
    return names[0]


def _resolve(resources: list[dict[str, Any]], kind: str, ident: int | str) -> dict[str, Any]:
    def named(r: dict[str, Any]) -> bool:
        return int(r["vmid"]) == ident if isinstance(ident, int) else r.get("name") == ident

    matches = [r for r in resources if r.get("type") == kind and named(r)]
    if not matches:
        other = [r for r in resources if named(r)]
        hint = f"{ident} is a {'VM' if other[0]['type'] == 'qemu' else 'container'}; use " \
               f"`{'vm' if other[0]['type'] == 'qemu' else 'ct'}` instead." if other else ""
        raise NotFound(f"no {'VM' if kind == 'qemu' else 'container'} {ident} in the cluster", hint)
    if len(matches) > 1:
        ids = ", ".join(str(r["vmid"]) for r in matches)
        raise ValidationFailed(f"the name '{ident}' is ambiguous", {"guest": f"matches VMIDs {ids}; use the VMID"})
    return matches[0]


async def start_backup(client: PVEClient, plan: BackupPlan) -> BackupPlan:
    """Send one vzdump per node (notes: the guest's name, as the web UI writes them)."""
    for job in plan.jobs:
        job.upid = await client.post(f"/nodes/{job.node}/vzdump", vmid=job.vmids, storage=plan.storage,
                                     mode=plan.mode, compress=plan.compress, **{"notes-template": "{{guestname}}"})
        watch_task(client, job.upid)  # task events, only while someone listens
    return plan


async def follow_tasks(client: PVEClient, upids: Sequence[str], *, timeout: float = 3600.0
                       ) -> AsyncIterator[ProgressUpdate]:
    """Progress over several tasks (one share each), ending with one `done` update; TaskFailed as wait_task."""
    real = [u for u in upids if u and u != "OK"]
    for index, upid in enumerate(real):
        async for update in follow_task(client, upid, timeout=timeout):
            if update.done:
                if index == len(real) - 1:
                    yield update
                continue
            # with several tasks, the ones done count even before this one's log shows a percentage
            fraction = update.fraction if len(real) == 1 else (index + (update.fraction or 0.0)) / len(real)
            prefix = f"[task {index + 1}/{len(real)}] " if len(real) > 1 else ""
            yield ProgressUpdate(fraction, prefix + update.message)
    if not real:
        yield ProgressUpdate(1.0, "done", done=True, exitstatus="OK")


# --- restoring ---------------------------------------------------------------------------------------
@dataclass
class RestorePlan:
    """What `backup restore` sends: the archive, the new (or overwritten) guest, where."""

    backup: Backup
    vmid: int
    node: str
    storage: str | None
    existing: GuestRef | None
    dry_run: bool = False
    upid: str | None = None
    exitstatus: str | None = None

    @property
    def kind(self) -> str:
        return self.backup.kind

    @property
    def label(self) -> str:
        return f"{_label(self.kind)} {self.vmid}"

    def as_dict(self) -> dict[str, Any]:
        return {"volid": self.backup.volid, "vmid": self.vmid, "node": self.node, "storage": self.storage,
                "type": "vm" if self.kind == "qemu" else "ct",
                "overwrites": None if self.existing is None else self.existing.name or str(self.existing.vmid),
                "dry_run": self.dry_run, "upid": self.upid, "exitstatus": self.exitstatus}

    @property
    def message(self) -> str:
        what = f"{self.backup.volid} as {self.label} on {self.node}"
        if self.existing is not None:
            what += f" (replacing {self.existing.name or self.existing.vmid})"
        if self.dry_run:
            return f"would restore {what} (dry run: nothing sent)"
        if self.exitstatus:
            return f"restored {what}: {self.exitstatus}"
        return f"restoring {what}: task {self.upid}"


async def plan_restore(client: PVEClient, volid: str, vmid: str | int, node: str | None = None,
                       storage: str | None = None, force: bool = False) -> RestorePlan:
    """Check everything PVE would refuse before sending: existing guest without force, running, locked."""
    parse_backup_volid(volid)
    target = parse_vmid(vmid, "--vmid")
    if storage is not None:
        parse_storage_id(storage)
    backup = await find_backup(client, volid, node if node else None)
    resources = await client.get("/cluster/resources", type="vm")
    row = next((r for r in resources if int(r["vmid"]) == target), None)
    existing = None
    if row is not None:
        existing = GuestRef(str(row["type"]), target, str(row["node"]), str(row.get("name", "")),
                            str(row.get("status", "")))
        label = f"{_label(existing.kind)} {target} ({existing.name})"
        if not force:
            raise ConflictError(f"{label} already exists on {existing.node}",
                                "Restore to a free VMID, or pass --force to overwrite it (you type its name).")
        if existing.kind != backup.kind:
            raise ConflictError(f"{label} is a {'VM' if existing.kind == 'qemu' else 'container'}; the archive "
                                f"holds a {'VM' if backup.kind == 'qemu' else 'container'}",
                                "Restore it to another VMID.")
        if row.get("lock"):
            raise ResourceLocked(f"{label} is locked ({row['lock']})")
        if existing.status != "stopped":
            raise ConflictError(f"{label} is {existing.status}; Proxmox VE restores only over a stopped guest",
                                f"Stop it first: proxmox-mpc shutdown {'vm' if existing.kind == 'qemu' else 'ct'} "
                                f"{target} --wait")
    on = _restore_node(backup, existing, node)
    if node is not None and existing is not None and existing.node != node:
        raise ConflictError(f"{_label(existing.kind)} {target} lives on {existing.node}, not {node}",
                            f"Restore over it on its own node: --node {existing.node}.")
    if storage is not None:
        places = await client.get(f"/nodes/{on}/storage", content="images" if backup.kind == "qemu" else "rootdir")
        if storage not in {s["storage"] for s in places}:
            raise NotFound(f"storage '{storage}' cannot hold {'VM disks' if backup.kind == 'qemu' else 'containers'} "
                           f"on node '{on}'", f"`proxmox-mpc list storage --node {on}` shows what there is.")
    return RestorePlan(backup, target, on, storage, existing)


def _restore_node(backup: Backup, existing: GuestRef | None, node: str | None) -> str:
    if existing is not None and node is None:
        return existing.node
    if node is not None:
        return node
    return backup.node or backup.seen_on


async def start_restore(client: PVEClient, plan: RestorePlan) -> RestorePlan:
    """Send the restore: qmrestore (`archive`) or pct restore (`ostemplate` + `restore=1`)."""
    params: dict[str, Any] = {"vmid": plan.vmid}
    if plan.storage:
        params["storage"] = plan.storage
    if plan.existing is not None:
        params["force"] = 1
    if plan.kind == "qemu":
        params["archive"] = plan.backup.volid
    else:
        params.update({"ostemplate": plan.backup.volid, "restore": 1})
    plan.upid = await client.post(f"/nodes/{plan.node}/{plan.kind}", **params)
    watch_task(client, plan.upid)
    return plan
