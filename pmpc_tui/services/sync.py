"""Sync: read the whole cluster concurrently, then write it to the state DB in one transaction.

Fetching finishes completely before the database is touched, and the write is a single
transaction, so a sync that fails half-way leaves the database exactly as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConnectionFailed, NotFound, PVEError
from pmpc_tui.services import events
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import VM, Container, Network, Node, Storage, SyncRun, Task, utcnow

Progress = Callable[[int, int, str], None]
GuestRows = dict[str, dict[int, dict[str, Any]]]  # "qemu"/"lxc" → VMID → the guest's row as written


@dataclass
class ClusterSnapshot:
    """Everything one sync read from the API."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    guests: list[dict[str, Any]] = field(default_factory=list)  # resource entries, with "config"
    storages: list[dict[str, Any]] = field(default_factory=list)
    networks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    unreachable_nodes: list[str] = field(default_factory=list)
    api_calls: int = 0


@dataclass
class SyncResult:
    """What a sync found and changed."""

    run_id: int | None
    duration_ms: int
    nodes: int
    vms: int
    containers: int
    storages: int
    networks: int
    added: int
    updated: int
    removed: int
    api_calls: int
    unreachable_nodes: list[str]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class SyncService:
    """Reads cluster state through the client and records it in the database."""

    def __init__(self, client: PVEClient, db: Database) -> None:
        self.client = client
        self.db = db

    async def fetch(self, progress: Progress | None = None,
                    on_resources: Callable[[list[dict[str, Any]]], None] | None = None,
                    on_configs: Callable[[list[tuple[dict[str, Any], dict[str, Any]]]], None] | None = None,
                    ) -> ClusterSnapshot:
        """Read resources, then every guest config and node network at once (`on_resources` sees the
        resource list as soon as it is read: import answers its cluster objects' read of it from there;
        `on_configs` the (resource entry, config) pairs as they come in, several times a second)."""
        snap = ClusterSnapshot()
        resources = await self.client.get("/cluster/resources")
        snap.api_calls += 1
        if on_resources is not None:
            on_resources(resources)
        node_status = {r["node"]: r.get("status") for r in resources if r.get("type") == "node"}
        snap.nodes = [r for r in resources if r.get("type") == "node"]
        snap.storages = [r for r in resources if r.get("type") == "storage"]
        snap.guests = [dict(r) for r in resources if r.get("type") in ("qemu", "lxc")]
        online = sorted(n for n, status in node_status.items() if status == "online")
        snap.unreachable_nodes = sorted(n for n, status in node_status.items() if status != "online")
        reachable = [g for g in snap.guests if g.get("node") in online]
        for entry in snap.guests:
            entry["config"] = None  # on an offline node: its last known config is kept
        skipped = len(snap.guests) - len(reachable)
        total = len(snap.guests) + len(online) + 1
        paths = [f"/nodes/{g['node']}/{g['type']}/{g['vmid']}/config" for g in reachable]
        paths += [f"/nodes/{node}/network" for node in online] + ["/cluster/tasks"]

        def tick(done: int) -> None:
            if progress is not None:
                progress(skipped + done, total, "reading guest configs, networks and tasks")

        # one batch: a few pool jobs take turns on the paths, instead of one thread hand-off per request
        def configs(found: list[tuple[int, Any]]) -> None:
            if on_configs is not None:
                on_configs([(reachable[i], a) for i, a in found if i < len(reachable) and isinstance(a, dict)])

        answers = await self.client.get_many(paths, tick, configs if on_configs is not None else None)
        snap.api_calls += len(paths)
        for entry, answer in zip(reachable, answers, strict=False):
            if isinstance(answer, NotFound) or (isinstance(answer, ConnectionFailed) and answer.status in (595, 596)):
                answer = None  # removed between the two reads, or its node dropped out: the next sync settles it
            elif isinstance(answer, PVEError):
                raise answer
            entry["config"] = answer
        rest = answers[len(reachable):]
        for answer in rest:
            if isinstance(answer, PVEError):
                raise answer
        snap.networks = dict(zip(online, rest[:-1], strict=True))
        snap.tasks = rest[-1]
        return snap

    async def run(self, progress: Progress | None = None,
                  on_fetched: Callable[[ClusterSnapshot], None] | None = None,
                  on_resources: Callable[[list[dict[str, Any]]], None] | None = None,
                  on_guests: Callable[[GuestRows], None] | None = None,
                  on_configs: Callable[[list[tuple[dict[str, Any], dict[str, Any]]]], None] | None = None,
                  ) -> SyncResult:
        """Fetch everything, then write it in one transaction and record the sync run.
        `on_fetched` sees the snapshot before it is written (import starts its guest-agent reads there);
        `on_guests` the guests' rows as they will read after the write (a plan compares them meanwhile)."""
        started = time.perf_counter()
        started_at = utcnow()
        snap = await self.fetch(progress, on_resources, on_configs)
        if on_fetched is not None:
            on_fetched(snap)
        async with self.db.transaction() as session:
            counts = await _write_snapshot(session, snap, on_guests)
            duration_ms = int((time.perf_counter() - started) * 1000)
            run = SyncRun(started_at=started_at, finished_at=utcnow(), duration_ms=duration_ms,
                          api_calls=snap.api_calls, **counts)  # type: ignore[arg-type]
            session.add(run)
            await session.flush()
            run_id = run.id
        result = SyncResult(run_id=run_id, duration_ms=duration_ms, api_calls=snap.api_calls,
                            unreachable_nodes=snap.unreachable_nodes, **counts)
        events.publish("sync.finished", result.as_dict, client=self.client)
        return result


    async def read_guests(self, on_resources: Callable[[list[dict[str, Any]]], None] | None = None) -> GuestRows:
        """The guests' rows as `run` would write them, with nothing written and no sync recorded (drift: a check
        changes nothing, like `terraform plan`). A guest whose node did not answer keeps its last synced config."""
        snap = await self.fetch(None, on_resources)
        lost = {int(g["vmid"]) for g in snap.guests if g.get("config") is None}
        previous: dict[tuple[str, int], Any] = {}
        if lost:
            async with self.db.session() as session:
                for kind, model in (("qemu", VM), ("lxc", Container)):
                    query = select(model).where(model.vmid.in_(lost))  # type: ignore[attr-defined]
                    previous.update(((kind, row.vmid), row) for row in (await session.exec(query)).all())
        return {kind: {g["vmid"]: _guest_values(g, previous.get((kind, int(g["vmid"]))))
                       for g in snap.guests if g["type"] == kind} for kind in ("qemu", "lxc")}


