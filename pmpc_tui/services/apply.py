"""Apply: carry out a plan through the API — journaled, locked, resumable, never blindly retrying a write.

Each step is written to the state DB as `running` before it starts and `done`/`failed` after, so an
apply cut short (Ctrl+C, crash, API failure) is found on the next start. Resuming plans again from
the live cluster and applies what is still different: a guest created before the interruption is
then an update or a no-op, never a second create. A lock file keeps two consoles from applying at
once. PVE config locks (`VM is locked (clone)`) are waited out; clones of one source run one at a time.

Safety rules live here, so no front end can skip them: a plan with errors is not applied; destructive
changes need `allow_destroy`; every guest to be deleted is checked (protection, lock, node) before
anything is stopped — one refusal and nothing is touched. A create converges in one go: clone or create,
then the same operations an update would run (resize, cloud-init drive, options), then start.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlmodel import select

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.iac.pveconf import parse_props
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConfirmationRefused, ConflictError, NotFound, PVEError, ResourceLocked
from pmpc_tui.services import events, history
from pmpc_tui.services.changes import AttributeChange, drive_value, guest_diff, is_drive, nic_value
from pmpc_tui.services.cluster_objects import apply_object, apply_order, is_object, record_created, stale_objects
from pmpc_tui.services.plan import Plan, ResourceChange, created_guests, make_plan, read_actual, remember_managed
from pmpc_tui.services.validate import require_valid
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import ApplyRun, ApplyStep, utcnow
from pmpc_tui.workspace.config import Workspace

Progress = Callable[[str], None]
LOCK_WAIT_SECONDS = 120.0
ORDER = {"delete": 0, "replace": 1, "update": 2, "create": 3}


class DestroyNotAllowed(ConfirmationRefused):
    """The plan destroys something and the caller did not allow it (`--allow-destroy`)."""


class PlanHasErrors(PVEError):
    """The plan has errors (a disk asked to shrink, prevent_destroy): nothing is applied."""

    exit_code = ExitCode.ERROR


def check_plan(plan: Plan, allow_destroy: bool) -> None:
    """Refuse a plan with errors, and a destructive plan unless destroying was allowed — naming every target."""
    if plan.errors:
        raise PlanHasErrors("the plan has errors; nothing was applied: " + "; ".join(plan.errors),
                            "Fix the code (proxmox-mpc plan shows the errors), then plan again.")
    if plan.destructive and not allow_destroy:
        targets = "; ".join(r.what_is_destroyed() for r in plan.destructive)
        raise DestroyNotAllowed(f"this plan destroys {len(plan.destructive)} thing(s): {targets}",
                                "Review it, then pass --allow-destroy (MCP: allow_destroy=true), or answer the "
                                "typed confirmation; nothing was applied.")


@dataclass
class StepResult:
    address: str
    vmid: int | None
    action: str
    ok: bool
    message: str


@dataclass
class ApplyResult:
    """How an apply went, step by step."""

    run_id: int
    steps: list[StepResult] = field(default_factory=list)

    @property
    def failed(self) -> list[StepResult]:
        return [s for s in self.steps if not s.ok]

    def summary(self) -> str:
        done = sum(1 for s in self.steps if s.ok)
        text = f"apply #{self.run_id}: {done} of {len(self.steps)} steps done"
        if self.failed:
            text += "; failed: " + "; ".join(f"{s.address}: {s.message}" for s in self.failed)
            text += " — fix the cause, then `proxmox-mpc apply --resume` (or `--abandon`)"
        return text


# ---- the workspace lock ------------------------------------------------------------------
@contextmanager
def workspace_lock(ws: Workspace):  # type: ignore[no-untyped-def]
    """Only one apply per workspace: an O_EXCL lock file with the owner's pid (stale locks are taken over)."""
    path = ws.state_dir / "apply.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                owner = json.loads(path.read_text())
                pid = int(owner.get("pid", 0))
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise ConflictError(f"another apply is running in this workspace (pid {pid})",
                                    "Wait for it to finish, or stop it; two applies at once could fight.") from None
            path.unlink(missing_ok=True)  # its owner is gone
            continue
        with os.fdopen(fd, "w") as fh:
            json.dump({"pid": os.getpid(), "since": time.time()}, fh)
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
        return
    raise ConflictError("cannot take the workspace lock", f"Remove {path} if no apply is running.")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- the journal -------------------------------------------------------------------------
