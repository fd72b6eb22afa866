"""Live events: one shape for WebSocket, SSE and webhooks, and the in-process bus that carries them.

`publish(type, data)` may be called from any thread or event loop and never blocks: each subscriber has a
bounded queue; a slow one loses its oldest events and is told how many with an `events.dropped` event.
With nobody subscribed to a type, publishing it costs one set lookup (lazy `data` is never built).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

# every event type with what its `data` holds (docs/web.md documents the same list)
EVENT_TYPES: dict[str, str] = {
    "task.started": "a task proxmox-mpc started: upid, node, task type, id (the guest), user",
    "task.progress": "a running task moved: upid, node, percent (null while unknown), message",
    "task.finished": "a task ended well: upid, node, exitstatus (OK or WARNINGS: n)",
    "task.failed": "a task ended with an error: upid, node, exitstatus, log (its last lines)",
    "guest.status": "a guest's status differs from the last seen: vmid, name, node, type (vm/ct), previous, status",
    "sync.finished": "a sync read the cluster: nodes, vms, containers, storages, networks, added, updated, removed, "
                     "duration_ms, api_calls, unreachable_nodes",
    "drift.found": "a drift check found differences: count, changed, missing, unmanaged",
    "apply.started": "an apply began: run_id, workspace, steps (address, action, vmid)",
    "apply.step": "an apply step started or ended: run_id, address, vmid, action, status (running/done/failed), "
                  "message",
    "apply.finished": "an apply ended: run_id, status (done/failed), done, failed, summary",
    "health.critical": "a health check found critical problems: checks (check, status, detail, next_step)",
    "events.subscribed": "first event of a stream: types (the filter, null for all)",
    "events.dropped": "this subscriber was too slow: count (events lost, oldest first)",
    "heartbeat": "the stream is alive (WebSocket; SSE sends a comment line)",
}
STREAM_ONLY = frozenset({"events.subscribed", "events.dropped", "heartbeat"})  # never published on the bus
QUEUE_SIZE = 1000

Data = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


@dataclass(frozen=True)
class Event:
    """One event: what happened, when (RFC 3339 UTC), on which cluster, under which command."""

    type: str
    time: str
    cluster: str
    correlation_id: str | None
    data: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "time": self.time, "cluster": self.cluster,
                "correlation_id": self.correlation_id, "data": dict(self.data)}

    def to_json(self) -> bytes:
        """The body sent everywhere (compact JSON, UTF-8)."""
        return orjson.dumps(self.as_dict(), default=str)


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_event(type_: str, data: Mapping[str, Any], cluster: str = "") -> Event:
    """An event stamped now, with the running command's correlation ID (None outside a command)."""
    from pmpc_tui.observability.correlation import correlation_id

    cid = correlation_id.get()
    return Event(type_, now_rfc3339(), cluster or BUS.default_cluster, None if cid == "-" else cid, data)


def parse_types(text: str | None) -> frozenset[str] | None:
    """`task.progress,guest.status` or `task.*` → the set of types; None for all. ValueError names unknown ones."""
    if text is None or not text.strip():
        return None
    wanted: set[str] = set()
    for raw in text.split(","):
        name = raw.strip()
        if not name:
            continue
        if name.endswith(".*"):
            matched = {t for t in EVENT_TYPES if t.startswith(name[:-1]) and t not in STREAM_ONLY}
            if not matched:
                raise ValueError(f"no event type starts with {name[:-1]!r}")
            wanted |= matched
        elif name in EVENT_TYPES and name not in STREAM_ONLY:
            wanted.add(name)
        else:
            known = ", ".join(t for t in EVENT_TYPES if t not in STREAM_ONLY)
            raise ValueError(f"unknown event type {name[:60]!r} (known: {known})")
    return frozenset(wanted) if wanted else None


