"""Backups and restores through the CLI against the bundled simulator: what a user sees and what PVE got."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.services.task_progress import LogProgress, progress_of
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One homelab simulator and CLI environment for the whole module (tests pick distinct guests)."""
    home = tmp_path_factory.mktemp("backups")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


def _json(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, object]:
    capsys.readouterr()
    code = run_cli(home, "-o", "json", *argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def _backups(sim: SimulatorThread, node: str, storage: str, vmid: int) -> list[dict[str, object]]:
    return list(api(sim, "get", f"/nodes/{node}/storage/{storage}/content", content="backup", vmid=vmid))


def test_a_backup_of_a_vm_lands_on_the_storage_with_pves_name(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "backup", "create", "vm", "web-01", "--storage", "local", "--compress", "zstd")
    assert code == ExitCode.OK, data
    assert data["jobs"][0]["node"] == "pve1" and data["jobs"][0]["exitstatus"] == "OK"
    names = [b["volid"] for b in _backups(sim, "pve1", "local", 101)]
    assert any(n.startswith("local:backup/vzdump-qemu-101-") and n.endswith(".vma.zst") for n in names)


def test_a_backup_of_guests_on_two_nodes_runs_one_task_per_node(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "backup", "create", "ct", "200", "202", "--storage", "pbs")
    assert code == ExitCode.OK
    assert sorted(j["node"] for j in data["jobs"]) == ["pve1", "pve2"]
    assert all(j["upid"].split(":")[5] == "vzdump" for j in data["jobs"])
    assert any("/ct/202/" in b["volid"] for b in _backups(sim, "pve2", "pbs", 202))


def test_the_guest_is_locked_backup_while_its_backup_runs(lab, capsys) -> None:
    sim, home = lab
    sim.sim.api.tasks.speed = 0.5  # this backup takes a second
    try:
        code, _ = _json(capsys, home, "backup", "create", "vm", "109", "--storage", "nas", "--no-wait")
    finally:
        sim.sim.api.tasks.speed = 0.02
    assert code == ExitCode.OK
    assert api(sim, "get", "/nodes/pve1/qemu/109/config").get("lock") == "backup"
    code, _ = _json(capsys, home, "backup", "create", "vm", "109", "--storage", "nas")
    assert code == ExitCode.CONFLICT  # refused before sending: the guest is locked
    deadline = time.monotonic() + 10
    while api(sim, "get", "/nodes/pve1/qemu/109/config").get("lock") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "lock" not in api(sim, "get", "/nodes/pve1/qemu/109/config")


def test_backup_list_shows_pbs_and_file_archives_newest_first(lab, capsys) -> None:
    _sim, home = lab
    code, rows = _json(capsys, home, "backup", "list", "--guest", "101")
    assert code == ExitCode.OK
    storages = {r["storage"] for r in rows}
    assert {"pbs"} <= storages
    assert all(r["vmid"] == 101 for r in rows)
    assert [r["ctime"] for r in rows] == sorted((r["ctime"] for r in rows), reverse=True)
    assert any(r["volid"].startswith("pbs:backup/vm/101/") and r["node"] == "(shared)" for r in rows)


def test_restore_to_a_new_vmid_creates_the_guest_from_the_archive(lab, capsys) -> None:
    sim, home = lab
    volid = next(str(b["volid"]) for b in _backups(sim, "pve1", "pbs", 103))
    code, data = _json(capsys, home, "backup", "restore", volid, "--vmid", "180", "--node", "pve2")
    assert code == ExitCode.OK, data
    config = api(sim, "get", "/nodes/pve2/qemu/180/config")
    assert config["name"] == "db-01" and config["scsi0"].startswith("local-lvm:vm-180-disk-0")


def test_restore_over_an_existing_guest_without_force_is_refused_and_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    volid = next(str(b["volid"]) for b in _backups(sim, "pve1", "local", 200))
    before = sim.sim.api.write_count
    code, _ = _json(capsys, home, "backup", "restore", volid, "--vmid", "200")
    assert code == ExitCode.CONFLICT
    assert sim.sim.api.write_count == before


def test_restore_over_a_running_guest_is_refused_even_with_force(lab, capsys) -> None:
    sim, home = lab
    volid = next(str(b["volid"]) for b in _backups(sim, "pve1", "local", 200))
    code, _ = _json(capsys, home, "backup", "restore", volid, "--vmid", "200", "--force", "--yes")
    assert code == ExitCode.CONFLICT


def test_restore_over_a_stopped_guest_needs_its_typed_name_or_yes(lab, capsys, monkeypatch) -> None:
    sim, home = lab
    volid = next(str(b["volid"]) for b in _backups(sim, "pve1", "local", 109))
    code, _ = _json(capsys, home, "backup", "restore", volid, "--vmid", "109", "--force")
    assert code == ExitCode.REFUSED  # no terminal to type the name on, no --yes
    code, data = _json(capsys, home, "backup", "restore", volid, "--vmid", "109", "--force", "--yes")
    assert code == ExitCode.OK, data
    assert data["overwrites"] == "dev-sandbox" and data["exitstatus"] == "OK"


@pytest.mark.parametrize("argv", [
    ("backup", "create", "vm", "１０１"),
    ("backup", "create", "vm", "101", "--storage", "Bad Storage"),
    ("backup", "create", "vm", "101", "--mode", "fast"),
    ("backup", "create", "vm", "101", "--compress", "xz"),
    ("backup", "restore", "local:iso/debian.iso", "--vmid", "150"),
    ("backup", "restore", "pbs:backup/vm/101/2026-11-30T10:00:00Z", "--vmid", "12"),
    ("backup", "restore", "pbs:backup/vm/101/2026-11-30T10:00:00Z"),
    ("backup", "list", "--guest", "abc"),
    ("backup", "list", "--storage", "$(id)"),
    ("backup", "create", "ct", "web 01"),
    ("backup", "create", "vm", "101", "--timeout", "0"),
    ("backup", "restore", "pbs:backup/vm/101/2026-11-30T10:00:00Z", "--vmid", "150", "--storage", "a b"),
])
def test_bad_backup_arguments_get_a_short_error_and_send_nothing(lab, capsys, argv) -> None:
    sim, home = lab
    before = sim.sim.api.request_count
    capsys.readouterr()
    try:
        code = run_cli(home, *argv)
    except SystemExit as exc:  # argparse's own checks (choices)
        code = int(exc.code or 0)
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err
    assert sim.sim.api.request_count == before  # not even a read


def test_progress_comes_from_the_vzdump_log_lines() -> None:
    reader = LogProgress()
    reader.feed("INFO: starting new backup job: vzdump 101 102 --mode snapshot --storage local")
    reader.feed("INFO: Starting Backup of VM 101 (qemu)")
    reader.feed("INFO:  50% (16.0 GiB of 32.0 GiB) in 9s, read: 1.7 GiB/s, write: 300.0 MiB/s")
    assert reader.update().fraction == pytest.approx(0.25)
    assert "50%" in reader.update().message and "101" in reader.update().message
    reader.feed("INFO: Finished Backup of VM 101 (00:00:20)")
    assert reader.update().fraction == pytest.approx(0.5)


def test_progress_reads_qmrestore_and_pbs_restore_lines() -> None:
    assert progress_of(["progress 45% (read 15461882265 bytes, duration 9 sec)"]).fraction == pytest.approx(0.45)
    pbs = progress_of(["restore: transferred 3.2 GiB of 32.0 GiB (10.00%) in 1s"])
    assert pbs.fraction == pytest.approx(0.10) and "3.2 GiB of 32.0 GiB" in pbs.message
    assert progress_of(["extracting archive '/var/lib/vz/dump/x.tar.zst'"]).fraction is None


def test_the_cli_draws_a_bar_on_a_terminal_and_plain_lines_in_a_pipe() -> None:
    import io

    from pmpc_tui.commands.progress import ProgressPrinter
    from pmpc_tui.services.task_progress import ProgressUpdate

    updates = [ProgressUpdate(None, "backing up 1 guest(s)"), ProgressUpdate(0.45, "backing up 101: 45% (x)"),
               ProgressUpdate(0.45, "backing up 101: 45% (x)"), ProgressUpdate(0.5, "moving disk"),
               ProgressUpdate(1.0, "done", done=True)]
    lines: list[str] = []
    piped = ProgressPrinter(lines.append, io.StringIO(), tty=False)
    for update in updates:
        piped.show(update)
    # no repeated line, no escapes, and the percentage once even when the task's message has it ("45% 45%" before)
    assert lines == ["       backing up 1 guest(s)", "       backing up 101: 45% (x)", "   50% moving disk"]
    screen = io.StringIO()
    tty = ProgressPrinter(lines.append, screen, tty=True)
    for update in updates:
        tty.show(update)
    drawn = screen.getvalue()
    assert "\r" in drawn and "[" + "#" * 14 + "." * 16 + "]      backing up 101: 45% (x)" in drawn
    assert "]  50% moving disk" in drawn
    assert drawn.endswith("\r\x1b[2K")  # the bar is cleared before the result is printed


def test_dry_runs_say_what_they_would_do_and_send_no_write(lab, capsys) -> None:
    sim, home = lab
    volid = next(str(b["volid"]) for b in _backups(sim, "pve1", "pbs", 101))
    before = sim.sim.api.write_count
    code, plan = _json(capsys, home, "backup", "create", "vm", "101", "103", "--storage", "pbs", "--dry-run")
    assert code == ExitCode.OK and plan["dry_run"] and sorted(j["node"] for j in plan["jobs"]) == ["pve1", "pve2"]
    code, plan = _json(capsys, home, "backup", "restore", volid, "--vmid", "181", "--dry-run")
    assert code == ExitCode.OK and plan["dry_run"] and plan["overwrites"] is None
    assert sim.sim.api.write_count == before


def test_restoring_over_a_guest_the_workspace_manages_says_it_drifted(lab, capsys, tmp_path) -> None:
    sim, _ = lab
    ws = tmp_path / "ws"
    assert run_cli(tmp_path, "init", str(ws)) == 0
    assert run_cli(ws, "import") == 0
    assert run_cli(ws, "backup", "create", "vm", "109", "--storage", "local") == ExitCode.OK
    volid = str(max(_backups(sim, "pve1", "local", 109), key=lambda b: int(str(b["ctime"])))["volid"])
    capsys.readouterr()
    assert run_cli(ws, "backup", "restore", volid, "--vmid", "109", "--force", "--yes") == ExitCode.OK
    out = capsys.readouterr().out
    assert "drift: guest 109" in out and "proxmox-mpc import --guest 109" in out
