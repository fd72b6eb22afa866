"""Outgoing webhooks against a receiver on loopback: signed bodies, retries, the delivery log, secret rules."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from iac_support import api
from web_support import live_web

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services import events
from pmpc_tui.services.drift import detect_drift
from pmpc_tui.services.session import open_workspace_state
from pmpc_tui.services.webhooks import WebhookConfigError, WebhookService, webhooks_for
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.workspace.config import Workspace, WorkspaceFileUnreadable

SECRET = "s3cret-for-the-hmac"


class Receiver:
    """A local HTTP server recording each POST; answers with the next status of `statuses` (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if status == 200:
                    receiver.arrived.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=abc"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def add_webhook(ws: Path, url: str, events_: str, secret_ref: str) -> None:
    with (ws / "proxmox-mpc.yaml").open("a") as fh:
        fh.write(f"webhooks:\n  - url: {url}\n    events: [{events_}]\n    {secret_ref}\n")


def client_for(sim: SimulatorThread) -> PVEClient:
    user, name = sim.info.token_id.split("!", 1)
    return PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret,
                                        fingerprint=sim.info.fingerprint))


async def wait_for(flag: threading.Event, seconds: float = 10) -> None:
    assert await asyncio.to_thread(flag.wait, seconds), "the receiver got nothing"


def log_lines(ws: Path) -> list[dict[str, Any]]:
    path = ws / ".proxmox-mpc" / "logs" / "webhooks.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


async def logged(ws: Path, outcome: str, seconds: float = 10) -> list[dict[str, Any]]:
    """The delivery log once its last line has this outcome (the receiver answers before the line is written)."""
    for _ in range(int(seconds / 0.05)):
        lines = log_lines(ws)
        if lines and lines[-1]["outcome"] == outcome:
            return lines
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {outcome!r} line in the delivery log: {log_lines(ws)}")


