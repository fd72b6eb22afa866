"""The non-interactive CLI against the simulator, as an admin would use it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sim: SimulatorThread) -> SimulatorThread:
    """A clean config/state dir and an active profile 'lab' pointing at the simulator."""
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.setenv("LAB_TOKEN", sim.info.token_secret)
    rc = main(["connect", "lab", "--url", sim.info.url, "--token-id", sim.info.token_id, "--secret-env",
               "LAB_TOKEN", "--fingerprint", sim.info.fingerprint])
    assert rc == 0
    return sim


def requests_seen(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["requests"])


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main([*argv, "-o", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_connect_saves_profile_without_the_secret(cli_env: SimulatorThread, tmp_path: Path) -> None:
    config = tmp_path / "config" / "config.yaml"
    text = config.read_text()
    assert "lab" in text and cli_env.info.fingerprint in text
    assert cli_env.info.token_secret not in text
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_test_connection_reports_version_and_nodes(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    data = run_json(capsys, "test-connection")
    assert isinstance(data, dict)
    assert data["version"].startswith("9.") and data["nodes"] == 3 and data["tls"] == "pinned"


def test_list_vms_filters_by_status_and_tag(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    all_vms = run_json(capsys, "list", "vms")
    assert isinstance(all_vms, list) and len(all_vms) == 11
    running = run_json(capsys, "list", "vms", "--status", "running")
    assert isinstance(running, list) and running and all(v["status"] == "running" for v in running)
    web = run_json(capsys, "list", "vms", "-l", "tag=web")
    assert isinstance(web, list) and sorted(v["name"] for v in web) == ["web-01", "web-02"]


def test_list_storage_filters_by_name(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    nas = run_json(capsys, "list", "storage", "--storage", "nas")
    assert isinstance(nas, list) and len(nas) == 3 and {s["storage"] for s in nas} == {"nas"}  # on each node
    assert main(["list", "vms", "--storage", "nas"]) == 64
    assert "only applies to `list storage`" in capsys.readouterr().err


def test_list_table_output_has_headers(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["list", "cts"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["VMID", "NAME", "NODE", "STATUS"]
    assert "pihole" in out


def test_yaml_output(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["describe", "vm", "web-01", "-o", "yaml"]) == 0
    out = capsys.readouterr().out
    assert "vmid: 101" in out and "net0:" in out


@pytest.mark.parametrize("argv", [
    ["start", "vm", "99"], ["stop", "vm", "1000000000"], ["shutdown", "ct", "bad_name!"],
    ["reboot", "vm", "-5"], ["suspend", "vm", "web 01"], ["resume", "ct", "abc..def"],
    ["delete", "vm", "42", "--yes"], ["start", "vm", "101", "--timeout", "0"],
    ["delete", "ct", "200", "--yes", "--timeout", "-1"], ["list", "vms", "-l", "color=blue"],
])
def test_bad_input_to_writes_is_rejected_before_anything_is_sent(
        cli_env: SimulatorThread, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = requests_seen(cli_env)
    assert main(argv) == 64
    assert "error:" in capsys.readouterr().err
    assert requests_seen(cli_env) == before


def test_usage_errors_exit_64_not_2_which_means_changes(cli_env: SimulatorThread) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["start", "disk", "101"])
    assert exc.value.code == 64


def test_dry_run_changes_nothing(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    tasks_before = cli_env.call(lambda: len(cli_env.sim.cluster.tasks))
    data = run_json(capsys, "stop", "vm", "101", "--dry-run")
    assert isinstance(data, dict) and data["dry_run"] is True and data["upid"] is None
    assert cli_env.call(lambda: cli_env.sim.cluster.guests[101].status) == "running"
    assert cli_env.call(lambda: len(cli_env.sim.cluster.tasks)) == tasks_before


def test_start_and_stop_with_wait(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "start", "vm", "dev-sandbox", "--wait")
    assert isinstance(data, dict) and data["exitstatus"] == "OK"
    assert cli_env.call(lambda: cli_env.sim.cluster.guests[109].status) == "running"
    capsys.readouterr()
    assert main(["stop", "vm", "109", "--wait"]) == 0
    captured = capsys.readouterr()
    assert "TASK OK" in captured.err  # progress: the task log is shown while waiting
    assert cli_env.call(lambda: cli_env.sim.cluster.guests[109].status) == "stopped"


def test_delete_asks_for_confirmation_and_refuses_without_a_terminal(
        cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete", "vm", "109"]) == 6
    assert "--yes" in capsys.readouterr().err
    assert cli_env.call(lambda: 109 in cli_env.sim.cluster.guests)


def test_delete_with_typed_name(cli_env: SimulatorThread, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("pmpc_tui.commands.context._ask", lambda prompt: "wrong-name")
    assert main(["delete", "vm", "109"]) == 6
    assert cli_env.call(lambda: 109 in cli_env.sim.cluster.guests)
    monkeypatch.setattr("pmpc_tui.commands.context._ask", lambda prompt: "dev-sandbox")
    assert main(["delete", "vm", "109"]) == 0
    assert cli_env.call(lambda: 109 not in cli_env.sim.cluster.guests)


def test_delete_running_guest_is_refused_with_next_step(cli_env: SimulatorThread,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["delete", "vm", "101", "--yes"]) == 7  # conflict: running
    assert "proxmox-mpc stop vm 101" in capsys.readouterr().err


def test_not_found_exit_code(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["describe", "vm", "4242"]) == 4
    assert main(["start", "ct", "101"]) == 4  # 101 is a VM, not a container
    assert "use `vm` instead" in capsys.readouterr().err


def test_permission_denied_names_the_privilege(cli_env: SimulatorThread, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("AUDIT_TOKEN", cli_env.info.auditor_token_secret)
    assert main(["connect", "audit", "--url", cli_env.info.url, "--token-id", cli_env.info.auditor_token_id,
                 "--secret-env", "AUDIT_TOKEN", "--fingerprint", cli_env.info.fingerprint]) == 0
    capsys.readouterr()
    assert main(["-p", "audit", "stop", "vm", "101"]) == 5
    err = capsys.readouterr().err
    assert "VM.PowerMgmt" in err and "/vms/101" in err
    assert cli_env.info.auditor_token_secret not in err


def test_wrong_secret_exit_3(cli_env: SimulatorThread, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LAB_TOKEN", "not-the-secret")
    assert main(["list", "vms"]) == 3
    assert "not-the-secret" not in capsys.readouterr().err


def test_secret_file_must_be_private(cli_env: SimulatorThread, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "token"
    secret.write_text(cli_env.info.token_secret)
    os.chmod(secret, 0o644)
    assert main(["connect", "filelab", "--url", cli_env.info.url, "--token-id", cli_env.info.token_id,
                 "--secret-file", str(secret), "--fingerprint", cli_env.info.fingerprint]) == 3
    assert "chmod 600" in capsys.readouterr().err
    os.chmod(secret, 0o600)
    assert main(["connect", "filelab", "--url", cli_env.info.url, "--token-id", cli_env.info.token_id,
                 "--secret-file", str(secret), "--fingerprint", cli_env.info.fingerprint]) == 0


def test_unpinned_self_signed_certificate_is_refused_with_fingerprint(
        cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["connect", "nopin", "--url", cli_env.info.url, "--token-id", cli_env.info.token_id,
                 "--secret-env", "LAB_TOKEN"]) == 3
    err = capsys.readouterr().err
    assert cli_env.info.fingerprint in err and "--fingerprint" in err


def test_sync_then_tasks_and_task_log(cli_env: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "sync")
    assert isinstance(data, dict) and data["vms"] == 11 and data["containers"] == 7
    started = run_json(capsys, "start", "vm", "109", "--wait")
    assert isinstance(started, dict)
    tasks = run_json(capsys, "tasks")
    assert isinstance(tasks, list) and any(t["upid"] == started["upid"] for t in tasks)
    log = run_json(capsys, "tasks", "log", started["upid"])
    assert isinstance(log, list) and log[-1] == "TASK OK"


def test_no_profile_explains_how_to_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    assert main(["list", "vms"]) == 3
    err = capsys.readouterr().err
    assert "proxmox-mpc connect" in err and "--demo" in err


def test_a_command_run_as_a_process_keeps_its_exit_code_and_all_its_output(tmp_path: Path) -> None:
    """#13: the process leaves without tearing down the interpreter; nothing of the output may be lost."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("PMPC_")}
    env.update(PMPC_CONFIG_DIR=str(tmp_path / "config"), PMPC_STATE_DIR=str(tmp_path / "state"))

    def cli(*argv: str, cwd: Path = tmp_path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pmpc_tui", *argv], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    assert cli("init", str(tmp_path / "ws")).returncode == 0
    guests = "".join(f'resource "proxmox_virtual_environment_vm" "vm{i}" {{\n  node_name = "pve1"\n'
                     f'  vm_id     = {100 + i}\n  cpu {{\n    cores = 0\n  }}\n}}\n' for i in range(200))
    (tmp_path / "ws" / "terraform" / "guests.tf").write_text(guests)
    found = cli("validate", "--offline", "-o", "json", cwd=tmp_path / "ws")
    assert found.returncode == 2
    findings = json.loads(found.stdout)  # the whole document arrived
    assert sum("cores: 0 is below the minimum" in f["message"] for f in findings) == 200
    assert cli("validate", "--no-such-option").returncode == 64
