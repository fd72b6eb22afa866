"""Apply without terraform, end to end on the simulator: create → apply → no-change plan; edit → one
update → apply; delete from code → apply deletes; saved plans refused when stale; journal, lock, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import run_cli

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def workspace(imported_workspace: Path) -> Path:
    return imported_workspace


def guests(sim: SimulatorThread) -> dict[int, tuple[str, str, str]]:
    return sim.call(lambda: {v: (g.name, g.status, str(g.config.get("memory", "")))
                             for v, g in sim.sim.cluster.guests.items()})


def plan_summary(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, int]]:
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json")
    return code, json.loads(capsys.readouterr().out)["summary"]


def test_create_apply_then_nothing_left_to_do(sim: SimulatorThread, workspace: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "create", "vm", "--name", "web-03", "--node", "pve2", "--cores", "2",
                   "--memory", "2048", "--disk", "16", "--vmid", "150") == 0
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    assert guests(sim)[150][:2] == ("web-03", "running")
    capsys.readouterr()
    code = run_cli(workspace, "plan", "-o", "json")
    plan = json.loads(capsys.readouterr().out)
    assert code == 0 and plan["summary"]["no-op"] == len(plan["resources"]), plan["summary"]
    assert sum(r["vmid"] is not None for r in plan["resources"]) == 19  # and the cluster objects


def test_edit_memory_then_apply_one_update(sim: SimulatorThread, workspace: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    code, summary = plan_summary(workspace, capsys)
    assert code == 2 and summary["update"] == 1
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    # web-01 runs: as on real PVE the new memory is pending until the next start, and the config shows it
    assert guests(sim)[101][2] == "2048"
    assert sim.call(lambda: sim.sim.cluster.guests[101].pending.get("memory")) == "4096"
    assert plan_summary(workspace, capsys)[0] == 0


def test_deleting_the_code_deletes_the_guest(sim: SimulatorThread, workspace: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "terraform" / "vm-109.tf").unlink()
    assert run_cli(workspace, "apply", "--auto-approve") == 6  # destructive: needs --allow-destroy too
    assert 109 in guests(sim)
    assert run_cli(workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert 109 not in guests(sim)
    assert plan_summary(workspace, capsys)[0] == 0


def test_a_saved_plan_is_refused_when_the_guest_changed_since(sim: SimulatorThread, workspace: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    assert run_cli(workspace, "plan", "--out", "mem.plan") == 2
    sim.control("POST", "/guests/101/config", {"cores": 4})  # someone else changes the VM
    capsys.readouterr()
    assert run_cli(workspace, "apply", "mem.plan", "--auto-approve") == 7  # conflict: changed since read
    assert "out of date" in capsys.readouterr().err
    assert guests(sim)[101][2] == "2048"  # nothing applied


def test_a_failed_step_is_journaled_and_resume_finishes_without_duplicates(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for vmid in (150, 151):
        assert run_cli(workspace, "create", "vm", "--name", f"app-{vmid}", "--node", "pve1", "--cores", "1",
                       "--memory", "512", "--disk", "8", "--vmid", str(vmid)) == 0
    # the create of 151 fails: the API answers 500 to it once
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "^/api2/json/nodes/pve1/qemu$",
                                    "methods": ["POST"], "remaining": 1})
    capsys.readouterr()
    assert run_cli(workspace, "apply", "--auto-approve") == 1
    err = capsys.readouterr()
    assert "1 of 2 steps done" in err.out + err.err and "--resume" in err.out + err.err
    assert run_cli(workspace, "apply", "--auto-approve") == 7  # conflict: an apply is unfinished
    assert run_cli(workspace, "apply", "--resume") == 0
    names = [g[0] for g in guests(sim).values()]
    assert names.count("app-150") == 1 and names.count("app-151") == 1
    assert plan_summary(workspace, capsys)[0] == 0


def test_two_applies_cannot_run_at_once(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    lock = workspace / ".proxmox-mpc" / "apply.lock"
    lock.write_text(json.dumps({"pid": os.getppid()}))  # a live process holds it
    path = workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 3072", 1))
    capsys.readouterr()
    assert run_cli(workspace, "apply", "--auto-approve") == 7
    assert "another apply is running" in capsys.readouterr().err
    lock.write_text(json.dumps({"pid": 999_999}))  # its owner is gone: the stale lock is taken over
    assert run_cli(workspace, "apply", "--auto-approve") == 0


def test_a_dropped_connection_during_create_is_resumed_without_a_duplicate(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "create", "vm", "--name", "api-01", "--node", "pve1", "--cores", "1",
                   "--memory", "512", "--disk", "8", "--vmid", "152") == 0
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["drop"], "path_regex": "^/api2/json/nodes/pve1/qemu$",
                                    "methods": ["POST"], "remaining": 1})
    assert run_cli(workspace, "apply", "--auto-approve") == 1  # the write is not retried blindly
    assert run_cli(workspace, "apply", "--resume") == 0
    assert [g[0] for g in guests(sim).values()].count("api-01") == 1
    assert plan_summary(workspace, capsys)[0] == 0


def test_a_failing_task_is_reported_and_resume_finishes_after_the_fix(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 12 GiB fits pve3 on paper, but the guests already running there leave no room to start it
    assert run_cli(workspace, "create", "vm", "--name", "big-01", "--node", "pve3", "--cores", "1",
                   "--memory", "12288", "--disk", "8", "--vmid", "160") == 0
    capsys.readouterr()
    assert run_cli(workspace, "apply", "--auto-approve") == 1
    out = capsys.readouterr()
    assert "start failed" in out.out + out.err and "--resume" in out.out + out.err
    assert guests(sim)[160][:2] == ("big-01", "stopped")  # created, not started
    path = workspace / "terraform" / "vm-160.tf"
    path.write_text(path.read_text().replace("12288", "1024"))
    assert run_cli(workspace, "apply", "--resume") == 0
    assert guests(sim)[160] == ("big-01", "running", "1024")
    assert [g[0] for g in guests(sim).values()].count("big-01") == 1


def test_parallel_clones_of_one_template_do_not_trip_over_its_lock(sim: SimulatorThread, workspace: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for i in (1, 2, 3):
        assert run_cli(workspace, "create", "vm", "--name", f"k8s-{i}", "--node", "pve1", "--clone",
                       "debian-12-template", "--vmid", str(170 + i)) == 0
    capsys.readouterr()
    assert run_cli(workspace, "apply", "--auto-approve") == 0, capsys.readouterr()
    made = {v: g for v, g in guests(sim).items() if v in (171, 172, 173)}
    assert sorted(g[0] for g in made.values()) == ["k8s-1", "k8s-2", "k8s-3"]
    assert sim.call(lambda: sim.sim.cluster.guests[100].config.get("lock")) is None
    code, summary = plan_summary(workspace, capsys)
    assert code == 0, summary


async def test_a_create_that_times_out_is_resumed_without_a_duplicate(sim: SimulatorThread,
                                                                      workspace: Path) -> None:
    """The classic unknown outcome: the client gave up, but PVE may still do the write. Resume re-reads."""
    import asyncio

    from pmpc_tui.pve.client import ConnectionSettings, PVEClient
    from pmpc_tui.services.apply import apply_plan, resume
    from pmpc_tui.services.plan import make_plan
    from pmpc_tui.state.db import Database, sqlite_url
    from pmpc_tui.workspace.config import Workspace

    assert await asyncio.to_thread(run_cli, workspace, "create", "vm", "--name", "slow-01", "--node", "pve1",
                                   "--cores", "1", "--memory", "512", "--disk", "8", "--vmid", "153") == 0
    ws = Workspace.load(workspace)
    db = Database(sqlite_url(ws.db_path))
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret,
                                  fingerprint=sim.info.fingerprint, timeout=1.0)
    lines: list[str] = []
    try:
        async with PVEClient(settings) as client:
            plan = await make_plan(ws, db, client)
            sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["slow"], "slow_ms": 2500, "methods": ["POST"],
                                            "path_regex": "^/api2/json/nodes/pve1/qemu$", "remaining": 1})
            result = await apply_plan(ws, db, client, plan, lines.append)
            assert [s.ok for s in result.steps] == [False]
            await asyncio.sleep(3)  # the simulator finishes the slow request after the client left
            result = await resume(ws, db, client, lines.append)
            assert all(s.ok for s in result.steps)
    finally:
        await db.close()
    assert [g[0] for g in guests(sim).values()].count("slow-01") == 1
