"""Plain English, issue 17 (nl17h): one policy for conditionals (a condition on the guest's own state that its power
action makes true anyway is the plain action, any other condition is refused), negation scope, and refusals of
times, negations and questions said in words the earlier rules did not know."""

from __future__ import annotations

import pytest
from nl_support import NAMES, lines

from pmpc_tui.nl.propose import propose_offline


@pytest.mark.parametrize(("text", "expected"), [
    ("if dev-sandbox is off, start it", ["start vm dev-sandbox"]),
    ("if web-01 is running, stop it", ["stop vm web-01"]),
    ("restart pihole only if its running", ["reboot ct pihole"]),
    ("if win11-desktop is running shut it down", ["shutdown vm win11-desktop"]),
    ("is web-01 up? if so stop it", ["stop vm web-01"]),
    ("minio is down, bring it back up", ["start ct minio"]),
])
def test_a_condition_the_action_makes_true_anyway_is_the_plain_action(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "if web-01 is down then start web-02",  # a condition on another guest
    "if web-01 is running, start it",  # the condition is not the state start leaves
    "stop web-01 if it is not running",
    "if db-01 hangs, reboot it",
    "db-01 has less than 16G? then set it to 16G",  # a set to 16G would shrink a bigger guest
    "if there is no backup of homeassistant yet make one",
    "start web-01, otherwise reboot it",
    "stop pihole until the update is done",
])
def test_any_other_condition_is_refused_with_the_reason(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == [] and "nothing was done" in p.explanation


def test_a_negated_guest_of_the_same_order_is_left_out_and_the_rest_carried_out() -> None:
    assert lines("shut down web-02, not web-01") == ["shutdown vm web-02"]
    assert lines("reboot grafana, don't reboot prometheus") == ["reboot ct grafana"]


def test_dont_x_just_y_carries_out_y_and_never_x() -> None:
    assert lines("don't apply anything, just show me the plan") == ["plan"]
    assert lines("dont delete dev-sandbox, just show me its config") == ["describe vm dev-sandbox"]
    assert lines("don't touch anything, just reboot web-01") == []


def test_a_guest_that_stays_up_is_left_out_of_a_selection() -> None:
    got = lines("stop all vms, db-01 stays up")
    assert got and all("db-01" not in c for c in got)


def test_a_request_to_skip_the_confirmation_never_skips_it() -> None:
    p = propose_offline("reboot ct 204, no questions, I'm sure", NAMES)  # a harmless order: asked all the same
    assert p.commands == ["reboot ct 204"] and p.needs_confirmation
    # a destructive one (a template cannot be undone) beside it is refused whole, as a delete always was
    refused = propose_offline("template-ify ct 204, no questions, I'm sure", NAMES)
    assert refused.commands == [] and "confirmation" in refused.explanation


def test_nuking_everything_is_never_read_as_rebooting_everything() -> None:
    assert lines("nuke everything and start over") == []


@pytest.mark.parametrize("text", [
    "restart web-01 tmrw", "stop grafana tonite", "reboot web-02 monday", "stop web-01 at 0300",
    "postpone the reboot of web-01", "stop web-01 on the 15th", "reboot web-01 after the backup",
    "stop everything except db-01 in 5 min",
])
def test_a_time_said_in_chat_words_refuses_the_change(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "we shouldn't restart web-01", "you mustn't stop db-01", "hands off db-01", "db-01 stays up no matter what",
    "I'd rather you didn't reboot web-01", "no reboots for db-01 please",
])
def test_a_negation_in_other_words_never_becomes_the_action(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "how do i stop web-01", "how would I delete dev-sandbox", "would restarting web-01 help",
    "is there a way to delete dev-sandbox",
])
def test_asking_how_or_whether_changes_nothing(text: str) -> None:
    assert all(c.split()[0] in ("describe", "list") for c in lines(text))


