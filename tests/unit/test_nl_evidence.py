"""Plain English: an action needs a word for it in the request, and a deletion deletes the guest only when the
guest is what the request deletes — never something inside or about it."""

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


@pytest.mark.parametrize("text", ["web-01 needs attention", "take minio off the inventory"])
def test_a_power_action_nobody_said_is_a_question(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == []


@pytest.mark.parametrize(("text", "expected"), [
    ("strat vm 110", ["start vm 110"]), ("rbt pihole now", ["reboot ct pihole"]),
    ("web-01 off please", ["stop vm web-01"]), ("un-suspend dev-sandbox please", ["resume vm dev-sandbox"])])
def test_a_power_verb_misspelt_or_short_is_still_a_word_for_it(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize(("text", "inside"), [
    ("drop the tables in db-01", "db-01"), ("wipe the cache of grafana", "grafana"),
    ("remove the cdrom from web-01", "web-01"), ("delete the docker images on k8s-worker-1", "k8s-worker-1"),
    ("remove web-01 from the load balancer", "web-01"), ("db-01: drop the tables", "db-01"),
    ("get rid of the load on db-01", "db-01")])
def test_deleting_something_inside_a_guest_never_deletes_the_guest(text: str, inside: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood
    kind = "ct" if inside == "grafana" else "vm"
    assert "inside or about" in p.explanation and f"delete {kind} {inside}" in p.explanation


@pytest.mark.parametrize(("text", "expected"), [
    ("get rid of dev-sandbox", ["delete vm dev-sandbox"]), ("nuke it, dev-sandbox I mean", ["delete vm dev-sandbox"]),
    ("delete the old test vm dev-sandbox for good", ["delete vm dev-sandbox"]),
    ("remove dev-sandbox from the cluster", ["delete vm dev-sandbox"]),
    ("remove the minio container and purge it from backup jobs too", ["delete ct minio --purge"])])
def test_deleting_the_guest_itself_is_still_proposed(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", ["take care of minio", "look after grafana while I'm away"])
def test_a_backup_nobody_asked_for_is_a_question(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("plz bakup grafana", ["backup create ct grafana"]),
    ("haz una copia de seguridad de pihole", ["backup create ct pihole"]),
    ("clnoe web-01 as web-04", ["clone vm web-01 --name web-04"])])
def test_a_backup_or_clone_said_misspelt_or_in_spanish_is_still_one(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


@pytest.mark.parametrize("text", ["delete dev-sandbox's cache", "wipe db-01's tables"])
def test_deleting_what_a_guest_owns_never_deletes_the_guest(text: str) -> None:
    assert lines(text) == []