async def unfinished_runs(db: Database, ws: Workspace) -> list[ApplyRun]:
    """Applies of this workspace that never finished (interrupted or crashed)."""
    async with db.session() as session:
        rows = (await session.exec(select(ApplyRun).where(ApplyRun.workspace == str(ws.root))
                                   .where(ApplyRun.status.in_(("running", "failed", "interrupted"))))).all()  # type: ignore[attr-defined]
    return list(rows)


async def refuse_if_unfinished(db: Database, ws: Workspace) -> None:
    """Refuse a new apply while an earlier one of this workspace has not finished (ConflictError, exit 7)."""
    pending = await unfinished_runs(db, ws)
    if pending:
        raise ConflictError(f"an earlier apply did not finish: #{pending[-1].id} ({pending[-1].status})",
                            "Run `proxmox-mpc apply --resume` to finish it, or `--abandon` to forget it.")


async def run_steps(db: Database, run_id: int) -> list[ApplyStep]:
    async with db.session() as session:
        return list((await session.exec(select(ApplyStep).where(ApplyStep.run_id == run_id)
                                        .order_by(ApplyStep.id))).all())  # type: ignore[arg-type]


async def _update(db: Database, model: type[ApplyRun] | type[ApplyStep], row_id: int, **values: Any) -> None:
    """Change one journal row in its own transaction (so it is on disk before the next step starts)."""
    async with db.transaction() as session:
        row = await session.get(model, row_id)
        if row is not None:
            for key, value in values.items():
                setattr(row, key, value)
            session.add(row)


async def _set_run(db: Database, run_id: int, **values: Any) -> None:
    await _update(db, ApplyRun, run_id, **values)


async def _set_step(db: Database, step_id: int, **values: Any) -> None:
    await _update(db, ApplyStep, step_id, **values)


async def close_unfinished(db: Database, ws: Workspace, status: str) -> int:
    """Mark every unfinished apply as `resumed` or `abandoned`; returns how many there were."""
    runs = await unfinished_runs(db, ws)
    for run in runs:
        assert run.id is not None
        await _set_run(db, run.id, status=status, finished_at=utcnow())
    return len(runs)


# ---- the steps ---------------------------------------------------------------------------
def _path(kind: str, node: str, vmid: int) -> str:
    return f"/nodes/{node}/{'qemu' if kind == 'qemu' else 'lxc'}/{vmid}"


async def _task(client: PVEClient, upid: Any, progress: Progress, label: str) -> None:
    if isinstance(upid, str) and upid.startswith("UPID:"):
        def show(_status: dict[str, Any], lines: list[str]) -> None:
            for line in lines:
                progress(f"  {label}: {line}")
        await client.wait_task(upid, timeout=600, on_progress=show)


