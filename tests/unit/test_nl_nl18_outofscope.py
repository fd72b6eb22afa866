"""Plain English (nl18): a node's firmware ("flash the bios on pve1") and formatting storage ("reformat local-lvm",
"wipe the backup pool") are host work no command does; an opinion asked of an action said as a gerund ("do you
believe rebooting X changes anything?") orders nothing. None of them gets even a read."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize("text", ["flash the firmware of pve1", "upgrade the bmc firmware on pve3",
                                  "do a bios update on pve2 tonight", "reformat local-lvm",
                                  "wipe the backup pool and start fresh", "format the nfs export on the nas"])
def test_firmware_and_formatting_storage_are_refused(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood, p.commands


@pytest.mark.parametrize("text", ["do you believe rebooting the dns box changes anything?",
                                  "you honestly think migrating db-01 helps?",
                                  "do you reckon suspending mqtt does anything?"])
def test_an_opinion_asked_of_an_action_orders_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [], p.commands


def test_a_read_of_a_storage_is_still_answered() -> None:
    assert propose_offline("show me the nas storage usage", NAMES).commands == ["list storage --storage nas"]
