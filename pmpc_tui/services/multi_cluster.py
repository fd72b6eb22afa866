"""Reading several clusters at once: one `Session` per profile, all read concurrently, each with its own timeout.

A cluster that cannot be reached (or answers with an error) becomes an entry with its error and next step;
the others still answer. The entry's `cluster` is the profile's name: two clusters may well share PVE's own
cluster name, the profile's is what the user typed and can pass to `--profile` again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pmpc_tui.config.profiles import ProfileError, ProfileStore, check_profile_name
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError, ValidationFailed
from pmpc_tui.services.session import Session

T = TypeVar("T")
DEFAULT_TIMEOUT = 30.0  # seconds one cluster may take before it counts as unreachable


@dataclass
class ClusterOutcome:
    """One cluster's answer: its result, or the error that stopped it."""

    cluster: str
    profile: str
    result: Any = None
    error: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self, result: Any = None) -> dict[str, Any]:
        """The JSON entry: {cluster, profile, result} or {cluster, profile, error: {message, next_step, exit_code}}."""
        if self.error is not None:
            return {"cluster": self.cluster, "profile": self.profile, "error": self.error}
        return {"cluster": self.cluster, "profile": self.profile, "result": self.result if result is None else result}


def chosen_profiles(names: list[str] | None, all_profiles: bool, store: ProfileStore | None = None) -> list[str]:
    """The profiles to read: every saved one with `all_profiles`, else `names` (each once, in order)."""
    store = store or ProfileStore()
    if all_profiles:
        saved = [p.name for p in store.list()]
        if not saved:
            raise ProfileError("no profiles yet — create one with `proxmox-mpc connect`")
        return saved
    chosen: list[str] = []
    for name in names or []:
        try:
            check_profile_name(name)
        except ProfileError as exc:
            raise ValidationFailed("invalid profile", {"--profile": str(exc)}) from None
        if name not in chosen:
            chosen.append(name)
    return chosen


def error_entry(exc: BaseException, timeout: float) -> dict[str, Any]:
    """{message, next_step, exit_code} for what stopped one cluster (never a traceback, never a secret)."""
    from pmpc_tui.pve.redact import redact

    if isinstance(exc, TimeoutError):
        return {"message": f"no answer within {timeout:g} s", "exit_code": int(ExitCode.CONNECT),
                "next_step": "Check that the cluster is up and reachable, or raise --cluster-timeout."}
    if isinstance(exc, PVEError):
        return {"message": redact(exc.message), "next_step": redact(exc.hint), "exit_code": int(exc.exit_code)}
    if isinstance(exc, ProfileError):
        return {"message": redact(str(exc)), "exit_code": int(ExitCode.CONNECT),
                "next_step": "See `proxmox-mpc profiles`; add one with `proxmox-mpc connect`."}
    first = str(exc).splitlines()[0] if str(exc) else ""
    return {"message": redact(f"{type(exc).__name__}: {first}")[:300], "exit_code": int(ExitCode.ERROR),
            "next_step": "`proxmox-mpc logs --level error` shows the details."}


async def read_cluster(name: str, read: Callable[[Session], Awaitable[T]], timeout: float,
                       session: Session | None = None) -> ClusterOutcome:
    """Read one cluster through its own session (closed afterwards when made here); errors become the entry's."""
    own = session is None
    session = session or Session(profile_name=name)
    try:
        result = await asyncio.wait_for(read(session), timeout)
        return ClusterOutcome(name, name, result=result)
    except ValidationFailed:
        raise  # bad input is wrong for every cluster: the caller stops with a usage error
    except (PVEError, ProfileError, TimeoutError, OSError) as exc:
        return ClusterOutcome(name, name, error=error_entry(exc, timeout))
    except Exception as exc:  # a bug: the entry says so, the others still answer
        import logging

        logging.getLogger("pmpc.multi").error("reading %s failed", name, exc_info=exc)
        return ClusterOutcome(name, name, error=error_entry(exc, timeout))
    finally:
        if own:
            await session.close()


async def read_clusters(names: list[str], read: Callable[[Session], Awaitable[T]],
                        timeout: float = DEFAULT_TIMEOUT) -> list[ClusterOutcome]:
    """Read every cluster concurrently, each with its own session and timeout; outcomes in the order given."""
    return list(await asyncio.gather(*(read_cluster(name, read, timeout) for name in names)))


def exit_code_of(outcomes: list[ClusterOutcome], codes: list[int]) -> int:
    """1 when any cluster failed; else the highest of the clusters' own exit codes (e.g. 2: findings)."""
    if any(not o.ok for o in outcomes):
        return int(ExitCode.ERROR)
    return max(codes, default=int(ExitCode.OK))


async def read_sessions(sessions: dict[str, Session], read: Callable[[Session], Awaitable[T]],
                        timeout: float = DEFAULT_TIMEOUT) -> list[ClusterOutcome]:
    """Read clusters whose sessions are already open (the console's group), concurrently; sessions stay open."""
    return list(await asyncio.gather(*(read_cluster(name, read, timeout, session=s) for name, s in sessions.items())))


def cluster_guest_rows(name: str, rows: list[dict[str, Any]], current: bool) -> list[dict[str, Any]]:
    """One open cluster's guest rows for a table of every open cluster's: each names its `cluster`; another
    than the current one's is keyed 'NAME/VMID' (`key`), since two clusters may use the same VMIDs."""
    if current:
        return [{**row, "cluster": name} for row in rows]
    return [{**row, "cluster": name, "key": f"{name}/{row['vmid']}"} for row in rows]


def cluster_row(name: str, view: Any) -> dict[str, Any]:
    """One cluster's line of the group dashboard, from its `ClusterView`."""
    vms, cts = view.counts("qemu"), view.counts("lxc")
    return {"cluster": name, "nodes_online": sum(1 for n in view.nodes if n["status"] == "online"),
            "nodes": len(view.nodes), "vms_running": vms.get("running", 0), "vms": sum(vms.values()),
            "cts_running": cts.get("running", 0), "cts": sum(cts.values()),
            "tasks_running": len(view.running_tasks()), "error": None}


def group_rows(current: str, current_view: Any, others: list[ClusterOutcome]) -> list[dict[str, Any]]:
    """The group dashboard's rows: the current cluster first, then the others in order, then the totals;
    a cluster that cannot be read is its row with its error."""
    rows = [cluster_row(current, current_view) if current_view is not None else
            {"cluster": current, "error": None, "loading": True}]
    for outcome in others:
        if outcome.error is not None:
            rows.append({"cluster": outcome.cluster, "error": outcome.error["message"]})
        else:
            rows.append(cluster_row(outcome.cluster, outcome.result))
    keys = ("nodes_online", "nodes", "vms_running", "vms", "cts_running", "cts", "tasks_running")
    answered = [r for r in rows if r.get("error") is None and not r.get("loading")]
    total: dict[str, Any] = {"cluster": "total", "error": None, **{k: sum(r[k] for r in answered) for k in keys}}
    total["unreachable"] = sum(1 for r in rows if r.get("error"))
    return [*rows, total]