async def _write_snapshot(session: Any, snap: ClusterSnapshot,
                          on_guests: Callable[[GuestRows], None] | None = None) -> dict[str, int]:
    now = utcnow()
    added = updated = removed = 0

    async def upsert(model: Any, key: str, rows: dict[Any, dict[str, Any]]) -> None:
        nonlocal added, updated, removed
        existing = {getattr(obj, key): obj for obj in (await session.exec(select(model))).all()}
        for ident, values in rows.items():
            obj = existing.get(ident)
            if obj is None:
                session.add(model(**values, last_seen=now))
                added += 1
                continue
            changed = obj.removed_at is not None
            for name, value in values.items():
                if getattr(obj, name) != value:
                    setattr(obj, name, value)
                    changed = True
            obj.last_seen = now
            obj.removed_at = None
            if changed:
                updated += 1
        for ident, obj in existing.items():
            if ident not in rows and obj.removed_at is None:
                obj.removed_at = now
                removed += 1

    nodes = {n["node"]: _node_values(n) for n in snap.nodes}
    # an offline node reports no figures: keep its last known sizes, record only the status
    for node in (await session.exec(select(Node))).all():
        values = nodes.get(node.name)
        if values is not None and values["status"] != "online" and not values["maxmem"]:
            for key in ("cpu", "maxcpu", "mem", "maxmem", "disk", "maxdisk", "uptime"):
                values[key] = getattr(node, key)
    await upsert(Node, "name", nodes)
    previous_vm = {v.vmid: v for v in (await session.exec(select(VM))).all()}
    previous_ct = {c.vmid: c for c in (await session.exec(select(Container))).all()}
    vms = {g["vmid"]: _guest_values(g, previous_vm.get(g["vmid"])) for g in snap.guests if g["type"] == "qemu"}
    cts = {g["vmid"]: _guest_values(g, previous_ct.get(g["vmid"])) for g in snap.guests if g["type"] == "lxc"}
    if on_guests is not None:  # every guest not among them is marked removed below
        on_guests({"qemu": vms, "lxc": cts})
    events.guest_status_changes(previous_vm, vms, "qemu")  # guest.status, only while someone listens
    events.guest_status_changes(previous_ct, cts, "lxc")
    await upsert(VM, "vmid", vms)
    await upsert(Container, "vmid", cts)
    await upsert(Storage, "id", {s["id"]: _storage_values(s) for s in snap.storages})
    networks = {f"{node}/{n['iface']}": _network_values(node, n)
                for node, items in snap.networks.items() for n in items}
    # networks of unreachable nodes are unknown, not removed: keep them as they were (and ones
    # already marked removed stay removed)
    for obj in (await session.exec(select(Network))).all():
        if obj.node in snap.unreachable_nodes and obj.id not in networks and obj.removed_at is None:
            networks[obj.id] = {k: getattr(obj, k) for k in _network_values(obj.node, {"iface": obj.iface})}
    await upsert(Network, "id", networks)
    existing_tasks = {t.upid: t for t in (await session.exec(select(Task))).all()}
    for t in snap.tasks:
        values = _task_values(t)
        obj = existing_tasks.get(values["upid"])
        if obj is None:
            session.add(Task(**values))
        else:
            for name, value in values.items():
                setattr(obj, name, value)
    return {"nodes": len(nodes), "vms": len(vms), "containers": len(cts), "storages": len(snap.storages),
            "networks": len(networks), "added": added, "updated": updated, "removed": removed}


