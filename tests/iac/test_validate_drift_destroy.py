"""validate, drift and destroy on a workspace imported from the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import api_done, run_cli

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def workspace(imported_workspace: Path) -> Path:
    return imported_workspace


def cli_json(ws: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    capsys.readouterr()
    code = run_cli(ws, *argv, "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def test_validate_passes_on_imported_code_and_lists_every_kind_of_problem(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = cli_json(workspace, capsys, "validate")
    assert code == 0 and findings == []
    tf = workspace / "terraform"
    text = (tf / "vm-101.tf").read_text()
    (tf / "vm-101.tf").write_text(text.replace('node_name     = "pve1"', 'node_name     = "pve9"')
                                  .replace("  cpu {", "  cpu {\n    coress = 2", 1))
    text = (tf / "vm-102.tf").read_text()
    (tf / "vm-102.tf").write_text(text.replace("vm_id         = 102", "vm_id         = 103")
                                  .replace('bridge      = "vmbr0"', 'bridge      = "vmbr7"')
                                  .replace("dedicated = 2048", "dedicated = 999999"))
    (tf / "broken.tf").write_text('resource "proxmox_virtual_environment_vm" "x" {\n  name = \n')
    code, findings = cli_json(workspace, capsys, "validate")
    assert code == 2
    messages = "\n".join(f"{f['where']} {f['message']}" for f in findings)  # type: ignore[index, union-attr]
    assert "broken.tf" in messages and "does not parse" in messages
    assert "'cpu.coress'" in messages and "vm-101.tf:" in messages
    assert "node 'pve9' does not exist" in messages
    assert "VMID 103 is also used by" in messages
    assert "bridge 'vmbr7' does not exist on pve2" in messages
    assert "MiB of memory does not fit on pve2" in messages


def test_drift_finds_changes_behind_the_tools_back_and_unmanaged_guests(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = cli_json(workspace, capsys, "drift")
    assert code == 0 and report["count"] == 0  # type: ignore[index]
    sim.control("POST", "/guests/103/config", {"memory": 16384})
    api_done(sim, "post", "/nodes/pve3/qemu", vmid=190, name="made-by-hand", memory=1024)
    code, report = cli_json(workspace, capsys, "drift")
    assert code == 2
    assert [(e["vmid"], [c["key"] for c in e["changes"]]) for e in report["changed"]] == [(103, ["memory"])]  # type: ignore[index]
    assert [(e["vmid"], e["name"]) for e in report["unmanaged"]] == [(190, "made-by-hand")]  # type: ignore[index]
    capsys.readouterr()
    run_cli(workspace, "drift")
    out = capsys.readouterr().out
    assert "16384 in the cluster" in out and "proxmox-mpc apply" in out and "proxmox-mpc import" in out
    assert run_cli(workspace, "apply", "--auto-approve") == 0  # revert to the code
    code, report = cli_json(workspace, capsys, "drift")
    assert report["changed"] == [] and len(report["unmanaged"]) == 1  # type: ignore[index]


def test_destroy_needs_the_workspace_name_and_deletes_only_declared_guests(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pmpc_tui.commands.context as context

    api_done(sim, "post", "/nodes/pve3/qemu", vmid=190, name="made-by-hand", memory=1024)
    monkeypatch.setattr(context, "_ask", lambda prompt: "wrong-name")
    assert run_cli(workspace, "destroy", "--target", "dev-sandbox") == 6  # refused
    assert sim.call(lambda: 109 in sim.sim.cluster.guests)
    monkeypatch.setattr(context, "_ask", lambda prompt: "ws")
    assert run_cli(workspace, "destroy", "--target", "dev-sandbox") == 0
    assert sim.call(lambda: 109 not in sim.sim.cluster.guests)
    assert run_cli(workspace, "destroy", "--yes") == 0
    left = sim.call(lambda: sorted(sim.sim.cluster.guests))
    assert left == [190]  # the guest no code describes is left alone


def test_the_generated_suite_passes_then_fails_after_drift(sim: SimulatorThread, workspace: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(workspace, "test") == 0
    out = capsys.readouterr().out
    assert "18 passed, 0 failed" in out
    assert (workspace / "tests" / "test_infrastructure.py").is_file()
    assert sim.info.token_secret not in (workspace / "tests" / "expected.json").read_text()
    sim.control("POST", "/guests/103/config", {"cores": 8})
    sim.control("POST", "/guests/101/status", {"status": "stopped"})
    assert run_cli(workspace, "test") == 1
    out = capsys.readouterr().out
    assert "2 failed" in out and "cores is 8 in the cluster, the code says 4" in out
    assert "status is 'stopped' in the cluster, the code says 'running'" in out


def test_destroy_checks_every_guest_first_and_touches_nothing_when_one_is_protected_or_locked(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reported: destroy stopped a VM with `protection: 1`, then failed on it, leaving it stopped."""
    from pmpc_tui.pve.errors import ConflictError

    sim.control("POST", "/guests/101/config", {"protection": 1})
    sim.control("POST", "/guests/103/config", {"lock": "backup"})
    before = sim.call(lambda: {v: g.status for v, g in sim.sim.cluster.guests.items()})
    capsys.readouterr()
    assert run_cli(workspace, "destroy", "--yes") == ConflictError.exit_code
    err = capsys.readouterr().err
    assert "2 of 18 guest(s) cannot be deleted, so nothing was touched" in err
    assert "web_01 (VMID 101): protection is on" in err and "db_01 (VMID 103): it is locked (backup)" in err
    assert sim.call(lambda: {v: g.status for v, g in sim.sim.cluster.guests.items()}) == before
    assert before[101] == "running"  # still running: nothing was stopped
    sim.control("POST", "/guests/103/config", {"lock": None})
    assert run_cli(workspace, "destroy", "--yes", "--target", "db-01") == 0  # the unblocked one can go
    assert sim.call(lambda: 103 not in sim.sim.cluster.guests and 101 in sim.sim.cluster.guests)


def test_destroy_refuses_guests_on_a_node_that_does_not_answer(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pmpc_tui.pve.errors import ConflictError

    assert run_cli(workspace, "sync") == 0
    sim.control("POST", "/nodes/pve3", {"online": False})
    capsys.readouterr()
    code = run_cli(workspace, "destroy", "--yes", "--target", "homeassistant", "--target", "dev-sandbox")
    assert code == ConflictError.exit_code, capsys.readouterr()
    assert "homeassistant (VMID 108): its node pve3 does not answer" in capsys.readouterr().err
    assert sim.call(lambda: 109 in sim.sim.cluster.guests)  # dev-sandbox on pve1 is not touched either
