"""Plain English, issue 17 (nl17m): "leave X alone" in Dutch and German, an order taken back by a change of mind,
the confirmation never turned off, "show me what X would do" as a dry run, guests left out by "don't touch", a
snapshot's name never read as a clone or a time, and a question asked beside an action only wondered about."""

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


def test_a_guest_left_alone_in_dutch_is_left_out_of_the_reboot() -> None:
    assert lines("herstart alle containers maar laat mqtt met rust") == [
        "reboot ct pihole", "reboot ct nginx-proxy", "reboot ct grafana", "reboot ct prometheus"]


@pytest.mark.parametrize("text", ["laat minio draaien alsjeblieft", "lass mqtt bitte weiterlaufen",
                                  "lass grafana in Ruhe"])
def test_keeping_a_guest_running_in_dutch_or_german_is_never_an_order(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["we wanted to reboot pihole, change of plans though",
                                  "I had planned to shut down mqtt but I changed my mind"])
def test_a_change_of_mind_takes_the_order_back(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["please disable the warnings before stopping things",
                                  "switch off every confirmation prompt for good", "stop asking me for confirmation",
                                  "restore the newest backup of mqtt over it, --yes"])
def test_turning_off_the_confirmation_is_refused_and_nothing_is_stopped(text: str) -> None:
    assert lines(text) == []


def test_showing_what_an_action_would_do_is_only_a_dry_run() -> None:
    assert lines("can you show me what a reboot of web-02 would do") == ["reboot vm web-02 --dry-run"]
    assert all(line.endswith("--dry-run") for line in lines("tell me what stopping all the containers would do"))


def test_a_guest_nobody_may_touch_is_left_out_of_the_order() -> None:
    assert lines("restart grafana but don't touch prometheus or mqtt") == ["reboot ct grafana"]
    assert lines("stop pihole and don't touch the dns settings") == []


def test_a_read_with_nothing_to_be_fixed_is_still_answered() -> None:
    assert lines("show me the drift. don't fix anything.") == ["drift"]


def test_a_question_about_the_assistant_runs_no_health_check() -> None:
    assert lines("hey, is this bot working?") == []
    assert lines("is web-01 on?") == ["describe vm web-01"]


def test_a_snapshot_named_after_a_time_is_taken_now_not_refused_as_scheduled() -> None:
    assert lines("take a snapshot of mqtt called nightly") == ["snapshot create ct mqtt nightly"]
    assert lines("take a snapshot of mqtt called nightly tomorrow") == []


def test_a_snapshot_asked_for_by_name_is_never_a_clone() -> None:
    assert lines("could we get a snapshot of db-01 called before-patch?") == [
        "snapshot create vm db-01 before-patch"]


def test_rolling_a_guest_back_is_a_rollback_and_planning_guests_reboots_nothing() -> None:
    assert lines("roll nginx-proxy back to the snapshot named known-good")[0].startswith("snapshot rollback ct")
    assert lines("plan web-01 and web-02 only") == ["plan --target web-01 --target web-02"]


def test_a_guest_that_needs_to_be_started_is_never_stopped() -> None:
    assert lines("the minio container needs to be started, it was left off after the upgrade") == ["start ct minio"]


def test_the_time_now_told_is_not_the_orders_time() -> None:
    assert lines("I know it's 2am but reboot grafana now, the dashboards are down") == ["reboot ct grafana"]


def test_a_verb_said_of_nothing_leaves_only_the_read() -> None:
    assert lines("delete nothing, just show me the snapshots of pihole") == ["snapshot list ct pihole"]


def test_a_question_beside_an_action_only_wondered_about_is_answered_alone() -> None:
    assert lines("should I stop grafana? how much memory does it use?") == ["describe ct grafana"]
    assert lines("should I stop grafana?") == []


def test_a_runbook_of_numbered_steps_runs_its_reads_and_not_the_apply() -> None:
    assert lines("step 1: validate. step 2: plan. don't apply yet.") == ["validate", "plan"]


def test_a_resync_that_leaves_the_code_alone_touches_the_database_only() -> None:
    assert lines("resync the state database please, leave the code alone") == ["sync --db-only"]


def test_cloning_without_waiting_does_not_wait() -> None:
    assert lines("could you clone web-01 to web-05 without waiting?") == ["clone vm web-01 --name web-05 --no-wait"]


def test_just_looking_after_a_question_answers_it_and_never_acts() -> None:
    assert lines("any snapshots left on pihole from the upgrade? just looking, not touching.") == [
        "snapshot list ct pihole"]
    assert lines("stop grafana, just looking") == []


def test_doubting_an_order_then_asking_for_a_read_gives_the_read() -> None:
    assert lines("we do not think we should reboot web-01; only show its config") == ["describe vm web-01"]


def test_a_dutch_exception_leaves_the_guest_out() -> None:
    assert "reboot ct pihole" not in lines("herstart alle containers behalve pihole")


def test_an_order_after_a_change_of_mind_still_stands() -> None:
    assert lines("I changed my mind, do reboot mqtt after all") == ["reboot ct mqtt"]


@pytest.mark.parametrize("text", ["Should I restart pihole to pick up the new dns config, or is there a way around it?",
                                  "should I stop grafana? is it safe?"])
def test_advice_asked_beside_a_wondered_action_runs_nothing(text: str) -> None:
    assert not propose_offline(text, NAMES).understood


def test_a_tag_said_in_full_finds_its_short_form() -> None:
    assert lines("list every kubernetes vm") == ["list vms -l tag=k8s"]


def test_a_dutch_question_about_a_state_lists_guests_in_that_state() -> None:
    assert lines("welke vms draaien op pve1?") == ["list vms --node pve1 --status running"]


def test_asking_whether_one_guest_is_healthy_shows_that_guest() -> None:
    assert lines("how healthy is grafana") == ["describe ct grafana"]
    assert lines("is the cluster healthy?") == ["health"]
