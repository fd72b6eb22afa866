"""Plain English (nl18): an order taken back after it ("…, my bad", "nvm", "ignore that", "wrong window", a ❌) runs
nothing, and a remark after the take-back ("…, scratch that, the patch worked") is no request of its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize("text", [
    "shut down pihole ❌",
    "reboot the mqtt container 🚫 my mistake",
    "migrate minio to pve2, my bad",
    "snapshot web-01 please. nvm",
    "delete dev-sandbox - ignore that",
    "start win11-desktop, disregard",
    "stop db-01 ... wrong window",
    "suspend homeassistant, oops, wrong chat",
])
def test_an_order_taken_back_after_it_runs_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood, p.commands


@pytest.mark.parametrize("text", [
    "reboot 103, hang on, scratch that, the patch worked",
    "resume k8s-worker-2, no wait, forget it, someone else did",
    "stop prometheus, never mind, grafana was the problem",
])
def test_a_remark_after_a_take_back_is_not_read_as_a_request(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [], p.commands


def test_a_read_asked_after_a_take_back_still_answers() -> None:
    p = propose_offline("stop web-02, scratch that, show me its snapshots", NAMES)
    assert p.commands == ["snapshot list vm web-02"]


@pytest.mark.parametrize("text", ["reboot grafana haha nope", "shut down all containers lol no",
                                  "delete web-02, oops wrong one", "stop every vm. no."])
def test_an_order_laughed_off_or_denied_after_it_runs_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood, p.commands
