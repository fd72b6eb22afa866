"""The API describes itself (OpenAPI), counts for Prometheus (/metrics), and keeps an audit log."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from starlette.routing import Mount
from web_support import LiveWeb, live_web

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def web(shared_sim: SimulatorThread) -> Iterator[LiveWeb]:
    with live_web(shared_sim, state_name="web-meta") as server:
        yield server


@pytest.fixture
def root(web: LiveWeb, shared_sim: SimulatorThread) -> Iterator[httpx.Client]:
    client, _ = web.login("root", shared_sim.info.password)
    with contextlib.closing(client):
        yield client


def test_openapi_lists_every_route_with_its_methods(web: LiveWeb) -> None:
    with web.client() as c:
        doc = c.get("/api/v1/openapi.json").json()  # no login needed to read the reference
    assert doc["openapi"].startswith("3.")
    for route in web.server.config.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", None)
        if path is None:
            continue
        if isinstance(route, Mount):
            path = path.rstrip("/") + "/{path}"
        assert path in doc["paths"], path
        for method in getattr(route, "methods", None) or {"GET"}:
            if method != "HEAD":
                assert method.lower() in doc["paths"][path], (path, method)
    stop = doc["paths"]["/api/v1/guests/{kind}/{guest}/stop"]["post"]
    assert "confirm" in stop["summary"] and {p["name"] for p in stop["parameters"]} == {"kind", "guest"}
    assert doc["paths"]["/api/v1/health"]["get"]["security"] == []


def test_metrics_in_prometheus_text_need_a_login_or_token(web: LiveWeb, shared_sim: SimulatorThread,
                                                          root: httpx.Client) -> None:
    with web.client() as c:
        assert c.get("/metrics").status_code == 401
    r = root.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    assert "# TYPE pmpc_guests gauge" in text
    assert 'pmpc_guests{type="qemu",status="running"}' in text
    assert 'pmpc_node_up{node="pve1"} 1' in text
    assert "pmpc_api_latency_seconds" in text and "pmpc_applies_total" in text
    info = shared_sim.info
    # Prometheus sends `Authorization: <type> <credentials>`: the space form of the token header works too
    with web.client(headers={"Authorization": f"PVEAPIToken {info.auditor_token_id}={info.auditor_token_secret}"}) as c:
        assert "pmpc_guests" in c.get("/metrics").text


def test_each_change_is_audited_with_who_what_result_and_correlation_id(root: httpx.Client) -> None:
    r = root.post("/api/v1/guests/vm/102/stop", json={})
    assert r.status_code == 428
    ok = root.post("/api/v1/guests/ct/200/snapshots", json={"name": "audited"})
    assert ok.status_code == 200, ok.text
    entries = root.get("/api/v1/audit", params={"limit": "10"}).json()["entries"]
    snap = next(e for e in entries if e["action"] == "snapshot create")
    assert snap["who"] == "root@pam" and snap["target"] == "ct 200 @audited" and snap["result"] == "ok"
    assert snap["correlation_id"] == ok.json()["correlation_id"] == ok.headers["x-correlation-id"]
    refused = next(e for e in entries if e["action"] == "stop" and e["target"] == "vm 102")
    assert refused["result"].startswith("REFUSED: stop interrupts vm 102")
    assert root.get("/api/v1/audit", params={"limit": "zero"}).status_code == 400
    reads = [e for e in entries if e["action"] in ("list", "describe", "plan")]
    assert reads == []  # reading is not audited
