"""Bad input at the edge: every registry command, given bad arguments, exits with a documented code, says
what is wrong in a short line (no traceback) and sends nothing to the simulator."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.commands.registry import COMMANDS
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

FULL_WIDTH_109 = "\uff11\uff10\uff19"  # what an IME types for 109
HUGE = "9" * 5000
LONG_NAME = "a" * 500
BAD_VMIDS = [FULL_WIDTH_109, "99", "1000000000", "-1", "", "$(id)", HUGE, "0109", "\u0661\u0660\u0669", "10 9", "+109"]
BAD_URLS = ["not a url", "https://127.0.0.1:99999", "https://[::1:4998", "http://pve1:8006", "https://", "https://:8006",
            "https://pve1:0", "https://pve1:8006/some/path", "https://user:pw@pve1:8006", "https://$(id):8006",
            "https://" + "a" * 3000, "https://pve\uff11:8006", "https://::1:8006", "https://[pve1]:8006"]
BAD_PROFILE_NAMES = ["\u00fcn\u00ef", LONG_NAME, "", "$(id)", "..", "-x", "a/b", "a b"]


def _cases() -> list[tuple[str, list[str]]]:
    """(command, argv) pairs: each must be refused with a usage error before anything is sent."""
    cases: list[tuple[str, list[str]]] = []
    add = cases.append
    for port in ("70000", "-1", "\uff18\uff10", "x"):
        add(("simulator", ["simulator", "--port", port]))
    for flag, value in (("--fault-rate", "1.5"), ("--fault-rate", "nan"), ("--latency-ms", "-5"),
                        ("--task-speed", "0"), ("--task-speed", "inf"), ("--nodes", "0"), ("--vms", "-3")):
        add(("simulator", ["simulator", flag, value]))
    login = ["--token-id", "root@pam!mpc", "--secret-env", "PVE_TOKEN"]
    for url in BAD_URLS:
        add(("connect", ["connect", "edge", "--url", url, *login]))
    for name in BAD_PROFILE_NAMES:
        add(("connect", ["connect", name, "--url", "https://pve1:8006", *login]))
    add(("connect", ["connect", "edge", "--url", "https://pve1:8006", "--ca-bundle", "/nonexist.pem", *login]))
    add(("connect", ["connect", "edge", "--url", "https://pve1:8006", "--ca-bundle", "/", *login]))
    add(("connect", ["connect", "edge", "--url", "https://pve1:8006", "--token-id", "root@pam!mpc",
                     "--secret-env", "$(id)"]))
    add(("connect", ["connect", "edge", "--url", "https://pve1:8006", "--token-id", "nobody", "--secret-env", "X"]))
    add(("profiles", ["profiles", "extra"]))
    add(("test-connection", ["test-connection", "extra"]))
    add(("sync", ["sync", "--everything"]))
    add(("list", ["list", "vmz"]))
    add(("list", ["list", "vms", "-l", "color=blue"]))
    add(("list", ["list", "nodes", "--status", "running"]))
    add(("list", ["list", "vms", "--sort", "$(id)"]))
    for vmid in BAD_VMIDS:
        add(("describe", ["describe", "vm", vmid]))
        add(("delete", ["delete", "vm", vmid, "--yes"]))
        for action in ("start", "stop", "shutdown", "reboot", "suspend", "resume"):
            add((action, [action, "ct" if action == "resume" else "vm", vmid]))
    for name in ("web 01", "bad_name!", "-web", "web-\u00fc", "a" * 300, "web-01\n"):
        add(("stop", ["stop", "vm", name]))
    for timeout in ("0", "-1", "nan", "\uff11"):
        add(("start", ["start", "vm", "101", "--timeout", timeout]))
        add(("delete", ["delete", "ct", "200", "--yes", "--timeout", timeout]))
    add(("backup", ["backup", "create", "vm", FULL_WIDTH_109]))  # the rest: tests/unit/test_backups.py
    add(("tasks", ["tasks", "log"]))
    add(("tasks", ["tasks", "log", "$(id)"]))
    add(("tasks", ["tasks", "--limit", "0"]))
    add(("tasks", ["tasks", "--limit", "\uff15"]))
    add(("init", ["init", ""]))
    add(("init", ["init", "/proc/nope"]))
    add(("init", ["init", "x" * 5000]))
    add(("init", ["init", "."]))  # already a workspace
    add(("import", ["import", "--force", "--merge"]))
    for vmid in (FULL_WIDTH_109, "42", "-1", "", "$(id)", HUGE):
        add(("create", ["create", "vm", "--name", "edge-01", "--node", "pve1", "--vmid", vmid]))
    add(("create", ["create", "vm", "--name", "edge-01", "--node", "pve1", "--cores", "\uff12"]))
    add(("create", ["create", "vm", "--name", "$(id)", "--node", "pve1"]))
    add(("create", ["create", "vm", "--name", "edge-01", "--node", "pve1", "--memory", "-5"]))
    for target in ("", "-1", "$(id)", FULL_WIDTH_109, "99", HUGE, "web 01", "a.b.c.d!"):
        add(("plan", ["plan", "--target", target]))
        add(("destroy", ["destroy", "--target", target, "--yes"]))
    for plan_file in ("/dev/zero", "/nonexistent.plan", "/", "proxmox-mpc.yaml", "huge.plan", "old.plan",
                      "list.plan", ""):
        add(("apply", ["apply", plan_file, "-y"]))
    for argv in (["history", "show"], ["history", "show", "HEAD;rm"], ["history", "--limit", "0"],
                 ["history", "list", "HEAD"], ["history", "forget"], ["history", "show", "a..b"]):
        add(("history", argv))
    for rev in ("$(id)", "-x", "", "a" * 300, "HEAD..main"):
        add(("revert", ["revert", rev]))
        add(("plan", ["plan", "--against", rev]))
    add(("plan", ["plan", "--against", "HEAD", "--out", "x.plan"]))
    add(("validate", ["validate", "extra"]))
    add(("drift", ["drift", "--all"]))
    add(("test", ["test", "extra"]))
    for flag, value in (("--since", "soon"), ("--since", "\uff13\uff10m"), ("--level", "loud"), ("--limit", "0"),
                        ("--limit", "-1")):
        add(("logs", ["logs", flag, value]))
    add(("debug", ["debug", "maybe"]))
    add(("health", ["health", "--deep"]))
    add(("report-issue", ["report-issue", ""]))
    add(("report-issue", ["report-issue", "x" * 5000]))
    add(("report-issue", ["report-issue", "apply fails", "--minutes", "0"]))
    add(("state", ["state", "fix"]))
    add(("state", ["state"]))
    add(("state", ["state", "check", "--deep"]))
    for port in ("70000", "0", "-1", "\uff18"):
        add(("mcp", ["mcp", "--transport", "http", "--port", port]))
    add(("mcp", ["mcp", "--transport", "ftp"]))
    add(("list", ["-o", "xml", "list", "vms"]))
    add(("list", ["--refresh", "nan", "list", "vms"]))
    return cases


CASES = _cases()


def test_the_table_covers_every_registry_command() -> None:
    elsewhere = {p.stem.removeprefix("test_edge_inputs_") for p in Path(__file__).parent.glob("test_edge_inputs_*.py")}
    assert {c.name for c in COMMANDS} <= {name for name, _ in CASES} | elsewhere


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One simulator and one imported workspace for the whole table (nothing in it may change them)."""
    home = tmp_path_factory.mktemp("edge")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        ws = home / "ws"
        assert main(["init", str(ws)]) == 0
        old = Path.cwd()
        os.chdir(ws)
        try:
            assert main(["import"]) == 0
            (ws / "huge.plan").touch()
            os.truncate(ws / "huge.plan", 65 * 2**20)  # sparse: bigger than a plan file may be
            (ws / "old.plan").write_text('{"format_version": 0, "resources": []}')
            (ws / "list.plan").write_text("[1, 2, 3]")
            yield sim, ws
        finally:
            os.chdir(old)


