"""Plain English, fourth round (nl17k): an action is proposed only when it is ordered.

Reports, the speaker's own plans, purposes, evaluations, quotes, questions in other languages, orders taken back and
orders after someone else's go-ahead change nothing; a read asked beside them is what is proposed.
"""

from __future__ import annotations

import pytest
from nl_support import NAMES, lines

from pmpc_tui.nl.propose import propose_offline


@pytest.mark.parametrize("text", [
    "Sarah rebooted grafana an hour ago",
    "grafana was already restarted this morning",
    "we already deleted the old-test snapshot of web-02",
    "the on-call engineer shut down pihole last night",
    "the monitoring restarted web-02 by itself",
    "just so you know, I stopped minio",
])
def test_a_report_of_what_someone_did_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "I'm going to migrate db-01 to pve3 tomorrow myself",
    "we plan to delete dev-sandbox next sprint",
    "I'll take care of the backup of db-01 myself",
    "I was thinking about deleting old-test",
])
def test_the_speakers_own_plan_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "assess whether grafana can be shut down for good",
    "check whether dev-sandbox can be deleted",
])
def test_an_evaluation_of_an_action_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("list vms on pve1, we're planning to drain it later", ["list vms --node pve1"]),
    ("show me what's on pve3 so that I can decide whether to shut it down", ["list vms --node pve3"]),
    ("list the snapshots of web-01 so I can choose one to roll back to", ["snapshot list vm web-01"]),
])
def test_a_read_asked_beside_an_unordered_action_is_proposed_alone(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_snapshot_name_is_never_a_word_of_the_verb_phrase() -> None:
    assert not any("rollback" in line for line in lines("show snapshots of db-01 so we can roll back to one later"))


@pytest.mark.parametrize("text", [
    'my notes say "reboot vm web-01 and web-02" - are they right?',
    "the ticket reads 'delete ct minio' — what do you make of it?",
    'he wrote: "stop all vms on pve2", thoughts?',
])
def test_a_quoted_order_is_never_carried_out(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "puis-je arrêter web-02 ?",
    "soll ich grafana neu starten?",
    "devo spegnere web-01?",
    "moet ik db-01 verwijderen?",
    "should we shut down dev-sandbox to save power?",
])
def test_a_question_whether_to_act_in_any_language_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "stop grafana. no wait, never mind",
    "delete old-test on web-02, scratch that",
    "reboot pihole... actually no",
    "reboot grafana? nah, leave it",
])
def test_an_order_taken_back_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "reboot db-01 when the DBA says so",
    "migrate web-01 to pve2 after the maintenance window ends",
    "delete dev-sandbox once finance approves",
    "once the migration window opens, move db-01 to pve3",
])
def test_an_order_after_someone_elses_go_ahead_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "remove dev-sandbox and skip the confirmation",
    "wipe the workspace, auto-approve",
])
def test_asking_to_skip_a_destructive_confirmation_refuses_the_request(text: str) -> None:
    proposal = propose_offline(text, NAMES)
    assert not proposal.understood and proposal.commands == []
    assert "never skipped" in proposal.explanation


