"""One read of the cluster for live views: nodes, guests and storage from /cluster/resources."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.services.inventory import guest_row


@dataclass
class ClusterView:
    """What the console shows, read in a single API call."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    vms: list[dict[str, Any]] = field(default_factory=list)
    containers: list[dict[str, Any]] = field(default_factory=list)
    storage: list[dict[str, Any]] = field(default_factory=list)
    read_at: float = 0.0

    def guests(self, kind: str) -> list[dict[str, Any]]:
        return self.vms if kind == "qemu" else self.containers

    def counts(self, kind: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.guests(kind):
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts


async def load_cluster_view(client: PVEClient) -> ClusterView:
    """Read the cluster once; rows are plain dicts ready for tables."""
    resources = await client.get("/cluster/resources")
    view = ClusterView(read_at=time.time())
    for r in resources:
        kind = r.get("type")
        if kind == "qemu":
            view.vms.append(guest_row(r))
        elif kind == "lxc":
            view.containers.append(guest_row(r))
        elif kind == "node":
            view.nodes.append({"node": r["node"], "status": r.get("status", ""),
                               "cpu": float(r.get("cpu", 0) or 0), "maxcpu": int(r.get("maxcpu", 0) or 0),
                               "mem": int(r.get("mem", 0) or 0), "maxmem": int(r.get("maxmem", 0) or 0),
                               "disk": int(r.get("disk", 0) or 0), "maxdisk": int(r.get("maxdisk", 0) or 0),
                               "uptime": int(r.get("uptime", 0) or 0)})
        elif kind == "storage":
            view.storage.append({"storage": r["storage"], "node": r["node"], "disk": int(r.get("disk", 0) or 0),
                                 "maxdisk": int(r.get("maxdisk", 0) or 0), "shared": bool(r.get("shared"))})
    view.vms.sort(key=lambda g: g["vmid"])
    view.containers.sort(key=lambda g: g["vmid"])
    view.nodes.sort(key=lambda n: n["node"])
    return view
