"""Plain English (nl19): a size said of a guest's space or drive is its disk, never its memory ("running out of
space, give it another 8 gigs", "bump the C: drive up to 120GB"), and a disk size said "in total" is the size it is to
have ("80G of disk in total"). Memory said without a disk word stays memory."""

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


@pytest.mark.parametrize(("text", "line"), [
    ("mqtt is out of space, add 4 gigs", "resize ct mqtt rootfs +4G"),
    ("bump win11-desktop's C: drive up to 120GB", "resize vm win11-desktop scsi0 120G"),
    ("db-01 should get 90G of disk in total", "resize vm db-01 scsi0 90G"),
])
def test_a_size_said_of_space_or_a_drive_is_the_disk(text: str, line: str) -> None:
    assert lines(text) == [line]


@pytest.mark.parametrize(("text", "line"), [("give prometheus 2 gigs", "set ct prometheus --memory 2048"),
                                            ("web-02 needs 6 gigs of ram", "set vm web-02 --memory 6144")])
def test_memory_said_without_a_disk_word_stays_memory(text: str, line: str) -> None:
    assert lines(text) == [line]
