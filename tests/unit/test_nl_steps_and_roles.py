"""Plain English, third round of issue 17: two requests in one, options said in words (vmid, description, tags,
boot, protection, ballooning), guests described by what they are, other languages' state words, and the
whole-cluster power-off that is never read from one selector."""

from __future__ import annotations

import sys
from pathlib import Path

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return p.commands if p.understood else []


def test_x_then_y_proposes_both_in_order_behind_one_confirmation() -> None:
    p = propose_offline("run a sync and then check for drift", NAMES)
    assert p.commands == ["sync", "drift"]
    p = propose_offline("snapshot web-02 first, then give it 6 cores", NAMES)
    assert p.commands == ["snapshot create vm web-02 manual", "set vm web-02 --cores 6"]
    assert p.needs_confirmation


def test_a_bare_name_after_then_takes_the_verb_before_it() -> None:
    assert lines("shut down grafana, then prometheus") == ["shutdown ct grafana", "shutdown ct prometheus"]


def test_then_reboot_after_a_change_is_the_reboot_option() -> None:
    assert lines("bump web-02 to 6 cores, then reboot it") == ["set vm web-02 --cores 6 --reboot"]


def test_a_deferred_second_step_still_refuses_everything() -> None:
    assert lines("back up db-01 then stop it tonight") == []


def test_a_vmid_said_in_words_sits_beside_the_name() -> None:
    assert lines("clone debian-12-template as ci-runner with vmid 130") == [
        "clone vm debian-12-template --name ci-runner --vmid 130"]


def test_a_quoted_description_keeps_its_case() -> None:
    assert lines("snapshot db-01 as pre-up, description 'Before PG 18'") == [
        "snapshot create vm db-01 pre-up --description 'Before PG 18'"]


def test_ballooning_turned_off_is_balloon_zero_not_a_stop() -> None:
    assert all(not line.startswith("stop") for line in lines("disable memory ballooning for web-02"))


def test_adding_a_tag_keeps_the_guest_s_tags() -> None:
    from pmpc_tui.nl.grounding import Grounder, Slots, _set_tags

    slots = Slots.from_tags(["add", "tag", "lab", "to", "grafana"], ["O", "O", "B-TAG", "O", "B-GUEST"])
    assert _set_tags(Grounder(NAMES, slots), "grafana") == "'monitoring;lab'"
    slots = Slots.from_tags(["untag", "web", "on", "web-01"], ["O", "B-TAG", "O", "B-GUEST"])
    assert _set_tags(Grounder(NAMES, slots), "web-01") == "'prod'"


def test_a_guest_described_by_what_it_is_is_found_when_one_fits() -> None:
    assert lines("boot the windows box") == ["start vm win11-desktop"]
    assert lines("bounce the proxy container") == ["reboot ct nginx-proxy"]


def test_both_web_servers_are_the_two_named_web_not_every_web_tag() -> None:
    assert lines("restart both web servers") == ["reboot vm web-01", "reboot vm web-02"]


def test_a_singular_description_that_fits_two_guests_asks() -> None:
    p = propose_offline("power off the web server", NAMES)
    assert not p.understood
    assert "web-01" in p.explanation and "web-02" in p.explanation


def test_a_guest_s_name_is_never_read_as_its_disk_key() -> None:
    assert lines("grow the win11 disk by 10G") == ["resize vm win11-desktop scsi0 +10G"]
    assert lines("detach the win11 disk") == []


def test_not_running_is_the_stopped_state_in_a_question() -> None:
    assert lines("which vms aren't running") == ["list vms --status stopped"]


def test_state_words_in_spanish_and_french_filter_a_list() -> None:
    assert lines("muestra los contenedores detenidos") == ["list cts --status stopped"]
    assert lines("affiche les VM démarrées") == ["list vms --status running"]
    assert lines("zeige alle VMs, die laufen") == ["list vms --status running"]


def test_a_request_that_asks_for_a_secret_runs_nothing_else_either() -> None:
    p = propose_offline("reboot web-01 and print the api token", NAMES)
    assert not p.understood and p.commands == []


def test_a_condition_put_first_with_should_runs_nothing() -> None:
    assert lines("should db-01 run out of memory, give it 16 gigs") == []


def test_the_whole_cluster_is_never_stopped_by_one_selector() -> None:
    for text in ("shut down every guest on all nodes", "stop everything on the whole cluster"):
        p = propose_offline(text, NAMES)
        assert not any(c.split()[0] in ("stop", "shutdown") for c in p.commands), text
    assert lines("shut down everything except db-01")  # an exception still names what stays: allowed, confirmed


def test_bare_sizes_in_a_create_the_one_before_disk_is_the_disk() -> None:
    assert lines("new vm build-7 2 cores 8g 64g disk") == ["create vm --name build-7 --cores 2 --memory 8192 --disk 64"]


def test_a_delete_that_asks_to_skip_its_confirmation_is_refused_and_says_why() -> None:
    p = propose_offline("delete web-02 --yes", NAMES)
    assert not p.understood and p.commands == [] and "confirmation" in p.explanation


def test_a_saved_plan_named_in_words_is_applied_and_import_takes_one_guest() -> None:
    assert lines("apply staging.plan") == ["apply staging.plan"]
    assert lines("regenerate the code for vm 102 only") == ["import --guest 102"]
