"""Migrate, clone and convert to template through the CLI against the bundled simulator (issue #16)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.services.task_progress import progress_of
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One homelab simulator and CLI environment for the whole module (tests pick distinct guests)."""
    home = tmp_path_factory.mktemp("migrate")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


ERR: list[str] = [""]  # the last command's stderr


def _json(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, object]:
    capsys.readouterr()
    code = run_cli(home, "-o", "json", *argv)
    captured = capsys.readouterr()
    ERR[0] = captured.err
    return code, json.loads(captured.out) if captured.out.strip() else None


def _node_of(sim: SimulatorThread, vmid: int) -> str:
    return next(str(r["node"]) for r in api(sim, "get", "/cluster/resources", type="vm") if r["vmid"] == vmid)


def _log(sim: SimulatorThread, upid: str) -> list[str]:
    node = upid.split(":")[1]
    return [e["t"] for e in api(sim, "get", f"/nodes/{node}/tasks/{upid}/log", limit=1000)]


# --- migrate -----------------------------------------------------------------------------------
def test_a_stopped_vm_migrates_offline_and_its_disk_is_copied_with_progress(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "migrate", "vm", "dev-sandbox", "pve3")
    assert code == ExitCode.OK, data
    assert data["mode"] == "offline" and data["exitstatus"] == "OK" and data["local_disks"] == ["scsi0"]
    assert _node_of(sim, 109) == "pve3"
    log = _log(sim, data["upid"])
    assert any(line.startswith("drive-scsi0: transferred ") and "(100.00%)" in line for line in log)
    assert progress_of(log[:-2]).percent == 100


def test_a_running_vm_without_online_is_refused_and_nothing_is_sent(lab, capsys) -> None:
    sim, home = lab
    code, _ = _json(capsys, home, "migrate", "vm", "101", "pve2")
    assert code == ExitCode.CONFLICT
    assert "--online" in ERR[0]
    assert _node_of(sim, 101) == "pve1"


def test_a_running_vm_with_local_disks_needs_with_local_disks(lab, capsys) -> None:
    sim, home = lab
    code, _ = _json(capsys, home, "migrate", "vm", "web-01", "pve2", "--online")
    assert code == ExitCode.CONFLICT
    assert "--with-local-disks" in ERR[0]
    code, data = _json(capsys, home, "migrate", "vm", "web-01", "pve2", "--online", "--with-local-disks")
    assert code == ExitCode.OK, data
    assert data["mode"] == "online" and _node_of(sim, 101) == "pve2"
    log = _log(sim, data["upid"])
    assert any(line.startswith("migration active, transferred ") and "VM-state" in line for line in log)
    assert api(sim, "get", "/nodes/pve2/qemu/101/status/current")["status"] == "running"


def test_a_vm_on_shared_storage_moves_live_without_copying_disks(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "migrate", "vm", "110", "pve1", "--online")
    assert code == ExitCode.OK, data
    assert data["local_disks"] == [] and _node_of(sim, 110) == "pve1"


def test_migrating_to_the_node_the_guest_is_on_is_a_usage_error(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "migrate", "vm", "108", "pve3", "--online")
    assert code == ExitCode.USAGE
    assert "already on pve3" in ERR[0]


def test_an_unknown_target_node_is_not_found(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "migrate", "vm", "108", "pve9", "--online")
    assert code == ExitCode.NOT_FOUND
    assert "pve1" in ERR[0]  # names the nodes there are


def test_a_running_container_moves_by_restart_migration(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "migrate", "ct", "mqtt", "pve1")
    assert code == ExitCode.OK, data
    assert data["mode"] == "restart" and _node_of(sim, 205) == "pve1"
    assert api(sim, "get", "/nodes/pve1/lxc/205/status/current")["status"] == "running"


def test_a_container_cannot_migrate_online(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "migrate", "ct", "202", "pve1", "--online")
    assert code == ExitCode.USAGE
    assert "restart migration" in ERR[0]


def test_a_guest_locked_by_a_running_migration_is_refused_with_pves_words(lab, capsys) -> None:
    sim, home = lab
    # The simulator's task speed holds the lock: at 20x each step of the migration takes 1-2 s (its start, then
    # four copy steps per local volume), so it outlasts a slow second CLI start; once that start has been
    # refused the speed goes back, and the step under way is the last slow one (no fixed wait for the lock).
    sim.sim.api.tasks.speed = 20.0
    try:
        code, _ = _json(capsys, home, "migrate", "vm", "107", "pve1", "--no-wait")
        assert code == ExitCode.OK
        code, _ = _json(capsys, home, "migrate", "vm", "107", "pve3")
    finally:
        sim.sim.api.tasks.speed = 0.02
    assert code == ExitCode.CONFLICT
    assert "VM is locked (migrate)" in ERR[0]
    deadline = time.monotonic() + 90
    while _node_of(sim, 107) != "pve1" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _node_of(sim, 107) == "pve1"


def test_migrate_dry_run_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "migrate", "vm", "106", "pve3", "--online", "--with-local-disks", "--dry-run")
    assert code == ExitCode.OK and data["dry_run"] is True and data["upid"] is None
    assert _node_of(sim, 106) == "pve1"


def test_a_target_storage_the_node_lacks_is_refused(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "migrate", "ct", "201", "pve2", "--target-storage", "nowhere")
    assert code == ExitCode.NOT_FOUND
    assert "not available on node 'pve2'" in ERR[0]


