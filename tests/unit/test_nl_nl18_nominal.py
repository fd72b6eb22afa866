"""Plain English (nl18): an action said as a noun opening the request ("Suspension of X while …", "Resumption of X
requested", "a restart of X, please") is that order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "line"), [
    ("Suspension of homeassistant while I patch the switch.", "suspend vm homeassistant"),
    ("Resumption of homeassistant requested, the patch is done.", "resume vm homeassistant"),
    ("shutdown of dev-sandbox asap", "shutdown vm dev-sandbox"),
])
def test_an_action_said_as_a_noun_is_the_order(text: str, line: str) -> None:
    assert propose_offline(text, NAMES).commands == [line]
