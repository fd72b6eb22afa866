"""Read-side use cases: list and describe guests, nodes and storage, straight from the API."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import NotFound, ValidationFailed
from pmpc_tui.services.guest_ref import check_pve_kind, parse_guest_ident


@dataclass(frozen=True)
class GuestRef:
    """A guest found in the cluster."""

    kind: str  # qemu | lxc
    vmid: int
    node: str
    name: str
    status: str
    template: bool = False

    @property
    def label(self) -> str:
        return f"{'VM' if self.kind == 'qemu' else 'CT'} {self.vmid} ({self.name}) on {self.node}"

    @property
    def path(self) -> str:
        return f"/nodes/{self.node}/{self.kind}/{self.vmid}"

    @property
    def fields(self) -> dict[str, Any]:
        """The guest as a result's JSON names it: vmid, name, node, type."""
        return {"vmid": self.vmid, "name": self.name, "node": self.node, "type": self.kind}


def validate_guest_ident(text: str | int) -> int | str:
    """A guest named by VMID or DNS name (see services/guest_ref.py); anything else is rejected."""
    return parse_guest_ident(text)


def parse_selector(selector: str | None) -> dict[str, str]:
    """`tag=web,status=running` → {"tag": "web", "status": "running"}."""
    if not selector:
        return {}
    result: dict[str, str] = {}
    for part in selector.split(","):
        if "=" not in part:
            raise ValidationFailed("invalid selector", {"selector": f"'{part}' is not KEY=VALUE"})
        key, value = part.split("=", 1)
        key = key.strip()
        if key not in ("tag", "name", "node", "status"):
            raise ValidationFailed("invalid selector", {"selector": f"unknown key '{key}' (tag, name, node, status)"})
        result[key] = value.strip()
    return result


def guest_row(r: dict[str, Any]) -> dict[str, Any]:
    """A flat row for tables and JSON output from a /cluster/resources entry."""
    return {
        "vmid": int(r["vmid"]), "name": r.get("name", ""), "node": r.get("node", ""),
        "status": r.get("status", ""), "cpus": r.get("maxcpu", 0), "cpu": round(float(r.get("cpu", 0) or 0), 4),
        "mem": int(r.get("mem", 0) or 0), "maxmem": int(r.get("maxmem", 0) or 0),
        "maxdisk": int(r.get("maxdisk", 0) or 0), "uptime": int(r.get("uptime", 0) or 0),
        "tags": r.get("tags", "") or "", "template": bool(int(r.get("template", 0) or 0)),
        "lock": r.get("lock"),
    }


def _matches(row: dict[str, Any], node: str | None, status: str | None, selector: dict[str, str]) -> bool:
    if node and row["node"] != node:
        return False
    if status and row["status"] != status:
        return False
    tags = set(filter(None, row["tags"].split(";")))
    if "tag" in selector and selector["tag"].lower() not in tags:
        return False
    if "name" in selector and not re.fullmatch(selector["name"].replace("*", ".*"), row["name"]):
        return False
    if "node" in selector and row["node"] != selector["node"]:
        return False
    return not ("status" in selector and row["status"] != selector["status"])


async def list_guests(client: PVEClient, kind: str, node: str | None = None, status: str | None = None,
                      selector: str | None = None) -> list[dict[str, Any]]:
    """Guests of one kind (qemu or lxc), filtered, sorted by VMID."""
    check_pve_kind(kind)
    sel = parse_selector(selector)
    resources = await client.get("/cluster/resources", type="vm")
    rows = [guest_row(r) for r in resources if r.get("type") == kind]
    return sorted((r for r in rows if _matches(r, node, status, sel)), key=lambda r: r["vmid"])


NODE_STATUSES = ("online", "offline", "unknown")


def check_node_status(status: str | None) -> None:
    """A node status to filter by: online, offline or unknown (PVE's words), else ValidationFailed."""
    if status and status not in NODE_STATUSES:
        raise ValidationFailed("invalid filter", {"--status": f"{status!r} is not a node status "
                                                              f"({', '.join(NODE_STATUSES)})"})


async def list_nodes(client: PVEClient, status: str | None = None) -> list[dict[str, Any]]:
    """The cluster's nodes, or only those in `status` (online, offline, unknown)."""
    check_node_status(status)
    nodes = [n for n in await client.get("/nodes") if not status or n.get("status") == status]
    return [{"node": n["node"], "status": n.get("status", ""), "cpu": round(float(n.get("cpu", 0) or 0), 4),
             "maxcpu": n.get("maxcpu", 0), "mem": n.get("mem", 0), "maxmem": n.get("maxmem", 0),
             "disk": n.get("disk", 0), "maxdisk": n.get("maxdisk", 0), "uptime": n.get("uptime", 0)}
            for n in sorted(nodes, key=lambda n: n["node"])]


