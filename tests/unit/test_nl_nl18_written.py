"""Plain English (nl18): a command quoted inside something the user writes or passes on (a postmortem, a ticket note,
a message to the team) runs nothing; a quote that is a command's own text (an issue report's summary) still does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize("text", [
    'for the incident review, write that "reboot every container" made it worse',
    "add a line to the ticket: 'shut down db-01 before patching'",
    'email ops that "delete dev-sandbox" is approved',
    "tell the night shift \u201cmigrate minio to pve2\u201d is next",
    'jot "stop all vms" down in the runbook as the last resort',
])
def test_a_command_quoted_in_writing_runs_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood, p.commands


def test_an_issue_reports_quoted_summary_is_still_its_text() -> None:
    p = propose_offline("create an issue report 'restart loops on grafana' with the last 15 minutes of logs", NAMES)
    assert [c.split()[0] for c in p.commands] == ["report-issue"]
