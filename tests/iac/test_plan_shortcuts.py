"""What plan and drift skip to be quick never hides a change: a file not read again because its stamp is the
one remembered, a remembered guest whose config digest is the same, and guests compared a second time only
when PVE holds pending values for them."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from iac_support import api_done, run_cli

from pmpc_tui.iac.terraform import _STAMP_SETTLED_S
from pmpc_tui.simulator.server import SimulatorThread


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def updates(plan: dict) -> dict[int, list[str]]:  # type: ignore[type-arg]
    return {r["vmid"]: [c["key"] for c in r["changes"]] for r in plan["resources"] if r["action"] == "update"}


def test_an_edit_of_the_same_size_with_its_old_time_put_back_is_still_planned(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    path = ws / "terraform" / "vm-101.tf"
    time.sleep(_STAMP_SETTLED_S + 0.2)  # the files are settled: their stamps are trusted from now on
    assert run_cli(ws, "plan") == 0  # remembers each file's stamp with its content
    assert run_cli(ws, "plan") == 0  # reads no file again
    before = path.stat()
    text = path.read_text()
    assert "dedicated = 2048" in text
    path.write_text(text.replace("dedicated = 2048", "dedicated = 4096", 1))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old modification time
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    code, plan = plan_json(ws, capsys)
    assert code == 2 and updates(plan) == {101: ["memory"]}


def test_guests_compared_again_with_pending_values_keep_their_changes_and_the_others_keep_theirs(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    path = ws / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    assert run_cli(ws, "apply", "--auto-approve") == 0  # web-01 runs: 4096 waits in PVE for the next start
    assert sim.call(lambda: sim.sim.cluster.guests[101].pending.get("memory")) == "4096"
    for vmid in (101, 103):  # someone used the web UI on two running guests, one of them with a pending value
        sim.control("POST", f"/guests/{vmid}/config", {"cores": 3})
        assert sim.call(lambda v=vmid: sim.sim.cluster.guests[v].status) == "running"
    code, plan = plan_json(ws, capsys)
    assert code == 2 and updates(plan) == {101: ["cores"], 103: ["cores"]}
    pending = {r["vmid"]: r["pending"] for r in plan["resources"] if r["action"] == "update"}
    assert pending == {101: ["memory"], 103: []}  # only web-01 was compared again, with its pending memory


def test_a_remembered_guest_stopped_by_hand_keeps_its_config_digest_and_is_still_planned_to_start(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    for _ in range(2):  # the second plan finds every guest in the compare memo
        assert run_cli(ws, "plan") == 0
    digest = sim.call(lambda: sim.sim.cluster.guests[101].digest())
    api_done(sim, "post", "/nodes/pve1/qemu/101/status/stop")
    assert sim.call(lambda: sim.sim.cluster.guests[101].digest()) == digest  # only its status moved
    code, plan = plan_json(ws, capsys)
    assert code == 2 and updates(plan) == {101: ["status"]}
