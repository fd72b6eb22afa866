"""Plain English: a selection said in quotes stays the selection (it never widens to every guest), and a request
the reader trips on is answered "not understood" instead of a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl import propose as propose_module
from pmpc_tui.nl.proposal import Proposal
from pmpc_tui.nl.propose import propose_offline
from pmpc_tui.services.names import Names

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()
K8S = ["k8s-cp-1", "k8s-worker-1", "k8s-worker-2"]


def targets(text: str) -> list[str]:
    p = propose_offline(text, NAMES)
    return [t["name"] for t in p.targets] if p.understood else []


@pytest.mark.parametrize("text", ["stop all 'k8s nodes'", "migrate all 'k8s nodes' to pve2",
                                  "shut down every \"k8s vm\""])
def test_a_quoted_selection_names_only_its_guests(text: str) -> None:
    assert sorted(targets(text)) == K8S


def test_a_quoted_phrase_that_is_a_value_still_names_no_guest() -> None:
    p = propose_offline("set the description of grafana to 'Dashboards for minio'", NAMES)
    assert p.commands == ["set ct grafana --description 'Dashboards for minio'"]


def test_a_request_the_reader_trips_on_is_not_understood_and_raises_nothing() -> None:
    def broken(text: str, names: Names) -> Proposal:
        raise IndexError("list index out of range")

    p = propose_module.propose_offline("stop web-01", NAMES, broken)
    assert not p.understood and p.commands == []
    assert "another way" in p.explanation


@pytest.mark.parametrize(("text", "phrase"), [
    ("stop all the flux nodes", "flux"), ("shut down every guest in the blue pool", "blue pool"),
    ("stop all the database servers", "database"), ("reboot each of the staging boxes in the red cluster", "staging")])
def test_a_selection_qualifier_the_cluster_does_not_know_is_a_question_not_every_guest(text: str, phrase: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == []
    assert f"'{phrase}'" in p.explanation


def test_a_part_of_guests_names_narrows_a_selection() -> None:
    assert sorted(targets("reboot all the k8s worker vms")) == ["k8s-worker-1", "k8s-worker-2"]


@pytest.mark.parametrize(("text", "expected"), [
    ("stop all the running vms on pve2", ["db-01", "k8s-cp-1", "k8s-worker-1", "web-02"]),
    ("shutdown all lxc containers on pve1", ["nginx-proxy", "pihole"])])
def test_selections_by_state_kind_and_node_are_still_carried_out(text: str, expected: list[str]) -> None:
    assert sorted(targets(text)) == expected


@pytest.mark.parametrize("text", ["// stop db-01 (old runbook step)", "# reboot web-02 after the patch",
                                  "REM shutdown grafana", "stop web-01  <- commented out, keep it that way"])
def test_a_commented_out_line_is_a_note_and_runs_nothing(text: str) -> None:
    p = propose_offline(text, NAMES)
    assert not p.understood and p.commands == []
    assert "commented out" in p.explanation


def test_a_tag_said_in_quotes_selects_by_that_tag() -> None:
    assert sorted(targets('reboot all vms labelled "k8s"')) == K8S
    assert sorted(targets("stop everything tagged 'monitoring'")) == ["grafana", "prometheus"]