async def list_storage(client: PVEClient, node: str | None = None,
                       storage: str | None = None) -> list[dict[str, Any]]:
    """Storage on every node (or one node), optionally only the storage named `storage`."""
    resources = await client.get("/cluster/resources", type="storage")
    rows = []
    for s in resources:
        if (node and s.get("node") != node) or (storage and s.get("storage") != storage):
            continue
        total = int(s.get("maxdisk", 0) or 0)
        used = int(s.get("disk", 0) or 0)
        rows.append({"storage": s["storage"], "node": s["node"], "type": s.get("plugintype", ""),
                     "content": s.get("content", ""), "shared": bool(int(s.get("shared", 0) or 0)),
                     "status": s.get("status", ""), "used": used, "total": total,
                     "used_pct": round(100 * used / total, 1) if total else 0.0})
    return sorted(rows, key=lambda r: (r["storage"], r["node"]))


async def find_guest(client: PVEClient, kind: str, ident: int | str) -> GuestRef:
    """Resolve a VMID or name to a guest of the given kind, or NotFound (bad input: nothing is sent)."""
    check_pve_kind(kind)
    ident = parse_guest_ident(ident)
    resources = await client.get("/cluster/resources", type="vm")
    label = "VM" if kind == "qemu" else "container"
    matches = [r for r in resources if r.get("type") == kind and
               (int(r["vmid"]) == ident if isinstance(ident, int) else r.get("name") == ident)]
    if not matches:
        other = [r for r in resources if (int(r["vmid"]) == ident if isinstance(ident, int)
                                          else r.get("name") == ident)]
        hint = ""
        if other:
            hint = f"{ident} is a {'VM' if other[0]['type'] == 'qemu' else 'container'}; " \
                   f"use `{'vm' if other[0]['type'] == 'qemu' else 'ct'}` instead."
        raise NotFound(f"no {label} {ident} in the cluster", hint)
    if len(matches) > 1:
        ids = ", ".join(str(r["vmid"]) for r in matches)
        raise ValidationFailed(f"the name '{ident}' is ambiguous", {"guest": f"matches VMIDs {ids}; use the VMID"})
    r = matches[0]
    return GuestRef(kind, int(r["vmid"]), r["node"], r.get("name", ""), r.get("status", ""),
                    bool(int(r.get("template") or 0)))


async def describe_guest(client: PVEClient, kind: str, ident: int | str) -> dict[str, Any]:
    """Config, live status, snapshots and recent tasks of one guest."""
    from pmpc_tui.services.snapshots import snapshot_tree, tree_lines

    ref = await find_guest(client, kind, ident)
    config, status, snapshots, tasks = await asyncio.gather(
        client.get(f"{ref.path}/config"), client.get(f"{ref.path}/status/current"),
        client.get(f"{ref.path}/snapshot"), client.get(f"/nodes/{ref.node}/tasks", vmid=ref.vmid, limit=10,
                                                       source="all"),
    )
    return {
        "vmid": ref.vmid, "name": ref.name, "node": ref.node, "type": kind,
        "status": status.get("qmpstatus", status.get("status")), "uptime": status.get("uptime", 0),
        "cpu": status.get("cpu", 0), "mem": status.get("mem", 0), "maxmem": status.get("maxmem", 0),
        "config": {k: v for k, v in sorted(config.items()) if k != "digest"},
        "digest": config.get("digest"),
        "snapshots": [s["name"] for s in snapshots if s.get("name") != "current"],
        "snapshot_tree": tree_lines(snapshot_tree(snapshots)) if len(snapshots) > 1 else [],
        "recent_tasks": [{"type": t["type"], "status": t.get("status", "running"), "upid": t["upid"]}
                         for t in tasks],
    }


async def recent_tasks(client: PVEClient, node: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest tasks across the cluster (or one node)."""
    tasks = await client.get("/cluster/tasks")
    rows = [{"upid": t["upid"], "node": t.get("node", ""), "type": t.get("type", ""), "id": t.get("id", ""),
             "user": t.get("user", ""), "status": t.get("status", "running"),
             "starttime": t.get("starttime", 0)} for t in tasks if not node or t.get("node") == node]
    return sorted(rows, key=lambda r: r["starttime"], reverse=True)[:limit]
