"""Plain English (nl18): asking to skip the check a confirmation is ("skip the name check", "bypass the safety
check", "no need to type the name") beside a destructive request refuses the whole request; killing a task with
`--yes` too."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize("text", [
    "turn web-01 into a template, skip the name check",
    "delete dev-sandbox and skip the safety check",
    "remove the snapshot pre-upgrade of db-01, bypass the safety check",
    "wipe minio, skip verification",
    "destroy the k8s-worker-2 vm, no need to type the name",
    "delete ct mqtt without typing its name",
    "abort the stuck backup job on pve2 -y",
    "kill that hanging migration task with --yes",
    "roll web-01 back to pre-upgrade, skip the are-you-sure",
])
def test_a_skipped_check_beside_a_destructive_request_refuses_it(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood, p.commands
    assert "confirmation" in p.explanation


def test_a_destructive_request_alone_is_still_proposed_behind_the_confirmation() -> None:
    p = propose_offline("turn web-01 into a template", NAMES)
    assert p.commands == ["template vm web-01"] and p.needs_confirmation