async def _locked_retry(call: Callable[[], Any], progress: Progress, label: str) -> Any:
    """Run a write; when PVE says the guest is locked, wait and try again (the write did not happen)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.5
    while True:
        try:
            return await call()
        except ResourceLocked as exc:
            if time.monotonic() > deadline:
                raise
            progress(f"  {label}: {exc} — waiting")
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 5.0)


def _config_value(kind: str, change: AttributeChange, current: dict[str, Any], desired: dict[str, Any]) -> Any:
    """What to send for one `set`: drives keep their volume and size, VM NICs keep their MAC."""
    raw = desired[change.key]
    if change.key in current and is_drive(kind, change.key) and change.impact != "destructive":
        if "cloudinit" in str(current[change.key]) or "media=cdrom" in str(raw):
            return raw
        return drive_value(kind, str(current[change.key]), str(raw))
    if change.key.startswith("net") and change.key in current:
        return nic_value(kind, str(current[change.key]), str(raw))
    return raw


def _disk_storage(kind: str, config: dict[str, Any]) -> str | None:
    """The one storage the code puts every disk on (a full clone goes there at once, no move afterwards)."""
    stores = {str(parse_props(str(v), "file" if kind == "qemu" else "volume").get("file" if kind == "qemu"
                                                                                  else "volume", "")).split(":")[0]
              for k, v in config.items() if is_drive(kind, k) and "media=cdrom" not in str(v)}
    return stores.pop() if len(stores) == 1 and "" not in stores else None


_VIEW_KEYS = {"smbios_uuid": "smbios1"}  # compared under another name than the config key


def _size_text(kind: str, change: AttributeChange) -> str:
    gib = float(change.after)
    return f"{gib:g}G" if gib == int(gib) else f"{int(gib * 1024)}M"


class Applier:
    """Runs the steps of one plan."""

    def __init__(self, client: PVEClient, progress: Progress, concurrency: int = 4) -> None:
        self.client = client
        self.progress = progress
        self.gate = asyncio.Semaphore(concurrency)
        self.source_locks: dict[int, asyncio.Lock] = {}

    async def run(self, change: ResourceChange) -> str:
        if is_object(change.kind):
            return await apply_object(self.client, change)
        handler = {"create": self.create, "update": self.update, "delete": self.delete,
                   "replace": self.replace}[change.action]
        async with self.gate:
            return await handler(change)

    async def create(self, change: ResourceChange) -> str:
        """Clone or create, then converge (resize, cloud-init drive, options) — then start: one apply."""
        desired = change.desired or {}
        vmid, node, kind = change.vmid, desired.get("node") or change.node, change.kind
        if vmid is None:
            raise ConflictError(f"{change.address} has no vm_id", "Give it a vm_id (create picks a free one).")
        if await self._exists(vmid):
            raise ConflictError(f"VMID {vmid} already exists in the cluster",
                                "Plan again: the guest is there already (an earlier apply may have made it).")
        config = {k: v for k, v in (desired.get("config") or {}).items() if v is not None}
        clone = desired.get("clone")
        label = change.address
        if clone:
            await self._clone(change, int(clone["vm_id"]), clone, node)
        elif kind == "qemu":
            upid = await self.client.post(f"/nodes/{node}/qemu", vmid=vmid, **config)
            await _task(self.client, upid, self.progress, label)
        else:
            upid = await self.client.post(f"/nodes/{node}/lxc", vmid=vmid, ostemplate=desired.get("ostemplate"),
                                          **config)
            await _task(self.client, upid, self.progress, label)
        current = await self.client.get(f"{_path(kind, node, vmid)}/config")
        diff = guest_diff(kind, current, config, "stopped", None, cloned=bool(clone))
        if diff.errors:
            raise ConflictError(f"{change.address}: " + "; ".join(diff.errors),
                                "Change the code to what the clone can be (disks cannot shrink), then apply.")
        done = await self._converge(kind, node, vmid, diff.changes, config, current, None, label)
        if desired.get("started"):
            upid = await _locked_retry(lambda: self.client.post(f"{_path(kind, node, vmid)}/status/start"),
                                       self.progress, label)
            await _task(self.client, upid, self.progress, label)
        return f"created {kind} {vmid}" + (f" ({', '.join(done)})" if done else "")

    async def _clone(self, change: ResourceChange, source: int, clone: dict[str, Any], node: str) -> None:
        """Clone on the source's node; to another node directly when its disks are on shared storage,
        otherwise clone there and migrate (PVE refuses a cross-node clone from local storage)."""
        kind, vmid, label = change.kind, change.vmid, change.address
        lock = self.source_locks.setdefault(source, asyncio.Lock())
        async with lock:  # PVE locks the source while it is being cloned
            src = await self._find(source)
            assert src is not None
            src_node = src[1]
            direct = src_node == node or await self._on_shared_storage(kind, src_node, source)
            storage = clone.get("datastore_id") or _disk_storage(kind, (change.desired or {}).get("config") or {})
            params = {"newid": vmid, "target": node if direct and node != src_node else None,
                      "full": 1 if clone.get("full", True) else 0,
                      "storage": storage if clone.get("full", True) else None,
                      ("name" if kind == "qemu" else "hostname"): change.name or None}
            if kind == "lxc" and not clone.get("full", True):
                params.pop("full")
            upid = await _locked_retry(lambda: self.client.post(f"{_path(kind, src_node, source)}/clone",
                                                                **{k: v for k, v in params.items()
                                                                   if v is not None}),
                                       self.progress, label)
            await _task(self.client, upid, self.progress, label)
        if not direct:
            self.progress(f"  {label}: the template's disks are on local storage — migrating the clone to {node}")
            assert vmid is not None
            await self._migrate(kind, src_node, vmid, node, label)

    async def _on_shared_storage(self, kind: str, node: str, vmid: int) -> bool:
        config = await self.client.get(f"{_path(kind, node, vmid)}/config")
        storages = await self.client.get(f"/nodes/{node}/storage")
        shared = {str(s.get("storage")) for s in storages or [] if s.get("shared")}
        used = set()
        for key, value in config.items():
            if is_drive(kind, key) or key.startswith("unused"):
                volume = parse_props(str(value), "file" if kind == "qemu" else "volume")
                volid = volume.get("file") or volume.get("volume") or ""
                if ":" in volid and volid not in ("none", "cdrom"):
                    used.add(volid.split(":", 1)[0])
        return used <= shared  # PVE's rule: every volume of the source on shared storage

    async def update(self, change: ResourceChange) -> str:
        assert change.vmid is not None
        desired = change.desired or {}
        kind, node, vmid = change.kind, change.node, change.vmid
        config = desired.get("config") or {}
        current = await self.client.get(f"{_path(kind, node, vmid)}/config")
        done = await self._converge(kind, node, vmid, change.changes, config, current, change.digest,
                                    change.address)
        return f"updated {', '.join(done)}"

    async def _converge(self, kind: str, node: str, vmid: int, changes: list[AttributeChange],
                        desired: dict[str, Any], current: dict[str, Any], digest: str | None, label: str) -> list[str]:
        """Carry out one guest's changes: config (with the digest), then resizes, moves, power."""
        path = _path(kind, node, vmid)
        params: dict[str, Any] = {}
        removed: list[str] = []
        for c in changes:
            if c.op not in ("set", "delete", "detach"):
                continue
            key = _VIEW_KEYS.get(c.key, c.key)
            if c.op == "set" and desired.get(key) is not None:
                params[key] = _config_value(kind, AttributeChange(key, c.before, c.after, c.impact, c.op),
                                            current, desired)
            elif key in current:
                removed.append(key)
        if params or removed:
            if removed:
                params["delete"] = ",".join(removed)
            if digest:
                params["digest"] = digest
            await _locked_retry(lambda: self.client.put(f"{path}/config", **params), self.progress, label)
        for c in changes:
            if c.op == "resize":
                resize = {"disk": c.key, "size": _size_text(kind, c)}
                upid = await _locked_retry(partial(self.client.put, f"{path}/resize", **resize), self.progress, label)
                await _task(self.client, upid, self.progress, label)
            elif c.op == "move":
                await self._move(kind, node, vmid, c, label)
        for c in changes:
            if c.op == "migrate":
                await self._migrate(kind, node, vmid, str(c.after), label)
                path = _path(kind, str(c.after), vmid)
        for c in changes:
            if c.op in ("start", "shutdown"):
                upid = await _locked_retry(partial(self.client.post, f"{path}/status/{c.op}"), self.progress, label)
                await _task(self.client, upid, self.progress, label)
        return [f"{c.key} ({c.op})" if c.op not in ("set", "delete") else c.key for c in changes]

    async def _migrate(self, kind: str, node: str, vmid: int, target: str, label: str) -> None:
        """Move the guest to `target`: live for a running VM (local disks copied along), a running
        container is restarted there, a stopped guest moves offline."""
        path = _path(kind, node, vmid)
        status = await self.client.get(f"{path}/status/current")
        options: dict[str, Any] = {}
        if status.get("status") == "running":
            options = {"online": 1, "with-local-disks": 1} if kind == "qemu" else {"restart": 1}
        upid = await _locked_retry(partial(self.client.post, f"{path}/migrate", target=target, **options),
                                   self.progress, label)
        await _task(self.client, upid, self.progress, label)

    async def _move(self, kind: str, node: str, vmid: int, c: AttributeChange, label: str) -> None:
        """Move a volume to another storage; PVE keeps the old one as unusedN (delete=0)."""
        path = _path(kind, node, vmid)
        if kind == "qemu":
            upid = await _locked_retry(lambda: self.client.post(f"{path}/move_disk", disk=c.key, storage=c.after,
                                                                delete=0), self.progress, label)
            await _task(self.client, upid, self.progress, label)
            return
        status = await self.client.get(f"{path}/status/current")
        running = status.get("status") == "running"
        if running:  # PVE moves a container's volume only while it is stopped
            await _task(self.client, await self.client.post(f"{path}/status/shutdown"), self.progress, label)
        upid = await _locked_retry(lambda: self.client.post(f"{path}/move_volume", volume=c.key, storage=c.after,
                                                            delete=0), self.progress, label)
        await _task(self.client, upid, self.progress, label)
        if running:
            await _task(self.client, await self.client.post(f"{path}/status/start"), self.progress, label)

    async def delete(self, change: ResourceChange) -> str:
        assert change.vmid is not None
        found = await self._find(change.vmid, missing_ok=True)
        if found is None:
            return "already gone"
        status, node = found[2], found[1]
        path = _path(change.kind, node, change.vmid)
        if status == "running":
            upid = await _locked_retry(lambda: self.client.post(f"{path}/status/stop"), self.progress, change.address)
            await _task(self.client, upid, self.progress, change.address)
        upid = await _locked_retry(lambda: self.client.delete(path, purge=1), self.progress, change.address)
        await _task(self.client, upid, self.progress, change.address)
        return f"deleted {change.vmid}"

    async def replace(self, change: ResourceChange) -> str:
        await self.delete(change)
        return await self.create(change)

    async def _exists(self, vmid: int) -> bool:
        return await self._find(vmid, missing_ok=True) is not None

    async def _find(self, vmid: int, missing_ok: bool = False) -> tuple[str, str, str] | None:
        resources = await self.client.get("/cluster/resources", type="vm")
        for r in resources:
            if r.get("vmid") == vmid:
                return str(r.get("type")), str(r.get("node")), str(r.get("status"))
        if missing_ok:
            return None
        raise NotFound(f"guest {vmid} not found", "Check the VMID in the code.")


