"""Storage content, downloads to storage and stopping tasks through the CLI against the bundled simulator."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.services.task_progress import progress_of
from pmpc_tui.simulator.handlers_storage import simulated_checksum
from pmpc_tui.simulator.server import SimulatorThread

ISO_URL = "https://cdimage.example.org/debian-13.2.0-amd64-netinst.iso"


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One homelab simulator and CLI environment for the whole module (tests use distinct file names)."""
    home = tmp_path_factory.mktemp("storage-files")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


def _json(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, object]:
    capsys.readouterr()
    code = run_cli(home, "-o", "json", *argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


def _names(sim: SimulatorThread, node: str, storage: str, content: str) -> list[str]:
    return [r["volid"] for r in api(sim, "get", f"/nodes/{node}/storage/{storage}/content", content=content)]


# --- storage content ----------------------------------------------------------------------------
def test_storage_content_lists_iso_images_and_templates_of_local(lab, capsys) -> None:
    _sim, home = lab
    code, rows = _json(capsys, home, "storage", "content", "local", "--node", "pve1")
    assert code == ExitCode.OK
    kinds = {r["content"] for r in rows}
    assert {"iso", "vztmpl"} <= kinds
    assert any(r["name"] == "debian-12.7.0-amd64-netinst.iso" and r["size"] > 0 for r in rows)


def test_storage_content_type_filter_shows_only_that_type(lab, capsys) -> None:
    _sim, home = lab
    code, rows = _json(capsys, home, "storage", "content", "local", "--node", "pve1", "--type", "vztmpl")
    assert code == ExitCode.OK and rows
    assert {r["content"] for r in rows} == {"vztmpl"}


def test_storage_content_of_an_unknown_storage_is_not_found_and_names_the_nodes_storage(lab, capsys) -> None:
    _sim, home = lab
    code = run_cli(home, "storage", "content", "nosuch", "--node", "pve1")
    err = capsys.readouterr().err
    assert code == ExitCode.NOT_FOUND
    assert "nosuch" in err and "local" in err and "Traceback" not in err


def test_storage_content_as_a_table_shows_names_and_sizes(lab, capsys) -> None:
    _sim, home = lab
    capsys.readouterr()
    assert run_cli(home, "storage", "content", "local", "--node", "pve1", "--type", "iso") == ExitCode.OK
    out = capsys.readouterr().out
    assert "NAME" in out and "ubuntu-24.04.1-live-server-amd64.iso" in out


# --- download -------------------------------------------------------------------------------------
def test_a_download_with_the_right_checksum_lands_the_iso_in_the_storage(lab, capsys) -> None:
    sim, home = lab
    checksum = f"sha256:{simulated_checksum(ISO_URL, 'sha256')}"
    code, data = _json(capsys, home, "download", ISO_URL, "--node", "pve1", "--storage", "local",
                       "--checksum", checksum)
    assert code == ExitCode.OK, data
    assert data["volid"] == "local:iso/debian-13.2.0-amd64-netinst.iso" and data["exitstatus"] == "OK"
    assert data["volid"] in _names(sim, "pve1", "local", "iso")
    log = [line["t"] for line in api(sim, "get", f"/nodes/pve1/tasks/{data['upid']}/log", limit=0)]
    assert "calculating checksum...OK, checksum verified" in log


def test_a_download_with_a_wrong_checksum_fails_as_pve_says_and_leaves_no_file(lab, capsys) -> None:
    sim, home = lab
    url = "https://example.org/images/alpine-virt-3.22.iso"
    capsys.readouterr()
    code = run_cli(home, "download", url, "--node", "pve1", "--storage", "local", "--checksum", "md5:" + "0" * 32)
    err = capsys.readouterr().err
    assert code == ExitCode.ERROR
    assert "checksum mismatch" in err and "Traceback" not in err
    assert "local:iso/alpine-virt-3.22.iso" not in _names(sim, "pve1", "local", "iso")


def test_download_progress_is_read_from_the_wget_lines_of_the_task_log(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "download", "https://example.org/t/alpine-3.22-default.tar.xz", "--node",
                       "pve2", "--storage", "local")
    assert code == ExitCode.OK
    assert data["content"] == "vztmpl"
    log = [line["t"] for line in api(sim, "get", f"/nodes/pve2/tasks/{data['upid']}/log", limit=0)]
    halfway = progress_of([line for line in log if "50%" in line or "downloading" in line])
    assert halfway.percent == 50 and "received" in halfway.message


def test_download_prints_progress_lines_when_not_on_a_terminal(lab, capsys) -> None:
    _sim, home = lab
    capsys.readouterr()
    code = run_cli(home, "download", "https://example.org/x/fedora-43.iso", "--node", "pve1", "--storage", "nas")
    captured = capsys.readouterr()
    assert code == ExitCode.OK
    assert "100%" in captured.err + captured.out or "received" in captured.err + captured.out


def test_a_download_to_a_storage_that_is_not_file_based_is_refused_before_sending(lab, capsys) -> None:
    sim, home = lab
    before = int(sim.control("GET", "/state")["writes"])
    code = run_cli(home, "download", ISO_URL, "--node", "pve1", "--storage", "local-lvm")
    err = capsys.readouterr().err
    assert code == ExitCode.CONFLICT and "not file based" in err
    assert int(sim.control("GET", "/state")["writes"]) == before


def test_a_download_of_a_file_that_exists_is_refused_and_names_it(lab, capsys) -> None:
    _sim, home = lab
    code = run_cli(home, "download", "https://mirror.example/debian-12.7.0-amd64-netinst.iso", "--node", "pve1",
                   "--storage", "local")
    err = capsys.readouterr().err
    assert code == ExitCode.CONFLICT and "local:iso/debian-12.7.0-amd64-netinst.iso" in err


def test_download_dry_run_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "download", "https://example.org/a/b/rocky-10.iso", "--node", "pve1",
                       "--storage", "local", "--dry-run")
    assert code == ExitCode.OK and data["dry_run"] is True
    assert "local:iso/rocky-10.iso" not in _names(sim, "pve1", "local", "iso")


