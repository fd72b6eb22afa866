"""Plain English (nl18): an exception said after what it leaves out ("…, grafana aside", "the windows one excepted",
"with db-01 excluded") is applied like "except …"; one nobody can read proposes no change."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def targets(text: str) -> set[str]:
    return {c.split()[2] for c in propose_offline(text, NAMES).commands}


@pytest.mark.parametrize(("text", "left_out"), [
    ("reboot every container, grafana aside", "grafana"),
    ("reboot all cts, the dns one excepted", "pihole"),
    ("shut down every vm, homeassistant exempted", "homeassistant"),
    ("stop all vms (db-01 excluded)", "db-01"),
    ("stop all the vms with the database one left out", "db-01"),
    ("start all stopped vms, the windows box aside", "win11-desktop"),
    ("reboot every container with the exception of grafana", "grafana"),
    ("reboot all containers barring mqtt", "mqtt"),
])
def test_an_exception_said_after_the_noun_is_left_out(text: str, left_out: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.understood and p.commands, p.explanation
    assert left_out not in targets(text)


@pytest.mark.parametrize("text", ["stop all vms, the frobnicator excluded",
                                  "reboot every container, the noisy thing spared"])
def test_an_exception_nobody_can_read_proposes_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.commands == [] and not p.understood


@pytest.mark.parametrize(("text", "left_out"), [
    ("stop all vms; leave the database out of it", "db-01"),
    ("stop all vms save the backup server", "backup-server"),
    ("start all vms w/o the windows one", "win11-desktop"),
    ("start all vms, sans the windows one", "win11-desktop"),
])
def test_more_exception_words_leave_their_guests_out(text: str, left_out: str) -> None:
    p = propose_offline(text, NAMES)
    assert p.understood and p.commands, p.explanation
    assert left_out not in targets(text)


def test_leaving_the_code_alone_is_no_exception_of_guests() -> None:
    assert propose_offline("resync the state database from the cluster; leave the code alone", NAMES).commands == \
        ["sync --db-only"]
