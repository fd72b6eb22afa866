"""Plans that overlap in one process (the console, the web server) leave garbage collection as they found it."""

from __future__ import annotations

import asyncio
import gc

from pmpc_tui.services.plan import _fewer_collections


async def test_two_overlapping_plans_put_the_collectors_thresholds_back_when_the_last_ends() -> None:
    before = gc.get_threshold()
    first_in, second_in, first_out = asyncio.Event(), asyncio.Event(), asyncio.Event()

    async def first() -> None:
        with _fewer_collections():
            first_in.set()
            await second_in.wait()
        first_out.set()

    async def second() -> None:
        await first_in.wait()
        with _fewer_collections():
            second_in.set()
            await first_out.wait()
            assert gc.get_threshold() != before  # still quiet while this plan runs
            assert gc.get_freeze_count() > 0

    await asyncio.gather(first(), second())
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
