"""Plain English (nl18): "what's running/stopped on NODE" without a kind word lists VMs and containers both."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "status"), [("what's running on pve1", "running"),
                                              ("whats stopped on pve1 atm", "stopped")])
def test_a_state_on_a_node_without_a_kind_lists_both_kinds(text: str, status: str) -> None:
    assert propose_offline(text, NAMES).commands == [f"list vms --node pve1 --status {status}",
                                                     f"list cts --node pve1 --status {status}"]


def test_a_kind_said_keeps_that_kind() -> None:
    assert propose_offline("what vms are running on pve1", NAMES).commands == ["list vms --node pve1 --status running"]
