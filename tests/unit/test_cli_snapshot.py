"""`snapshot create|list|rollback|delete` from the CLI against the simulator, as an admin uses them (issue #15)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    """One simulator and CLI profile for the module; each test works on its own guest."""
    home = tmp_path_factory.mktemp("snap-cli")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_a_snapshot_taken_by_name_shows_in_the_tree_with_its_description(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "snapshot", "create", "vm", "web-01", "before-upgrade", "--description", "pre apt")
    assert rc == 0, err
    assert "before-upgrade" in out and "OK" in out
    rc, out, _ = run(capsys, "snapshot", "create", "vm", "101", "after-upgrade", "--vmstate")
    assert rc == 0
    rc, out, _ = run(capsys, "snapshot", "list", "vm", "web-01")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["SNAPSHOT", "TAKEN", "RAM", "DESCRIPTION"]
    assert lines[1].startswith("before-upgrade") and "pre apt" in lines[1] and " no " in lines[1]
    assert lines[2].startswith("  └ after-upgrade") and " yes" in lines[2]  # a running VM: its RAM is saved
    assert lines[3].startswith("    └ ● current (You are here)")
    rows = json.loads(run(capsys, "snapshot", "list", "vm", "101", "-o", "json")[1])
    assert [(r["name"], r["parent"], r["current"]) for r in rows] == [
        ("before-upgrade", None, False), ("after-upgrade", "before-upgrade", False), ("current", "after-upgrade", True)]
    assert rows[0]["description"] == "pre apt" and isinstance(rows[0]["snaptime"], int)


def test_rolling_back_branches_the_tree_and_restores_the_config(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "snapshot", "create", "ct", "mqtt", "base")[0] == 0
    api(lab, "put", "/nodes/pve3/lxc/205/config", memory=1024)
    rc, out, err = run(capsys, "snapshot", "rollback", "ct", "205", "base", "--yes")
    assert rc == 0, err
    assert "roll back CT 205 (mqtt) on pve3 to 'base': OK — now stopped" in out  # no --start: it stays off
    assert api(lab, "get", "/nodes/pve3/lxc/205/config")["memory"] == 256
    assert run(capsys, "snapshot", "rollback", "ct", "mqtt", "base", "--yes", "--start")[0] == 0
    assert api(lab, "get", "/nodes/pve3/lxc/205/status/current")["status"] == "running"
    assert run(capsys, "snapshot", "create", "ct", "mqtt", "branch")[0] == 0
    rows = json.loads(run(capsys, "snapshot", "list", "ct", "mqtt", "-o", "json")[1])
    assert {r["name"]: r["parent"] for r in rows} == {"base": None, "branch": "base", "current": "branch"}
    assert all(r["vmstate"] is None for r in rows)  # containers have no RAM snapshots


def test_rollback_and_delete_ask_for_the_snapshot_name_and_refuse_without_a_terminal(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "snapshot", "create", "vm", "dev-sandbox", "keep")[0] == 0
    rc, _, err = run(capsys, "snapshot", "rollback", "vm", "dev-sandbox", "keep")
    assert rc == 6 and "needs confirmation" in err and "--yes" in err
    rc, _, err = run(capsys, "snapshot", "delete", "vm", "dev-sandbox", "keep")
    assert rc == 6
    tasks = {t["type"] for t in api(lab, "get", "/nodes/pve1/tasks", vmid=109, source="all")}
    assert not tasks & {"qmrollback", "qmdelsnapshot"}  # nothing was sent
    assert "keep" in [r["name"] for r in api(lab, "get", "/nodes/pve1/qemu/109/snapshot")]


def test_a_typed_answer_other_than_the_name_changes_nothing(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, "snapshot", "create", "vm", "109", "typed")[0] == 0
    asked: list[str] = []
    monkeypatch.setattr("pmpc_tui.commands.context._ask", lambda q: asked.append(q) or "nope")
    rc, _, err = run(capsys, "snapshot", "delete", "vm", "109", "typed")
    assert rc == 6 and "nothing was done" in err
    assert "Delete snapshot 'typed' of VM 109 (dev-sandbox) on pve1?" in asked[0] and "Type typed" in asked[0]
    monkeypatch.setattr("pmpc_tui.commands.context._ask", lambda q: "typed")
    assert run(capsys, "snapshot", "delete", "vm", "109", "typed")[0] == 0
    assert "typed" not in [r["name"] for r in api(lab, "get", "/nodes/pve1/qemu/109/snapshot")]


def test_refusals_name_the_next_step_and_send_nothing(lab: SimulatorThread, capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    rc, _, err = run(capsys, "snapshot", "rollback", "vm", "db-01", "never-taken", "--yes")
    assert rc == 4 and "has no snapshot 'never-taken'" in err and "snapshot list vm 103" in err
    rc, _, err = run(capsys, "snapshot", "create", "ct", "pihole", "ram", "--vmstate")
    assert rc == 64 and "containers have no RAM snapshot" in err
    assert run(capsys, "snapshot", "create", "vm", "db-01", "twice")[0] == 0
    rc, _, err = run(capsys, "snapshot", "create", "vm", "db-01", "twice")
    assert rc == 7 and "already has a snapshot 'twice'" in err
    rc, _, err = run(capsys, "snapshot", "create", "vm", "debian-12-template", "t1")
    assert rc == 7 and "template" in err
    rc, out, _ = run(capsys, "snapshot", "create", "vm", "win11-desktop", "cold", "--vmstate", "--dry-run")
    assert rc == 0 and "would snapshot" in out and "no RAM to save" in out


def test_a_locked_guest_refuses_rollback_and_delete_unless_forced(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "snapshot", "create", "vm", "k8s-cp-1", "stuck")[0] == 0
    api(lab, "put", "/nodes/pve2/qemu/104/config", lock="backup")
    rc, _, err = run(capsys, "snapshot", "rollback", "vm", "104", "stuck", "--yes")
    assert rc == 7 and "is locked (backup)" in err
    rc, _, err = run(capsys, "snapshot", "delete", "vm", "104", "stuck", "--yes")
    assert rc == 7 and "--force" in err
    rc, _, err = run(capsys, "snapshot", "delete", "vm", "104", "stuck", "--yes", "--force")
    assert rc == 0, err
    assert [r["name"] for r in api(lab, "get", "/nodes/pve2/qemu/104/snapshot")] == ["current"]


def test_rollback_in_a_workspace_says_the_guest_drifted_and_import_guest_takes_it(
        lab: SimulatorThread, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    assert run_cli(tmp_path, "init", str(ws)) == 0
    assert run_cli(ws, "import") == 0
    assert run_cli(ws, "snapshot", "create", "vm", "k8s-worker-1", "pre") == 0
    api(lab, "put", "/nodes/pve2/qemu/105/config", cores=8)
    assert run_cli(ws, "import", "--guest", "105") == 0
    assert re.search(r"cores\s*=\s*8\n", (ws / "terraform" / "vm-105.tf").read_text())
    other = (ws / "terraform" / "vm-101.tf").stat().st_mtime_ns
    capsys.readouterr()
    assert run_cli(ws, "snapshot", "rollback", "vm", "105", "pre", "--yes") == 0
    out = capsys.readouterr().out
    assert "drift: guest 105 (proxmox_virtual_environment_vm." in out
    assert "proxmox-mpc import --guest 105" in out and "proxmox-mpc apply" in out
    assert run_cli(ws, "import", "--guest", "105") == 0
    assert re.search(r"cores\s*=\s*4\n", (ws / "terraform" / "vm-105.tf").read_text())
    assert (ws / "terraform" / "vm-101.tf").stat().st_mtime_ns == other  # only the named guest's file
    assert run_cli(ws, "import", "--guest", "999") == 4


def test_each_snapshot_action_has_its_risk_class() -> None:
    from pmpc_tui.commands.ops_snapshot import ACTION_RISKS
    from pmpc_tui.commands.registry import CHANGE, DESTRUCTIVE, READ, RISKS, risk_of

    assert ACTION_RISKS == {"list": READ, "create": CHANGE, "rollback": DESTRUCTIVE, "delete": DESTRUCTIVE}
    assert set(ACTION_RISKS.values()) <= set(RISKS)
    assert risk_of("snapshot") == DESTRUCTIVE  # the command as a whole: its most hurtful action
