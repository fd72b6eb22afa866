"""Live views of the cluster for the console: one read per refresh, history for sparklines,
storage warning levels and detection of tasks that finished since the last refresh."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.services.inventory import guest_row

STORAGE_WARNING = 0.80
STORAGE_CRITICAL = 0.90
PAUSE_RESOURCES = 250  # converting a refresh offers a keystroke the GIL this often
KEY_POLL = 0.005  # how often the loop looks whether the key is done
KEY_FIRST_LIMIT = 0.25  # the longest a keystroke holds back the refresh (a lost release costs no more)


class KeysFirst:
    """Keystrokes before refresh work: while the console handles a key and draws its frame, worker
    threads that convert a refresh wait at their next `pause()` (holding no GIL) instead of taking turns
    with the event loop, which made each key of a 5,000-guest console several times slower."""

    def __init__(self, limit: float = KEY_FIRST_LIMIT) -> None:
        self.limit = limit
        self._free = threading.Event()
        self._free.set()
        self._held_at = 0.0

    def hold(self) -> None:
        """A key arrived (called on the event loop)."""
        self._held_at = time.monotonic()
        self._free.clear()

    def release(self) -> None:
        """The key went its way and its frame is drawn."""
        self._free.set()

    @property
    def held(self) -> bool:
        return not self._free.is_set()

    def pause(self) -> None:
        """In a worker thread: wait while a key is handled, at most `limit` after it arrived."""
        if not self._free.is_set():
            self._free.wait(max(0.0, self._held_at + self.limit - time.monotonic()))

    async def after_keys(self) -> None:
        """On the event loop: let the key being handled draw its frame before refresh results are applied
        (at most `limit` after it arrived)."""
        while not self._free.is_set() and time.monotonic() < self._held_at + self.limit:
            await asyncio.sleep(KEY_POLL)


def storage_level(used: int, total: int) -> str:
    """`ok`, `warning` (> 80 % used) or `critical` (> 90 %), as the health checks grade storage."""
    if total <= 0:
        return "ok"
    fraction = used / total
    if fraction > STORAGE_CRITICAL:
        return "critical"
    if fraction > STORAGE_WARNING:
        return "warning"
    return "ok"


@dataclass(frozen=True)
class GuestDelta:
    """How one kind's guest list (`after`) differs from the list of the view before (`before`): the rows new
    or changed and the VMIDs gone. The console's table applies only these (a refresh child's read)."""

    before: list[dict[str, Any]]
    after: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    removed: list[int]


@dataclass
class ClusterView:
    """What the console shows, read with two concurrent API calls."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    vms: list[dict[str, Any]] = field(default_factory=list)
    containers: list[dict[str, Any]] = field(default_factory=list)
    storage: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    read_at: float = 0.0
    # kind → how its guests differ from the view before (only when known: a refresh child's read)
    deltas: dict[str, GuestDelta] = field(default_factory=dict, compare=False, repr=False)

    def guests(self, kind: str) -> list[dict[str, Any]]:
        return self.vms if kind == "qemu" else self.containers

    def guest_delta(self, kind: str) -> GuestDelta | None:
        """How this kind's guests differ from the view before, when that is known."""
        return self.deltas.get(kind)

    def counts(self, kind: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.guests(kind):
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        return counts

    def find_guest(self, vmid: int) -> tuple[str, dict[str, Any]] | None:
        """The kind (qemu/lxc) and row of a guest by VMID."""
        for kind in ("qemu", "lxc"):
            for row in self.guests(kind):
                if row["vmid"] == vmid:
                    return kind, row
        return None

    def storage_warnings(self) -> list[dict[str, Any]]:
        """Storage above the warning threshold, fullest first."""
        hot = [s for s in self.storage if s["level"] != "ok"]
        return sorted(hot, key=lambda s: s["used_fraction"], reverse=True)

    def running_tasks(self) -> list[dict[str, Any]]:
        return [t for t in self.tasks if t["status"] == "running"]


def _node_row(r: dict[str, Any]) -> dict[str, Any]:
    return {"node": r["node"], "status": r.get("status", ""),
            "cpu": float(r.get("cpu", 0) or 0), "maxcpu": int(r.get("maxcpu", 0) or 0),
            "mem": int(r.get("mem", 0) or 0), "maxmem": int(r.get("maxmem", 0) or 0),
            "disk": int(r.get("disk", 0) or 0), "maxdisk": int(r.get("maxdisk", 0) or 0),
            "uptime": int(r.get("uptime", 0) or 0)}


def _storage_row(r: dict[str, Any]) -> dict[str, Any]:
    disk, maxdisk = int(r.get("disk", 0) or 0), int(r.get("maxdisk", 0) or 0)
    return {"storage": r["storage"], "node": r["node"], "type": r.get("plugintype", ""),
            "content": r.get("content", ""), "status": r.get("status", ""), "shared": bool(r.get("shared")),
            "disk": disk, "maxdisk": maxdisk, "used_fraction": disk / maxdisk if maxdisk else 0.0,
            "level": storage_level(disk, maxdisk)}


def task_row(t: dict[str, Any]) -> dict[str, Any]:
    """A task from /cluster/tasks as a table row; `status` is `running`, `OK` or the error text."""
    return {"upid": t["upid"], "node": t.get("node", ""), "type": t.get("type", ""), "id": str(t.get("id", "")),
            "user": t.get("user", ""), "status": t.get("status", "running") if t.get("endtime") else "running",
            "starttime": int(t.get("starttime", 0) or 0), "endtime": int(t.get("endtime", 0) or 0)}


async def load_cluster_view(client: PVEClient, pause: Callable[[], None] | None = None) -> ClusterView:
    """Read resources and recent tasks at once; rows are plain dicts ready for tables.

    The rows are built in a worker thread: converting thousands of guests on the event loop held up
    every keystroke of the console while a refresh ran (`pause`: see `cluster_view_of`)."""
    resources, tasks = await asyncio.gather(client.get("/cluster/resources"), client.get("/cluster/tasks"))
    return await asyncio.to_thread(cluster_view_of, resources, tasks, time.time(), pause)


def cluster_view_of(resources: list[dict[str, Any]], tasks: list[dict[str, Any]], read_at: float,
                    pause: Callable[[], None] | None = None) -> ClusterView:
    """The view of one read of /cluster/resources and /cluster/tasks (pure: safe in a worker thread;
    `pause()`, e.g. `KeysFirst.pause`, is called every few hundred resources)."""
    view = ClusterView(read_at=read_at)
    for count, r in enumerate(resources, 1):
        if pause is not None and not count % PAUSE_RESOURCES:
            pause()
        kind = r.get("type")
        if kind == "qemu":
            view.vms.append(guest_row(r))
        elif kind == "lxc":
            view.containers.append(guest_row(r))
        elif kind == "node":
            view.nodes.append(_node_row(r))
        elif kind == "storage":
            view.storage.append(_storage_row(r))
    view.vms.sort(key=lambda g: g["vmid"])
    view.containers.sort(key=lambda g: g["vmid"])
    view.nodes.sort(key=lambda n: n["node"])
    view.storage.sort(key=lambda s: (s["storage"], s["node"]))
    view.tasks = sorted((task_row(t) for t in tasks), key=lambda t: t["starttime"], reverse=True)
    return view


def finished_tasks(previous: ClusterView | None, current: ClusterView) -> list[dict[str, Any]]:
    """Tasks that were running at the last refresh, or started after it, and have stopped now."""
    if previous is None:
        return []
    was_running = {t["upid"] for t in previous.tasks if t["status"] == "running"}
    known = {t["upid"] for t in previous.tasks}
    return [t for t in current.tasks if t["status"] != "running"
            and (t["upid"] in was_running or (t["upid"] not in known and t["endtime"] >= int(previous.read_at)))]


class LiveHistory:
    """The last N CPU and memory readings per node, for sparklines."""

    def __init__(self, size: int = 60) -> None:
        self.size = size
        self._cpu: dict[str, deque[float]] = {}
        self._mem: dict[str, deque[float]] = {}

    def record(self, view: ClusterView) -> None:
        for n in view.nodes:
            if n["status"] != "online":
                continue
            self._cpu.setdefault(n["node"], deque(maxlen=self.size)).append(n["cpu"])
            mem = n["mem"] / n["maxmem"] if n["maxmem"] else 0.0
            self._mem.setdefault(n["node"], deque(maxlen=self.size)).append(mem)

    def cpu(self, node: str) -> list[float]:
        return list(self._cpu.get(node, ()))

    def mem(self, node: str) -> list[float]:
        return list(self._mem.get(node, ()))


def console_url(base_url: str, kind: str, vmid: int, name: str, node: str) -> str:
    """The web console (noVNC for VMs, xterm.js for containers) of a guest, as PVE's UI opens it."""
    from urllib.parse import urlencode, urlsplit

    parts = urlsplit(base_url)
    root = f"{parts.scheme or 'https'}://{parts.netloc or parts.path}"
    if kind == "qemu":
        query = {"console": "kvm", "novnc": 1, "vmid": vmid, "vmname": name, "node": node, "resize": "off",
                 "cmd": ""}
    else:
        query = {"console": "lxc", "xtermjs": 1, "vmid": vmid, "vmname": name, "node": node, "cmd": ""}
    return f"{root}/?{urlencode(query)}"


async def task_log(client: PVEClient, upid: str, start: int = 0, limit: int = 5000) -> list[str]:
    """Lines of a task's log from line `start` on (`limit` 0: all); a malformed UPID is ValidationFailed."""
    from pmpc_tui.pve.errors import ValidationFailed
    from pmpc_tui.pve.upid import parse_upid

    try:
        node = parse_upid(upid).node
    except ValueError as exc:
        raise ValidationFailed("invalid task id", {"upid": str(exc)}) from None
    lines = await client.get(f"/nodes/{node}/tasks/{upid}/log", start=start, limit=limit)
    return [entry["t"] for entry in lines]
