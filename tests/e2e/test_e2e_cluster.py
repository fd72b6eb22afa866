"""End to end in a real terminal (tmux, 80x24): the demo console's Cluster view — `:pools`, `]` to the HA tab,
`:firewall` — shows the cluster's pools, HA rules and firewall rules (issue #19)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import keys, quiet_demo, wait_for

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def console(tmp_path: Path) -> Iterator[str]:
    """`proxmox-mpc --demo` (no timed refresh) in a detached 80x24 tmux session; yields the session name."""
    with quiet_demo(tmp_path) as name:
        yield name


def jump(session: str, where: str) -> None:
    keys(session, ":")
    wait_for(session, ":vm NAME jumps to a guest")
    keys(session, where, literal=True)
    keys(session, "Enter")


def test_the_cluster_view_shows_pools_ha_rules_and_the_firewall_in_a_real_terminal(console: str) -> None:
    wait_for(console, "Nodes 3/3 online")
    jump(console, "pools")
    screen = wait_for(console, "Services the household relies on")
    assert "Pools  HA  Backup jobs  Firewall" in screen and "101 102 103 200" in screen
    keys(console, "]")
    screen = wait_for(console, "node-affinity")
    assert "db-prefers-pve2" in screen and "pve2:2" in screen, screen
    jump(console, "firewall")
    screen = wait_for(console, "IN DROP from +dc/blocklist")
    assert "on · in DROP · out ACCEPT" in screen
    keys(console, "q")
    wait_for(console, "EXITED-0")
