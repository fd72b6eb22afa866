"""`get_many(…, on_answers=…)` hands each answer over while the batch is still read (import starts on the guests'
firewall options from the first configs on): every answer once, the same as the batch returns, and the first
ones before its end. HTTPS to a real in-thread simulator that answers in 20 ms."""

from __future__ import annotations

import time
from typing import Any

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import NotFound
from pmpc_tui.simulator.server import SimulatorThread


def settings(sim: SimulatorThread) -> ConnectionSettings:
    user, name = sim.info.token_id.split("!", 1)
    return ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)


async def test_every_answer_is_handed_over_once_and_the_first_ones_before_the_batch_ends(
        sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    async with PVEClient(settings(sim), max_concurrency=2) as client:
        guests = await client.get("/cluster/resources", type="vm")
        paths = [f"/nodes/{r['node']}/{r['type']}/{r['vmid']}/config" for r in guests] * 2
        paths.append("/nodes/pve1/qemu/999/config")  # an error is an answer too
        handed: list[tuple[float, list[tuple[int, Any]]]] = []
        answers = await client.get_many(paths, on_answers=lambda found: handed.append((time.monotonic(), found)))
        ended = time.monotonic()
    pairs = [pair for _, found in handed for pair in found]
    assert sorted(i for i, _ in pairs) == list(range(len(paths)))  # each once
    assert all(answer is answers[i] for i, answer in pairs)
    assert isinstance(answers[-1], NotFound)
    assert len(handed) >= 2 and handed[0][0] < ended - 0.1  # ~37 reads two at a time, 20 ms each: ~0.4 s


async def test_without_on_answers_the_batch_is_as_before(sim: SimulatorThread) -> None:
    async with PVEClient(settings(sim)) as client:
        assert await client.get_many(["/version", "/storage"]) == [await client.get("/version"),
                                                                   await client.get("/storage")]
