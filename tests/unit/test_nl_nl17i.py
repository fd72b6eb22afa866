"""Plain English, issue 17 (nl17i): requests in an ops team's voice — questions about a guest are reads, ticket and
change ids are never guests, numbers in words, Italian and Dutch verbs, "X needs a reboot", a snapshot named before
"delete it", lists of names, conditions that are the order's own precondition, and asides that are no condition.
Every sentence here is written for these tests (none is from a development set)."""

from __future__ import annotations

import pytest
from nl_support import lines

from pmpc_tui.nl.ground.numbers import in_digits


@pytest.mark.parametrize("text, guest", [
    ("is grafana up or has somebody stopped it?", "describe ct grafana"),
    ("can you check if pihole is still running", "describe ct pihole"),
    ("how many cores does db-01 have?", "describe vm db-01"),
    ("has web-02 been rebooted yet?", "describe vm web-02"),
    ("is the home assistant box powered off or not", "describe vm homeassistant")])
def test_a_question_about_a_guest_is_a_read_never_a_power_action(text: str, guest: str) -> None:
    assert lines(text) == [guest]


def test_a_state_question_followed_by_an_order_is_left_to_the_guards() -> None:
    assert lines("is web-01 running? if not, start it") == []


@pytest.mark.parametrize("text, expected", [
    ("restart grafana, ticket OPS-7731", ["reboot ct grafana"]),
    ("INC0045512: please stop mqtt", ["stop ct mqtt"]),
    ("reboot web-02 (approved in CHG-1188)", ["reboot vm web-02"]),
    ("shutdown pihole as per #5521", ["shutdown ct pihole"])])
def test_ticket_and_change_ids_are_never_guest_names(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_request_without_a_ticket_keeps_every_character() -> None:
    upid = "UPID:pve1:0000BEEF:00ABCDEF:6745A000:vzdump:101:root@pam:"
    assert lines(f"stop task {upid}") == [f"tasks stop {upid}"]


@pytest.mark.parametrize("text, expected", [
    ("three cores and twelve gigs", "3 cores and 12 gigs"), ("twenty-four hours", "24 hours"),
    ("one hundred and twenty eight gb", "128 gb"), ("vier Kerne", "4 Kerne"), ("treinta y dos gigas", "32 gigas"),
    ("the database one", "the database one"), ("two and four cores", "two and four cores")])
def test_numbers_in_words_before_a_unit_become_digits(text: str, expected: str) -> None:
    assert in_digits(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("give mqtt three cores", ["set ct mqtt --cores 3"]),
    ("mqtt should get two gigs of ram", ["set ct mqtt --memory 2048"]),
    ("the errors of the past three hours", ["logs --since 3h --level error"])])
def test_sizes_and_times_said_in_words_are_read(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("riavvia grafana per favore", ["reboot ct grafana"]),
    ("spegni mqtt", ["shutdown ct mqtt"]),
    ("sposta web-02 su pve3", ["migrate vm web-02 pve3 --online"]),
    ("herstart pihole alsjeblieft", ["reboot ct pihole"]),
    ("zet mqtt uit", ["shutdown ct mqtt"]),
    ("maak een snapshot van grafana genaamd voor-update", ["snapshot create ct grafana voor-update"])])
def test_italian_and_dutch_orders_are_read(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "non riavviare grafana", "riavvia grafana stasera", "se grafana si blocca, riavvialo", "herstart pihole niet",
    "herstart pihole vanavond", "als pihole hangt, herstart het"])
def test_italian_and_dutch_negation_times_and_conditions_still_refuse(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("grafana needs a restart after the plugin upgrade", ["reboot ct grafana"]),
    ("pihole has to be backed up before the blocklist change", ["backup create ct pihole"]),
    ("mqtt needs a snapshot", None)])
def test_x_needs_a_reboot_is_the_order_on_x(text: str, expected: list[str] | None) -> None:
    got = lines(text)
    if expected is None:
        assert got and got[0].startswith("snapshot create ct mqtt")
    else:
        assert got == expected


def test_x_needs_a_reboot_tonight_is_still_a_deferral() -> None:
    assert lines("grafana needs a restart tonight") == []


def test_a_snapshot_named_before_delete_it_is_what_is_deleted() -> None:
    got = lines("web-02 still has an old snapshot called pre-php8 from last month, please delete it")
    assert got == ["snapshot delete vm web-02 pre-php8"]


def test_a_snapshot_named_before_dont_delete_it_deletes_nothing() -> None:
    assert lines("web-02 has a snapshot called pre-php8, don't delete it") == []


def test_a_sentence_of_names_says_which_guests_a_selection_meant() -> None:
    assert lines("please back up all the monitoring boxes: grafana and prometheus.") == \
        ["backup create ct grafana prometheus"]


def test_names_that_stay_up_are_never_the_targets() -> None:
    assert lines("stop all vms, web-01 and web-02 stay up") == []


@pytest.mark.parametrize("text, expected", [
    ("if mqtt is stopped, start it", ["start ct mqtt"]),
    ("in case pihole isn't running, start it", ["start ct pihole"]),
    ("if mqtt is running, stop it", ["stop ct mqtt"])])
