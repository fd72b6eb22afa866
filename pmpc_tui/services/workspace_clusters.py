"""A workspace of several clusters (`clusters:` in proxmox-mpc.yaml): which clusters a command works on, and
running it on each in that cluster's own session — its folder, its profile, its state — never another's.

Each cluster's answer is a `ClusterOutcome` (services/multi_cluster.py): a cluster that cannot be reached is an
entry with its error while the others still answer.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from pmpc_tui.config.profiles import ProfileError
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError, ValidationFailed
from pmpc_tui.services.multi_cluster import ClusterOutcome, error_entry
from pmpc_tui.services.session import Session
from pmpc_tui.workspace.config import Workspace, WorkspaceError

T = TypeVar("T")
log = logging.getLogger("pmpc.clusters")
NO_TIMEOUT = 0.0  # a plan or an apply takes as long as it takes; a stopped cluster fails on connecting


def is_multi(ws: Workspace | None) -> bool:
    """True for the top of a workspace of several clusters (a cluster's own folder is one cluster)."""
    return ws is not None and ws.cluster is None and bool(ws.config.clusters)


def chosen_clusters(ws: Workspace, names: list[str] | None, cwd: Path | None = None) -> list[str]:
    """The clusters to work on: `--cluster` names (each once, each known), else the one whose folder holds the
    current directory, else all of them in the file's order."""
    if names:
        for name in names:
            ws.for_cluster(name)  # WorkspaceError naming the known ones
        return list(dict.fromkeys(names))
    here = (cwd or Path.cwd()).resolve()
    for name in ws.cluster_names():
        folder = (ws.clusters_dir / name).resolve()
        if here == folder or folder in here.parents:
            return [name]
    return ws.cluster_names()


def refuse_cluster_option(ws: Workspace | None, names: list[str] | None) -> None:
    """`--cluster` in a workspace of one cluster is a usage error (exit 64), before anything is sent."""
    if names and ws is not None and ws.cluster is None and not ws.config.clusters:  # (a cluster's own: chosen)
        raise WorkspaceError("--cluster works in a workspace of several clusters; this one has one, in terraform/",
                             "Drop --cluster, or add clusters with `proxmox-mpc init --cluster NAME --profile P`.")


def cluster_session(cws: Workspace, read_only: bool = False) -> Session:
    """A session for one cluster's folder: its profile (never $PMPC_PROFILE's or the active one), its state."""
    if not cws.config.profile:
        raise WorkspaceError(f"cluster '{cws.cluster}' names no profile in {cws.config_path}",
                             f"Add `clusters: {{{cws.cluster}: {{profile: NAME}}}}` (see `proxmox-mpc profiles`).")
    session = Session(profile_name=cws.config.profile, read_only=read_only)
    session._workspace, session._workspace_looked_up = cws, True
    return session


async def run_cluster(cws: Workspace, run: Callable[[Workspace, Session], Awaitable[T]],
                      read_only: bool = False, timeout: float = NO_TIMEOUT) -> ClusterOutcome:
    """Run `run` on one cluster in its own session (closed afterwards); what stops it becomes the entry's error."""
    name, profile = cws.cluster or "", cws.config.profile or ""
    session: Session | None = None
    try:
        session = cluster_session(cws, read_only)
        work = run(cws, session)
        result = await (asyncio.wait_for(work, timeout) if timeout > 0 else work)
        return ClusterOutcome(name, profile, result=result)
    except ValidationFailed:
        raise  # bad input is wrong for every cluster: the command stops with a usage error
    except (PVEError, ProfileError, TimeoutError, OSError) as exc:
        return ClusterOutcome(name, profile, error=error_entry(exc, timeout))
    except Exception as exc:  # a bug: the entry says so, the other clusters still answer
        log.error("cluster %s failed", name, exc_info=exc)
        return ClusterOutcome(name, profile, error=error_entry(exc, timeout))
    finally:
        if session is not None:
            await session.close()


async def run_clusters(ws: Workspace, names: list[str], run: Callable[[Workspace, Session], Awaitable[T]],
                       concurrent: bool = True, read_only: bool = False) -> list[ClusterOutcome]:
    """Run `run` on every named cluster of `ws` — concurrently, or one after the other (an apply asks each
    cluster its own question; with $PMPC_DATABASE_URL all clusters share that database, so one at a time) —
    outcomes in the order given."""
    parts = [ws.for_cluster(name) for name in names]
    if concurrent and not os.environ.get("PMPC_DATABASE_URL"):  # one shared database: one cluster at a time
        return list(await asyncio.gather(*(run_cluster(cws, run, read_only) for cws in parts)))
    return [await run_cluster(cws, run, read_only) for cws in parts]


def worst_exit_code(outcomes: list[ClusterOutcome], codes: list[int]) -> int:
    """The exit code of a command on several clusters: when clusters failed, their code if they all failed the
    same way (3 unreachable, 6 not confirmed …), else 1; when none failed, the highest of theirs (2: changes)."""
    failed = {int(o.error.get("exit_code", ExitCode.ERROR)) for o in outcomes if o.error is not None}
    if failed:
        return failed.pop() if len(failed) == 1 else int(ExitCode.ERROR)
    return max(codes, default=int(ExitCode.OK))


def cluster_of_plan(ws: Workspace, plan_workspace: str) -> str | None:
    """The cluster whose folder a saved plan was made in (None: none of this workspace's)."""
    for name in ws.cluster_names():
        if Path(plan_workspace) == ws.for_cluster(name).root:
            return name
    return None


def add_clusters(ws: Workspace, pairs: list[tuple[str, str | None]]) -> list[str]:
    """Add clusters NAME → PROFILE to proxmox-mpc.yaml (made a workspace of several); the new names.

    Refused when the workspace's own terraform/ already manages guests: they would belong to no cluster."""
    from pmpc_tui.services.managed import managed_path
    from pmpc_tui.workspace.config import ClusterConfig, check_cluster_name

    if ws.cluster is not None:
        raise WorkspaceError("run `init --cluster` in the workspace's folder, not in a cluster's")
    if not ws.config.clusters and managed_path(ws).exists():
        raise WorkspaceError(f"{ws.root} manages guests in terraform/: they would belong to no cluster",
                             f"Move terraform/ and ansible/ to clusters/NAME/, add `clusters: {{NAME: {{profile: "
                             f"{ws.config.profile or 'P'}}}}}` to proxmox-mpc.yaml, then add the others.")
    added = []
    for name, profile in pairs:
        check_cluster_name(name, "--cluster")
        if name in ws.config.clusters:
            raise WorkspaceError(f"cluster '{name}' is already in {ws.config_path}",
                                 "Edit proxmox-mpc.yaml to change its profile.")
        twin = next((other for other, entry in ws.config.clusters.items() if profile and entry.profile == profile),
                    None)
        if twin is not None:
            raise WorkspaceError(f"cluster '{twin}' uses profile '{profile}' already",
                                 "Give each cluster its own profile (`proxmox-mpc connect` saves one).")
        ws.config.clusters[name] = ClusterConfig(profile=profile)
        added.append(name)
    return added


async def plan_each(ws: Workspace, names: list[str] | None = None) -> list[ClusterOutcome]:
    """Plan every (named) cluster concurrently, each in its own session; an unreachable one is its error entry."""
    from pmpc_tui.services.plan import make_plan

    async def plan(cws: Workspace, session: Session) -> Any:
        return await make_plan(cws, await session.db(), await session.client())

    return await run_clusters(ws, names or ws.cluster_names(), plan)


async def apply_in_cluster(ws: Workspace, name: str, plan: Any, progress: Callable[[str], None],
                           allow_destroy: bool = False) -> Any:
    """Apply `plan` in cluster `name` — only when it was made for that cluster's folder — in its own session."""
    from pmpc_tui.services.apply import apply_plan

    cws = ws.for_cluster(name)
    if plan.workspace != str(cws.root):
        raise ValidationFailed("plan of another cluster", {name: f"the plan was made for {plan.workspace}"})
    session = cluster_session(cws)
    try:
        return await apply_plan(cws, await session.db(), await session.client(), plan, progress,
                                allow_destroy=allow_destroy)
    finally:
        await session.close()
