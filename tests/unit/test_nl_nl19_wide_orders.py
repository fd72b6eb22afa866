"""Plain English (nl19): a power order on a node itself is never turned into its guests' power lines, and a
`destroy` of every guest the workspace declares is never proposed (one guest by name still is)."""

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


@pytest.mark.parametrize("text", ["restart both of the hosts one at a time", "power cycle every node, slowly",
                                  "reboot all four hypervisors in turn", "reinicia el nodo pve1 por favor",
                                  "redémarre les nœuds pve1 et pve3", "bounce the pve3 host after lunch break",
                                  "fahre den knoten pve3 herunter", "starte bitte den host pve1 neu"])
def test_a_power_order_on_a_node_proposes_no_guest(text: str) -> None:
    assert lines(text) == []


@pytest.mark.parametrize(("text", "line"), [("reboot every vm on the pve3 node", "reboot vm backup-server"),
                                            ("stop the k8s node k8s-worker-1", "stop vm k8s-worker-1")])
def test_guests_on_a_node_or_called_a_node_are_still_powered(text: str, line: str) -> None:
    assert line in lines(text)


@pytest.mark.parametrize("text", ["tear down the whole workspace", "destroy all of what the code declares, go",
                                  "run a destroy on everything in terraform"])
def test_a_destroy_of_the_whole_workspace_is_never_proposed(text: str) -> None:
    assert not any(line.startswith("destroy") and "--dry-run" not in line for line in lines(text))


@pytest.mark.parametrize(("text", "line"), [("tear down lab-7 from the workspace", "destroy --target lab-7"),
                                            ("destroy app-04 from the workspace, it was only a trial",
                                             "destroy --target app-04")])
def test_a_destroy_of_one_named_guest_targets_that_guest_only(text: str, line: str) -> None:
    assert lines(text) == [line]
