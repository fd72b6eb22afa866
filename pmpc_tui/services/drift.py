"""Drift: guests and cluster objects (pools, backup jobs, HA) changed outside the code (someone used the web
UI), and those no code describes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.services import events
from pmpc_tui.services.cluster_objects import unmanaged_objects
from pmpc_tui.services.plan import plan_with_cluster
from pmpc_tui.state.db import Database
from pmpc_tui.workspace.config import Workspace


@dataclass
class DriftReport:
    """What differs between the cluster and the code, with what can be done about it."""

    changed: list[dict[str, Any]] = field(default_factory=list)  # managed guests whose config moved
    unmanaged: list[dict[str, Any]] = field(default_factory=list)  # guests no code describes
    missing: list[dict[str, Any]] = field(default_factory=list)  # in the code, gone from the cluster

    @property
    def count(self) -> int:
        return len(self.changed) + len(self.unmanaged) + len(self.missing)

    def as_dict(self) -> dict[str, Any]:
        return {"changed": self.changed, "unmanaged": self.unmanaged, "missing": self.missing, "count": self.count}


async def detect_drift(ws: Workspace, db: Database, client: PVEClient) -> DriftReport:
    """Read the cluster fresh and compare it with the code; nothing is written, not even the state DB."""
    plan, actual, managed = await plan_with_cluster(ws, db, client, record=False)
    report = DriftReport()
    declared = {r.vmid for r in plan.resources if r.action != "delete"}
    for r in plan.changes:
        entry = {"address": r.address, "vmid": r.vmid, "name": r.name, "node": r.node,
                 "changes": [{"key": c.key, "cluster": c.before, "code": c.after} for c in r.changes]}
        if r.what:
            entry["what"] = r.what
        if r.action in ("update", "replace"):
            report.changed.append(entry)
        elif r.action == "create" and (r.vmid in managed if r.vmid is not None
                                       else (r.kind, r.name) in plan.managed_objects):
            report.missing.append(entry)
    for vmid, guest in sorted(actual.items()):
        if vmid not in declared and vmid not in managed:
            report.unmanaged.append({"vmid": vmid, "name": guest.name, "node": guest.node,
                                     "type": "vm" if guest.kind == "qemu" else "ct", "status": guest.status})
    declared_objects = {(r.kind, r.name) for r in plan.resources if r.what and r.action != "delete"}
    report.unmanaged += unmanaged_objects(plan.objects, declared_objects, plan.managed_objects)
    if report.count:
        events.publish("drift.found", report.as_dict, client=client)
    return report


def render_drift(report: DriftReport) -> str:
    """Lines a person reads, ending with what to do."""
    if not report.count:
        return "No drift: the cluster matches the code."
    lines = []
    for e in report.changed:
        keys = ", ".join(f"{c['key']} ({c['cluster']} in the cluster, {c['code']} in the code)"
                         for c in e["changes"])
        lines.append(f"~ {e['address']} ({e.get('what') or str(e['vmid']) + ' ' + e['name']}): {keys}")
    for e in report.missing:
        lines.append(f"? {e['address']} ({e.get('what') or str(e['vmid']) + ' ' + e['name']}) is in the code but "
                     "gone from the cluster")
    for e in report.unmanaged:
        if "what" in e:
            lines.append(f"+ {e['what']} {e['id']} is not in the code (unmanaged)")
            continue
        lines.append(f"+ {e['type']} {e['vmid']} {e['name']} on {e['node']} is not in the code (unmanaged)")
    lines.append("Revert the cluster to the code: `proxmox-mpc apply`. Take the cluster's version into the code: "
                 "`proxmox-mpc import` (unmanaged guests are imported too).")
    return "\n".join(lines)