def requests_seen(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["requests"])


def run(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in-process; return the exit code and what it wrote to stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


def assert_short_error(err: str) -> None:
    assert "Traceback" not in err and "error" in err, err
    assert len(err) < 3000, err[:400]


@pytest.mark.parametrize(("command", "argv"), CASES, ids=[f"{c}-{i}" for i, (c, _a) in enumerate(CASES)])
def test_bad_input_is_refused_with_exit_64_and_sends_nothing(workspace: tuple[SimulatorThread, Path], command: str,
                                                           argv: list[str]) -> None:
    sim, ws = workspace
    before = requests_seen(sim)
    files_before = sorted(p.name for p in ws.iterdir())
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert_short_error(err)
    assert requests_seen(sim) == before, f"{argv} reached the simulator"
    assert sorted(p.name for p in ws.iterdir()) == files_before


def test_full_width_digits_never_name_a_guest(workspace: tuple[SimulatorThread, Path]) -> None:
    sim, _ws = workspace
    code, err = run(["delete", "vm", FULL_WIDTH_109, "--yes"])
    assert code == ExitCode.USAGE and "not a VMID" in err
    assert sim.call(lambda: 109 in sim.sim.cluster.guests)


def test_an_unknown_target_stops_the_plan_and_lists_valid_ones(workspace: tuple[SimulatorThread, Path]) -> None:
    sim, _ws = workspace
    code, err = run(["plan", "--target", "99999"])
    assert code == ExitCode.USAGE, err
    assert "'99999'" in err and "names no guest" in err and "e.g. backup-server" in err
    code, err = run(["destroy", "--target", "nope-01", "--yes"])
    assert code == ExitCode.USAGE and "'nope-01'" in err
    assert sim.call(lambda: len(sim.sim.cluster.guests)) == 18  # nothing destroyed


def test_a_known_target_still_plans(workspace: tuple[SimulatorThread, Path]) -> None:
    for target in ("web-01", "101", "proxmox_virtual_environment_vm.web_01"):
        code, err = run(["plan", "--target", target])
        assert code == ExitCode.OK, (target, err)


def test_a_profile_with_an_unusable_name_in_the_config_is_a_short_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.yaml").write_text(f"active: {LONG_NAME}\nprofiles:\n  {LONG_NAME}:\n    url: https://pve1:8006\n")
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(config))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)  # outside any workspace
    code, err = run(["sync", "--db-only"])
    assert code == ExitCode.CONNECT, err
    assert_short_error(err)
    assert "cannot be used" in err
    assert all(len(p.name) < 100 for p in tmp_path.rglob("*"))  # no state folder named after it


