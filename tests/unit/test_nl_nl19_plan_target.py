"""Plain English (nl19): a plan asked for one guest ("plan just for X", "run the plan only for X") is that guest's
plan, never a power action on it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "line"), [("plan just for grafana", "plan --target grafana"),
                                            ("run the plan just for minio", "plan --target minio"),
                                            ("make a plan only for db-01", "plan --target db-01")])
def test_a_plan_for_one_guest_targets_it(text: str, line: str) -> None:
    proposal = propose_offline(text, NAMES)
    assert proposal.understood and proposal.commands == [line]
