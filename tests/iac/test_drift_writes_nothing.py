"""drift is a check: it reads the cluster fresh and compares, and writes nothing — not the code, not the state
database (like `terraform plan`); `sync` is what refreshes the state database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cluster_objects_support import drift_json
from iac_support import run_cli

from pmpc_tui.simulator.server import SimulatorThread


def state_rows(ws: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the workspace's state database."""
    with sqlite3.connect(ws / ".proxmox-mpc" / "state.db") as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(tuple, conn.execute(f'SELECT * FROM "{t}"')), key=repr) for t in tables}


def test_drift_finds_a_change_made_in_the_web_ui_and_leaves_the_state_database_as_it_was(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/guests/103/config", {"memory": 16384})
    before = state_rows(imported_workspace)
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    assert [(e["vmid"], [c["key"] for c in e["changes"]]) for e in report["changed"]] == [(103, ["memory"])]
    assert state_rows(imported_workspace) == before  # no sync run recorded, no guest row touched

    assert run_cli(imported_workspace, "sync", "--db-only") == 0  # a sync does record it
    after = state_rows(imported_workspace)
    assert len(after["syncrun"]) == len(before["syncrun"]) + 1


def test_drift_with_a_node_offline_compares_its_guests_configs_as_last_synced(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/nodes/pve3", {"online": False})
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2 and report["missing"] == []
    # pve3's guests: their status cannot be known, their config is the last synced one (no setting differs)
    assert {(e["vmid"], c["key"], c["cluster"]) for e in report["changed"] for c in e["changes"]} == {
        (108, "status", "unknown"), (110, "status", "unknown"), (205, "status", "unknown")}