async def test_drift_found_reaches_the_receiver_with_a_body_signed_by_the_secret(
        imported_workspace: Path, sim: SimulatorThread, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    add_webhook(imported_workspace, receiver.url, "drift.found, apply.finished", "secret_env: HOOK_SECRET")
    resources = await asyncio.to_thread(api, sim, "get", "/cluster/resources", type="vm")
    vm = next(r for r in resources if r["type"] == "qemu")
    await asyncio.to_thread(api, sim, "put", f"/nodes/{vm['node']}/qemu/{vm['vmid']}/config",
                            description="changed in the web UI")
    ws, db = await open_workspace_state(imported_workspace)
    service = WebhookService.for_workspace(ws)
    await service.start()
    try:
        async with client_for(sim) as client:
            report = await detect_drift(ws, db, client)
        assert report.count >= 1
        await wait_for(receiver.arrived)
        entry = (await logged(imported_workspace, "delivered"))[-1]
    finally:
        await service.stop()
        await db.close()
    headers, body = receiver.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["x-pmpc-signature"] == expected
    event = json.loads(body)
    assert event["type"] == "drift.found" and event["data"]["count"] == report.count
    assert event["cluster"] == sim.info.url.split("//", 1)[1].rstrip("/")
    assert any(c["vmid"] == vm["vmid"] for c in event["data"]["changed"])
    assert entry["outcome"] == "delivered" and entry["attempt"] == 1 and entry["status"] == 200


async def test_a_receiver_failing_twice_then_answering_gets_three_attempts_all_logged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flaky = Receiver([503, 503])
    try:
        monkeypatch.setenv("HOOK_SECRET", SECRET)
        (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
        add_webhook(tmp_path, flaky.url, "task.failed", "secret_env: HOOK_SECRET")
        service = WebhookService.for_workspace(Workspace.load(tmp_path), backoff=0.05)
        await service.start()
        try:
            events.publish("task.failed", {"upid": "UPID:pve1:1:2:3:qmstart:100:root@pam:", "exitstatus": "boom"})
            await wait_for(flaky.arrived)
            lines = await logged(tmp_path, "delivered")
        finally:
            await service.stop()
    finally:
        flaky.close()
    assert len(flaky.requests) == 3
    assert len({body for _h, body in flaky.requests}) == 1  # the same event, retried
    assert [(e["attempt"], e["status"], e["outcome"]) for e in lines] == [
        (1, 503, "retrying"), (2, 503, "retrying"), (3, 200, "delivered")]
    assert all(e["event"] == "task.failed" for e in lines)
    text = (tmp_path / ".proxmox-mpc" / "logs" / "webhooks.jsonl").read_text()
    assert SECRET not in text and "token=abc" not in text


async def test_a_secret_file_others_may_read_is_refused_and_nothing_is_sent(
        tmp_path: Path, receiver: Receiver) -> None:
    secret = tmp_path / "hook.secret"
    secret.write_text(SECRET)
    secret.chmod(0o644)
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
    add_webhook(tmp_path, receiver.url, "health.critical", f"secret_file: {secret}")
    service = WebhookService.for_workspace(Workspace.load(tmp_path))
    with pytest.raises(WebhookConfigError) as refused:
        await service.start()
    assert "0644" in refused.value.message and "chmod 600" in (refused.value.hint or "")
    assert SECRET not in str(refused.value)
    events.publish("health.critical", {"checks": []})
    assert not events.BUS.listening("health.critical") and receiver.requests == []


async def test_a_0600_secret_file_is_accepted(tmp_path: Path, receiver: Receiver) -> None:
    secret = tmp_path / "hook.secret"
    secret.write_text(SECRET + "\n")
    secret.chmod(0o600)
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
    add_webhook(tmp_path, receiver.url, "health.critical", "secret_file: hook.secret")
    service = WebhookService.for_workspace(Workspace.load(tmp_path))
    await service.start()
    try:
        events.publish("health.critical", {"checks": [{"name": "quorum"}]})
        await wait_for(receiver.arrived)
    finally:
        await service.stop()
    headers, body = receiver.requests[0]
    assert headers["x-pmpc-signature"] == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def test_a_secret_written_into_the_workspace_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "proxmox-mpc.yaml").write_text(
        "version: 1\nwebhooks:\n  - url: https://hooks.example/x\n    events: [drift.found]\n    secret: hunter2\n")
    with pytest.raises(WorkspaceFileUnreadable, match=r"never written into proxmox-mpc\.yaml") as refused:
        Workspace.load(tmp_path)
    assert "hunter2" not in str(refused.value)


async def test_an_unknown_event_type_in_a_webhook_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
    add_webhook(tmp_path, "https://hooks.example/x", "drift.fund", "secret_env: HOOK_SECRET")
    with pytest.raises(WebhookConfigError, match="unknown event type"):
        await WebhookService.for_workspace(Workspace.load(tmp_path)).start()


def test_webhooks_survive_the_workspace_file_being_saved_again(tmp_path: Path) -> None:
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
    add_webhook(tmp_path, "https://hooks.example/x", "drift.found", "secret_env: HOOK_SECRET")
    ws = Workspace.load(tmp_path)
    ws.save()
    again = Workspace.load(tmp_path).config.webhooks
    assert [(h.url, h.events, h.secret_env) for h in again] == [("https://hooks.example/x", ("drift.found",),
                                                                 "HOOK_SECRET")]


def test_a_task_that_fails_after_a_request_to_serve_reaches_the_webhook(
        sim: SimulatorThread, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\n")
    add_webhook(tmp_path, receiver.url, "task.failed", "secret_env: HOOK_SECRET")
    service = asyncio.run(webhooks_for(Workspace.load(tmp_path)))
    with live_web(sim, webhooks=service) as web:
        client, _ = web.login("root", sim.info.password)
        with contextlib.closing(client):
            answer = client.post("/api/v1/guests/vm/101/start", json={})  # it runs already: PVE's task fails
        assert receiver.arrived.wait(60), "the receiver got nothing"
    headers, body = receiver.requests[0]
    assert headers["x-pmpc-signature"] == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    event = json.loads(body)
    assert event["type"] == "task.failed" and "already running" in event["data"]["exitstatus"]
    assert event["correlation_id"] == answer.headers["X-Correlation-ID"]


def test_serve_refuses_to_start_with_a_secret_file_others_may_read(sim: SimulatorThread, tmp_path: Path) -> None:
    from iac_support import cli_environment

    secret = tmp_path / "hook.secret"
    secret.write_text(SECRET)
    secret.chmod(0o644)
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\nprofile: lab\n")
    add_webhook(tmp_path, "https://hooks.example/x", "task.failed", f"secret_file: {secret}")
    with cli_environment(sim, tmp_path):
        result = subprocess.run([sys.executable, "-m", "pmpc_tui", "serve", "--port", "0", "--json"], cwd=tmp_path,
                                capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert result.returncode == 64, result.stderr
    assert "0644" in result.stderr and "chmod 600" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr and SECRET not in result.stderr
