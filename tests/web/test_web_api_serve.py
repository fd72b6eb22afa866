"""`proxmox-mpc serve` as a user starts it: TLS with a kept certificate, --json, and secrets that never leak."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.pve.tls import fetch_fingerprint
from pmpc_tui.simulator.server import SimulatorThread

TICKET = re.compile(r"PVE:[^:\s]+@[^:\s]+:[0-9A-F]{8}::")


class Served:
    def __init__(self, proc: subprocess.Popen[str], info: dict[str, Any]) -> None:
        self.proc, self.url, self.fingerprint = proc, info["url"], info["fingerprint"]

    def stop(self) -> str:
        """Interrupt the server as Ctrl-C would; its stderr."""
        self.proc.send_signal(signal.SIGINT)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return err


def serve(cwd: Path, *args: str) -> Served:
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "serve", "--port", "0", "--json", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise AssertionError(f"serve did not start: {proc.communicate(timeout=10)[1]}")
    return Served(proc, json.loads(line))


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        yield tmp_path


def test_serve_prints_its_url_and_the_fingerprint_it_really_presents(home: Path) -> None:
    served = serve(home)
    try:
        assert served.url.startswith("https://127.0.0.1:")
        port = int(served.url.rsplit(":", 1)[1])
        assert fetch_fingerprint("127.0.0.1", port) == served.fingerprint
        assert httpx.get(served.url + "/api/v1/health", verify=False).json()["status"] == "ok"
    finally:
        served.stop()
    again = serve(home)  # the self-signed certificate is kept: clients pin it once
    try:
        assert again.fingerprint == served.fingerprint
    finally:
        again.stop()


def test_serve_never_needs_the_profiles_own_secret(home: Path, monkeypatch: pytest.MonkeyPatch,
                                                   sim: SimulatorThread) -> None:
    monkeypatch.delenv("LAB_TOKEN")  # the profile's token secret is gone: users log in with their own accounts
    served = serve(home)
    try:
        with httpx.Client(base_url=served.url, verify=False, timeout=60) as c:
            r = c.post("/api/v1/auth/login", json={"username": "root", "password": sim.info.password})
            assert r.status_code == 200
            assert c.get("/api/v1/nodes").status_code == 200
    finally:
        served.stop()


def test_serve_refuses_a_certificate_without_its_key_and_a_bad_port(home: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "pmpc_tui", "serve", "--cert", str(home / "x.pem")],
                            capture_output=True, text=True, cwd=home, timeout=60)
    assert result.returncode == 64 and "--cert and --key go together" in result.stderr
    assert "Traceback" not in result.stderr
    result = subprocess.run([sys.executable, "-m", "pmpc_tui", "serve", "--port", "70000"],
                            capture_output=True, text=True, cwd=home, timeout=60)
    assert result.returncode == 64 and "Traceback" not in result.stderr


def test_a_password_or_ticket_never_reaches_responses_audit_or_logs(home: Path, sim: SimulatorThread) -> None:
    password = sim.info.password
    served = serve(home)
    seen: list[str] = []
    try:
        with httpx.Client(base_url=served.url, verify=False, timeout=60) as c:
            for wrong in ("wrong-password-1", "wrong-password-2"):
                seen.append(c.post("/api/v1/auth/login", json={"username": "root", "password": wrong}).text)
            r = c.post("/api/v1/auth/login", json={"username": "root", "password": password, "realm": "pam"})
            seen.append(r.text)
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            seen.append(c.post("/api/v1/guests/vm/101/stop", json={"confirm": True, "wait": True}).text)
            seen.append(c.post("/api/v1/guests/vm/101/start", json={"password": password}).text)
            seen.append(c.get("/api/v1/logs", params={"limit": "500"}).text)
            audit = c.get("/api/v1/audit")
            seen.append(audit.text)
            actions = [(e["who"], e["action"], e["result"]) for e in audit.json()["entries"]]
            assert ("root@pam", "stop", "ok") in actions
            assert ("root@pam", "login", "failed: wrong user, realm or password") in actions
            assert all(e["correlation_id"] not in ("", "-") for e in audit.json()["entries"])
    finally:
        seen.append(served.stop())
    files = [p.read_text(errors="replace") for p in home.rglob("*") if p.is_file() and p.suffix in (".jsonl", ".log")]
    assert any("web stop" in text for text in files), "the server logged none of its requests"
    for text in seen + files:
        assert password not in text
        assert "wrong-password-1" not in text
        assert not TICKET.search(text)


def test_a_workspace_state_database_gets_the_audit_table(home: Path, sim: SimulatorThread) -> None:
    ws = home / "ws"
    assert run_cli(home, "init", str(ws)) == 0
    served = serve(ws)
    try:
        with httpx.Client(base_url=served.url, verify=False, timeout=60) as c:
            r = c.post("/api/v1/auth/login", json={"username": "root", "password": sim.info.password})
            c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
            assert c.post("/api/v1/guests/vm/101/suspend", json={"confirm": True}).status_code == 200
            entries = c.get("/api/v1/audit").json()["entries"]
            assert entries[0]["action"] == "suspend" and entries[0]["target"] == "vm 101"
    finally:
        served.stop()


def test_the_login_limit_and_cache_ttl_flags_change_what_users_see(home: Path, sim: SimulatorThread) -> None:
    served = serve(home, "--login-limit", "2", "--cache-ttl", "0", "--idle-timeout", "60")
    try:
        with httpx.Client(base_url=served.url, verify=False, timeout=60) as c:
            r = c.post("/api/v1/auth/login", json={"username": "root", "password": sim.info.password})
            assert r.status_code == 200 and r.json()["idle_timeout"] == 60
            hows = [c.get("/api/v1/nodes").headers["X-PMPC-Cached"] for _ in range(2)]
            assert all(h.startswith("miss") for h in hows)  # --cache-ttl 0: every read goes to PVE
        with httpx.Client(base_url=served.url, verify=False, timeout=60) as c:
            wrong = {"username": "auditor", "realm": "pve", "password": "not-the-password"}
            assert [c.post("/api/v1/auth/login", json=wrong).status_code for _ in range(3)] == [401, 401, 429]
    finally:
        served.stop()


@pytest.mark.parametrize("flag,value", [("--cache-ttl", "60"), ("--idle-timeout", "1"), ("--login-limit", "0")])
def test_serve_refuses_limits_out_of_range_and_names_the_flag(home: Path, flag: str, value: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(home, "serve", "--port", "0", flag, value) == 64
    out, err = capsys.readouterr()
    assert flag in out + err and "Traceback" not in err
