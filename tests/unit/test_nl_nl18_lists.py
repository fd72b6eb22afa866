"""Plain English (nl18): guests listed together, some by description ("the windows box and the minio container",
"the sandbox and then the windows box"), are all targets; something of a guest ("the snapshots on web-01") is never
read as the guest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "lines"), [
    ("start the windows desktop and dev-sandbox", ["start vm win11-desktop", "start vm dev-sandbox"]),
    ("reboot the dns box and the mqtt broker", ["reboot ct pihole", "reboot ct mqtt"]),
    ("stop the home assistant vm and web-01", ["stop vm homeassistant", "stop vm web-01"]),
    ("stop web-02 and the database", ["stop vm web-02", "stop vm db-01"]),
])
def test_every_guest_of_a_list_is_a_target(text: str, lines: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == lines


def test_a_guests_part_in_a_list_is_not_the_guest() -> None:
    p = propose_offline("delete the pre-deploy snapshots on web-01 and web-02", NAMES)
    assert p.commands == ["snapshot delete vm web-01 pre-deploy", "snapshot delete vm web-02 pre-deploy"]
