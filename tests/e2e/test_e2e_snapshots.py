"""End to end in a real terminal (tmux, 80x24): open the demo console, take a snapshot of a guest with `n`,
roll back to it after typing its name, and see the result (issue #15)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import cursor_on_guest, keys, quiet_demo, wait_for, wait_until

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def console(tmp_path: Path) -> Iterator[str]:
    """`proxmox-mpc --demo` (no timed refresh) in a detached 80x24 tmux session; yields the session name."""
    with quiet_demo(tmp_path) as name:
        yield name


def snapshot_then_current(screen: str) -> bool:
    """The tree shows the new snapshot's row (its name and time), `current` on the next line under it."""
    return any("e2e-snap ·" in line and "└ ● current (You are here)" in below
               for line, below in itertools.pairwise(screen.splitlines()))


def test_take_a_snapshot_roll_back_to_it_and_see_the_result(console: str) -> None:
    cursor_on_guest(console, "dev-sandbox")
    keys(console, "n")
    screen = wait_for(console, "Snapshots of VM 109 (dev-sandbox)")
    wait_for(console, "No snapshots yet")
    keys(console, "c")
    wait_for(console, "New snapshot of VM 109")
    keys(console, "e2e-snap", literal=True)
    keys(console, "Enter")
    wait_until(console, snapshot_then_current, "the row of e2e-snap with `current` under it")
    keys(console, "Up")
    keys(console, "r")
    screen = wait_for(console, "Type e2e-snap to confirm")
    assert "Roll back VM 109 (dev-sandbox)" in screen
    keys(console, "e2e-snap", literal=True)
    keys(console, "Enter")
    screen = wait_for(console, "to 'e2e-snap': OK")
    assert "Snapshots of VM 109 (dev-sandbox)" in screen  # back in the dialog, the tree still there
    keys(console, "Escape")
    wait_until(console, lambda screen: "Snapshots of VM 109" not in screen, "the guests screen without the dialog")
    keys(console, "q")
    wait_for(console, "EXITED-0")
