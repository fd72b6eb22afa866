"""Bad input at the edge for `ask "REQUEST"`: exit 64, one short line, nothing sent to the cluster."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

CASES = [["ask"], ["ask", ""], ["ask", "   "], ["ask", "--explain"], ["ask", "--explain", ""],
         ["ask", "list vms", "-o", "xml"], ["ask", "list vms", "--bogus"], ["ask", "--yes", "\t"]]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    home = tmp_path_factory.mktemp("edge-ask")
    with SimulatorThread(task_speed=0.02) as thread, cli_environment(thread, home):
        yield thread


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize("argv", CASES, ids=[f"ask-{i}" for i in range(len(CASES))])
def test_bad_ask_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    before = int(sim.control("GET", "/state")["requests"])
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert "Traceback" not in err and "error" in err and len(err) < 3000, err[:400]
    assert int(sim.control("GET", "/state")["requests"]) == before, f"{argv} reached the simulator"
