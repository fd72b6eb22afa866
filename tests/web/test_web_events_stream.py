"""`/api/v1/events` on a live server: task progress and guest status over WebSocket and SSE, behind login."""

from __future__ import annotations

import contextlib
import json
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from web_support import LiveWeb, live_web
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from pmpc_tui.services import events
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.web import events_routes


@pytest.fixture
def web(sim: SimulatorThread) -> Iterator[LiveWeb]:
    with live_web(sim) as server:
        yield server


@pytest.fixture
def root(web: LiveWeb, sim: SimulatorThread) -> Iterator[httpx.Client]:
    client, _ = web.login("root", sim.info.password)
    with contextlib.closing(client):
        yield client


def no_verify() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test server's self-signed certificate
    return ctx


@contextlib.contextmanager
def events_socket(web: LiveWeb, client: httpx.Client | None, query: str = "") -> Iterator[ClientConnection]:
    """A WebSocket on /api/v1/events with the client's login cookie (none: anonymous)."""
    url = web.url.replace("https://", "wss://") + "/api/v1/events" + query
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items()) if client is not None else ""
    headers = {"Cookie": cookies} if cookies else {}
    with connect(url, ssl=no_verify(), additional_headers=headers, open_timeout=30) as ws:
        yield ws


def next_event(ws: ClientConnection, timeout: float = 30) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=timeout)))


