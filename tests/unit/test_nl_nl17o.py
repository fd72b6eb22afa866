"""Plain English, issue 17 (nl17o, safety): a destructive order said with a wish to skip its confirmation, a
graceful manner in any language, a work cycle's time, conditions in French elision and in verbs the reader does not
know, earlier orders taken back, and chat openers that announce news."""

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


@pytest.mark.parametrize("text", [
    "delete the snapshot before-upgrade of db-01 without asking me to confirm",
    "wipe ct minio, without asking us for a confirmation",
    "roll web-02 back to its snapshot nightly without asking first",
    "nuke dev-sandbox without asking for confirmation", "destroy ct minio without asking me to confirm"])
def test_a_destructive_order_that_asks_to_skip_its_confirmation_is_refused_whole(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == []
    assert "confirmation" in p.explanation
    harmless = propose_offline("reboot pihole without asking me for confirmation", NAMES)  # still asked, still done
    assert harmless.commands == ["reboot ct pihole"] and harmless.needs_confirmation


@pytest.mark.parametrize("text", [
    "roll back db-01 to pre-upgrade without asking for confirmation",
    "restore dev-sandbox from last night's backup, without asking me first",
    "template win11-desktop without asking to confirm"])
def test_a_skip_asked_beside_any_destructive_proposal_refuses_it_whatever_verb_named_it(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == []
    harmless = propose_offline("start dev-sandbox without asking for confirmation", NAMES)
    assert harmless.commands == ["start vm dev-sandbox"] and harmless.needs_confirmation


@pytest.mark.parametrize(("text", "guest"), [
    ("arrête proprement web-01", "web-01"), ("detén ordenadamente la vm db-01", "db-01"),
    ("halte web-02 sauber an", "web-02"), ("stop grafana properly please", "grafana")])
def test_a_stop_said_with_a_graceful_manner_is_a_shutdown_in_any_language(text: str, guest: str) -> None:
    assert [c.split()[0] for c in lines(text)] == ["shutdown"]
    assert lines(text)[0].endswith(guest)
    assert lines("arrête web-01") == ["stop vm web-01"]  # without the manner: the hard stop said


@pytest.mark.parametrize("text", [
    "next sprint we migrate db-01 to pve2", "end of quarter: delete dev-sandbox",
    "in the next release, snapshot db-01", "clone web-01 to staging at the end of this iteration"])
def test_a_work_cycles_time_defers_the_order(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and "schedule" in p.explanation


@pytest.mark.parametrize("text", [
    "s'il plante, redémarre web-02", "redémarre pihole s'il plante", "s'ils sont arrêtés, démarre web-01 et web-02"])
def test_a_french_condition_elided_before_il_holds_the_order(text: str) -> None:
    assert lines(text) == []
    assert lines("redémarre pihole s'il te plaît") == ["reboot ct pihole"]  # "please", never a condition


@pytest.mark.parametrize("text", [
    "se la migrazione fallisce, ripristina web-02", "si la actualización falla, revierte db-01",
    "si l'update échoue, rétablis web-01", "if the patch breaks it, undo web-02", "if it breaks, unwind db-01"])
def test_an_order_in_an_unknown_verb_under_a_condition_is_held_with_the_conditions_reason(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and "wait for a condition" in p.explanation
    assert lines("if web-02 is running, show me its config") == ["describe vm web-02"]  # a read still answers


@pytest.mark.parametrize("text", [
    "forget my previous request to delete dev-sandbox", "disregard my last request about deleting web-02",
    "drop my previous ask regarding web-01", "ignore that last order, the one to stop grafana",
    "forget my earlier message, the one about migrating db-01"])
def test_an_earlier_order_taken_back_is_never_carried_out(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", [
    "heads up: Lena shut down pihole this morning", "@team heads up - Bo paused minio to swap disks",
    "heads up, Lena migrated pihole to pve2 yesterday", "fyi: Tom rebooted grafana"])
def test_news_announced_in_chat_orders_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and "without ordering" in p.explanation
    assert lines("heads up: reboot web-01 please") == ["reboot vm web-01"]  # an order after the opener stands
    assert lines("@here, list the stopped vms") == ["list vms --status stopped"]


@pytest.mark.parametrize(("text", "line"), [
    ("keep pihole from starting at boot", "set ct pihole --onboot no"),
    ("prevent grafana from starting on boot", "set ct grafana --onboot no"),
    ("keep minio from coming up when pve2 reboots", "set ct minio --onboot no")])
def test_keeping_a_guest_from_starting_at_boot_turns_autostart_off(text: str, line: str) -> None:
    assert lines(text) == [line]


@pytest.mark.parametrize(("text", "line"), [
    ("web-01's disk should be 80 GB total", "resize vm web-01 scsi0 80G"),
    ("pihole's rootfs needs to be 16G in total", "resize ct pihole rootfs 16G"),
    ("db-01's disk should be 300 gb altogether", "resize vm db-01 scsi0 300G")])
def test_a_disk_size_said_as_a_total_is_the_size_to_have(text: str, line: str) -> None:
    assert lines(text) == [line]
    assert lines("grow web-01 disk by 20G") == ["resize vm web-01 scsi0 +20G"]  # "by" still grows by it


@pytest.mark.parametrize(("text", "line"), [
    ("containers whose names begin with k8s", "list cts -l name=k8s-*"),
    ("show vms with names ending in 01", "list vms -l name=*01"),
    ("vms with names containing sandbox", "list vms -l name=*sandbox*")])
def test_a_name_said_by_its_start_or_end_filters_the_list(text: str, line: str) -> None:
    assert lines(text) == [line]


def test_a_checkpoint_of_a_guest_is_a_snapshot_never_a_clone() -> None:
    for text, line in [
            ("make a checkpoint of grafana called clean-install", "snapshot create ct grafana clean-install"),
            ("create a checkpoint for minio named before-upgrade", "snapshot create ct minio before-upgrade"),
            ("take a checkpoint of web-01 named known-good", "snapshot create vm web-01 known-good")]:
        assert lines(text) == [line], text


def test_a_guests_storage_grown_by_a_size_is_its_disk_never_its_memory() -> None:
    for text, line in [("bump db-01 storage by 40 gb", "resize vm db-01 scsi0 +40G"),
                       ("bump pihole storage by 4 gb", "resize ct pihole rootfs +4G"),
                       ("give db-01 more disk space, by 50 gb", "resize vm db-01 scsi0 +50G")]:
        assert lines(text) == [line], text
