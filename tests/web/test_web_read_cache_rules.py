"""The read cache's rules on a clock the test moves: fresh for the TTL, refreshed ahead, cleared by a change."""

from __future__ import annotations

import asyncio

from pmpc_tui.services.read_cache import HIT, MISS, SHARED, ReadCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Cluster:
    """Counts reads; each answers with its own number."""

    def __init__(self) -> None:
        self.reads = 0
        self.gate: asyncio.Event | None = None

    async def read(self) -> int:
        self.reads += 1
        number = self.reads
        if self.gate is not None:
            await self.gate.wait()
        return number


async def test_an_answer_is_reused_for_the_ttl_and_never_given_out_older() -> None:
    clock, pve = Clock(), Cluster()
    cache = ReadCache(ttl=2.0, clock=clock)
    assert (await cache.read("root@pam", "list", pve.read)).how == MISS
    clock.now += 0.5
    got = await cache.read("root@pam", "list", pve.read)
    assert (got.value, got.how, got.age) == (1, HIT, 0.5) and pve.reads == 1
    clock.now += 5
    got = await cache.read("root@pam", "list", pve.read)
    assert (got.value, got.how) == (2, MISS)


async def test_past_half_its_ttl_one_refresh_runs_while_readers_get_the_kept_answer() -> None:
    clock, pve = Clock(), Cluster()
    cache = ReadCache(ttl=2.0, clock=clock)
    await cache.read("root@pam", "describe 101", pve.read)
    clock.now += 1.2
    pve.gate = asyncio.Event()
    answers = [await cache.read("root@pam", "describe 101", pve.read) for _ in range(3)]
    await asyncio.sleep(0)
    assert [a.value for a in answers] == [1, 1, 1] and pve.reads == 2  # one refresh, nobody waited
    pve.gate.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    got = await cache.read("root@pam", "describe 101", pve.read)
    assert (got.value, got.how) == (2, HIT)


async def test_concurrent_reads_share_one_load() -> None:
    pve = Cluster()
    pve.gate = asyncio.Event()
    cache = ReadCache(ttl=2.0)
    readers = [asyncio.create_task(cache.read("root@pam", "list", pve.read)) for _ in range(5)]
    await asyncio.sleep(0)
    pve.gate.set()
    answers = await asyncio.gather(*readers)
    assert pve.reads == 1 and {a.value for a in answers} == {1}
    assert sorted(a.how for a in answers) == [MISS, *[SHARED] * 4]


async def test_a_clear_during_a_load_keeps_nothing_read_before_the_change() -> None:
    pve = Cluster()
    pve.gate = asyncio.Event()
    cache = ReadCache(ttl=2.0)
    before = asyncio.create_task(cache.read("root@pam", "list", pve.read))
    await asyncio.sleep(0)
    cache.clear()  # a guest was started meanwhile
    after = asyncio.create_task(cache.read("root@pam", "list", pve.read))
    await asyncio.sleep(0)
    pve.gate.set()
    assert (await before).value == 1 and (await after).value == 2  # the later reader did not join the old load
    assert (await cache.read("root@pam", "list", pve.read)).value == 2


async def test_users_never_share_answers() -> None:
    pve = Cluster()
    cache = ReadCache(ttl=2.0)
    await cache.read("root@pam", "list", pve.read)
    got = await cache.read("viewer@pve", "list", pve.read)
    assert (got.value, got.how) == (2, MISS)
    cache.clear("viewer@pve")
    assert (await cache.read("root@pam", "list", pve.read)).how == HIT


async def test_a_ttl_of_zero_reads_every_time() -> None:
    pve = Cluster()
    cache = ReadCache(ttl=0)
    for _ in range(3):
        await cache.read("root@pam", "list", pve.read)
    assert pve.reads == 3
