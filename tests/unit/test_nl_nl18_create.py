"""Plain English (nl18): a new guest's sizes said as a bare list ("2 cpus, 4096 MiB, 30G": the size after the memory
is the disk) and a template it is cloned from said after a bracket ("(2 cores, 2 GiB) cloned from …") are kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "line"), [
    ("new vm build-03 on pve1: 2 CPUs, 4096 MiB, 30G", "create vm --name build-03 --node pve1 --cores 2 --memory 4096 "
                                                       "--disk 30"),
    ("create a vm called build-05 (2 cores, 2 GiB) cloned from the debian template",
     "create vm --name build-05 --cores 2 --memory 2048 --clone debian-12-template"),
])
def test_a_new_guests_disk_and_template_are_kept(text: str, line: str) -> None:
    assert propose_offline(text, NAMES).commands == [line]


def test_a_size_smaller_than_the_memory_is_no_disk() -> None:
    assert propose_offline("new vm build-06: 2 cores, 8G, 4G", NAMES).commands == \
        ["create vm --name build-06 --cores 2 --memory 8192"]
