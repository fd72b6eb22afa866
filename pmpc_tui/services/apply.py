"""Apply: carry out a plan through the API — journaled, locked, resumable, never blindly retrying a write.

Each step is written to the state DB as `running` before it starts and `done`/`failed` after, so an
apply cut short (Ctrl+C, crash, API failure) is found on the next start. Resuming plans again from
the live cluster and applies what is still different: a guest created before the interruption is
then an update or a no-op, never a second create. A lock file keeps two consoles from applying at
once. PVE config locks (`VM is locked (clone)`) are waited out; clones of one source run one at a time.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, PVEError, ResourceLocked
from pmpc_tui.services.plan import Plan, ResourceChange, created_guests, make_plan, read_actual
from pmpc_tui.services.validate import require_valid
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import ApplyRun, ApplyStep, utcnow
from pmpc_tui.workspace.config import Workspace

Progress = Callable[[str], None]
LOCK_WAIT_SECONDS = 120.0
ORDER = {"delete": 0, "replace": 1, "update": 2, "create": 3}


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


def _config_params(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if v is not None}


class Applier:
    """Runs the steps of one plan."""

    def __init__(self, client: PVEClient, progress: Progress, concurrency: int = 4) -> None:
        self.client = client
        self.progress = progress
        self.gate = asyncio.Semaphore(concurrency)
        self.source_locks: dict[int, asyncio.Lock] = {}

    async def run(self, change: ResourceChange) -> str:
        handler = {"create": self.create, "update": self.update, "delete": self.delete,
                   "replace": self.replace}[change.action]
        async with self.gate:
            return await handler(change)

    async def create(self, change: ResourceChange) -> str:
        desired = change.desired or {}
        vmid, node, kind = change.vmid, desired.get("node") or change.node, change.kind
        if vmid is None:
            raise ConflictError(f"{change.address} has no vm_id", "Give it a vm_id (create picks a free one).")
        if await self._exists(vmid):
            raise ConflictError(f"VMID {vmid} already exists in the cluster",
                                "Plan again: the guest is there already (an earlier apply may have made it).")
        config = dict(desired.get("config") or {})
        clone = desired.get("clone")
        label = change.address
        if clone:
            source = int(clone["vm_id"])
            lock = self.source_locks.setdefault(source, asyncio.Lock())
            async with lock:  # PVE locks the source while it is being cloned
                src = await self._find(source)
                assert src is not None
                params = {"newid": vmid, "name": change.name or None, "target": node,
                          "full": 1 if clone.get("full", True) else 0,
                          "storage": clone.get("datastore_id")}
                upid = await _locked_retry(lambda: self.client.post(f"{_path(kind, src[1], source)}/clone",
                                                                    **{k: v for k, v in params.items()
                                                                       if v is not None}),
                                           self.progress, label)
                await _task(self.client, upid, self.progress, label)
            for key in [k for k in config if k.startswith(("scsi", "virtio", "sata", "ide")) and k[-1].isdigit()]:
                config.pop(key)  # the clone brought its disks
            if config:
                await _locked_retry(lambda: self.client.put(f"{_path(kind, node, vmid)}/config",
                                                            **_config_params(config)), self.progress, label)
        elif kind == "qemu":
            upid = await self.client.post(f"/nodes/{node}/qemu", vmid=vmid, **_config_params(config))
            await _task(self.client, upid, self.progress, label)
        else:
            ostemplate = desired.get("ostemplate")
            upid = await self.client.post(f"/nodes/{node}/lxc", vmid=vmid, ostemplate=ostemplate,
                                          **_config_params(config))
            await _task(self.client, upid, self.progress, label)
        if desired.get("started"):
            upid = await self.client.post(f"{_path(kind, node, vmid)}/status/start")
            await _task(self.client, upid, self.progress, label)
        return f"created {kind} {vmid}"

    async def update(self, change: ResourceChange) -> str:
        assert change.vmid is not None
        desired = change.desired or {}
        kind, node, vmid = change.kind, change.node, change.vmid
        config = desired.get("config") or {}
        keys = [c.key for c in change.changes if c.key != "status"]
        params = {k: config[k] for k in keys if k in config and config[k] is not None}
        removed = [k for k in keys if k not in config]
        label = change.address
        if params or removed:
            if removed:
                params["delete"] = ",".join(removed)
            if change.digest:
                params["digest"] = change.digest
            await _locked_retry(lambda: self.client.put(f"{_path(kind, node, vmid)}/config", **params),
                                self.progress, label)
        status = next((c for c in change.changes if c.key == "status"), None)
        if status is not None:
            action = "start" if status.after == "running" else "shutdown"
            upid = await _locked_retry(lambda: self.client.post(f"{_path(kind, node, vmid)}/status/{action}"),
                                       self.progress, label)
            await _task(self.client, upid, self.progress, label)
        return f"updated {', '.join(c.key for c in change.changes)}"

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
                     saved: bool = False, concurrency: int = 4) -> ApplyResult:
    """Apply `plan` (for a saved plan, refuse when a resource changed since). Journaled step by step.

    Refuses before anything is sent when any workspace file does not parse (CodeDoesNotParse)."""
    from pmpc_tui.services.plan import load_code
    from pmpc_tui.services.sync import SyncService

    await asyncio.to_thread(load_code, ws)
    with workspace_lock(ws):
        if saved:
            await SyncService(client, db).run()
            stale = await check_digests(plan, db)
            if stale:
                raise ConflictError("the saved plan is out of date: " + "; ".join(stale),
                                    "Run `proxmox-mpc plan --out FILE` again and review it.")
        if any(c.reason != "destroy" for c in plan.changes):  # validate errors stop apply: nothing is sent
            await require_valid(ws, db, client)
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
        result = ApplyResult(run_id)
        applier = Applier(client, progress, concurrency)
        created: dict[int, str] = {}
        try:
            for phase in ("delete", "replace", "update", "create"):
                batch = [(s, c) for s, c in steps if c.action == phase]
                outcomes = await asyncio.gather(*(_one(db, applier, s, c, progress) for s, c in batch))
                result.steps.extend(outcomes)
                created.update({c.vmid: c.address for (s, c), o in zip(batch, outcomes, strict=True)
                                if o.ok and c.action in ("create", "replace") and c.vmid is not None})
        except asyncio.CancelledError:
            await _set_run(db, run_id, status="interrupted", summary=result.summary())
            raise
        finally:
            if created:
                _record_created(ws, created)
        status = "failed" if result.failed else "done"
        await _set_run(db, run_id, status=status, finished_at=utcnow(), summary=result.summary())
        return result


async def _one(db: Database, applier: Applier, step: ApplyStep, change: ResourceChange,
               progress: Progress) -> StepResult:
    assert step.id is not None
    await _set_step(db, step.id, status="running", started_at=utcnow())
    progress(f"{change.symbol} {change.address}: {change.action}…")
    try:
        message = await applier.run(change)
    except PVEError as exc:
        await _set_step(db, step.id, status="failed", error=str(exc), finished_at=utcnow())
        progress(f"✖ {change.address}: {exc}")
        return StepResult(change.address, change.vmid, change.action, False, str(exc).splitlines()[0])
    await _set_step(db, step.id, status="done", finished_at=utcnow())
    progress(f"✔ {change.address}: {message}")
    return StepResult(change.address, change.vmid, change.action, True, message)


async def resume(ws: Workspace, db: Database, client: PVEClient, progress: Progress) -> ApplyResult:
    """Finish an interrupted apply: plan again from the live cluster and apply what is still different."""
    await close_unfinished(db, ws, "resumed")
    plan = await make_plan(ws, db, client)
    return await apply_plan(ws, db, client, plan, progress)
