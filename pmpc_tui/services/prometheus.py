"""Prometheus text exposition: guests by status, node usage, API latency, command timings, apply results."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlmodel import func, select

from pmpc_tui.observability.metrics import METRICS
from pmpc_tui.services.read_cache import ReadCache
from pmpc_tui.services.session import Session
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import ApplyRun


def _label(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")[:120]


def _metric(lines: list[str], name: str, kind: str, help_: str, samples: list[tuple[dict[str, Any], float]]) -> None:
    lines.append(f"# HELP {name} {help_}")
    lines.append(f"# TYPE {name} {kind}")
    for labels, value in samples:
        text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{text}}} {value:g}" if text else f"{name} {value:g}")


async def apply_results(db: Database) -> dict[str, int]:
    """How many applies ended how (done, failed, interrupted …), from the apply journal."""
    async with db.session() as s:
        rows = (await s.exec(select(ApplyRun.status, func.count()).group_by(ApplyRun.status))).all()
    return {str(status): int(count) for status, count in rows}


async def exposition(session: Session, db: Database | None, reads: ReadCache | None = None) -> str:
    """The metrics page as the caller's own session sees the cluster (their ACLs decide which guests count);
    `reads`: the web server's read cache, whose answers are counted by how they were served."""
    lines: list[str] = []
    resources = await (await session.client()).get("/cluster/resources")
    guests = Counter((r.get("type", "?"), r.get("status", "unknown")) for r in resources
                     if r.get("type") in ("qemu", "lxc") and not r.get("template"))
    _metric(lines, "pmpc_guests", "gauge", "Guests by type and status.",
            [({"type": t, "status": s}, n) for (t, s), n in sorted(guests.items())])
    nodes = [r for r in resources if r.get("type") == "node"]
    _metric(lines, "pmpc_node_up", "gauge", "1 when the node is online.",
            [({"node": n.get("node")}, 1.0 if n.get("status") == "online" else 0.0) for n in nodes])
    _metric(lines, "pmpc_node_cpu_ratio", "gauge", "Node CPU usage (0-1).",
            [({"node": n.get("node")}, float(n.get("cpu") or 0)) for n in nodes])
    _metric(lines, "pmpc_node_memory_used_bytes", "gauge", "Node memory in use.",
            [({"node": n.get("node")}, float(n.get("mem") or 0)) for n in nodes])
    _metric(lines, "pmpc_node_memory_total_bytes", "gauge", "Node memory.",
            [({"node": n.get("node")}, float(n.get("maxmem") or 0)) for n in nodes])
    summary = METRICS.summary()
    api = summary["api"]
    _metric(lines, "pmpc_api_calls_total", "counter", "Proxmox VE API calls made by this process.",
            [({}, float(api["calls"]))])
    _metric(lines, "pmpc_api_errors_total", "counter", "API calls that failed.", [({}, float(api["errors"]))])
    _metric(lines, "pmpc_api_latency_seconds", "gauge", "API call latency quantiles (recent calls).",
            [({"quantile": "0.5"}, api["p50_ms"] / 1000), ({"quantile": "0.95"}, api["p95_ms"] / 1000)])
    commands = summary["commands"]
    _metric(lines, "pmpc_commands_total", "counter", "Commands and web requests run, by operation.",
            [({"op": name}, float(v["count"])) for name, v in commands.items()])
    _metric(lines, "pmpc_command_failures_total", "counter", "Commands and web requests that failed.",
            [({"op": name}, float(v["failures"])) for name, v in commands.items()])
    if reads is not None:
        _metric(lines, "pmpc_web_reads_total", "counter", "The web read cache: pve (reads sent to PVE, background "
                "refreshes included), shared (waited for a running read), hit (answered from a kept answer).",
                [({"how": "pve"}, float(reads.loads)), ({"how": "shared"}, float(reads.shared)),
                 ({"how": "hit"}, float(reads.hits))])
    if db is not None:
        _metric(lines, "pmpc_applies_total", "counter", "Applies recorded in the journal, by how they ended.",
                [({"status": s}, float(n)) for s, n in sorted((await apply_results(db)).items())])
    text = "\n".join(lines) + "\n"
    return re.sub(r"\n{2,}", "\n", text)
