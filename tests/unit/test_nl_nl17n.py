"""Plain English, issue 17 (nl17n): a skip of the confirmation refused by what would be proposed, open times and
notes left for later, corrections ("no sorry, I meant …"), questions asking what would happen under a condition,
and guests only told about never joining an order's targets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return p.commands if p.understood else []


@pytest.mark.parametrize("text", ["rm ct mqtt --yes", "make a template of web-02 --yes",
                                  "wipe dev-sandbox and auto-confirm whatever it asks",
                                  "roll db-01 back to snapshot pre-upgrade, auto accept"])
def test_a_destructive_line_is_never_proposed_beside_a_skip_of_its_confirmation(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["migrate pihole to pve2 someday", "TODO: reboot grafana",
                                  "FIXME resize minio's disk to 20G"])
def test_an_open_time_or_a_note_for_later_is_never_an_order_for_now(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("shut down grafana. sorry, I meant prometheus", ["shutdown ct prometheus"]),
    ("suspend web-01 -- make that web-02", ["suspend vm web-02"]),
    ("start 105? no sorry, I meant minio", ["start ct minio"]),
    ("reboot mqtt, never mind that, reboot pihole", ["reboot ct pihole"]),
    ("stop grafana. changed my mind: stop prometheus", ["stop ct prometheus"]),
])
def test_a_correction_replaces_the_order_it_takes_back(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "suppose pve1 lost power, what would go down with it?",
    "if I shut off every container on pve3, what happens?",
    "if you could only keep three vms running, which ones would you keep?",
    "¿Qué ocurriría si reinicio pve1?",
    "Was passiert, wenn ich alle VMs auf pve2 stoppe?",
])
def test_a_question_about_what_would_happen_under_a_condition_says_it_cannot_be_predicted(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and "predict" in p.explanation


def test_guests_only_told_about_never_join_the_order_of_another_guest() -> None:
    assert lines("mqtt is fine and minio can wait, but back up homeassistant now") == [
        "backup create vm homeassistant"]



@pytest.mark.parametrize("text, expected", [
    ("show me what removing win11-desktop would do without really doing it", ["delete vm win11-desktop --dry-run"]),
])
def test_an_action_said_as_a_gerund_in_what_it_would_do_is_that_action_as_a_dry_run(
        text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("skasuj maszynę win11-desktop", ["delete vm win11-desktop"]),
    ("wyświetl kontenery", ["list cts"]),
    ("zatrzymaj minio, ale nie mqtt", ["stop ct minio"]),
    ("uruchom ponownie homeassistanta", ["reboot vm homeassistant"]),
])
def test_a_polish_request_is_read_with_its_guests_in_their_cases(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_destructive_polish_request_is_never_read_as_a_describe() -> None:
    p = propose_offline("usuń dev-sandbox", NAMES)
    assert p.commands == ["delete vm dev-sandbox"] and p.needs_confirmation


@pytest.mark.parametrize("text", ["give pihole 2 cores after the audit", "move minio to pve1 after our freeze"])
def test_a_change_after_any_named_event_waits_and_is_not_proposed(text: str) -> None:
    assert lines(text) == []



def test_a_negated_list_of_verbs_rules_out_each_and_the_read_before_it_answers() -> None:
    p = propose_offline("check the drift, don't sync or apply anything", NAMES)
    assert p.commands == ["drift"] and p.understood


@pytest.mark.parametrize("text, expected", [
    ("just list the snapshots of db-01, nothing else", ["snapshot list vm db-01"]),
    ("no need to ask me, clone web-01 as web-03", ["clone vm web-01 --name web-03"]),
    ("reboot minio, it's not needed to wait for it", ["reboot ct minio"]),
])
def test_words_that_only_limit_or_hurry_an_order_are_no_negation_of_it(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_asking_not_to_be_asked_still_shows_the_confirmation() -> None:
    assert propose_offline("no need to ask me, clone web-01 as web-03", NAMES).needs_confirmation


@pytest.mark.parametrize("text, expected", [
    ("keep mqtt running, but stop grafana", ["stop ct grafana"]),
    ("leave db-01 alone, and back up web-02", ["backup create vm web-02"]),
    ("not this one, the other one: reboot pihole", ["reboot ct pihole"]),
])
def test_a_guest_kept_or_a_pointer_corrected_before_the_order_leaves_the_order(
        text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_read_asked_without_changing_anything_is_never_a_dry_run() -> None:
    assert lines("without changing anything: list the tasks") == ["tasks"]


@pytest.mark.parametrize("text, expected", [
    ("minio has been slow all week, and grafana crashed twice; just reboot prometheus", ["reboot ct prometheus"]),
    ("web-01 and db-01 are fine, show me every stopped vm", ["list vms --status stopped"]),
])
def test_guests_only_told_about_never_join_an_order_that_names_its_own_targets(
        text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_time_told_of_a_guest_left_alone_is_not_the_time_of_the_order_beside_it() -> None:
    assert lines("mqtt is off, which is how I like it over the weekend. meanwhile snapshot db-01") == [
        "snapshot create vm db-01 manual"]


def test_the_clock_time_now_said_beside_an_order_is_no_time_for_it() -> None:
    assert lines("it's already 23:30, stop the k8s workers now") == ["stop vm k8s-worker-1", "stop vm k8s-worker-2"]


def test_a_guest_that_is_not_running_yet_is_started_as_asked() -> None:
    assert lines("if minio isn't running yet, start it") == ["start ct minio"]


@pytest.mark.parametrize("text, expected", [
    ("list the prod-tagged vms", ["list vms -l tag=prod"]),
    ("spegni tutti i container tranne mqtt", ["shutdown ct pihole", "shutdown ct nginx-proxy", "shutdown ct grafana",
                                              "shutdown ct prometheus"]),
    ("mueve db-01 a pve1 sin esperar", ["migrate vm db-01 pve1 --online --no-wait"]),
])
def test_selections_exceptions_and_options_said_in_other_words(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", ["restart pihole, good idea?", "snapshot minio, thoughts?"])
def test_an_opinion_asked_of_an_order_carries_nothing_out(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("Ist die grafana noch aus?", ["describe ct grafana"]),
    ("toon de fouten van de laatste 3 uur", ["logs --since 3h --level error"]),
    ("mv db-01 -> pve3", ["migrate vm db-01 pve3 --online"]),
    ("shutdown all k8s vms except the workers", ["shutdown vm k8s-cp-1"]),
])
def test_shorthand_and_other_languages_read_as_the_same_request(text: str, expected: list[str]) -> None:
    assert lines(text) == expected



def test_which_guests_would_be_lost_under_a_condition_is_a_prediction() -> None:
    p = propose_offline("if pve3 died, which guests would we lose?", NAMES)
    assert not p.understood and "predict" in p.explanation


def test_a_guest_said_to_be_down_again_is_brought_back_up() -> None:
    assert lines("pihole is down again, bring it back up") == ["start ct pihole"]


def test_snapshots_a_guest_could_be_rolled_back_to_are_listed_not_rolled_back() -> None:
    assert lines("show me the snapshots we could revert db-01 to") == ["snapshot list vm db-01"]


def test_a_log_window_and_level_said_in_shorthand() -> None:
    assert lines("tail errs last 2h") == ["logs --since 2h --level error"]


@pytest.mark.parametrize("text", ["delete web-01. just kidding", "stop grafana lol jk",
                                  "shut everything down, I'm joking"])
def test_an_order_said_in_jest_carries_nothing_out(text: str) -> None:
    assert lines(text) == []


def test_the_assistants_taste_is_no_question_about_the_cluster() -> None:
    assert lines("what's your favourite vm?") == []


@pytest.mark.parametrize("text", ["apaga web-02 cuando termine el backup",
                                  "éteins db-01 quand la sauvegarde est finie"])
def test_a_condition_opened_inside_a_sentence_in_another_language_holds_the_order_back(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["which vms would the destroy remove? do a dry run",
                                  "show me with a dry run which guests a destroy would delete"])
def test_a_destroy_said_as_a_noun_and_asked_as_a_dry_run_is_the_workspaces_destroy(text: str) -> None:
    assert lines(text) == ["destroy --dry-run"]


@pytest.mark.parametrize("text", ["tell Tom to restart pihole", "ya reinicié pihole",
                                  "in the last incident we had to kill db-01"])
def test_an_order_relayed_to_someone_else_or_told_of_the_past_carries_nothing_out(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("start minio, it is since yesterday down", ["start ct minio"]),
    ("reboot grafana, it is hanging since this morning", ["reboot ct grafana"]),
])
def test_how_long_a_state_has_lasted_is_no_time_of_the_order(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("could you make mqtt again start", ["start ct mqtt"]),
    ("make the web-02 once more start, please", ["start vm web-02"]),
])
def test_a_causative_order_is_the_verb_on_the_guest(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_polish_case_ending_never_turns_one_guests_name_into_anothers() -> None:
    from pmpc_tui.services.names import Names

    names = Names(nodes=["pve1"], storage=[])
    names.facts["web-01"] = ("vm", 101, "pve1", "running", "")
    names.facts["web-01a"] = ("vm", 102, "pve1", "running", "")
    names.facts["grafana"] = ("ct", 201, "pve1", "running", "")
    p = propose_offline("zrestartuj web-01a i grafanę", names)
    assert p.commands == ["reboot vm web-01a", "reboot ct grafana"]


@pytest.mark.parametrize("text, expected", [
    ("which containers would we lose if pve3 went down? list them", ["list cts --node pve3"]),
    ("if pve1 went down, which vms would stop? show them", ["list vms --node pve1"]),
])
def test_the_state_a_condition_supposes_never_filters_the_read_beside_it(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_an_action_word_naming_a_list_shows_the_list() -> None:
    assert lines("print the reboot candidates: all running containers") == ["list cts --status running"]
