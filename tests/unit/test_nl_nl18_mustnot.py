"""Plain English (nl18): requests that must change nothing — a general question about what can be done ("can a vm
be hot-plugged at all?"), a chat addressee ("@infra-helper …", never a new guest's name), a read that picks
guests by a label ("get machines with label tag=prod", never tags to set)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.commands.registry import READ, risk_of_line
from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def changes(text: str) -> list[str]:
    return [c for c in propose_offline(text, NAMES).commands if risk_of_line(c) != READ]


@pytest.mark.parametrize("text", ["can a vm be hot-plugged at all?", "could a container be snapshot-restored at all?",
                                  "can any guest be resized while it runs?", "can containers be snapshotted at all?"])
def test_a_general_question_about_what_can_be_done_changes_nothing(text: str) -> None:
    assert changes(text) == []


def test_a_definite_polite_question_is_still_an_order() -> None:
    assert propose_offline("can the mqtt container be rebooted?", NAMES).commands == ["reboot ct mqtt"]


@pytest.mark.parametrize(("text", "line"), [("@infra-helper cts on pve1?", "list cts --node pve1"),
                                            ("hey @ops-bot, vms on pve2", "list vms --node pve2")])
def test_a_chat_addressee_is_never_a_guest(text: str, line: str) -> None:
    assert propose_offline(text, NAMES).commands == [line]


def test_an_addressed_order_is_read_without_its_addressee() -> None:
    assert propose_offline("@pmpc-bot pls reboot pihole", NAMES).commands == ["reboot ct pihole"]


@pytest.mark.parametrize(("text", "line"), [("get machines with label tag=prod", "list vms -l tag=prod"),
                                            ("fetch the containers having the tag monitoring",
                                             "list cts -l tag=monitoring")])
def test_a_label_after_a_read_picks_guests(text: str, line: str) -> None:
    assert propose_offline(text, NAMES).commands == [line]


def test_tags_are_never_set_from_a_read() -> None:
    assert changes("get the guests with label k8s please") == []
