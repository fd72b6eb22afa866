"""What a workspace manages is a tracked file (terraform/.managed.json): a fresh checkout — a CI runner, a
colleague's clone — plans the delete of a guest whose code was removed, and refuses to apply it unasked."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from iac_support import run_cli

from pmpc_tui.simulator.server import SimulatorThread


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def deletes(plan: dict) -> list[tuple[str, int | None]]:
    return [(r["address"], r.get("vmid")) for r in plan["resources"] if r["action"] == "delete"]


def fresh_checkout(ws: Path, dest: Path) -> Path:
    """The workspace as `git clone` gives it: only its committed files (no .proxmox-mpc/)."""
    subprocess.run(["git", "clone", "-q", str(ws), str(dest)], check=True)
    assert not (dest / ".proxmox-mpc").exists()
    return dest


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_import_records_the_managed_guests_in_a_committed_file(imported_workspace: Path) -> None:
    record = json.loads((imported_workspace / "terraform" / ".managed.json").read_text())
    assert record["guests"]["101"].startswith("proxmox_virtual_environment_vm.")
    tracked = subprocess.run(["git", "ls-files", "terraform/.managed.json"], cwd=imported_workspace,
                             capture_output=True, text=True, check=True).stdout
    assert tracked.strip() == "terraform/.managed.json"


def test_a_fresh_clone_plans_the_delete_of_a_guest_whose_file_was_removed_and_apply_refuses_it(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = fresh_checkout(imported_workspace, tmp_path / "clone")
    for ws in (imported_workspace, clone):
        (ws / "terraform" / "vm-101.tf").unlink()
    assert run_cli(clone, "sync", "--db-only") == 0
    code, plan = plan_json(clone, capsys)
    assert code == 2
    assert [vmid for _address, vmid in deletes(plan) if vmid is not None] == [101]
    _code, at_home = plan_json(imported_workspace, capsys)
    assert sorted(deletes(plan)) == sorted(deletes(at_home))  # the guest, its firewall and pool membership
    capsys.readouterr()
    assert run_cli(clone, "apply", "--auto-approve") == 6
    err = capsys.readouterr().err
    assert "(VMID 101): the guest and its disks" in err
    assert sim.call(lambda: 101 in sim.sim.cluster.guests)  # nothing was sent


def test_an_older_workspace_without_the_file_still_plans_the_delete_and_the_next_import_writes_it(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = imported_workspace / "terraform" / ".managed.json"
    record.unlink()
    moved = imported_workspace / "vm-101.tf.away"
    shutil.move(imported_workspace / "terraform" / "vm-101.tf", moved)
    code, plan = plan_json(imported_workspace, capsys)  # read from .proxmox-mpc/ as before
    assert code == 2
    assert [vmid for _address, vmid in deletes(plan) if vmid is not None] == [101]
    shutil.move(moved, imported_workspace / "terraform" / "vm-101.tf")
    assert run_cli(imported_workspace, "import") == 0
    assert "101" in json.loads(record.read_text())["guests"]