class Subscription:
    """One subscriber's bounded queue; iterate it (async) for events, close it (or leave `async with`) to stop."""

    def __init__(self, bus: EventBus, types: frozenset[str] | None, size: int) -> None:
        self.bus = bus
        self.types = types
        self.loop = asyncio.get_running_loop()
        self._queue: deque[Event] = deque()
        self._size = size
        self._dropped = 0
        self._lock = threading.Lock()
        self._ready = asyncio.Event()
        self.closed = False
        self.passive = False  # see EventBus.subscribe

    def wants(self, type_: str) -> bool:
        return self.types is None or type_ in self.types

    def offer(self, event: Event) -> None:
        """Queue an event (any thread); a full queue loses its oldest one."""
        with self._lock:
            if len(self._queue) >= self._size:
                self._queue.popleft()
                self._dropped += 1
            self._queue.append(event)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            self._ready.set()
        else:
            try:
                self.loop.call_soon_threadsafe(self._ready.set)
            except RuntimeError:  # its loop is gone: nobody will read this queue again
                self.close()

    def _take(self) -> Event | None:
        with self._lock:
            if self._dropped:
                count, self._dropped = self._dropped, 0
                return make_event("events.dropped", {"count": count})
            if self._queue:
                return self._queue.popleft()
            self._ready.clear()
            return None

    async def get(self, timeout: float | None = None) -> Event | None:
        """The next event, or None after `timeout` seconds without one."""
        while True:
            event = self._take()
            if event is not None:
                return event
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return None

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Event]:
        while not self.closed:
            event = await self.get()
            if event is not None:
                yield event

    def close(self) -> None:
        self.closed = True
        self.bus._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EventBus:
    """The process's event bus: publishers never wait, every subscriber has its own bounded queue."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.default_cluster = ""
        self._lock = threading.Lock()
        self._subscribers: tuple[Subscription, ...] = ()
        self._wanted: frozenset[str] = frozenset()  # types at least one subscriber wants
        self._everything = False  # some subscriber wants every type

    def listening(self, type_: str) -> bool:
        """Does anyone want this type? (the cheap check every publisher makes first)"""
        return self._everything or type_ in self._wanted

    def subscribe(self, types: Iterable[str] | None = None, size: int | None = None,
                  passive: bool = False) -> Subscription:
        """A new subscription (call inside the event loop that reads it); None = every type.

        `passive`: it takes the events others asked for but makes no publisher start work for it (the web
        server's read cache: it must not make every task be followed)."""
        sub = Subscription(self, None if types is None else frozenset(types), size or self.queue_size)
        sub.passive = passive
        with self._lock:
            self._subscribers = (*self._subscribers, sub)
            self._recount()
        return sub

    def _remove(self, sub: Subscription) -> None:
        with self._lock:
            self._subscribers = tuple(s for s in self._subscribers if s is not sub)
            self._recount()

    def _recount(self) -> None:
        active = [s for s in self._subscribers if not s.passive]
        self._everything = any(s.types is None for s in active)
        self._wanted = frozenset(t for s in active if s.types is not None for t in s.types)

    def publish(self, event: Event) -> None:
        """Hand an event to every subscriber that wants it (thread-safe, never blocks)."""
        for sub in self._subscribers:
            if sub.wants(event.type):
                sub.offer(event)

    @property
    def subscriber_count(self) -> int:
        """Event streams and webhooks listening (the read cache's passive subscription is not counted)."""
        return sum(1 for s in self._subscribers if not s.passive)


BUS = EventBus()


def cluster_name(url: str) -> str:
    """A cluster named by its API's host (and port)."""
    return urlsplit(url if "//" in url else f"//{url}").netloc or url


def cluster_of(client: Any) -> str:
    """The cluster an API client talks to."""
    settings = getattr(client, "settings", None)
    return cluster_name(str(getattr(settings, "url", "") or ""))


def publish(type_: str, data: Data, *, client: Any = None, cluster: str = "") -> None:
    """Publish an event if anyone listens (`data` may be a callable, built only then); never raises."""
    if not BUS.listening(type_):
        return
    try:
        payload = data() if callable(data) else data
        BUS.publish(make_event(type_, payload, cluster or (cluster_of(client) if client is not None else "")))
    except Exception:  # an event must never break the operation that publishes it
        import logging

        logging.getLogger("pmpc.events").warning("could not publish a %s event", type_, exc_info=True)


def guest_status_changes(previous: Mapping[int, Any], current: Mapping[int, Mapping[str, Any]], kind: str,
                         client: Any = None) -> None:
    """Publish `guest.status` for each guest whose status differs from the one last recorded."""
    if not BUS.listening("guest.status"):
        return
    for vmid, row in current.items():
        before = previous.get(vmid)
        old = getattr(before, "status", None) if before is not None else None
        if old is not None and old != row.get("status"):
            publish("guest.status", {"vmid": vmid, "name": row.get("name", ""), "node": row.get("node", ""),
                                     "type": "vm" if kind == "qemu" else "ct", "previous": old,
                                     "status": row.get("status")}, client=client)
