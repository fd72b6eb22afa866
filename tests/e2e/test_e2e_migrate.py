"""End to end in a real terminal (tmux, 80x24): open the demo console, migrate a guest with `m` to another
node, watch the progress bar reach 100% and see the guest on its new node (issue #16)."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import capture, cursor_on_guest, keys, quiet_demo, wait_for

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def console(tmp_path: Path) -> Iterator[str]:
    """`proxmox-mpc --demo` (no timed refresh) in a detached 80x24 tmux session; yields the session name."""
    with quiet_demo(tmp_path) as name:
        yield name


def test_migrate_a_guest_with_m_and_watch_its_progress(console: str) -> None:
    cursor_on_guest(console, "dev-sandbox")
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
