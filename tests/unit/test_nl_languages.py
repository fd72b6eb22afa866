"""Plain English: a request in a language the reader does not know changes nothing (its negations and times are
invisible to the guards); the languages it reads keep working."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize("text", [
    "starta inte om db-01",  # Swedish: don't restart db-01 (read as a start before)
    "por favor, não apague a dev-sandbox",  # Portuguese: please don't delete dev-sandbox
    "reinicie o web-01 amanhã",  # Portuguese: restart web-01 tomorrow
    "ikke sluk web-02 før fredag",  # Danish: don't switch off web-02 before friday
    "restartujte web-01 až zítra",  # Czech: restart web-01 only tomorrow
    "перезагрузи web-01"])  # Russian: reboot web-01
def test_a_request_in_a_language_the_reader_does_not_know_changes_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.needs_confirmation or not p.understood
    assert not any(c.split()[0] in ("start", "stop", "reboot", "shutdown", "delete", "backup") for c in p.commands)


def test_the_refusal_names_the_languages_it_reads() -> None:
    p = propose_offline("starta om db-01", NAMES)
    assert not p.understood and "German" in p.explanation and "Polish" in p.explanation


@pytest.mark.parametrize(("text", "expected"), [
    ("lösche dev-sandbox", "delete vm dev-sandbox"), ("arrête web-01", "stop vm web-01"),
    ("reinicia web-01", "reboot vm web-01"), ("zrestartuj web-01", "reboot vm web-01"),
    ("riavvia grafana", "reboot ct grafana"), ("herstart web-01", "reboot vm web-01")])
def test_the_languages_it_reads_still_change_things(text: str, expected: str) -> None:
    assert propose_offline(text, NAMES).commands == [expected]