async def check_deletable(client: PVEClient, plan: Plan) -> None:
    """Before anything is stopped: every guest to delete must be unprotected, unlocked, on an online node.
    One refusal and nothing is touched; the message lists every blocking guest and why."""
    doomed = [r for r in plan.changes if r.action in ("delete", "replace") and r.vmid is not None]
    if not doomed:
        return
    resources = {r.get("vmid"): r for r in await client.get("/cluster/resources", type="vm")}
    blocked: list[str] = []

    async def check(r: ResourceChange) -> None:
        entry = resources.get(r.vmid)
        if entry is None:
            return  # gone already: nothing to refuse
        why: list[str] = []
        if entry.get("status") == "unknown":
            why.append(f"its node {entry.get('node')} does not answer")
        else:
            try:
                config = await client.get(f"{_path(r.kind, str(entry.get('node')), int(r.vmid or 0))}/config")
            except PVEError as exc:
                config = {}
                why.append(f"its config cannot be read ({str(exc).splitlines()[0]})")
            if str(config.get("protection", "0")) in ("1", "true"):
                why.append("protection is on (unset it in the code or with `pct/qm set --protection 0` first)")
            lock = config.get("lock") or entry.get("lock")
            if lock:
                why.append(f"it is locked ({lock}); wait for that to finish")
        if why:
            blocked.append(f"{r.address} (VMID {r.vmid}): " + " and ".join(why))

    await asyncio.gather(*(check(r) for r in doomed))
    if blocked:
        raise ConflictError(f"{len(blocked)} of {len(doomed)} guest(s) cannot be deleted, so nothing was touched: "
                            + "; ".join(sorted(blocked)),
                            "Resolve each of them, then run the command again.")