# --- clone -------------------------------------------------------------------------------------
def test_a_linked_clone_of_a_template_takes_the_next_free_vmid(lab, capsys) -> None:
    sim, home = lab
    expected = int(api(sim, "get", "/cluster/nextid"))
    code, data = _json(capsys, home, "clone", "vm", "debian-12-template", "--name", "web-04", "--linked")
    assert code == ExitCode.OK, data
    assert data["vmid"] == expected and data["linked"] is True and data["exitstatus"] == "OK"
    config = api(sim, "get", f"/nodes/pve1/qemu/{expected}/config")
    assert config["name"] == "web-04" and "lock" not in config


def test_a_linked_clone_of_a_guest_that_is_no_template_is_refused(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "clone", "vm", "109", "--name", "copy-1", "--linked")
    assert code == ExitCode.CONFLICT
    assert "not a template" in ERR[0]


def test_a_full_clone_with_a_vmid_copies_the_disks_with_progress(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "clone", "vm", "108", "--name", "ha-copy", "--vmid", "150",
                       "--storage", "nas")
    assert code == ExitCode.OK, data
    assert data["vmid"] == 150 and data["linked"] is False
    log = _log(sim, data["upid"])
    assert any(line.startswith("transferred ") and "(100.00%)" in line for line in log)
    assert api(sim, "get", "/nodes/pve3/qemu/150/config")["scsi0"].startswith("nas:")


def test_a_vmid_in_use_is_refused_before_sending(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "clone", "vm", "100", "--name", "dup", "--vmid", "101")
    assert code == ExitCode.CONFLICT
    assert "already in use" in ERR[0]


def test_a_running_container_cannot_be_cloned(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "clone", "ct", "pihole", "--name", "pihole2")
    assert code == ExitCode.CONFLICT


def test_a_clone_to_another_node_needs_shared_storage(lab, capsys) -> None:
    _sim, home = lab
    code, _ = _json(capsys, home, "clone", "vm", "100", "--name", "far-away", "--node", "pve2")
    assert code == ExitCode.CONFLICT
    assert "shared storage" in ERR[0]


def test_a_container_template_clones_to_a_container_with_its_hostname(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "clone", "ct", "206", "--name", "ct-from-tpl", "--vmid", "260")
    assert code == ExitCode.OK, data
    assert api(sim, "get", "/nodes/pve1/lxc/260/config")["hostname"] == "ct-from-tpl"


# --- template ----------------------------------------------------------------------------------
def test_a_stopped_guest_becomes_a_template_after_its_name_is_typed_via_yes(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "template", "ct", "minio", "--yes")
    assert code == ExitCode.OK, data
    assert api(sim, "get", "/nodes/pve3/lxc/204/config").get("template") == 1
    code, _ = _json(capsys, home, "template", "ct", "minio", "--yes")
    assert code == ExitCode.CONFLICT
    assert "already a template" in ERR[0]


def test_a_running_guest_is_not_converted(lab, capsys) -> None:
    sim, home = lab
    code, _ = _json(capsys, home, "template", "vm", "103", "--yes")
    assert code == ExitCode.CONFLICT
    assert "running" in ERR[0]
    assert not api(sim, "get", "/nodes/pve2/qemu/103/config").get("template")


def test_template_without_a_terminal_or_yes_is_refused_and_nothing_changes(lab, capsys) -> None:
    sim, home = lab
    code, _ = _json(capsys, home, "template", "vm", "150")
    assert code == ExitCode.REFUSED
    assert not api(sim, "get", "/nodes/pve3/qemu/150/config").get("template")


def test_a_vm_template_conversion_waits_for_its_task(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "template", "vm", "150", "--yes")
    assert code == ExitCode.OK, data
    assert data["upid"] and data["exitstatus"] == "OK"
    assert api(sim, "get", "/nodes/pve3/qemu/150/config").get("template") == 1


def test_the_progress_of_a_live_migration_follows_disk_then_ram_lines() -> None:
    lines = ["starting migration of VM 101 to node 'pve2'", "found local disk 'local-lvm:vm-101-disk-0' (attached)",
             "drive-scsi0: transferred 16.0 GiB of 32.0 GiB (50.00%) in 2s"]
    half = progress_of(lines)
    assert half.percent == 50 and half.message.startswith("50% (drive-scsi0: 16.0 GiB of 32.0 GiB")
    ram = progress_of([*lines, "migration active, transferred 1.5 GiB of 2.0 GiB VM-state"])
    assert ram.percent == 75 and "RAM" in ram.message


def test_migrating_a_guest_the_workspace_manages_says_its_node_drifted_from_the_code(lab, capsys, tmp_path) -> None:
    sim, _ = lab
    ws = tmp_path / "ws"
    assert run_cli(tmp_path, "init", str(ws)) == 0
    assert run_cli(ws, "import") == 0
    capsys.readouterr()
    assert run_cli(ws, "migrate", "vm", "k8s-cp-1", "pve3", "--online", "--with-local-disks") == ExitCode.OK
    out = capsys.readouterr().out
    assert "drift: guest 104" in out and "proxmox-mpc import --guest 104" in out
    assert _node_of(sim, 104) == "pve3"
    code = (ws / "terraform" / "vm-104.tf").read_text()
    assert any(line.split() == ["node_name", "=", '"pve2"'] for line in code.splitlines())  # the code: old node
