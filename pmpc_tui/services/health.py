"""/health: is everything the tool needs working? Each check says ok/warning/critical and what to do.

Checks run concurrently; the API checks go through the command's client, so a broken connection is
one critical check, not a crash.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmpc_tui.observability.metrics import percentile
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import AuthenticationFailed, PVEError
from pmpc_tui.services import events
from pmpc_tui.services.live import storage_level

LEVELS = ("ok", "warning", "critical")
TOOLS = {"terraform": ["terraform", "version"], "ansible": ["ansible", "--version"], "git": ["git", "--version"]}


@dataclass
class Check:
    """One line of the health report."""

    name: str
    status: str  # ok | warning | critical
    detail: str
    next_step: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail, "next_step": self.next_step}


def overall(checks: list[Check]) -> str:
    return max((c.status for c in checks), key=LEVELS.index, default="ok")


async def _api(client: PVEClient) -> list[Check]:
    timings: list[float] = []
    try:
        for _ in range(5):
            started = time.perf_counter()
            await client.get("/version")
            timings.append(time.perf_counter() - started)
    except AuthenticationFailed as exc:
        return [Check("api", "critical", f"reachable, but the credentials were refused: {exc}",
                      "Check the token id/secret of the profile (proxmox-mpc connect …)"),
                Check("credentials", "critical", "refused", "Create a new API token and save it with connect")]
    except PVEError as exc:
        return [Check("api", "critical", f"not reachable: {exc}", exc.hint or "Check the URL, network and TLS")]
    p50, p95 = percentile(timings, 0.5) * 1000, percentile(timings, 0.95) * 1000
    status = "ok" if p95 < 500 else "warning"
    return [Check("api", status, f"reachable · latency p50 {p50:.0f} ms, p95 {p95:.0f} ms",
                  "" if status == "ok" else "The API is slow: check the network path and the node's load"),
            Check("credentials", "ok", f"{client.settings.auth_id} accepted")]


async def _cluster(client: PVEClient) -> list[Check]:
    checks: list[Check] = []
    try:
        resources, tasks = await asyncio.gather(client.get("/cluster/resources"), client.get("/cluster/tasks"))
    except PVEError as exc:
        return [Check("cluster", "critical", f"cannot read the cluster: {exc}", exc.hint or "")]
    try:
        status = await client.get("/cluster/status")
        cluster = next((s for s in status if s.get("type") == "cluster"), None)
        if cluster is not None:
            quorate = bool(cluster.get("quorate"))
            checks.append(Check("quorum", "ok" if quorate else "critical",
                                f"cluster {cluster.get('name')}: {'quorate' if quorate else 'NOT quorate'}",
                                "" if quorate else "Bring nodes back online; without quorum nothing can change"))
    except PVEError:
        checks.append(Check("quorum", "warning", "unknown (no Sys.Audit on /)", "Grant Sys.Audit to see quorum"))
    nodes = [r for r in resources if r.get("type") == "node"]
    down = sorted(r["node"] for r in nodes if r.get("status") != "online")
    offline = f"; offline: {', '.join(down)}" if down else ""
    checks.append(Check("nodes", "critical" if down else "ok", f"{len(nodes) - len(down)}/{len(nodes)} online{offline}",
                        "Check the offline nodes (power, network, pve-cluster service)" if down else ""))
    guests = [r for r in resources if r.get("type") in ("qemu", "lxc") and not r.get("template")]
    running = sum(1 for g in guests if g.get("status") == "running")
    checks.append(Check("guests", "ok", f"{running} running, {len(guests) - running} stopped"))
    worst = "ok"
    notes = []
    for s in (r for r in resources if r.get("type") == "storage"):
        level = storage_level(int(s.get("disk", 0) or 0), int(s.get("maxdisk", 0) or 0))
        if level != "ok":
            used = int(s.get("disk", 0) or 0) / max(int(s.get("maxdisk", 1) or 1), 1)
            notes.append(f"{s['storage']} on {s['node']} {used * 100:.0f}%")
            worst = max(worst, "critical" if level == "critical" else "warning", key=LEVELS.index)
    checks.append(Check("storage", worst, "all below 80 %" if not notes else "; ".join(notes),
                        "" if worst == "ok" else "Free space: remove old backups/ISOs/snapshots or grow the storage"))
    cutoff = time.time() - 24 * 3600
    failed = [t for t in tasks if t.get("endtime") and t.get("status") not in (None, "OK")
              and not str(t.get("status", "")).startswith("WARNINGS") and int(t.get("starttime", 0)) >= cutoff]
    checks.append(Check("tasks", "warning" if failed else "ok",
                        f"{len(failed)} failed in the last 24 h" + (
                            ": " + "; ".join(f"{t.get('type')} {t.get('id')} ({t.get('status')})" for t in failed[:3])
                            if failed else ""),
                        "See the task logs: proxmox-mpc tasks log UPID" if failed else ""))
    return checks


async def _database(db: Any, error: PVEError | None = None) -> Check:
    from sqlmodel import select

    from pmpc_tui.state.models import SyncRun

    if error is not None:
        return Check("database", "critical", error.message, error.hint)
    if db is None:
        return Check("database", "ok", "none open (the console reads the cluster live outside a workspace)")
    try:
        started = time.perf_counter()
        async with db.session() as session:
            last = (await session.exec(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))).first()  # type: ignore[union-attr]
        ms = (time.perf_counter() - started) * 1000
    except PVEError as exc:  # a StateDatabaseError: names the file or URL and the way out
        return Check("database", "critical", exc.message, exc.hint)
    except Exception as exc:
        return Check("database", "critical", f"not usable: {exc}", "See what is wrong: proxmox-mpc state check")
    when = f"last sync {last.started_at:%Y-%m-%d %H:%M}" if last else "never synced (run sync)"
    return Check("database", "ok", f"query {ms:.1f} ms · {when}")


def _workspace(root: Path | None) -> Check:
    if root is None:
        return Check("workspace", "ok", "none (outside a workspace)", "proxmox-mpc init makes one")
    try:
        with tempfile.NamedTemporaryFile(dir=root / ".proxmox-mpc", prefix=".health-") as fh:
            fh.write(b"ok")
    except OSError as exc:
        return Check("workspace", "critical", f"{root} is not writable: {exc}", "Fix the folder's permissions")
    return Check("workspace", "ok", f"{root} readable and writable")


def _tools() -> list[Check]:
    checks = []
    for name, argv in TOOLS.items():
        path = shutil.which(argv[0])
        if path is None:
            checks.append(Check(name, "warning", "not installed", f"Install {name} to use it with the workspace"))
            continue
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False).stdout
            version = out.strip().splitlines()[0] if out.strip() else "unknown version"
        except (OSError, subprocess.TimeoutExpired) as exc:
            version = f"does not run: {exc}"
        checks.append(Check(name, "ok", version))
    return checks


async def run_health(client: PVEClient | None, db: Any, workspace_root: Path | None,
                     db_error: PVEError | None = None) -> list[Check]:
    """Every check, concurrently; the client may be None when connecting failed, `db` None with `db_error` when
    the state database could not be opened (each reported as critical)."""
    from pmpc_tui.observability.metrics import METRICS

    tools = asyncio.to_thread(_tools)
    workspace = asyncio.to_thread(_workspace, workspace_root)
    database = _database(db, db_error)
    if client is None:
        api: list[Check] = [Check("api", "critical", "no connection", "Check the profile: proxmox-mpc test-connection")]
        cluster: list[Check] = []
        results = await asyncio.gather(tools, workspace, database)
        tool_checks, ws_check, db_check = results
    else:
        api, cluster, tool_checks, ws_check, db_check = await asyncio.gather(
            _api(client), _cluster(client), tools, workspace, database)
    m = METRICS.summary()["api"]
    usage = Check("metrics", "ok", f"this session: {m['calls']} API calls, {m['errors']} failed, "
                                   f"p50 {m['p50_ms']} ms, p95 {m['p95_ms']} ms")
    checks = [*api, *cluster, db_check, ws_check, *tool_checks, usage]
    if any(c.status == "critical" for c in checks):
        events.publish("health.critical", lambda: {"checks": [c.as_dict() for c in checks if c.status == "critical"]},
                       client=client)
    return checks
