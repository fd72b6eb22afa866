"""Plain English (nl19): a polite request framed as a condition ("it would be nice if you could start minio", "if you
could restart grafana, that'd be awesome") is an order; a real condition or a time beside it still runs nothing."""

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


@pytest.mark.parametrize(("text", "line"), [("it'd be really helpful if you could start dev-sandbox",
                                             "start vm dev-sandbox"),
                                            ("i'd appreciate it if you could reboot mqtt", "reboot ct mqtt"),
                                            ("if you could shut down win11-desktop, that'd be perfect",
                                             "shutdown vm win11-desktop")])
def test_a_polite_request_framed_as_a_condition_is_an_order(text: str, line: str) -> None:
    assert lines(text) == [line]


@pytest.mark.parametrize("text", ["would be great if you could reboot pihole once the backup is done",
                                  "it would be nice if you could stop grafana tonight"])
def test_a_real_condition_or_time_beside_it_still_runs_nothing(text: str) -> None:
    assert lines(text) == []
