"""Plain English, issue 17 (nl17f): a number before a unit is a size, every tag of a list, the size a disk is to
have after "make it", and a list's state word in French."""

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


def test_a_number_followed_by_gigs_is_the_memory_not_a_guest() -> None:
    assert lines("give the windows vm 32 gigs of ram") == ["set vm win11-desktop --memory 32768"]
    assert lines("give vm 100 8 gigs of ram") == ["set vm 100 --memory 8192"]


@pytest.mark.parametrize(("text", "tags"), [
    ("tag web-01 with dev and test", "'dev;test'"), ("tag dev-sandbox as dev and test", "'dev;test'"),
    ("add tag 'critical' to pihole", "'dns;infra;critical'")])
def test_every_tag_said_is_set(text: str, tags: str) -> None:
    assert lines(text)[0].endswith(f"--tags {tags}")


def test_tagging_two_guests_sets_the_tag_on_both_not_a_guest_as_tag() -> None:
    assert lines("tag web-01 and web-02 with prod") == ["set vm web-01 --tags prod", "set vm web-02 --tags prod"]


@pytest.mark.parametrize(("text", "line"), [
    ("mqtt rootfs 4G is too small make it 8G", "resize ct mqtt rootfs 8G"),
    ("web-01 disk is 32G, make it 64G", "resize vm web-01 scsi0 64G"),
    ("grow web-01 disk by 10G", "resize vm web-01 scsi0 +10G")])
def test_the_size_after_make_it_is_the_new_size_not_the_old_one(text: str, line: str) -> None:
    assert lines(text) == [line]


def test_a_french_state_filters_a_list_of_vms() -> None:
    assert lines("liste des vms arrêtées") == ["list vms --status stopped"]


@pytest.mark.parametrize(("text", "line"), [
    ("errors since 6 hours ago mentioning vzdump", "logs --since 6h --level error --grep vzdump"),
    ("warnings mentioning vzdump today", "logs --since 1d --level warning --grep vzdump")])
def test_log_lines_mentioning_vzdump_are_read_and_nothing_is_backed_up(text: str, line: str) -> None:
    assert lines(text) == [line]


def test_deleting_an_unused_disk_of_a_guest_deletes_the_disk_not_the_guest() -> None:
    p = propose_offline("delete unused0 of dev-sandbox", NAMES)
    assert p.commands == ["disk delete vm dev-sandbox unused0"]
    assert p.risk != "read"


@pytest.mark.parametrize(("text", "commands"), [
    ("show me the web servers", ["list vms -l tag=web", "list cts -l tag=web"]),
    ("show me the web vms", ["list vms -l tag=web"])])
def test_a_tag_said_before_servers_or_vms_filters_the_list(text: str, commands: list[str]) -> None:
    assert lines(text) == commands
