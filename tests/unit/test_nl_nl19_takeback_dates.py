"""Plain English (nl19): an earlier order withdrawn ("belay that", "countermand my last order", "strike that") runs
nothing, and an order for a calendar date ("on jan 3", "the 9th of march", "on 2027-02-01", "christmas eve") is
never carried out now — a read over a date ("tasks since feb 2") still answers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.commands.registry import READ, risk_of_line
from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    proposal = propose_offline(text, NAMES)
    return proposal.commands if proposal.understood else []


@pytest.mark.parametrize("text", ["belay my order to reboot mqtt", "belay the restart of grafana",
                                  "countermand that, stop pihole was a mistake", "rescind the request to stop minio",
                                  "strike that: shut down web-02", "scrap my previous request, reboot db-01",
                                  "undo my last order to suspend homeassistant"])
def test_a_withdrawn_order_runs_nothing(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize("text", ["on feb 3 reboot the prometheus container", "stop mqtt on the 9th of march",
                                  "shutdown db-01 on 2027-02-01", "suspend homeassistant on 3/14",
                                  "turn off grafana on new year's eve", "on jan 7th delete dev-sandbox"])
def test_an_order_for_a_calendar_date_changes_nothing(text: str) -> None:
    assert [c for c in lines(text) if risk_of_line(c) != READ] == []


@pytest.mark.parametrize("text", ["remove mqtt after thanksgiving", "before easter shut down the prometheus ct",
                                  "delete minio at the start of february", "after new year's delete win11-desktop",
                                  "reboot db-01 by the long weekend"])
def test_an_order_for_a_holiday_or_part_of_a_month_changes_nothing(text: str) -> None:
    assert [c for c in lines(text) if risk_of_line(c) != READ] == []


def test_a_read_from_a_date_still_answers() -> None:
    assert lines("show the tasks since feb 2") == ["tasks"]


def test_a_name_with_a_date_in_it_is_no_date() -> None:
    assert lines("snapshot web-02 as pre-feb-3") == ["snapshot create vm web-02 pre-feb-3"]
