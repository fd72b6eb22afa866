"""The event bus: one shape, filters, publishers never wait, a slow subscriber is told what it lost."""

from __future__ import annotations

import asyncio
import re
import threading

import pytest

from pmpc_tui.observability.correlation import operation
from pmpc_tui.services import events


async def test_an_event_has_the_one_shape_with_rfc3339_time_and_the_commands_correlation_id() -> None:
    with events.BUS.subscribe(["sync.finished"]) as sub, operation("sync") as cid:
        events.publish("sync.finished", {"vms": 3}, cluster="pve.example:8006")
        event = await sub.get(timeout=2)
    assert event is not None
    body = event.as_dict()
    assert set(body) == {"type", "time", "cluster", "correlation_id", "data"}
    assert body["type"] == "sync.finished" and body["data"] == {"vms": 3}
    assert body["cluster"] == "pve.example:8006" and body["correlation_id"] == cid
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["time"])


async def test_a_subscriber_gets_only_the_types_it_asked_for() -> None:
    with events.BUS.subscribe(events.parse_types("task.*")) as sub:
        events.publish("drift.found", {"count": 1})
        events.publish("task.failed", {"upid": "x"})
        event = await sub.get(timeout=2)
    assert event is not None and event.type == "task.failed"


def test_an_unknown_type_in_a_filter_is_named() -> None:
    with pytest.raises(ValueError, match=r"unknown event type 'task\.progess'"):
        events.parse_types("task.progess")


async def test_publishing_with_nobody_listening_builds_nothing() -> None:
    built = []
    events.publish("drift.found", lambda: built.append(1) or {})
    assert built == []


async def test_a_slow_subscriber_loses_its_oldest_events_and_is_told_how_many() -> None:
    with events.BUS.subscribe(["apply.step"], size=3) as sub:
        for n in range(5):
            events.publish("apply.step", {"n": n})
        got = [await sub.get(timeout=1) for _ in range(4)]
    assert got[0] is not None and got[0].type == "events.dropped" and got[0].data == {"count": 2}
    assert [e.data["n"] for e in got[1:] if e is not None] == [2, 3, 4]


async def test_an_event_published_from_another_thread_arrives() -> None:
    with events.BUS.subscribe(["task.progress"]) as sub:
        thread = threading.Thread(target=events.publish, args=("task.progress", {"percent": 50}))
        thread.start()
        event = await sub.get(timeout=2)
        thread.join()
    assert event is not None and event.data == {"percent": 50}


async def test_a_closed_subscription_stops_receiving() -> None:
    sub = events.BUS.subscribe(["health.critical"])
    sub.close()
    assert not events.BUS.listening("health.critical")
    events.publish("health.critical", {"checks": []})
    assert await asyncio.wait_for(sub.get(timeout=0.05), 1) is None


def test_every_event_type_is_documented_in_the_web_guide() -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text()
    missing = [t for t in events.EVENT_TYPES if f"| `{t}` |" not in guide]
    assert missing == []
