"""Plain English: a question asking whether to do something is answered by a read at most, never by the change."""

from __future__ import annotations

import pytest
from nl_support import NAMES, lines

from pmpc_tui.nl.propose import propose_offline


@pytest.mark.parametrize("text", [
    "would it be a bad idea to roll grafana back to its old snapshot?",
    "do you think we ought to delete the clean-boot snapshot of mqtt or keep it?",
    "is it safe to reboot web-01 during the day?",
    "is it a good idea to migrate db-01 to pve3",
    "should we shut down dev-sandbox over the holidays?",
    "what do you think, stop pihole for the update?",
])
def test_a_question_asking_whether_to_change_something_changes_nothing(text: str) -> None:
    proposal = propose_offline(text, NAMES)
    assert not proposal.understood and proposal.commands == []
    assert "nothing was done" in proposal.explanation


@pytest.mark.parametrize("text, expected", [
    ("could you reboot web-01?", ["reboot vm web-01"]),
    ("would you mind restarting grafana", ["reboot ct grafana"]),
    ("can we get a fresh backup of db-01?", ["backup create vm db-01"]),
])
def test_a_polite_order_phrased_as_a_question_is_still_the_order(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_does_a_guest_need_a_reboot_is_a_question_while_a_guest_needs_a_reboot_is_the_order() -> None:
    assert lines("does db-01 need a reboot") == []
    assert lines("db-01 needs a reboot") == ["reboot vm db-01"]
