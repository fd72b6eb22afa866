"""Import reads a guest's firewall options only where the guest firewall can take effect: a network device
with `firewall=1`, or a firewall the workspace already manages (docs/iac.md, "what import reads")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cluster_objects_support import changed, drift_json, plan_json
from iac_support import api, cli_environment, run_cli

from pmpc_tui.simulator.server import SimulatorThread

OPTIONS = 'resource "proxmox_virtual_environment_firewall_options" "{}"'
RULES = 'resource "proxmox_virtual_environment_firewall_rules" "{}"'


@pytest.fixture
def workspace(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        yield ws


def reads_seen(sim: SimulatorThread, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The GET paths the simulator serves from now on (as it sees them, before any fault is decided)."""
    seen: list[str] = []
    decide = sim.sim.faults.decide

    def recording(method: str, path: str) -> Any:
        if method == "GET":
            seen.append(path.split("/api2/json", 1)[-1])
        return decide(method, path)

    monkeypatch.setattr(sim.sim.faults, "decide", recording)
    return seen


def nic_firewall_off(sim: SimulatorThread, node: str, vmid: int) -> None:
    net0 = api(sim, "get", f"/nodes/{node}/qemu/{vmid}/config")["net0"]
    api(sim, "put", f"/nodes/{node}/qemu/{vmid}/config", net0=net0.replace("firewall=1", "firewall=0"))


def test_a_guest_without_a_firewall_nic_gets_no_options_read_while_one_with_rules_keeps_them(
        sim: SimulatorThread, workspace: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    nic_firewall_off(sim, "pve2", 102)  # web-02: options (enable 1) and rules, but no NIC filters
    seen = reads_seen(sim, monkeypatch)
    capsys.readouterr()
    assert run_cli(workspace, "import") == 0
    out = capsys.readouterr().out
    assert "guest firewalls: 17 read, 1 skipped (no network device with firewall=1)" in out
    assert "/nodes/pve2/qemu/102/firewall/options" not in seen
    assert "/nodes/pve2/qemu/102/firewall/rules" not in seen
    assert "/nodes/pve1/qemu/101/firewall/options" in seen and "/nodes/pve1/qemu/101/firewall/rules" in seen
    text = (workspace / "terraform" / "firewall.tf").read_text()
    assert OPTIONS.format("vm_102") not in text and RULES.format("vm_102") not in text
    assert OPTIONS.format("vm_101") in text and RULES.format("vm_101") in text  # its firewall=1 NIC: as before
    code, plan = plan_json(workspace, capsys)
    assert code == 0, changed(plan)  # the options left unread are no change
    code, report = drift_json(workspace, capsys)
    assert code == 0 and not [u for u in report["unmanaged"] if u.get("id") == "vm/102"], report


def test_a_managed_guest_firewall_is_still_read_after_its_nic_filter_is_turned_off(
        sim: SimulatorThread, workspace: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "import") == 0
    nic_firewall_off(sim, "pve1", 101)
    seen = reads_seen(sim, monkeypatch)
    capsys.readouterr()
    assert run_cli(workspace, "import") == 0
    assert "guest firewalls: 18 read, 0 skipped" in capsys.readouterr().out
    assert "/nodes/pve1/qemu/101/firewall/options" in seen
    text = (workspace / "terraform" / "firewall.tf").read_text()
    assert OPTIONS.format("vm_101") in text and RULES.format("vm_101") in text  # never dropped without a word


def test_what_import_wrote_is_remembered_as_rendered_and_agrees_with_a_fresh_read_of_the_records(
        workspace: Path) -> None:
    import json

    from pmpc_tui.iac.terraform import scan_guest_resources
    from pmpc_tui.services.cluster_objects import managed_objects
    from pmpc_tui.workspace.config import Workspace

    assert run_cli(workspace, "import") == 0
    ws = Workspace.load(workspace)
    records = ws.generated_dir / "terraform"
    memo = json.loads((ws.state_dir / "records-scan.json").read_text())
    fresh = scan_guest_resources(records)  # no memo: every record read and scanned
    assert fresh and all(memo[g.file.name]["stamp"] == [g.file.stat().st_mtime_ns, g.file.stat().st_size]
                         for g in fresh)
    assert {g.file.name: [[g.kind, g.label, g.vmid, g.imported]] for g in fresh} == \
        {name: entry["guests"] for name, entry in memo.items() if entry["guests"]}
    memo_path = ws.state_dir / "managed-objects.json"

    def objects_memo() -> dict[str, tuple[list[int], list[tuple[str, ...]]]]:
        return {name: (entry["signature"], sorted(map(tuple, entry["objects"])))
                for name, entry in json.loads(memo_path.read_text()).items()}

    written = objects_memo()  # what import rendered, never parsed
    memo_path.unlink()
    remembered = managed_objects(ws)  # the object files parsed again
    assert objects_memo() == written and remembered
    tracked = json.loads((workspace / "terraform" / ".managed.json").read_text())
    assert len(tracked["guests"]) == 18 and {tuple(o[:2]) for o in tracked["objects"]} >= set(remembered)


def test_a_file_changed_after_imports_early_secret_scan_is_scanned_again_by_the_commit(tmp_path: Path) -> None:
    import os

    from pmpc_tui.services.history import holds_secret

    path = tmp_path / "vm-101.tf"
    path.write_text('resource "x" "y" {\n  name = "web"\n}\n')
    assert not holds_secret(path)  # remembered by size, time and inode
    before = path.stat()
    path.write_text('resource "x" "y" {\n  password = "hunter2hunter2"\n}\n')
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # even with the old modification time
    assert holds_secret(path)  # a new size: read again
    same_size = path.read_text().replace("password =", "passage  =")  # no longer a secret, same length
    path.write_text(same_size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    assert not holds_secret(path)  # a new modification time: read again
