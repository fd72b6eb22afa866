"""The exit-code table in docs/cli.md is the one in pmpc_tui/exit_codes.py, and a real scenario produces
each documented code."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import EPILOG, main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

REPO = Path(__file__).resolve().parents[2]


def documented_codes() -> dict[int, str]:
    """code → name from the table under `## Exit codes` in docs/cli.md."""
    text = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    section = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\| (\d+) \| ([A-Z_]+) \|", section, re.M)}


def test_the_documented_table_is_the_exit_code_table() -> None:
    assert documented_codes() == {c.value: c.name for c in ExitCode}
    assert all(f"{c.value} " in EPILOG for c in ExitCode)  # `proxmox-mpc --help` lists them too


@dataclass
class Env:
    sim: SimulatorThread
    ws: Path


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    home = tmp_path_factory.mktemp("codes")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        ws = home / "ws"
        assert main(["init", str(ws)]) == 0
        old = Path.cwd()
        os.chdir(ws)
        try:
            assert main(["import"]) == 0
            yield Env(sim, ws)
        finally:
            os.chdir(old)


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, err.getvalue()


@contextlib.contextmanager
def edited(path: Path, old: str, new: str) -> Iterator[None]:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    try:
        yield
    finally:
        path.write_text(text)


def ok(e: Env) -> tuple[int, str]:
    return run("list", "vms")


def server_error(e: Env) -> tuple[int, str]:
    e.sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "methods": ["POST"], "remaining": 1,
                                      "path_regex": "/status/start$"})
    try:
        return run("start", "vm", "109")
    finally:
        e.sim.control("POST", "/faults", {"rate": 0.0})


def changes(e: Env) -> tuple[int, str]:
    with edited(e.ws / "terraform" / "vm-101.tf", "dedicated = 2048", "dedicated = 4096"):
        return run("plan")


def cannot_connect(e: Env) -> tuple[int, str]:
    return run("-p", "nosuch", "list", "vms")


def not_found(e: Env) -> tuple[int, str]:
    return run("describe", "vm", "4242")


def permission(e: Env) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AUDIT_TOKEN", e.sim.info.auditor_token_secret)
        assert run("connect", "audit", "--url", e.sim.info.url, "--token-id", e.sim.info.auditor_token_id,
                   "--secret-env", "AUDIT_TOKEN", "--fingerprint", e.sim.info.fingerprint, "--no-activate")[0] == 0
        return run("-p", "audit", "stop", "vm", "101")


def refused(e: Env) -> tuple[int, str]:
    return run("delete", "vm", "109")  # no terminal to ask and no --yes


def conflict(e: Env) -> tuple[int, str]:
    return run("delete", "vm", "101", "--yes")  # running


def usage(e: Env) -> tuple[int, str]:
    return run("start", "vm", "\uff11\uff10\uff19")


def does_not_parse(e: Env) -> tuple[int, str]:
    with edited(e.ws / "terraform" / "vm-101.tf", "}\n", "\n"):  # a block left open
        return run("plan")


def interrupted(e: Env) -> tuple[int, str]:
    """Ctrl+C on a running CLI process (the simulator serving until stopped)."""
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "simulator", "--port", "0", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().startswith("{")
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, err


SCENARIOS: dict[int, Callable[[Env], tuple[int, str]]] = {
    ExitCode.OK: ok, ExitCode.ERROR: server_error, ExitCode.CHANGES: changes, ExitCode.CONNECT: cannot_connect,
    ExitCode.NOT_FOUND: not_found, ExitCode.PERMISSION: permission, ExitCode.REFUSED: refused,
    ExitCode.CONFLICT: conflict, ExitCode.USAGE: usage, ExitCode.DOES_NOT_PARSE: does_not_parse,
    ExitCode.INTERRUPTED: interrupted,
}


@pytest.mark.parametrize("code", sorted(documented_codes()))
def test_each_documented_exit_code_comes_from_a_real_scenario(env: Env, code: int) -> None:
    got, err = SCENARIOS[code](env)
    assert got == code, err
    assert "Traceback" not in err
    if code not in (ExitCode.OK, ExitCode.CHANGES):
        assert err.strip(), "an error code comes with a message on stderr"


def test_a_refused_confirmation_is_not_the_changes_code(env: Env) -> None:
    code, err = refused(env)
    assert code == ExitCode.REFUSED != ExitCode.CHANGES and "--yes" in err
    assert env.sim.call(lambda: 109 in env.sim.sim.cluster.guests)


def test_a_reader_that_stops_early_ends_the_listing_quietly(tmp_path: Path) -> None:
    """`proxmox-mpc --demo list vms | head -1`: a closed pipe is no error and prints no traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMPC_")}
    env.update(PMPC_CONFIG_DIR=str(tmp_path / "config"), PMPC_STATE_DIR=str(tmp_path / "state"))
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "--demo", "list", "vms"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the table is printed, like `head` exiting early
    err = proc.stderr.read().decode()
    assert proc.wait(60) == ExitCode.OK
    assert "Traceback" not in err and "BrokenPipe" not in err and "error" not in err
