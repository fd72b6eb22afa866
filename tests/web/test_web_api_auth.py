"""Logging in to `proxmox-mpc serve` with one's own Proxmox VE account: sessions, CSRF, lockout, tokens."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from web_support import LiveWeb, live_web, set_password

from pmpc_tui.services.web_sessions import WebCluster
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.web.app import build_app
from pmpc_tui.web.config import WebConfig

AUDITOR_PASSWORD = "auditor-pass-123"


@pytest.fixture(scope="module")
def web(shared_sim: SimulatorThread) -> Iterator[LiveWeb]:
    set_password(shared_sim, "auditor@pve", AUDITOR_PASSWORD)
    with live_web(shared_sim, login_limit=3, login_lockout=60) as server:
        yield server


def every_protected_route() -> list[tuple[str, str]]:
    """(method, path) of every route but login and health, with sample path parameters."""
    app = build_app(WebConfig(cluster=WebCluster(url="https://127.0.0.1:8006")))
    out = []
    for route in app.routes:
        path = getattr(route, "path", "")
        if path in ("/api/v1/health", "/api/v1/auth/login", "/api/v1/openapi.json") or not path.startswith(
                ("/api/", "/metrics")):
            continue
        sample = (path.replace("{kind}", "vm").replace("{guest}", "101").replace("{snapshot}", "s1")
                  .replace("{upid}", "UPID:pve1:0:0:0:x:1:root@pam:"))
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                out.append((method, sample))
    return out


def test_health_answers_without_a_login_and_says_nothing_about_the_cluster(web: LiveWeb) -> None:
    with web.client() as c:
        r = c.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert "cluster" not in r.text and "pve1" not in r.text


def test_every_other_route_needs_a_login(web: LiveWeb) -> None:
    routes = every_protected_route()
    assert len(routes) > 25
    with web.client() as c:
        for method, path in routes:
            r = c.request(method, path, json={})
            assert r.status_code == 401, (method, path, r.status_code)
            assert r.json()["error"]["code"] == "CONNECT"


def test_login_sets_a_secure_httponly_strict_cookie_and_returns_a_csrf_token(web: LiveWeb,
                                                                           shared_sim: SimulatorThread) -> None:
    with web.client() as c:
        r = c.post("/api/v1/auth/login", json={"username": "root", "password": shared_sim.info.password,
                                               "realm": "pam"})
        assert r.status_code == 200
        cookie = r.headers["set-cookie"]
        assert "pmpc_session=" in cookie
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert len(r.json()["csrf_token"]) >= 32
        assert r.json()["username"] == "root" and r.json()["realm"] == "pam"
        assert c.get("/api/v1/auth/whoami").json()["username"] == "root"


def test_a_wrong_password_is_401_and_logs_nobody_in(web: LiveWeb) -> None:
    with web.client() as c:
        r = c.post("/api/v1/auth/login", json={"username": "root", "password": "not-it", "realm": "pam"})
        assert r.status_code == 401
        assert r.json()["error"]["message"] == "wrong user name, realm or password"
        assert "set-cookie" not in r.headers
        assert c.get("/api/v1/guests").status_code == 401


def test_a_malformed_login_is_400_and_sends_nothing_to_the_cluster(web: LiveWeb, shared_sim: SimulatorThread) -> None:
    before = shared_sim.control("GET", "/state")["logins"]
    with web.client() as c:
        for body in ({"username": "root"}, {"username": "x y", "password": "p"}, {"username": ["a"], "password": "p"},
                     {"username": "root", "password": "p", "realm": "../x"}):
            r = c.post("/api/v1/auth/login", json=body)
            assert r.status_code == 400, body
        assert c.post("/api/v1/auth/login", content=b"not json").status_code == 400
    assert shared_sim.control("GET", "/state")["logins"] == before


def test_repeated_wrong_passwords_lock_that_user_out_with_retry_after(web: LiveWeb,
                                                                      shared_sim: SimulatorThread) -> None:
    set_password(shared_sim, "auditor@pve", AUDITOR_PASSWORD)
    with web.client() as c:
        for _ in range(3):
            r = c.post("/api/v1/auth/login", json={"username": "auditor", "password": "guess", "realm": "pve"})
            assert r.status_code == 401
        r = c.post("/api/v1/auth/login", json={"username": "auditor", "password": AUDITOR_PASSWORD, "realm": "pve"})
        assert r.status_code == 429
        assert 1 <= int(r.headers["retry-after"]) <= 60
        assert r.json()["error"]["code"] == "REFUSED"
        # another user is not locked out by it
        r = c.post("/api/v1/auth/login", json={"username": "root", "password": shared_sim.info.password})
        assert r.status_code == 200


def test_a_change_without_the_csrf_header_is_403_and_sends_nothing(web: LiveWeb, shared_sim: SimulatorThread) -> None:
    client, csrf = web.login("root", shared_sim.info.password)
    with contextlib.closing(client):
        del client.headers["X-CSRF-Token"]
        r = client.post("/api/v1/guests/vm/101/start", json={})
        assert r.status_code == 403
        assert "X-CSRF-Token" in r.json()["error"]["message"]
        r = client.post("/api/v1/guests/vm/101/start", json={}, headers={"X-CSRF-Token": csrf[:-1] + "x"})
        assert r.status_code == 403
        r = client.post("/api/v1/guests/vm/101/start", json={"dry_run": True}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text


def test_logout_forgets_the_session(web: LiveWeb, shared_sim: SimulatorThread) -> None:
    client, _ = web.login("root", shared_sim.info.password)
    with contextlib.closing(client):
        assert client.get("/api/v1/nodes").status_code == 200
        old = client.cookies.get("pmpc_session")
        assert client.post("/api/v1/auth/logout").status_code == 200
        client.cookies.set("pmpc_session", old or "")
        assert client.get("/api/v1/nodes").status_code == 401


def test_an_api_token_works_without_a_login_or_csrf(web: LiveWeb, shared_sim: SimulatorThread) -> None:
    info = shared_sim.info
    with web.client(headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}) as c:
        r = c.get("/api/v1/guests")
        assert r.status_code == 200
        assert any(g["vmid"] == 101 for g in r.json()["data"])
        assert c.post("/api/v1/guests/vm/101/start", json={"dry_run": True}).status_code == 200
    with web.client(headers={"Authorization": f"PVEAPIToken={info.token_id}=0000-wrong-secret"}) as c:
        assert c.get("/api/v1/guests").status_code == 401


def test_a_login_idle_longer_than_the_timeout_is_forgotten(shared_sim: SimulatorThread) -> None:
    with live_web(shared_sim, idle_timeout=1.0) as web:
        client, _ = web.login("root", shared_sim.info.password)
        with contextlib.closing(client):
            assert client.get("/api/v1/auth/whoami").status_code == 200
            time.sleep(0.5)
            assert client.get("/api/v1/auth/whoami").status_code == 200  # a request keeps it alive
            time.sleep(1.5)
            r = client.get("/api/v1/auth/whoami")
            assert r.status_code == 401
            assert "timed out" in r.json()["error"]["message"]


def test_a_users_ticket_is_renewed_before_pve_lets_it_expire() -> None:
    with SimulatorThread(task_speed=0.02, ticket_lifetime=4.0) as sim, \
            live_web(sim, ticket_renew_after=1.0, state_name="web-renew") as web:
        client, _ = web.login("root", sim.info.password)
        with contextlib.closing(client):
            for _ in range(4):  # 6 s in all: the login's own ticket expired after 4
                time.sleep(1.5)
                r = client.get("/api/v1/nodes")
                assert r.status_code == 200, r.text
        assert sim.control("GET", "/state")["logins"]["ticket"] >= 2


def test_a_ticket_the_cluster_no_longer_accepts_asks_to_log_in_again(sim: SimulatorThread) -> None:
    with live_web(sim, state_name="web-expired") as web:
        client, _ = web.login("root", sim.info.password)
        with contextlib.closing(client):
            assert client.get("/api/v1/nodes").status_code == 200
            sim.control("POST", "/tickets/expire")
            r = client.get("/api/v1/storage")  # not /nodes again: its answer of a moment ago may be reused
            assert r.status_code == 401
            assert "log in again" in r.json()["error"]["next_step"]


def test_a_token_check_the_cluster_cannot_answer_is_502_not_a_wrong_token(sim: SimulatorThread) -> None:
    with live_web(sim, state_name="web-down") as web:
        sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "/version$"})
        info = sim.info
        with web.client(headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}) as c:
            r = c.get("/api/v1/nodes")
        assert r.status_code == 502, r.text
        assert "simulated server fault" in r.json()["error"]["message"]


def test_logging_in_and_out_many_times_does_not_grow_the_redaction_list(web: LiveWeb,
                                                                         shared_sim: SimulatorThread) -> None:
    from pmpc_tui.pve.redact import known_count, redact

    def round_trip() -> str:
        client, _ = web.login("root", shared_sim.info.password)
        with contextlib.closing(client):
            assert client.get("/api/v1/nodes").status_code == 200
            cookie = client.cookies["pmpc_session"]
            assert client.post("/api/v1/auth/logout").status_code in (200, 204)
            return cookie

    round_trip()
    before = known_count()
    cookies = [round_trip() for _ in range(30)]
    assert known_count() <= before + 2  # each login's session id, CSRF token and ticket are forgotten with it
    assert "PVE:root@pam:0123ABCD::c2lnbmF0dXJl" not in redact("PVE:root@pam:0123ABCD::c2lnbmF0dXJl")  # tickets
    assert len(set(cookies)) == 30