def test_a_condition_that_is_the_orders_own_precondition_is_the_order(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", [
    "if mqtt is running, start it", "if mqtt is stopped, delete it", "if grafana hangs, reboot it",
        "if the backup fails, stop mqtt"])
def test_any_other_condition_still_refuses(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text, expected", [
    ("move mqtt to pve2 if possible", ["migrate ct mqtt pve2"]),
    ("back up pihole when you get a chance", ["backup create ct pihole"]),
    ("back up grafana and don't wait, I'll check on it later", ["backup create ct grafana --no-wait"]),
    ("roll grafana back to snapshot before-plugins, the upgrade broke everything",
     ["snapshot rollback ct grafana before-plugins"])])
def test_asides_are_no_condition_time_or_selection(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_dont_x_just_show_is_the_read_alone() -> None:
    assert lines("don't restart grafana, just show me what it's doing") == ["describe ct grafana"]


def test_dont_x_just_do_y_carries_out_y_alone() -> None:
    assert lines("don't restart grafana, just stop it") == ["stop ct grafana"]


def test_a_guest_singled_out_by_description_is_never_skipped_as_already_in_that_state() -> None:
    assert lines("pause the home assistant box") == ["suspend vm homeassistant"]


def test_cores_and_memory_said_together_are_both_set() -> None:
    assert lines("give pihole 3 gigs of memory and 3 cores") == ["set ct pihole --cores 3 --memory 3072"]


@pytest.mark.parametrize("text", ["please buy two new ssds for pve2", "order 64gb of ram for pve1 from our vendor"])
def test_hardware_orders_run_nothing(text: str) -> None:
    assert lines(text) == []


def test_a_clause_about_another_action_with_its_own_time_is_context() -> None:
    assert lines("unprotect mqtt, we're retiring it next month") == ["set ct mqtt --protection no"]


def test_a_state_said_after_the_order_is_kept() -> None:
    assert lines("wake pihole back up, it's paused") == ["resume ct pihole"]


@pytest.mark.parametrize("text, expected", [
    ("take grafana out of autostart", ["set ct grafana --onboot no"]),
    ("import again without syncing first", ["import --offline"])])
def test_options_said_in_ops_words(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_hang_is_a_condition_but_a_power_state_is_the_orders_precondition() -> None:
    assert lines("if grafana hangs, start it") == []
    assert lines("if pihole is down, start it") == ["start ct pihole"]
    assert lines("if pihole is powered off, start it") == ["start ct pihole"]


@pytest.mark.parametrize("text, expected", [
    ("start mqtt, and once it's running snapshot it as clean-boot", ["start ct mqtt",
                                                                     "snapshot create ct mqtt clean-boot"]),
    ("move grafana to pve3 and give it 2 gigs afterwards", ["migrate ct grafana pve3", "set ct grafana --memory 2048"]),
    ("take pihole out of autostart and shut it down", ["set ct pihole --onboot no", "shutdown ct pihole"])])
def test_a_sequence_said_in_ops_words_is_two_steps(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_a_change_said_in_the_passive_is_the_change() -> None:
    assert lines("can mqtt be given 3 cores? dry run please") == ["set ct mqtt --cores 3 --dry-run"]


def test_a_count_that_restates_a_selection_keeps_its_tag() -> None:
    assert lines("restart all three k8s vms") == ["reboot vm k8s-cp-1", "reboot vm k8s-worker-1",
                                                  "reboot vm k8s-worker-2"]


@pytest.mark.parametrize("text, expected", [
    ("please add ct 260 named relay-02 with 1 core", ["create ct --name relay-02 --vmid 260 --cores 1"]),
    ("new ct named relay-03 at 192.168.1.80/24", ["create ct --name relay-03 --ip 192.168.1.80/24"]),
    ("new vm named app-07 with 2 cores, tags prod and billing",
     ["create vm --name app-07 --cores 2 --tags prod,billing"])])
def test_a_new_guests_vmid_address_and_tags_said_the_ops_way(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_its_in_a_second_step_is_the_guest_of_the_first() -> None:
    assert lines("snapshot mqtt as before-tls, then list its snapshots") == ["snapshot create ct mqtt before-tls",
                                                                             "snapshot list ct mqtt"]


@pytest.mark.parametrize("text", ["shut down grafana, we're patching it tonight",
                                  "stop mqtt before the maintenance tomorrow"])
def test_a_time_near_a_disruptive_order_is_never_dropped_as_context(text: str) -> None:
    assert lines(text) == []


def test_a_backup_before_an_event_tonight_is_taken_now() -> None:
    assert lines("back up grafana before the dashboard migration tonight") == ["backup create ct grafana"]


def test_needing_the_status_of_everything_is_a_list_never_a_start() -> None:
    assert lines("i only need the names and status of everything") == ["list vms", "list cts"]


def test_guests_both_vms_and_containers_lists_both_kinds() -> None:
    assert lines("show the guests tagged k8s, both vms and containers") == ["list vms -l tag=k8s",
                                                                            "list cts -l tag=k8s"]
