"""Batch reads (`get_many`) beside other reads: answers in order, single reads not held up, the concurrency
bound kept at the server, and a cancelled batch stopping. Every test talks HTTPS to a real in-thread simulator."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import ConnectionFailed, NotFound
from pmpc_tui.simulator.server import SimulatorThread


def settings(sim: SimulatorThread) -> ConnectionSettings:
    user, name = sim.info.token_id.split("!", 1)
    return ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)


def server(sim: SimulatorThread) -> dict[str, Any]:
    state: dict[str, Any] = sim.control("GET", "/state")
    return state


async def config_paths(client: PVEClient) -> list[str]:
    guests = await client.get("/cluster/resources", type="vm")
    return [f"/nodes/{r['node']}/{r['type']}/{r['vmid']}/config" for r in guests]


async def test_a_single_read_beside_a_long_batch_is_answered_before_the_batch_ends(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    async with PVEClient(settings(sim), max_concurrency=4) as client:
        paths = (await config_paths(client)) * 8
        finished: dict[str, float] = {}

        async def batch() -> list[Any]:
            answers = await client.get_many(paths)
            finished["batch"] = time.monotonic()
            return answers

        async def single() -> Any:
            await asyncio.sleep(0.05)  # the batch has taken its pool jobs by now
            answer = await client.get("/version")
            finished["single"] = time.monotonic()
            return answer

        started = time.monotonic()
        answers, version = await asyncio.gather(batch(), single())
    assert version["release"] == "9.1"
    assert finished["single"] - started < (finished["batch"] - started) / 2  # not after the batch's ~120 reads
    assert [a["digest"] for a in answers] == [a["digest"] for a in answers[: len(paths) // 8]] * 8


async def test_a_batch_started_beside_another_is_served_in_turns_with_its_answers_in_order(
        sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    async with PVEClient(settings(sim), max_concurrency=4) as client:
        paths = await config_paths(client)
        short = [paths[0], "/nodes/pve1/qemu/999/config", paths[1], "/pools"]
        finished: dict[str, float] = {}

        async def timed(label: str, batch: list[str], delay: float) -> list[Any]:
            await asyncio.sleep(delay)
            answers = await client.get_many(batch)
            finished[label] = time.monotonic()
            return answers

        started = time.monotonic()
        long_answers, short_answers = await asyncio.gather(timed("long", paths * 10, 0),
                                                           timed("short", short, 0.05))
    # not queued behind the long batch's ~150 reads: done in its first half
    assert finished["short"] - started < (finished["long"] - started) / 2
    assert short_answers[0]["digest"] == long_answers[0]["digest"]
    assert isinstance(short_answers[1], NotFound)  # the failure in its place, the others answered
    assert short_answers[2]["digest"] == long_answers[1]["digest"]
    assert {p["poolid"] for p in short_answers[3]} >= {"production"}
    assert [a["digest"] for a in long_answers] == [a["digest"] for a in long_answers[: len(paths)]] * 10


async def test_batches_and_single_reads_together_never_exceed_the_clients_concurrency_at_the_server(
        sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    async with PVEClient(settings(sim), max_concurrency=6) as client:
        paths = await config_paths(client)
        results = await asyncio.gather(client.get_many(paths * 4), client.get_many(paths * 3),
                                       *(client.get("/version") for _ in range(12)))
    assert len(results[0]) == len(paths) * 4 and len(results[1]) == len(paths) * 3
    assert all(r["release"] == "9.1" for r in results[2:])
    assert 4 <= server(sim)["peak_in_flight"] <= 6  # the reads overlapped, never more than the bound


async def test_cancelling_a_batch_stops_its_reads_and_the_client_reads_on(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    async with PVEClient(settings(sim), max_concurrency=4) as client:
        paths = await config_paths(client)
        batch = asyncio.ensure_future(client.get_many(paths * 30))
        await asyncio.sleep(0.15)
        batch.cancel()
        await asyncio.gather(batch, return_exceptions=True)
        at_cancel = server(sim)["requests"]
        await asyncio.sleep(0.3)
        assert server(sim)["requests"] - at_cancel <= 4  # only those already sent
        answers = await client.get_many(paths[:3])
        one_by_one = [await client.get(p) for p in paths[:3]]
    assert batch.cancelled()
    assert [a["digest"] for a in answers] == [a["digest"] for a in one_by_one]


async def test_closing_the_client_ends_a_batch_under_way_with_an_error(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    client = await PVEClient(settings(sim), max_concurrency=4).connect()
    paths = await config_paths(client)
    batch = asyncio.ensure_future(client.get_many(paths * 30))
    await asyncio.sleep(0.15)
    await client.close()
    with pytest.raises(ConnectionFailed, match="closed"):
        await asyncio.wait_for(batch, 5)
