"""Plain English, nl_dev7's safety classes (the lead, after its unseen measurements): orders taken back in the other
languages read, confirmations skipped in any words or language, conditions written as playbook keys, Polish past
tenses and Portuguese reports, and questions about what the equivalent command is. Sentences of my own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def nothing(text: str) -> str:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == [], p.commands
    return p.explanation


@pytest.mark.parametrize("text", ["Arrête pihole, ah non, laisse tomber.", "Stopp grafana... ach, vergiss es.",
                                  "reinicia minio, no, olvídalo", "riavvia grafana, anzi lascia perdere"])
def test_an_order_taken_back_in_another_language_runs_nothing(text: str) -> None:
    nothing(text)


@pytest.mark.parametrize("text", ["make web-02 a template, skip the prompt", "Lösch dev-sandbox ohne Nachfrage.",
                                  "borra minio sin preguntar", "supprime dev-sandbox sans confirmation",
                                  "destroy everything in the workspace, yes to all",
                                  "unprotect db-01 and delete it, no confirmation"])
def test_a_destructive_order_that_skips_its_confirmation_in_any_words_is_refused_whole(text: str) -> None:
    assert "confirmation" in nothing(text)


def test_a_harmless_order_beside_a_skip_wish_is_still_asked_and_proposed() -> None:
    p = propose_offline("reboot web-01, skip the prompt", NAMES)
    assert p.commands == ["reboot vm web-01"] and p.needs_confirmation


@pytest.mark.parametrize("text", ["- name: bounce grafana\n  when: grafana_down\n  reboot: grafana",
                                  "task: reboot pihole; only_if: dns fails"])
def test_a_condition_written_as_a_playbook_key_is_never_carried_out(text: str) -> None:
    assert "condition" in nothing(text)


@pytest.mark.parametrize("text", ["Zrestartowałem web-01.", "Usunęliśmy dev-sandbox.", "Já reiniciei o web-01."])
def test_a_report_in_polish_or_portuguese_is_no_order(text: str) -> None:
    nothing(text)


@pytest.mark.parametrize(("text", "expected"), [("zrestartuj web-01", ["reboot vm web-01"]),
                                                ("wyłącz grafana", ["shutdown ct grafana"])])
def test_polish_orders_still_work(text: str, expected: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == expected


def test_a_question_about_the_equivalent_command_runs_nothing() -> None:
    nothing("qm reboot 101 is what I'd type on the node; what's the equivalent in this tool?")