def test_a_read_still_answers_when_the_time_is_a_logs_window() -> None:
    assert lines("how do i list vms") == ["list vms"]
    assert lines("power on 204 and wait till it's up") == ["start ct 204 --wait"]


@pytest.mark.parametrize("text", [
    "reinicia web-01 el lunes", "apaga web-01 a medianoche", "move web-01 to pve2 during the night",
    "reboot web-01 every time it hangs", "keep restarting pihole", "stop db-01... nah", "stop db-01? no",
    "install nginx on web-01", "open port 22 on web-01", "format the nas storage",
])
def test_schedules_taken_back_orders_and_work_inside_a_guest_run_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_backup_of_a_selection_leaves_the_excepted_guest_out_of_its_one_line() -> None:
    p = propose_offline("backup the prod vms except db-01, it has its own job", NAMES)
    assert p.commands == ["backup create vm web-01 web-02"] and "db-01" not in str(p.targets)


def test_a_guest_left_out_by_its_role_lends_no_words_to_what_the_request_is_about() -> None:
    assert lines("shutdown pve3 guests except the backup server") == ["shutdown vm homeassistant", "shutdown ct mqtt"]


def test_deleting_a_backup_is_never_read_as_making_one() -> None:
    assert lines("delete the backup of db-01") == []


def test_a_guest_said_with_spaces_lends_no_words_to_what_the_request_is_about() -> None:
    assert lines("power cycle the backup server vm") == ["reboot vm backup-server"]


def test_purging_a_guest_from_backup_jobs_is_what_delete_purge_does() -> None:
    assert lines("remove the minio container and purge it from backup jobs too") == ["delete ct minio --purge"]


def test_not_taking_a_guest_offline_is_an_online_migration_not_a_negation() -> None:
    assert lines("migrate 103 to pve1 but don't take it offline") == ["migrate vm 103 pve1 --online"]


def test_bare_numbers_after_their_key_are_that_setting() -> None:
    assert lines("set web-01 ram 2048 cores 2") == ["set vm web-01 --cores 2 --memory 2048"]
    assert lines("set web-01 cores 2 ram 2048") == ["set vm web-01 --cores 2 --memory 2048"]
    assert lines("set balloon min on 103 to 4096") == ["set vm 103 --balloon 4096"]


def test_grepping_the_logs_for_a_word_greps_for_that_word() -> None:
    assert lines("grep the logs for web-03") == ["logs --grep web-03"]


def test_an_order_followed_by_show_me_the_task_log_waits_for_its_task() -> None:
    assert lines("reboot web-02 and show me the task log") == ["reboot vm web-02 --wait"]
    assert lines("please start the minio container and show me the task log") == ["start ct minio --wait"]


def test_a_report_of_trouble_that_asks_what_is_going_on_changes_nothing() -> None:
    got = lines("after last nights backup the db-01 is locked i think. whats going on")
    assert all(c.split()[0] in ("describe", "list", "tasks", "logs") for c in got)


@pytest.mark.parametrize("text", [
    "reboot web-01 2h from now", "stop web-01 at 17:30", "should web-01 be rebooted?", "does db-01 need a reboot",
    "is a restart needed for web-01", "is it worth rebooting web-01",
])
def test_clock_times_and_questions_of_need_change_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_backup_archive_timestamp_is_no_clock_time() -> None:
    assert lines("restore pbs:backup/vm/103/2026-11-29T02:00:00Z to a new vm 190") == [
        "backup restore pbs:backup/vm/103/2026-11-29T02:00:00Z --vmid 190"]


def test_dont_forget_to_is_a_reminder_to_do_it_not_a_negation() -> None:
    assert lines("dont forget to backup db-01") == ["backup create vm db-01"]
    assert lines("don't forget to not stop web-01") == []


def test_a_one_word_typo_of_a_read_only_command_is_that_command() -> None:
    assert lines("helth") == ["health"]
    assert lines("plna") == ["plan"]
    assert lines("hello") == []


