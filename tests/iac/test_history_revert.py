"""History meets apply, end to end on the simulator: each apply leaves a committed summary; `plan --against`
plans an earlier revision without writing anything; `revert` brings its code back and only shows the plan."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from iac_support import run_cli, snapshot

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(subprocess.run(["which", "git"], capture_output=True).returncode != 0,
                                reason="git is not installed (make test installs it)")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def commits(ws: Path, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    capsys.readouterr()
    assert run_cli(ws, "history", "-o", "json") == 0
    return json.loads(capsys.readouterr().out)["commits"]


def files(ws: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the workspace but the state database (a plan reads the cluster into it, by design)."""
    return {k: v for k, v in snapshot(ws).items() if k != ".proxmox-mpc/state.db"}


def import_rev(ws: Path, capsys: pytest.CaptureFixture[str]) -> str:
    return next(c["short"] for c in commits(ws, capsys) if c["command"] == "import")


@pytest.fixture
def applied(sim: SimulatorThread, imported_workspace: Path) -> Path:
    """A workspace whose code gained vm 150 (web-03), applied."""
    ws = imported_workspace
    assert run_cli(ws, "create", "vm", "--name", "web-03", "--node", "pve2", "--cores", "1", "--memory", "512",
                   "--disk", "4", "--vmid", "150") == 0
    assert run_cli(ws, "apply", "--auto-approve") == 0
    assert sim.call(lambda: 150 in sim.sim.cluster.guests)
    return ws


def test_each_apply_leaves_a_committed_summary_of_what_changed_by_whom_and_its_correlation_id(
        applied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    newest = commits(applied, capsys)[0]
    assert newest["command"] == "apply" and newest["guests"] == "vm 150 web-03"
    assert newest["subject"] == "proxmox-mpc apply: vm 150 web-03"
    files = git(applied, "show", "--name-only", "--format=", "HEAD").split()
    assert len(files) == 1 and files[0].startswith("history/applies/") and files[0].endswith(".json")
    summary = json.loads((applied / files[0]).read_text())
    assert summary["correlation_id"] == newest["correlation_id"] and summary["user"]
    assert summary["status"] == "done"
    assert [(c["vmid"], c["action"], c["status"]) for c in summary["changes"]] == [(150, "create", "done")]


def test_plan_against_an_earlier_revision_shows_what_applying_it_would_do_and_writes_nothing(
        sim: SimulatorThread, applied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = import_rev(applied, capsys)
    before = files(applied)
    capsys.readouterr()
    assert run_cli(applied, "plan", "--against", rev, "-o", "json") == 2
    plan = json.loads(capsys.readouterr().out)
    assert [(c["vmid"], c["action"]) for c in plan["resources"] if c["action"] != "no-op"] == [(150, "delete")]
    assert files(applied) == before
    assert git(applied, "status", "--porcelain") == ""
    assert sim.call(lambda: 150 in sim.sim.cluster.guests)
    assert run_cli(applied, "plan", "--against", "nosuchrev") == 4


def test_revert_restores_the_code_of_a_revision_and_only_shows_the_plan(
        sim: SimulatorThread, applied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rev = import_rev(applied, capsys)
    before = files(applied)
    assert run_cli(applied, "revert", rev, "--dry-run") == 2
    out = capsys.readouterr().out
    assert "dry run: would restore 2 file(s)" in out and "terraform/vm-150.tf" in out
    assert files(applied) == before
    assert run_cli(applied, "revert", rev) == 2  # changes present: nothing applied
    out = capsys.readouterr().out
    assert "restored 2 file(s)" in out and "proxmox-mpc apply" in out
    assert not (applied / "terraform" / "vm-150.tf").exists()
    assert "150" in json.loads((applied / "terraform" / ".managed.json").read_text())["guests"]  # not forgotten
    assert sim.call(lambda: 150 in sim.sim.cluster.guests)  # nothing was applied
    newest = commits(applied, capsys)[0]
    assert newest["command"].startswith("revert ") and "vm 150" in newest["guests"]
    assert run_cli(applied, "apply", "--auto-approve", "--allow-destroy") == 0
    assert not sim.call(lambda: 150 in sim.sim.cluster.guests)


def test_revert_refuses_to_overwrite_edits_that_are_not_committed(applied: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rev = import_rev(applied, capsys)
    edited = applied / "terraform" / "vm-101.tf"
    edited.write_text(edited.read_text() + "\n# mine\n")
    before = files(applied)
    assert run_cli(applied, "revert", rev) == 7
    assert "uncommitted edits: terraform/vm-101.tf" in capsys.readouterr().err
    assert files(applied) == before