def events_until(ws: ClientConnection, last: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Events up to and including the first of type `last`."""
    got = []
    while True:
        event = next_event(ws, timeout)
        got.append(event)
        if event["type"] == last:
            return got


def test_a_started_backups_progress_arrives_over_the_websocket(web: LiveWeb, root: httpx.Client,
                                                                 sim: SimulatorThread) -> None:
    with events_socket(web, root, "?types=task.*") as ws:
        first = next_event(ws)
        assert first["type"] == "events.subscribed" and "task.progress" in first["data"]["types"]
        answer = root.post("/api/v1/backups", json={"kind": "vm", "guests": [101]})
        assert answer.status_code == 200, answer.text
        got = events_until(ws, "task.finished")
    upid = got[0]["data"]["upid"]
    assert got[0]["type"] == "task.started" and got[0]["data"]["task_type"] == "vzdump"
    progress = [e for e in got if e["type"] == "task.progress"]
    assert progress and all(e["data"]["upid"] == upid for e in progress)
    assert any(isinstance(e["data"]["percent"], int) for e in progress)
    assert got[-1]["data"]["exitstatus"] == "OK"
    # the events carry the request's correlation ID and the cluster's name
    assert {e["correlation_id"] for e in got} == {answer.json()["correlation_id"]}
    assert got[-1]["cluster"] == sim.info.url.split("//", 1)[1].split("/", 1)[0]


def test_a_started_backups_progress_arrives_over_server_sent_events(web: LiveWeb, root: httpx.Client) -> None:
    token = web.client()
    headers = {"Accept": "text/event-stream", "Cookie": "; ".join(f"{k}={v}" for k, v in root.cookies.items())}
    got: list[dict[str, Any]] = []
    with token, token.stream("GET", "/api/v1/events", params={"types": "task.progress,task.finished"},
                             headers=headers) as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        started = False
        for line in lines:
            if not line.startswith("data: "):
                continue
            event = json.loads(line[len("data: "):])
            got.append(event)
            if event["type"] == "events.subscribed" and not started:
                started = True
                answer = root.post("/api/v1/backups", json={"kind": "ct", "guests": [200]})
                assert answer.status_code == 200, answer.text
            if event["type"] == "task.finished":
                break
    types = [e["type"] for e in got]
    assert types[0] == "events.subscribed" and types[-1] == "task.finished" and "task.progress" in types


def test_stopping_a_guest_publishes_its_status_change(web: LiveWeb, root: httpx.Client) -> None:
    with events_socket(web, root, "?types=guest.status") as ws:
        assert next_event(ws)["type"] == "events.subscribed"
        answer = root.post("/api/v1/guests/vm/101/stop", json={"confirm": True})
        assert answer.status_code == 200, answer.text
        event = next_event(ws, timeout=60)
    assert event["type"] == "guest.status"
    assert event["data"] == {"vmid": 101, "name": "web-01", "node": event["data"]["node"], "type": "vm",
                             "previous": "running", "status": "stopped"}


def test_an_anonymous_websocket_is_closed_4401_and_sse_answers_401(web: LiveWeb) -> None:
    with events_socket(web, None) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    with web.client() as anonymous:
        r = anonymous.get("/api/v1/events", headers={"Accept": "text/event-stream"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "CONNECT"


def test_an_unknown_event_type_is_refused_and_named(web: LiveWeb, root: httpx.Client) -> None:
    r = root.get("/api/v1/events", params={"types": "task.progess"}, headers={"Accept": "text/event-stream"})
    assert r.status_code == 400 and "task.progess" in r.json()["error"]["message"]
    with events_socket(web, root, "?types=task.progess") as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=30)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400


def test_an_api_token_opens_the_stream_too(web: LiveWeb, sim: SimulatorThread) -> None:
    auth = {"Authorization": f"PVEAPIToken={sim.info.token_id}={sim.info.token_secret}",
            "Accept": "text/event-stream"}
    done = threading.Event()
    with web.client() as client, client.stream("GET", "/api/v1/events", headers=auth) as stream:
        assert stream.status_code == 200
        for line in stream.iter_lines():
            if line.startswith("event: events.subscribed"):
                done.set()
                break
    assert done.is_set()


def no_subscribers_left(seconds: float = 10) -> bool:
    """The server let go of every stream's queue once its client left."""
    deadline = time.monotonic() + seconds
    while events.BUS.subscriber_count and time.monotonic() < deadline:
        time.sleep(0.05)
    return events.BUS.subscriber_count == 0


def test_a_quiet_stream_sends_heartbeats_and_a_closed_one_is_forgotten(
        web: LiveWeb, root: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events_routes, "HEARTBEAT", 0.3)
    with events_socket(web, root, "?types=drift.found") as ws:
        assert next_event(ws)["type"] == "events.subscribed"
        beat = next_event(ws, timeout=10)
        assert beat["type"] == "heartbeat" and set(beat) == {"type", "time", "cluster", "correlation_id", "data"}
    assert no_subscribers_left()
    headers = {"Accept": "text/event-stream", "Cookie": "; ".join(f"{k}={v}" for k, v in root.cookies.items())}
    with web.client() as client, client.stream("GET", "/api/v1/events", headers=headers) as stream:
        lines = stream.iter_lines()
        assert next(line for line in lines if line.startswith("event: ")) == "event: events.subscribed"
        assert next(line for line in lines if line.startswith(":")).startswith(": heartbeat ")
    assert no_subscribers_left()


def test_a_user_sees_only_the_events_pve_lets_them_see(web: LiveWeb, root: httpx.Client,
                                                         sim: SimulatorThread) -> None:
    from pmpc_tui.simulator.auth import ACLEntry, User

    def add_user() -> None:  # may use VM 101 only (PVEVMUser on /vms/101): no Sys.Audit anywhere
        sim.sim.access.users["vmuser@pve"] = User("vmuser@pve", "vmuser-pass-123")
        sim.sim.access.acl.append(ACLEntry("/vms/101", "vmuser@pve", "PVEVMUser"))

    sim.call(add_user)
    user, _ = web.login("vmuser", "vmuser-pass-123", realm="pve")
    with contextlib.closing(user), events_socket(web, user) as ws, events_socket(web, root) as everything:
        assert next_event(ws)["type"] == next_event(everything)["type"] == "events.subscribed"
        for vmid in (102, 101):
            answer = root.post(f"/api/v1/guests/vm/{vmid}/stop", json={"confirm": True, "wait": True})
            assert answer.status_code == 200, answer.text
        seen_by_root = events_until(everything, "guest.status")
        assert seen_by_root[-1]["data"]["vmid"] == 102  # root sees all of it, from the first stop on
        assert any(e["type"] == "task.started" for e in seen_by_root)
        first = next_event(ws, timeout=60)
    # root's tasks (no Sys.Audit on the nodes) and VM 102 (no VM.Audit) never reached this user
    assert first["type"] == "guest.status" and first["data"]["vmid"] == 101