# ---- the use case ------------------------------------------------------------------------
async def check_digests(plan: Plan, db: Database) -> list[str]:
    """Resources changed since the plan was made (their config digest moved)."""
    actual = await read_actual(db)
    stale = []
    for r in plan.changes:
        if r.digest and r.vmid in actual and actual[r.vmid].digest != r.digest:
            stale.append(f"{r.address} (VMID {r.vmid}) changed since the plan was made")
    return stale


def _record_created(ws: Workspace, created: dict[int, str]) -> None:
    from pmpc_tui.config.files import atomic_write

    known = created_guests(ws)
    known.update(created)
    atomic_write(ws.state_dir / "created.json", json.dumps({str(k): v for k, v in sorted(known.items())}) + "\n",
                 backup=False)


async def apply_plan(ws: Workspace, db: Database, client: PVEClient, plan: Plan, progress: Progress,
                     saved: bool = False, concurrency: int = 4, allow_destroy: bool = False) -> ApplyResult:
    """Apply `plan` (for a saved plan, refuse when a resource changed since). Journaled step by step.

    Refused before anything is sent: any workspace file that does not parse (CodeDoesNotParse); a plan
    with errors; destructive changes unless `allow_destroy`; deletes of protected, locked or unreachable
    guests (all or nothing); and any apply while an earlier one is unfinished (ConflictError)."""
    from pmpc_tui.services.plan import load_code
    from pmpc_tui.services.sync import SyncService

    await refuse_if_unfinished(db, ws)
    await asyncio.to_thread(load_code, ws)
    check_plan(plan, allow_destroy)
    with workspace_lock(ws):
        if saved:
            await SyncService(client, db).run()
            stale = await check_digests(plan, db) + await stale_objects(client, plan.changes)
            if stale:
                raise ConflictError("the saved plan is out of date: " + "; ".join(stale),
                                    "Run `proxmox-mpc plan --out FILE` again and review it.")
        if any(c.reason != "destroy" for c in plan.changes):  # validate errors stop apply: nothing is sent
            await require_valid(ws, db, client)
        await check_deletable(client, plan)
        async with db.transaction() as session:
            run = ApplyRun(workspace=str(ws.root), plan=plan.to_dict())
            session.add(run)
            await session.flush()
            assert run.id is not None
            run_id = run.id
            steps = []
            for change in sorted(plan.changes, key=lambda c: (ORDER[c.action], c.vmid or 0)):
                step = ApplyStep(run_id=run_id, address=change.address, vmid=change.vmid, action=change.action)
                session.add(step)
                steps.append((step, change))
            await session.flush()
        events.publish("apply.started", lambda: {"run_id": run_id, "workspace": str(ws.root), "steps": [
            {"address": c.address, "action": c.action, "vmid": c.vmid} for _s, c in steps]}, client=client)
        result = ApplyResult(run_id)
        applier = Applier(client, progress, concurrency)
        created: dict[int, str] = {}
        created_objects: list[tuple[str, str, str]] = []
        guests = [(s, c) for s, c in steps if not is_object(c.kind)]
        objects = [(s, c) for s, c in steps if is_object(c.kind)]
        try:
            # cluster objects one at a time: their deletes first (members before pools, nested pools before
            # parents), then the guests, then their creates and updates (pools before members, parents first)
            for s, c in sorted((x for x in objects if x[1].action == "delete"), key=lambda x: apply_order(x[1]),
                               reverse=True):
                result.steps.append(await _one(db, applier, s, c, progress))
            for phase in ("delete", "replace", "update", "create"):
                batch = [(s, c) for s, c in guests if c.action == phase]
                outcomes = await asyncio.gather(*(_one(db, applier, s, c, progress) for s, c in batch))
                result.steps.extend(outcomes)
                created.update({c.vmid: c.address for (s, c), o in zip(batch, outcomes, strict=True)
                                if o.ok and c.action in ("create", "replace") and c.vmid is not None})
            for s, c in sorted((x for x in objects if x[1].action != "delete"), key=lambda x: apply_order(x[1])):
                outcome = await _one(db, applier, s, c, progress)
                result.steps.append(outcome)
                if outcome.ok and c.action == "create":
                    created_objects.append((c.kind, c.name, c.address))
        except asyncio.CancelledError:
            await _set_run(db, run_id, status="interrupted", summary=result.summary())
            raise
        finally:
            if created:
                _record_created(ws, created)
            if created_objects:
                record_created(ws, created_objects)
        managed = await asyncio.to_thread(remember_managed, ws)  # terraform/.managed.json, committed below
        status = "failed" if result.failed else "done"
        await _set_run(db, run_id, status=status, finished_at=utcnow(), summary=result.summary())
        events.publish("apply.finished", lambda: {"run_id": run_id, "status": status, "done": len(result.steps) - len(
            result.failed), "failed": len(result.failed), "summary": result.summary()}, client=client)
        await history.record_apply(ws, plan, result, [managed] if managed else [])  # history/applies/<time>.json
        return result