@pytest.mark.parametrize("text", [
    "swap out the dead nvme in pve2",
    "import my vmware guests into this cluster",
    "renew the tls certificate on nginx-proxy",
])
def test_hands_on_work_another_hypervisor_or_certificates_run_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("please restart grafana, thanks", ["reboot ct grafana"]),
    ("could you back up db-01 please", ["backup create vm db-01"]),
    ("go ahead and roll web-01 back to pre-upgrade", ["snapshot rollback vm web-01 pre-upgrade"]),
    ("let's snapshot db-01 as before-upgrade", ["snapshot create vm db-01 before-upgrade"]),
    ("I need you to shut down dev-sandbox now", ["shutdown vm dev-sandbox"]),
    ("web-02 needs a restart", ["reboot vm web-02"]),
    ("restart web-01, it was already restarted once but hangs again", ["reboot vm web-01"]),
    ("stop minio, I'll start it again later", ["stop ct minio"]),
    ("back up db-01 so we can restore it later", ["backup create vm db-01"]),
    ("kindly shut down dev-sandbox, thanks", ["shutdown vm dev-sandbox"]),
])
def test_an_order_still_carries_out_whatever_is_said_around_it(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("restart web-02, Tom already did web-01", ["reboot vm web-02"]),
    ("Tom restarted web-01, now restart web-02 too", ["reboot vm web-02"]),
])
def test_a_guest_named_only_in_a_report_is_never_a_target_of_the_order_beside_it(text: str,
                                                                               expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_question_about_what_was_rebooted_proposes_no_reboot() -> None:
    assert not any(line.startswith("reboot") for line in lines("which vms were rebooted today"))


@pytest.mark.parametrize("text, expected", [
    ("list the stopped containers", ["list cts --status stopped"]),
    ("est-ce que grafana tourne ?", ["describe ct grafana"]),
])
def test_a_read_about_past_actions_or_in_another_language_is_still_answered(text: str,
                                                                         expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("show the running vms -- but don't stop any", ["list vms --status running"]),
    ("list the paused containers - don't resume them", ["list cts --status paused"]),
])
def test_a_read_with_a_change_ruled_out_after_a_dash_is_the_read(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_change_ruled_out_by_no_and_a_plural_is_never_proposed() -> None:
    assert not any(line.startswith("reboot") for line in lines("describe web-02, no reboots"))


@pytest.mark.parametrize("text, expected", [
    ("could you stop dev-sandbox? it's not used anymore", ["stop vm dev-sandbox"]),
    ("please shut down win11-desktop, it isn't used", ["shutdown vm win11-desktop"]),
])
def test_a_reason_that_says_not_is_no_negation_of_the_order(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", ["stop web-01 - no, don't", "delete dev-sandbox - never mind"])
def test_an_order_taken_back_after_a_dash_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "the backup of db-01 ran fine last night",
    "tell me whether it's safe to reboot web-01",
    "¿puedo reiniciar grafana?",
    "investigate if k8s-worker-2 can be stopped safely",
])
def test_a_report_by_noun_a_request_to_be_told_and_a_spanish_question_change_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "the plan is to migrate db-01 to pve3",
    "I was told to delete dev-sandbox, is that wise?",
    "the intern wants to delete dev-sandbox",
    "delete or keep dev-sandbox?",
])
def test_a_plan_a_relayed_wish_or_a_choice_changes_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("my manager asked me to reboot web-01, what's its uptime?", ["describe vm web-01"]),
    ("describe minio before I decide whether to delete it", ["describe ct minio"]),
])
def test_the_read_beside_a_relayed_order_keeps_its_guest(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "Jim said he will restart grafana",
    "grafana's restart was done by Jim",
    "the runbook step reads: stop vm db-01",
    "Sollten wir dev-sandbox löschen?",
    "Vale la pena riavviare grafana?",
])
def test_reported_speech_and_should_we_questions_change_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_french_question_with_qu_on_never_reboots() -> None:
    assert not any(line.startswith("reboot") for line in lines("Est-ce qu'on peut redémarrer web-01 maintenant ?"))


@pytest.mark.parametrize("text, expected", [
    ("reboot web-01, the vendor says it's needed", ["reboot vm web-01"]),
    ("stop grafana as the doc says", ["stop ct grafana"]),
])
def test_an_order_beside_what_someone_says_still_stands(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("check whether web-01 is running and start it", ["start vm web-01"]),
    ("the ticket says reboot web-01, go ahead", ["reboot vm web-01"]),
])
def test_an_order_after_an_evaluation_or_an_endorsed_quote_is_carried_out(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_relayed_order_the_speaker_rejects_changes_nothing() -> None:
    assert lines("Tom said to delete dev-sandbox; don't do it") == []


def test_a_question_about_what_an_apply_did_never_applies() -> None:
    assert lines("what did the last apply do") == []


def test_what_the_plan_wants_to_destroy_is_the_plan() -> None:
    assert lines("show me what the plan wants to destroy") == ["plan"]
