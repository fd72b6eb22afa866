"""A short-lived, single-flight cache of read answers, kept apart per user (PVE's ACLs differ between users).

Concurrent identical reads of one user share one load (one set of PVE calls); its answer is kept `ttl` seconds
and never given out older. Once it is half that old, the next read starts one refresh in the background and is
answered from the kept copy meanwhile (so a busy route's readers rarely wait for PVE). `clear()` (a change, or an
event saying a guest changed) drops the entries, and a load that was already running when the cache was cleared
answers its own waiters but is not kept: nothing read before a change outlives it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

HIT, SHARED, MISS = "hit", "shared", "miss"  # kept answer / joined a running load / loaded it


@dataclass(frozen=True)
class Cached(Generic[T]):
    """An answer and where it came from: `how` is hit, shared or miss; `age` seconds since it was read."""

    value: T
    how: str
    age: float


@dataclass
class _Kept:
    value: Any
    loaded_at: float


@dataclass
class _UserReads:
    generation: int = 0
    kept: OrderedDict[str, _Kept] = field(default_factory=OrderedDict)
    running: dict[str, tuple[int, asyncio.Task[Any], float]] = field(default_factory=dict)


class ReadCache:
    """Per-user answers for `ttl` seconds (at most `per_user` kept each, oldest dropped first)."""

    def __init__(self, ttl: float = 2.0, per_user: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.refresh_after = ttl / 2  # seconds: a kept answer this old is refreshed in the background
        self.per_user = per_user
        self.clock = clock
        self.loads = self.hits = self.shared = 0  # counters for /metrics and tests
        self._users: dict[str, _UserReads] = {}
        self._next_sweep = 0.0

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    async def read(self, user: str, key: str, load: Callable[[], Awaitable[T]],
                   keep: Callable[[T], bool] = lambda _: True) -> Cached[T]:
        """The answer to `key` for `user`: kept, joined, or loaded now (`keep(answer)`: whether to keep it)."""
        if not self.enabled:
            self.loads += 1
            return Cached(await load(), MISS, 0.0)
        now = self.clock()
        if now >= self._next_sweep:
            self._next_sweep = now + max(self.ttl, 1.0) * 10
            self.drop_stale()
        reads = self._users.setdefault(user, _UserReads())
        kept = reads.kept.get(key)
        running = reads.running.get(key)
        if running is not None and running[0] != reads.generation:
            running = None  # started before a clear: not for new readers
        if kept is not None and now - kept.loaded_at < self.ttl:
            self.hits += 1
            if running is None and now - kept.loaded_at >= self.refresh_after:
                self._start(reads, key, load, keep, now)
            return Cached(kept.value, HIT, now - kept.loaded_at)
        if running is not None:
            self.shared += 1
            value = await asyncio.shield(running[1])
            return Cached(value, SHARED, self.clock() - running[2])
        task = self._start(reads, key, load, keep, now)
        return Cached(await asyncio.shield(task), MISS, 0.0)

    def _start(self, reads: _UserReads, key: str, load: Callable[[], Awaitable[T]], keep: Callable[[T], bool],
               now: float) -> asyncio.Task[T]:
        self.loads += 1
        task = asyncio.ensure_future(self._load(reads, key, load, keep, reads.generation, now))
        task.add_done_callback(_retrieve)  # every waiter may have gone (client disconnected): no warning
        reads.running[key] = (reads.generation, task, now)
        return task

    async def _load(self, reads: _UserReads, key: str, load: Callable[[], Awaitable[T]], keep: Callable[[T], bool],
                    generation: int, loaded_at: float) -> T:
        try:
            value = await load()
        finally:
            if key in reads.running and reads.running[key][0] == generation:
                del reads.running[key]
        if generation == reads.generation and keep(value):
            reads.kept[key] = _Kept(value, loaded_at)
            reads.kept.move_to_end(key)
            while len(reads.kept) > self.per_user:
                reads.kept.popitem(last=False)
        return value

    def clear(self, user: str | None = None) -> None:
        """Forget the answers of `user` (None: of every user); loads running now are not kept."""
        for name, reads in list(self._users.items()):
            if user is None or name == user:
                reads.generation += 1
                reads.kept.clear()
                if not reads.running:
                    del self._users[name]

    def drop_stale(self) -> None:
        """Forget answers older than the TTL (called now and then so idle users' answers do not stay in memory)."""
        now = self.clock()
        for name, reads in list(self._users.items()):
            for key, kept in list(reads.kept.items()):
                if now - kept.loaded_at >= self.ttl:
                    del reads.kept[key]
            if not reads.kept and not reads.running:
                del self._users[name]


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
