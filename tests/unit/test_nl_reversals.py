"""Plain English: readings that would do the opposite of the request are refused — an undo of an apply is never an
apply, a node being emptied is never where guests go (nor a reason to stop them), nodes are never powered off."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def refusal(text: str) -> str:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == [], p.commands
    return p.explanation


@pytest.mark.parametrize("text", ["undo the last apply", "revert what we deployed this morning",
                                  "roll back my changes please", "apply the previous revision of the code"])
def test_undoing_an_apply_is_never_an_apply(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.needs_confirmation or not p.understood
    assert "apply" not in [c.split()[0] for c in p.commands]


@pytest.mark.parametrize("text", ["evacuate pve1", "put pve3 into maintenance mode",
                                  "get everything off pve3", "drain node pve2 before the reboot"])
def test_a_node_being_emptied_is_where_guests_leave_never_where_they_go(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == [], p.commands


@pytest.mark.parametrize("text", ["power off everything including the nodes", "shut down all guests and then the hosts",
                                  "reboot web-01 and then the node"])
def test_nodes_are_never_powered_off_beside_guests(text: str) -> None:
    assert "nodes" in refusal(text)


def test_the_refusals_say_what_to_do_instead() -> None:
    assert "revert REV" in refusal("undo the last apply")
    assert "migrate vm NAME NODE" in refusal("evacuate pve1")


@pytest.mark.parametrize(("text", "expected"), [
    ("apply my changes", ["apply"]), ("roll back db-01 to pre-upgrade", ["snapshot rollback vm db-01 pre-upgrade"]),
    ("move web-01 off pve1 to pve3", ["migrate vm web-01 pve3 --online"]),
    ("stop all the k8s nodes", ["stop vm k8s-cp-1", "stop vm k8s-worker-1", "stop vm k8s-worker-2"])])
def test_the_plain_readings_of_the_same_words_still_stand(text: str, expected: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == expected


@pytest.mark.parametrize(("text", "spared"), [
    ("reboot the web servers, web-02 excluded", "web-02"), ("reboot the web servers save web-02", "web-02"),
    ("shut down every k8s vm (k8s-worker-2 is exempt)", "k8s-worker-2")])
def test_a_guest_the_request_leaves_out_is_never_a_target(text: str, spared: str) -> None:
    p = propose_offline(text, NAMES)
    assert spared not in [t["name"] for t in p.targets] or not p.understood
    assert not any(c.endswith(f" {spared}") for c in p.commands)


def test_save_as_a_verb_is_no_exception() -> None:
    assert propose_offline("save web-01's config as a snapshot", NAMES).commands == ["snapshot create vm web-01 manual"]


@pytest.mark.parametrize(("text", "said"), [
    ("rename pihole to dns-01", "name"), ("change the name of web-02 to web-03", "name"),
    ("attach a new 100GB drive to db-01", "disk"), ("add a 32G disk to db-01", "disk")])
def test_an_operation_the_registry_lacks_is_never_answered_with_another(text: str, said: str) -> None:
    assert f"`{said}`" in refusal(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("add 20G to the disk of db-01", ["resize vm db-01 scsi0 +20G"]),
    ("duplicate web-01 and rename the copy web-03", ["clone vm web-01 --name web-03"])])
def test_growing_a_disk_and_cloning_under_a_new_name_still_work(text: str, expected: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("turn web-02 off and on again", ["reboot vm web-02"]), ("power db-01 down and back up", ["reboot vm db-01"]),
    ("give web-01 a hard reset", ["reboot vm web-01"]), ("turn web-02 off", ["stop vm web-02"])])
def test_a_power_cycle_ends_with_the_guest_running_never_stopped(text: str, expected: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == expected


@pytest.mark.parametrize("text", ["apply but only for web-01", "apply the changes for db-01"])
def test_an_apply_limited_to_one_guest_is_never_an_apply_of_the_whole_workspace(text: str) -> None:
    why = refusal(text)
    assert "plan --target" in why and "apply " in why
    assert propose_offline("apply my changes", NAMES).commands == ["apply"]