def test_a_profile_saved_with_a_bad_url_before_the_check_is_a_short_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.yaml").write_text("active: old\nprofiles:\n  old:\n    url: https://127.0.0.1:99999\n"
                                        "    secret_ref: OLD_TOKEN\n")
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(config))
    monkeypatch.setenv("OLD_TOKEN", "x")
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    code, err = run(["list", "vms"])
    assert code == ExitCode.CONNECT and "is not usable" in err
    assert_short_error(err)


def test_a_config_file_that_is_not_yaml_is_a_short_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.yaml").write_bytes(b"active: [\xff\n")
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(config))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    code, err = run(["list", "vms"])
    assert code == ExitCode.CONNECT and "config.yaml" in err
    assert_short_error(err)


@pytest.mark.parametrize("content", [b"profile: lab\n\xff\xfe\n", b"profile: [lab\n", b"version: many\n",
                                     b"defaults: {node: [1, 2]}\n", b"- a list\n"])
def test_a_broken_workspace_file_stops_every_command_with_its_name_and_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    (tmp_path / "proxmox-mpc.yaml").write_bytes(content)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    for argv in (["list", "vms"], ["profiles"], ["plan"], ["logs"]):
        code, err = run(argv)
        assert code == ExitCode.DOES_NOT_PARSE, (argv, err)
        assert_short_error(err)
        assert "proxmox-mpc.yaml" in err
    if b"\xff" in content:
        assert "proxmox-mpc.yaml:2: not UTF-8" in err


# ---- a few as real processes: what a shell user sees -----------------------------------------------
@pytest.mark.parametrize("argv", [
    ["delete", "vm", FULL_WIDTH_109, "--yes"],
    ["connect", "edge", "--url", "https://[::1:4998", "--token-id", "root@pam!mpc", "--secret-env", "X"],
    ["apply", "/dev/zero", "-y"],
    ["mcp", "--transport", "http", "--port", "70000"],
    ["start", "vm", "101", "--no-such-flag"],
])
def test_bad_input_from_a_shell_exits_64_quickly(workspace: tuple[SimulatorThread, Path], argv: list[str]) -> None:
    sim, ws = workspace
    before = requests_seen(sim)
    result = subprocess.run([sys.executable, "-m", "pmpc_tui", *argv], cwd=ws, capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == ExitCode.USAGE, result.stderr
    assert_short_error(result.stderr)
    assert requests_seen(sim) == before


def test_an_unexpected_failure_is_one_line_and_its_traceback_goes_to_the_log(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import pmpc_tui.commands.handlers as handlers

    async def broken(ctx: object, args: object) -> None:
        raise RuntimeError("boom in a handler")

    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(handlers, "profiles", broken)
    code, err = run(["profiles"])
    assert code == ExitCode.ERROR
    assert_short_error(err)
    assert "RuntimeError: boom in a handler" in err and "proxmox-mpc logs" in err
    monkeypatch.undo()
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["logs", "--level", "error", "-o", "json"]) == ExitCode.OK
    entries = json.loads(out.getvalue())
    assert any("boom in a handler" in json.dumps(e) and "Traceback" in json.dumps(e) for e in entries), entries
