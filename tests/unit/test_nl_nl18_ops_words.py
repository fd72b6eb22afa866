"""Plain English (nl18): Proxmox VE's own tools said in a request (`pct list`, `qm clone SRC NEWID`), Kubernetes
words for power ("scale X down" = shut down, "scale X up" = start) and Kubernetes nodes named by a part of guests'
names ("the worker nodes", "the sandbox node": those VMs, never Proxmox VE nodes)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "lines"), [
    ("pct ls, stopped ones only", ["list cts --status stopped"]),
    ("pct list", ["list cts"]),
    ("qm clone 100 130 --name build-01", ["clone vm 100 --name build-01 --vmid 130"]),
])
def test_pve_tools_are_read_as_their_commands(text: str, lines: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == lines


@pytest.mark.parametrize(("text", "lines"), [
    ("scale down the mqtt container", ["shutdown ct mqtt"]),
    ("scale dev-sandbox to zero", ["shutdown vm dev-sandbox"]),
    ("scale k8s-worker-2 back up", ["start vm k8s-worker-2"]),
    ("scale the worker nodes down", ["shutdown vm k8s-worker-1", "shutdown vm k8s-worker-2"]),
])
def test_scaling_a_guest_is_its_power(text: str, lines: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == lines


def test_scaling_a_resource_is_never_power() -> None:
    assert propose_offline("scale up web-01's memory to 8G", NAMES).commands == ["set vm web-01 --memory 8192"]


@pytest.mark.parametrize(("text", "lines"), [
    ("shut down the sandbox node", ["shutdown vm dev-sandbox"]),
    ("shut down both worker vms", ["shutdown vm k8s-worker-1", "shutdown vm k8s-worker-2"]),
])
def test_nodes_named_by_a_guest_name_part_are_those_guests(text: str, lines: list[str]) -> None:
    assert propose_offline(text, NAMES).commands == lines


def test_proxmox_nodes_are_still_nodes() -> None:
    assert propose_offline("show the pve nodes", NAMES).commands == ["list nodes"]