async def _one(db: Database, applier: Applier, step: ApplyStep, change: ResourceChange,
               progress: Progress) -> StepResult:
    assert step.id is not None
    await _set_step(db, step.id, status="running", started_at=utcnow())
    progress(f"{change.symbol} {change.address}: {change.action}…")
    _step_event(step, change, "running", "", applier.client)
    try:
        message = await applier.run(change)
    except PVEError as exc:
        await _set_step(db, step.id, status="failed", error=str(exc), finished_at=utcnow())
        progress(f"✖ {change.address}: {exc}")
        _step_event(step, change, "failed", str(exc).splitlines()[0], applier.client)
        return StepResult(change.address, change.vmid, change.action, False, str(exc).splitlines()[0])
    await _set_step(db, step.id, status="done", finished_at=utcnow())
    progress(f"✔ {change.address}: {message}")
    _step_event(step, change, "done", message, applier.client)
    return StepResult(change.address, change.vmid, change.action, True, message)


def _step_event(step: ApplyStep, change: ResourceChange, status: str, message: str, client: PVEClient) -> None:
    events.publish("apply.step", lambda: {"run_id": step.run_id, "address": change.address, "vmid": change.vmid,
                                          "action": change.action, "status": status, "message": message},
                   client=client)


async def resume(ws: Workspace, db: Database, client: PVEClient, progress: Progress,
                 allow_destroy: bool = False) -> ApplyResult:
    """Finish an interrupted apply: plan again from the live cluster and apply what is still different."""
    await close_unfinished(db, ws, "resumed")
    plan = await make_plan(ws, db, client)
    return await apply_plan(ws, db, client, plan, progress, allow_destroy=allow_destroy)
