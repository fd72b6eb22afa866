"""`plan --against REV` and `revert REV`: what applying an earlier revision of the code would do, and
bringing that code back (applied later, with the usual confirmation)."""

from __future__ import annotations

import asyncio
import io
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.pve.errors import ConflictError
from pmpc_tui.services.history import record, require_repository, resolve, uncommitted, workspace_prefix
from pmpc_tui.services.managed import managed_path
from pmpc_tui.workspace import git
from pmpc_tui.workspace.config import Workspace

if TYPE_CHECKING:
    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.services.plan import Plan
    from pmpc_tui.state.db import Database

CODE_DIRS = ("terraform", "ansible")


@dataclass
class Reverted:
    """What `revert` restored (or would restore) and the plan of the restored code."""

    rev: str
    files: list[str]
    plan: Plan
    dry_run: bool
    notes: list[str] = field(default_factory=list)


def _extract(ws: Workspace, full: str, into: Path) -> None:
    """The workspace's files at commit `full`, written under `into` (nothing of the workspace is touched)."""
    top = require_repository(ws)
    tree = f"{full}:{workspace_prefix(ws, top).rstrip('/')}"
    data = git.run(top, ["archive", "--format=tar", tree]).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into, filter="data")


def _snapshot_workspace(ws: Workspace, full: str) -> tuple[Workspace, Path]:
    """A read-only workspace in a temporary folder holding the code of `full`; this workspace's records of
    what it manages are shared, so guests the revision no longer declares show as deletes."""
    tmp = Path(tempfile.mkdtemp(prefix="pmpc-rev-"))
    try:
        _extract(ws, full, tmp)
        state = tmp / ws.state_dir.name
        state.mkdir(exist_ok=True)
        if ws.generated_dir.is_dir():
            (state / ws.generated_dir.name).symlink_to(ws.generated_dir, target_is_directory=True)
        if (ws.state_dir / "created.json").is_file():
            shutil.copy2(ws.state_dir / "created.json", state / "created.json")
        for record in (ws.state_dir / "created-objects.json", managed_path(ws)):  # today's record, not the rev's
            if record.is_file():
                target = tmp / record.relative_to(ws.root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(record, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Workspace(root=tmp, config=ws.config, read_only=True), tmp


async def plan_against(ws: Workspace, db: Database, client: PVEClient, rev: str) -> Plan:
    """Plan the code of revision `rev` against the cluster; nothing is written to the workspace."""
    from pmpc_tui.services.plan import make_plan

    full = await asyncio.to_thread(resolve, ws, rev)
    other, tmp = await asyncio.to_thread(_snapshot_workspace, ws, full)
    try:
        plan = await make_plan(other, db, client)
    finally:
        await asyncio.to_thread(shutil.rmtree, tmp, True)
    plan.errors = [e.replace(str(tmp), f"{rev}:") for e in plan.errors]
    plan.workspace = str(ws.root)
    return plan


def _code_specs(ws: Workspace, top: Path) -> list[str]:
    prefix = workspace_prefix(ws, top)
    return [prefix + d for d in CODE_DIRS]


def changed_files(ws: Workspace, full: str) -> list[str]:
    """Code files (relative to the workspace) that differ between the working tree and `full`."""
    top = require_repository(ws)
    prefix = workspace_prefix(ws, top)
    out = git.text(top, ["diff", "--name-only", "--no-renames", "-z", full, "--", *_code_specs(ws, top)])
    kept = ws.relative(managed_path(ws))  # the record of what is managed: a revert never forgets a guest
    return [p[len(prefix):] for p in out.split("\0") if p and p[len(prefix):] != kept]


async def revert(ws: Workspace, db: Database, client: PVEClient, rev: str, dry_run: bool = False) -> Reverted:
    """Restore terraform/ and ansible/ as they were at `rev` (committed when proxmox-mpc commits here) and
    plan them; with `dry_run` nothing is written. Uncommitted edits to the code are never overwritten."""
    from pmpc_tui.services.plan import make_plan

    full = await asyncio.to_thread(resolve, ws, rev)
    dirty = [u.path for u in await asyncio.to_thread(uncommitted, ws) if u.path.split("/")[0] in CODE_DIRS]
    files = await asyncio.to_thread(changed_files, ws, full)
    if dry_run:
        plan = await plan_against(ws, db, client, rev)
        notes = [f"uncommitted edits that revert would refuse to overwrite: {', '.join(dirty[:5])}"] if dirty else []
        return Reverted(full, files, plan, True, notes)
    if dirty:
        raise ConflictError(f"the code has uncommitted edits: {', '.join(dirty[:5])}"
                            + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else ""),
                            "Commit them (git commit) or discard them (git restore), then revert again; "
                            "nothing was changed.")
    if files:
        top = require_repository(ws)
        tracked = managed_path(ws)
        kept = tracked.read_bytes() if tracked.is_file() else None
        await asyncio.to_thread(git.run, top, ["restore", f"--source={full}", "--worktree", "--",
                                               *_code_specs(ws, top)])
        if kept is not None:  # today's record of what is managed, not the revision's
            tracked.write_bytes(kept)
        await record(ws, f"revert {full[:12]}", files)
    plan = await make_plan(ws, db, client)
    return Reverted(full, files, plan, False)