def _node_values(n: dict[str, Any]) -> dict[str, Any]:
    return {"name": n["node"], "status": n.get("status", "unknown"), "cpu": float(n.get("cpu", 0) or 0),
            "maxcpu": int(n.get("maxcpu", 0) or 0), "mem": int(n.get("mem", 0) or 0),
            "maxmem": int(n.get("maxmem", 0) or 0), "disk": int(n.get("disk", 0) or 0),
            "maxdisk": int(n.get("maxdisk", 0) or 0), "uptime": int(n.get("uptime", 0) or 0),
            "level": n.get("level", "") or ""}


def _guest_values(g: dict[str, Any], previous: Any) -> dict[str, Any]:
    config = g.get("config")
    if config is None:  # unreachable: keep what we knew
        config = dict(previous.config) if previous is not None else {}
        digest = previous.digest if previous is not None else ""
    else:
        config = dict(config)
        digest = str(config.pop("digest", ""))
    return {
        "vmid": int(g["vmid"]), "name": g.get("name", "") or "", "node": g.get("node", ""),
        "status": g.get("status", "unknown"), "template": bool(int(g.get("template", 0) or 0)),
        "tags": g.get("tags", "") or "", "lock": g.get("lock"), "cpus": float(g.get("maxcpu", 0) or 0),
        "cpu": float(g.get("cpu", 0) or 0), "mem": int(g.get("mem", 0) or 0),
        "maxmem": int(g.get("maxmem", 0) or 0), "disk": int(g.get("disk", 0) or 0),
        "maxdisk": int(g.get("maxdisk", 0) or 0), "uptime": int(g.get("uptime", 0) or 0),
        "config": config, "digest": digest,
    }


def _storage_values(s: dict[str, Any]) -> dict[str, Any]:
    return {"id": s["id"], "storage": s["storage"], "node": s["node"], "type": s.get("plugintype", ""),
            "content": s.get("content", ""), "shared": bool(int(s.get("shared", 0) or 0)),
            "status": s.get("status", "unknown"), "disk": int(s.get("disk", 0) or 0),
            "maxdisk": int(s.get("maxdisk", 0) or 0)}


def _network_values(node: str, n: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{node}/{n['iface']}", "node": node, "iface": n["iface"], "type": n.get("type", ""),
            "active": bool(int(n.get("active", 0) or 0)), "address": n.get("address"), "cidr": n.get("cidr"),
            "gateway": n.get("gateway"), "bridge_ports": n.get("bridge_ports"),
            "vlan_aware": bool(int(n.get("bridge_vlan_aware", 0) or 0)), "comments": n.get("comments")}


def _task_values(t: dict[str, Any]) -> dict[str, Any]:
    finished = "endtime" in t or t.get("status") not in (None, "running")
    return {"upid": t["upid"], "node": t.get("node", ""), "type": t.get("type", ""), "target": str(t.get("id", "")),
            "user": t.get("user", ""), "status": "stopped" if finished else "running",
            "exitstatus": t.get("status") if finished else None, "starttime": int(t.get("starttime", 0) or 0),
            "endtime": int(t["endtime"]) if t.get("endtime") else None}