def test_the_simulator_refuses_a_download_with_a_wrong_extension_as_pve_does(lab) -> None:
    sim, _home = lab
    from pmpc_tui.pve.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        api(sim, "post", "/nodes/pve1/storage/local/download-url", url=ISO_URL, content="iso", filename="x.exe")
    assert "filename" in info.value.errors


def test_node_version_answers(lab) -> None:
    sim, _home = lab
    assert api(sim, "get", "/nodes/pve1/version")["release"] == "9.1"


# --- tasks stop -------------------------------------------------------------------------------------
def _slow_download(sim: SimulatorThread, name: str) -> str:
    sim.sim.api.tasks.speed = 4.0  # ten seconds
    try:
        return str(api(sim, "post", "/nodes/pve1/storage/local/download-url",
                       url=f"https://example.org/{name}", content="iso", filename=name))
    finally:
        sim.sim.api.tasks.speed = 0.02


def test_tasks_stop_with_yes_stops_a_running_download_and_it_ends_interrupted(lab, capsys) -> None:
    sim, home = lab
    upid = _slow_download(sim, "slow-1.iso")
    code, data = _json(capsys, home, "tasks", "stop", upid, "--yes")
    assert code == ExitCode.OK, data
    assert data["stopped"] is True and data["status"] == "stopped"
    assert "interrupted" in str(data["exitstatus"])
    assert "local:iso/slow-1.iso" not in _names(sim, "pve1", "local", "iso")


def test_tasks_stop_without_a_terminal_or_yes_refuses_and_the_task_runs_on(lab, capsys) -> None:
    sim, home = lab
    upid = _slow_download(sim, "slow-2.iso")
    code = run_cli(home, "tasks", "stop", upid)
    err = capsys.readouterr().err
    assert code == ExitCode.REFUSED and "--yes" in err
    assert api(sim, "get", f"/nodes/pve1/tasks/{upid}/status")["status"] == "running"
    assert run_cli(home, "tasks", "stop", upid, "--yes") == ExitCode.OK


def test_tasks_stop_of_a_finished_task_says_it_had_ended(lab, capsys) -> None:
    sim, home = lab
    upid = str(api(sim, "post", "/nodes/pve1/qemu/101/status/start"))
    deadline = time.monotonic() + 10
    while api(sim, "get", f"/nodes/pve1/tasks/{upid}/status")["status"] != "stopped" and time.monotonic() < deadline:
        time.sleep(0.05)
    code, data = _json(capsys, home, "tasks", "stop", upid, "--yes")
    assert code == ExitCode.OK and data["stopped"] is False


def test_tasks_stop_dry_run_names_the_task_and_stops_nothing(lab, capsys) -> None:
    sim, home = lab
    upid = _slow_download(sim, "slow-3.iso")
    code, data = _json(capsys, home, "tasks", "stop", upid, "--dry-run")
    assert code == ExitCode.OK and data["dry_run"] is True and data["label"] == "download slow-3.iso on pve1 by " \
        "root@pam!pmpc"
    assert api(sim, "get", f"/nodes/pve1/tasks/{upid}/status")["status"] == "running"
    assert run_cli(home, "tasks", "stop", upid, "--yes") == ExitCode.OK


def test_tasks_stop_of_an_unknown_task_is_not_found(lab, capsys) -> None:
    _sim, home = lab
    code = run_cli(home, "tasks", "stop", "UPID:pve1:00ABCDEF:00000001:6B000000:download:x.iso:root@pam:", "--yes")
    err = capsys.readouterr().err
    assert code == ExitCode.NOT_FOUND and "no task" in err