def test_logs_of_an_operation_and_by_correlation_id_are_log_reads() -> None:
    assert lines("logs for sync in the last 2 hours") == ["logs --since 2h --op sync"]
    assert lines("everything logged under correlation id 3f2a9c1e") == ["logs --cid 3f2a9c1e"]
    assert lines("why did my apply fail? show me apply errors") == ["logs --level error --op apply"]


def test_misspelt_states_stacks_and_abandoned_applies() -> None:
    assert lines("shwo me stoped vms") == ["list vms --status stopped"]
    assert lines("restart the monitoring stack") == ["reboot ct grafana", "reboot ct prometheus"]
    assert lines("forget the half-finished apply") == ["apply --abandon"]


def test_local_disks_are_a_kind_of_disk_not_a_target_storage() -> None:
    assert lines("live-migrate db-01 to pve1 along with its local disks") == [
        "migrate vm db-01 pve1 --online --with-local-disks"]


def test_a_snapshot_of_a_described_selection_is_a_snapshot_never_a_new_vm() -> None:
    assert lines("snapshot both web vms, call it release-42") == ["snapshot create vm web-01 release-42",
                                                                  "snapshot create vm web-02 release-42"]


def test_what_a_backup_datastore_holds_is_its_backup_list() -> None:
    assert lines("what's on the pbs datastore") == ["backup list --storage pbs"]


def test_the_moment_said_around_an_order_is_no_subject() -> None:
    assert lines("pause vm 110 while I swap the usb disk") == ["suspend vm 110"]


def test_every_guest_is_never_rolled_back_or_made_a_template_at_once() -> None:
    p = propose_offline("rollback everything to yesterday", NAMES)
    assert p.commands == [] and "never" in p.explanation
    assert lines("make all guests templates") == []
    assert len(lines("rollback all k8s vms to pre-k8s-131")) == 3  # a tag selects: behind the typed count


@pytest.mark.parametrize("text", [
    "leave minio stopped", "keep dev-sandbox off", "dev-sandbox stays off", "quit rebooting web-01",
    "db-01 is off limits", "cancel the reboot of web-01", "abort the migration of db-01",
])
def test_a_state_to_keep_or_an_action_to_call_off_never_becomes_an_action(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and "nothing was done" in p.explanation


def test_cancelling_a_task_by_its_upid_still_stops_that_task() -> None:
    assert lines("cancel task UPID:pve2:0001:qmigrate:103:root@pam:") == [
        "tasks stop UPID:pve2:0001:qmigrate:103:root@pam:"]


@pytest.mark.parametrize("text", [
    "block restarts of pihole", "under no condition restart pihole", "no way you reboot db-01",
    "I forbid stopping db-01", "db-01 isn't supposed to be stopped", "prevent web-01 from rebooting",
])
def test_forbidding_an_action_never_carries_it_out(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "apaga web-01 después de la copia", "arrête web-01 après la sauvegarde", "nie db-01 löschen",
    "redémarre web-01 la semaine prochaine", "reinicia web-01 la próxima semana", "starte web-01 nächste woche neu",
])
def test_german_spanish_french_times_and_never_refuse(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "what are the risks of deleting dev-sandbox", "i guess we could restart grafana", "we might want to reboot web-01",
    "ideally web-01 would be rebooted", "i was told to delete dev-sandbox, should i?", "do we still need dev-sandbox",
])
def test_hedges_and_questions_of_risk_or_need_change_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_guest_negated_first_is_left_out_of_the_order_after_it() -> None:
    assert lines("not web-01, stop web-02") == ["stop vm web-02"]
    assert lines("not now, stop web-01") == []


def test_a_single_is_or_does_question_changes_nothing_but_a_read_answers_it() -> None:
    assert lines("is web-01 rebooted") == []
    assert lines("does pihole restart on its own") == []
    assert lines("is web-01 running") == ["describe vm web-01"]
