"""Shared by the bad-input tables of `migrate`, `clone` and `template`: one simulator, a CLI run, the check."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

BAD_GUESTS = ["\uff11\uff10\uff19", "99", "1000000000", "-1", "", "$(id)", "9" * 5000, "0109", "10 9", "a/b", "名前"]
BAD_NODES = ["", "pve_1", "-pve", "pve 2", "$(id)", "p" * 70, "ｐｖｅ2", "pve2;rm"]
BAD_STORAGES = ["", "Local", "1nas", "nas/x", "$(id)", "l" * 5000 + "/"]


def edge_lab(tmp_path: Path) -> Iterator[SimulatorThread]:
    """A simulator and CLI environment (the table changes nothing in it)."""
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, tmp_path):
        yield sim


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


def assert_refused_sending_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    """Exit 64, one short error without a traceback, and not one request reached the simulator."""
    before = int(sim.control("GET", "/state")["requests"])
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert "Traceback" not in err and "error" in err and len(err) < 3000, err[:400]
    assert int(sim.control("GET", "/state")["requests"]) == before, f"{argv} reached the simulator"
