"""The web console's test helpers: `proxmox-mpc serve --json` as a child process, login, the console's WebSocket."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorInfo

COOKIE = "pmpc_session"


@dataclass
class Served:
    """A running `proxmox-mpc serve`: where it listens, its process, and the environment it was started with."""

    url: str
    fingerprint: str
    process: subprocess.Popen[str]

    @property
    def ws_url(self) -> str:
        return "wss://" + self.url.split("://", 1)[1] + "/console/ws"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, verify=False, timeout=30)

    def consoles(self) -> list[int]:
        """The console processes (`python -m pmpc_tui.cli.web_console` children) the server runs now, spare or not."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and cmdline[1:3] == [b"-m", b"pmpc_tui.cli.web_console"]:
                found.append(int(entry.name))
        return found


def profile_for(sim: SimulatorInfo, home: Path, env: dict[str, str]) -> None:
    """An active profile 'lab' for the simulator (token secret in $LAB_TOKEN) under `home`, set in `env`."""
    env.update(PMPC_CONFIG_DIR=str(home / "config"), PMPC_STATE_DIR=str(home / "state"), LAB_TOKEN=sim.token_secret)
    saved = {k: os.environ.get(k) for k in ("PMPC_CONFIG_DIR", "PMPC_STATE_DIR", "LAB_TOKEN")}
    os.environ.update({k: env[k] for k in saved})
    try:
        assert main(["connect", "lab", "--url", sim.url, "--token-id", sim.token_id, "--secret-env", "LAB_TOKEN",
                     "--fingerprint", sim.fingerprint]) == 0
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextmanager
def serve(sim: SimulatorInfo, home: Path, *args: str, **extra_env: str) -> Iterator[Served]:
    """`proxmox-mpc serve --port FREE --json` for the simulator's profile, stopped (with its consoles) at the end."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", **extra_env)
    for name in ("PMPC_PROFILE", "PMPC_DATABASE_URL", "PMPC_WORKSPACE"):
        env.pop(name, None)
    profile_for(sim, home, env)
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "serve", "--port", str(free_port()), "--json", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=home)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"serve did not start: {err.strip()[-2000:]}")
    info = json.loads(line)
    served = Served(info["url"], info["fingerprint"], proc)
    try:
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def login(served: Served, sim: SimulatorInfo) -> tuple[str, str]:
    """Log root@pam in: the session cookie and the CSRF token."""
    with served.client() as http:
        answer = http.post("/api/v1/auth/login", json={"username": "root", "realm": "pam", "password": sim.password})
        assert answer.status_code == 200, answer.text
        return answer.cookies[COOKIE], answer.json()["csrf_token"]


def insecure_tls() -> ssl.SSLContext:
    """The server's certificate is self-signed: tests reach it on loopback without checking it."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_until(predicate: Any, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
