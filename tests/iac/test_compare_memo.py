"""Plan and drift remember the guests that matched their code; a change on either side is still reported."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from iac_support import api_done, run_cli

from pmpc_tui.simulator.server import SimulatorThread


def drift_json(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run_cli(ws, "drift", "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def test_drift_after_a_remembered_run_reports_a_change_in_the_cluster_and_one_in_the_code(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    for _ in range(2):  # the first run remembers the guests that match, the second one uses that
        code, report = drift_json(ws, capsys)
        assert code == 0 and report["count"] == 0
    assert (ws / ".proxmox-mpc" / "compare-memo.json").is_file()
    sim.control("POST", "/guests/103/config", {"memory": 16384})  # someone used the web UI
    ct = ws / "terraform" / "ct-201.tf"
    text = ct.read_text()
    assert re.search(r"dedicated = \d+", text)
    ct.write_text(re.sub(r"dedicated = \d+", "dedicated = 777", text, count=1))  # someone edited the code
    code, report = drift_json(ws, capsys)
    assert code == 2
    changed = {e["vmid"]: {c["key"]: (c["cluster"], c["code"]) for c in e["changes"]} for e in report["changed"]}
    assert set(changed) == {103, 201}
    assert changed[103]["memory"][0] == 16384
    assert changed[201]["memory"][1] == 777


def test_a_plan_after_a_remembered_plan_still_shows_a_description_changed_behind_the_tools_back(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    for _ in range(2):
        assert run_cli(ws, "plan") == 0
    capsys.readouterr()
    assert run_cli(ws, "plan", "-o", "json") == 0  # the remembered guests' plan still carries what the code asks
    guests = [r for r in json.loads(capsys.readouterr().out)["resources"] if r["kind"] in ("qemu", "lxc")]
    assert guests and all(r["desired"]["config"] and r["desired"]["node"] == r["node"] for r in guests)
    sim.control("POST", "/guests/101/config", {"description": "changed by hand"})
    capsys.readouterr()
    assert run_cli(ws, "plan", "-o", "json") == 2
    plan = json.loads(capsys.readouterr().out)
    updates = [(r["vmid"], [c["key"] for c in r["changes"]]) for r in plan["resources"] if r["action"] == "update"]
    assert updates == [(101, ["description"])]


def test_a_remembered_guest_moved_to_another_node_on_either_side_is_planned_back_to_its_code(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    for _ in range(2):
        assert run_cli(ws, "plan") == 0
    api_done(sim, "post", "/nodes/pve1/lxc/201/migrate", target="pve2", restart=1)  # its config stays the same
    capsys.readouterr()
    assert run_cli(ws, "plan", "-o", "json") == 2
    plan = json.loads(capsys.readouterr().out)
    moved = [(r["vmid"], [(c["key"], c["op"], c["after"]) for c in r["changes"]]) for r in plan["resources"]
             if r["action"] == "update"]
    assert moved == [(201, [("node", "migrate", "pve1")])]
    ct = ws / "terraform" / "ct-201.tf"
    ct.write_text(ct.read_text().replace('node_name     = "pve1"', 'node_name     = "pve2"', 1))  # the code follows
    assert run_cli(ws, "plan") == 0
    ct.write_text(ct.read_text().replace('node_name     = "pve2"', 'node_name     = "pve3"', 1))
    capsys.readouterr()
    assert run_cli(ws, "plan", "-o", "json") == 2
    plan = json.loads(capsys.readouterr().out)
    moved = [(r["vmid"], [(c["key"], c["op"], c["after"]) for c in r["changes"]], r["desired"]["node"])
             for r in plan["resources"] if r["action"] == "update"]
    assert moved == [(201, [("node", "migrate", "pve3")], "pve3")]
