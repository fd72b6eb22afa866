"""Plain English (nl19): requests that must run nothing — wiping a storage or a disk itself ("erase local-lvm",
"zap the gpt on the boot ssd"), sizing advice and questions about what the product can do, and a plan told for a
later quarter. A guest's own deletion and reads about real guests still answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    proposal = propose_offline(text, NAMES)
    return proposal.commands if proposal.understood else []


@pytest.mark.parametrize("text", ["erase local-lvm completely", "blank the gpt on pve3's boot ssd",
                                  "shred every filesystem on pve1", "zero out the nas storage",
                                  "wipe the second disk of pve2 please"])
def test_wiping_a_storage_or_a_disk_itself_runs_nothing(text: str) -> None:
    assert lines(text) == []


def test_wiping_a_named_guest_is_still_its_deletion() -> None:
    assert lines("wipe minio") == ["delete ct minio"]


@pytest.mark.parametrize("text", ["how much memory would be reasonable for a grafana ct?",
                                  "how many vcpus are enough for a small web vm",
                                  "how many cores should we allocate to a build container",
                                  "can proxmox snapshot a running container at all?",
                                  "how much ram is sensible for a mqtt broker ct",
                                  "how many cores should i give a build vm",
                                  "does pve support hot-plugging memory", "can pve hot-migrate containers at all",
                                  "can lxc do live migration at all"])
def test_advice_and_what_the_product_can_do_run_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize(("text", "line"), [("how much memory does db-01 have", "describe vm db-01"),
                                            ("how many vms are stopped", "list vms --status stopped")])
def test_questions_about_real_guests_still_read(text: str, line: str) -> None:
    assert lines(text) == [line]


@pytest.mark.parametrize("text", ["plan for q2 is to move all vms off pve3",
                                  "the plan for q3 is to empty pve2 of containers",
                                  "in q4 the k8s workers move to pve3", "we intend to shut down grafana"])
def test_a_plan_for_later_runs_nothing(text: str) -> None:
    assert lines(text) == []
