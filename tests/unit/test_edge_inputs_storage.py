"""Bad input at the edge for `storage content` and `tasks stop`: exit 64, one short line, nothing sent."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

CASES = [
    ["storage"], ["storage", "list", "local"], ["storage", "content"], ["storage", "content", "local"],
    ["storage", "content", "lo cal", "--node", "pve1"], ["storage", "content", "$(id)", "--node", "pve1"],
    ["storage", "content", "", "--node", "pve1"], ["storage", "content", "LOCAL", "--node", "pve1"],
    ["storage", "content", "x" * 5000, "--node", "pve1"], ["storage", "content", "local", "--node", ""],
    ["storage", "content", "local", "--node", "pve 1"], ["storage", "content", "local", "--node", "-pve1"],
    ["storage", "content", "local", "--node", "pve\uff11"], ["storage", "content", "local", "--node", "pve1",
                                                               "--type", "isos"],
    ["storage", "content", "local", "--node", "pve1", "--type", ""],
    ["storage", "content", "local", "--node", "pve1", "-o", "xml"],
    ["tasks", "stop"], ["tasks", "stop", "UPID:broken"], ["tasks", "stop", "not-a-upid", "--yes"],
    ["tasks", "stop", "$(id)"], ["tasks", "halt", "UPID:pve1:00000001:00000001:00000001:qmstart:101:root@pam:"],
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    home = tmp_path_factory.mktemp("edge-storage")
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


@pytest.mark.parametrize("argv", CASES, ids=[f"{a[0]}-{i}" for i, a in enumerate(CASES)])
def test_bad_storage_and_task_stop_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread,
                                                                                   argv: list[str]) -> None:
    before = int(sim.control("GET", "/state")["requests"])
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert "Traceback" not in err and "error" in err and len(err) < 3000, err[:400]
    assert int(sim.control("GET", "/state")["requests"]) == before, f"{argv} reached the simulator"


