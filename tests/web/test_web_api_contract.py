"""What the other web modules rely on: `require_user` on WebSockets, and `pve_env()` handing over the user's
own ticket for a console process (never the server's credentials)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket, WebSocketDisconnect

from pmpc_tui.services.session import Session
from pmpc_tui.services.web_sessions import WebCluster
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.web.app import WebConfig, build_app
from pmpc_tui.web.auth import require_user


async def whoami_socket(websocket: WebSocket) -> None:
    """Echo the caller's console environment (a stand-in for the console bridge)."""
    user = await require_user(websocket)
    await websocket.accept()
    await websocket.send_json(user.pve_env())
    await websocket.close()


@pytest.fixture
def client(shared_sim: SimulatorThread) -> Iterator[TestClient]:
    cluster = WebCluster(url=shared_sim.info.url, fingerprint=shared_sim.info.fingerprint, state_name="web-contract")
    app = build_app(WebConfig(cluster=cluster, server_session=Session(state_name="web-contract"),
                              secure_cookie=False))
    app.router.routes.append(WebSocketRoute("/test/ws", whoami_socket))
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def test_a_websocket_without_login_is_closed_with_4401(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as closed, client.websocket_connect("/test/ws") as ws:
        ws.receive_json()
    assert closed.value.code == 4401


def test_the_console_environment_carries_the_users_own_ticket(client: TestClient,
                                                              shared_sim: SimulatorThread) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "root", "password": shared_sim.info.password})
    assert r.status_code == 200
    with client.websocket_connect("/test/ws", headers={"origin": "https://testserver"}) as ws:
        env = ws.receive_json()
    assert env["PMPC_USER"] == "root@pam" and env["PMPC_URL"] == shared_sim.info.url
    assert env["PMPC_FINGERPRINT"] == shared_sim.info.fingerprint
    assert env["PMPC_TICKET"].startswith("PVE:root@pam:") and env["PMPC_CSRF"]
    assert shared_sim.info.password not in str(env) and shared_sim.info.token_secret not in str(env)


def test_a_websocket_from_another_site_is_refused_even_with_the_cookie(client: TestClient,
                                                                       shared_sim: SimulatorThread) -> None:
    assert client.post("/api/v1/auth/login", json={"username": "root",
                                                   "password": shared_sim.info.password}).status_code == 200
    with pytest.raises(WebSocketDisconnect) as closed, \
            client.websocket_connect("/test/ws", headers={"origin": "https://evil.example"}) as ws:
        ws.receive_json()
    assert closed.value.code == 4403


def test_answers_carry_security_headers_and_api_answers_are_not_cached(client: TestClient) -> None:
    r = client.get("/api/v1/health")
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
