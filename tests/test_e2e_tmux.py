"""End to end in a real terminal: `proxmox-mpc --demo` inside tmux at 80x24, driven with send-keys."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def capture(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True,
                          check=True).stdout


def wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")


@pytest.fixture
def tmux_session(tmp_path: Path) -> Iterator[str]:
    name = f"pmpc-{uuid.uuid4().hex[:8]}"
    cli = Path(sys.executable).with_name("proxmox-mpc")
    command = f"PMPC_CONFIG_DIR={tmp_path} {cli} --demo; echo EXITED-$?; sleep 30"
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command], check=True, env=env)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_demo_console_starts_navigates_and_quits(tmux_session: str) -> None:
    screen = wait_for(tmux_session, "Nodes 3/3 online")
    assert "DEMO" in screen
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "2"], check=True)
    screen = wait_for(tmux_session, "web-01")
    assert "Virtual machines" in screen
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "/"], check=True)
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "-l", "k8s"], check=True)
    screen = wait_for(tmux_session, "k8s-worker-2")
    deadline = time.monotonic() + 10
    while "web-01" in screen and time.monotonic() < deadline:
        time.sleep(0.2)
        screen = capture(tmux_session)
    assert "web-01" not in screen  # filtered out
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "Escape"], check=True)
    wait_for(tmux_session, "web-01")  # filter cleared, focus back on the table
    subprocess.run(["tmux", "send-keys", "-t", tmux_session, "q"], check=True)
    wait_for(tmux_session, "EXITED-0")
