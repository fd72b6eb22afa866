"""Plain English (nl18): a requirement relayed from someone the work is done for ("the customer wants X rebooted",
"our boss asked us to …"), a passive order ("X is to be backed up"), a guest named in brackets after its description
and a nominal order beside a purpose ("protection on for X so no one removes it") are orders; a question relayed is
not."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "lines"), [
    ("the customer wants the dns container rebooted", ["reboot ct pihole"]),
    ("our boss wants grafana shut down", ["shutdown ct grafana"]),
    ("management asked us to snapshot db-01 as pre-audit", ["snapshot create vm db-01 pre-audit"]),
    ("the dev team wants both web vms to have 8 GB of memory",
     ["set vm web-01 --memory 8192", "set vm web-02 --memory 8192"]),
    ("the finance team would like their dashboard box (grafana) started again", ["start ct grafana"]),
    ("web-02 is to be backed up to the nas", ["backup create vm web-02 --storage nas"]),
    ("protection on for web-02 so no one removes it", ["set vm web-02 --protection yes"]),
])
def test_a_relayed_or_indirect_order_is_the_order(text: str, lines: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == lines


@pytest.mark.parametrize("text", ["the client wants to know whether web-01 was rebooted",
                                  "the client wants us to not touch db-01"])
def test_a_relayed_question_or_negation_changes_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.needs_confirmation or not p.understood
