"""End to end in a real terminal (tmux, 80x24): open the demo console, migrate a guest with `m` to another
node, watch the progress bar reach 100% and see the guest on its new node (issue #16)."""

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


def keys(session: str, *names: str, literal: bool = False) -> None:
    subprocess.run(["tmux", "send-keys", "-t", session, *(["-l"] if literal else []), *names], check=True)


def wait_for(session: str, text: str, timeout: float = 40.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} did not appear on screen:\n{screen}")


@pytest.fixture
def console(tmp_path: Path) -> Iterator[str]:
    """`proxmox-mpc --demo` in a detached 80x24 tmux session; yields the session name."""
    name = f"pmpc-migrate-{uuid.uuid4().hex[:8]}"
    cli = Path(sys.executable).with_name("proxmox-mpc")
    command = f"PMPC_CONFIG_DIR={tmp_path} PMPC_STATE_DIR={tmp_path}/state {cli} --demo --refresh 0; " \
              "echo EXITED-$?; sleep 30"
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command], check=True, env=env)
    try:
        yield name
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_migrate_a_guest_with_m_and_watch_its_progress(console: str) -> None:
    wait_for(console, "Nodes 3/3 online")
    keys(console, "2")
    wait_for(console, "web-01")
    keys(console, "/")
    keys(console, "dev-sandbox", literal=True)
    wait_for(console, "· 1 shown")
    keys(console, "Enter")  # back to the table, the cursor on the one row
    time.sleep(1.0)
    keys(console, "m")
    screen = wait_for(console, "Migrate VM 109 (dev-sandbox) on pve1")
    assert "stopped: it moves offline" in screen and "pve2" in screen  # the first other node is chosen
    keys(console, "Enter")  # the Migrate button has the focus
    screen = wait_for(console, "done: OK")
    assert "Migrating VM 109 (dev-sandbox) on pve1 to pve2" in screen and "100%" in screen
    keys(console, "Escape")
    wait_for(console, "to pve2: OK")  # the notification
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        row = next((line for line in capture(console).splitlines() if "109 " in line and "dev-sandbox" in line), "")
        if "pve2" in row:
            break
        time.sleep(0.3)
    assert "pve2" in row, capture(console)  # the table shows the guest on its new node
    keys(console, "q")
    wait_for(console, "EXITED-0")
