"""The web server live on loopback for tests: `build_app` under uvicorn (TLS) in a thread, and httpx clients."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from pmpc_tui.services.session import Session
from pmpc_tui.services.web_sessions import WebCluster
from pmpc_tui.services.web_tls import server_certificate
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.web.app import WebConfig, build_app


class LiveWeb:
    """A running server: its URL, its config, and clients that trust its certificate by fingerprint check."""

    def __init__(self, config: WebConfig, server: uvicorn.Server, thread: threading.Thread, url: str) -> None:
        self.config, self.server, self.thread, self.url = config, server, thread, url

    def client(self, **kwargs: Any) -> httpx.Client:
        """A client for this server (the self-signed certificate is not in any trust store)."""
        return httpx.Client(base_url=self.url, verify=False, timeout=60, **kwargs)

    def login(self, username: str, password: str, realm: str = "pam") -> tuple[httpx.Client, str]:
        """A logged-in client and its CSRF token."""
        client = self.client()
        r = client.post("/api/v1/auth/login", json={"username": username, "password": password, "realm": realm})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return client, r.json()["csrf_token"]


def set_password(sim: SimulatorThread, userid: str, password: str) -> None:
    """Give a simulator user (such as auditor@pve, a PVEAuditor) a known password."""
    sim.call(lambda: setattr(sim.sim.access.users[userid], "password", password))


@contextlib.contextmanager
def live_web(sim: SimulatorThread, *, read_only: bool = False, idle_timeout: float = 900.0, login_limit: int = 5,
             login_lockout: float = 300.0, workspace: Path | None = None, state_name: str = "web-test",
             ticket_renew_after: float = 3600.0, webhooks: Any = None) -> Iterator[LiveWeb]:
    """`proxmox-mpc serve` for the simulator's cluster, in-process on a free loopback port, over TLS."""
    cluster = WebCluster(url=sim.info.url, fingerprint=sim.info.fingerprint, state_name=state_name,
                         ticket_renew_after=ticket_renew_after)
    server_session = Session(state_name=state_name, read_only=read_only)
    server_session.use_workspace(workspace)
    cert = server_certificate(None, None)
    config = WebConfig(cluster=cluster, server_session=server_session, read_only=read_only, idle_timeout=idle_timeout,
                       login_limit=login_limit, login_lockout=login_lockout, workspace=workspace,
                       fingerprint=cert.fingerprint, webhooks=webhooks)
    app = build_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, ssl_certfile=str(cert.cert_file),
                                           ssl_keyfile=str(cert.key_file), log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, name="web-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    config.url = f"https://127.0.0.1:{port}"
    try:
        yield LiveWeb(config, server, thread, config.url)
    finally:
        server.should_exit = True
        thread.join(15)
