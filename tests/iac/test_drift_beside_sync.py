"""drift on a cluster that answers slowly (20 ms a request): the cluster objects are read beside the sync's
batch of guest configs, and every change made behind the tool's back is still found."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluster_objects_support import drift_json
from iac_support import api

from pmpc_tui.simulator.server import SimulatorThread


def test_drift_on_a_slow_cluster_reports_a_guest_a_pool_and_a_pool_member_changed_behind_the_tools_back(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    sim.control("POST", "/guests/103/config", {"memory": 16384})
    api(sim, "put", "/pools", poolid="production", comment="changed in the web UI")
    api(sim, "put", "/pools", poolid="production", delete=1, vms="101")
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    changed = {e["address"]: [c["key"] for c in e["changes"]] for e in report["changed"]}
    assert changed["proxmox_virtual_environment_pool.production"] == ["comment"]
    assert [(e["vmid"], keys) for e in report["changed"] if e["vmid"] is not None
            for keys in [[c["key"] for c in e["changes"]]]] == [(103, ["memory"])]
    assert [e["what"] for e in report["missing"]] == ["pool membership production/vm/101"]
