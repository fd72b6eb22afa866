"""Bad input at the edge for `snapshot …` and `import --guest`: exit 64, one short line, nothing sent
(the table of tests/unit/test_edge_inputs.py, for the snapshot command of issue #15)."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

BAD_VMIDS = ["\uff11\uff10\uff19", "99", "1000000000", "-1", "", "$(id)", "9" * 5000, "0109", "10 9", "+109"]
BAD_NAMES = ["", "1abc", "a", "x" * 41, "has space", "current", "PENDING", "$(id)", "sn\uff41p", "-dash", "a/b",
             "snap;rm", "名前"]


def _cases() -> list[list[str]]:
    cases: list[list[str]] = []
    for vmid in BAD_VMIDS:
        cases.append(["snapshot", "list", "vm", vmid])
        cases.append(["snapshot", "create", "vm", vmid, "good-name"])
        cases.append(["snapshot", "rollback", "ct", vmid, "good-name", "--yes"])
    for name in BAD_NAMES:
        cases.append(["snapshot", "create", "vm", "web-01", name])
        cases.append(["snapshot", "rollback", "vm", "101", name, "--yes"])
        cases.append(["snapshot", "delete", "ct", "pihole", name, "--yes"])
    cases += [
        ["snapshot"], ["snapshot", "take", "vm", "101", "x1"], ["snapshot", "list", "vmz", "101"],
        ["snapshot", "list", "vm"], ["snapshot", "create", "vm", "101"],
        ["snapshot", "create", "ct", "pihole", "ram", "--vmstate"],  # containers have no RAM
        ["snapshot", "create", "vm", "101", "t1", "--timeout", "0"],
        ["snapshot", "create", "vm", "101", "t1", "--timeout", "nan"],
        ["snapshot", "rollback", "vm", "101", "t1", "--force"],  # --force belongs to delete
        ["snapshot", "delete", "vm", "101", "t1", "--start"],
        ["snapshot", "list", "vm", "101", "-o", "xml"],
        ["import", "--guest", "abc"], ["import", "--guest", "\uff11\uff10\uff11"], ["import", "--guest", "99"],
    ]
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One simulator and one workspace for the whole table (nothing in it may change them)."""
    home = tmp_path_factory.mktemp("edge-snap")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        ws = home / "ws"
        assert main(["init", str(ws)]) == 0
        old = Path.cwd()
        os.chdir(ws)
        try:
            yield sim, ws
        finally:
            os.chdir(old)


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize("argv", CASES, ids=[f"{a[1] if len(a) > 1 else a[0]}-{i}" for i, a in enumerate(CASES)])
def test_bad_snapshot_input_is_refused_with_exit_64_and_sends_nothing(workspace: tuple[SimulatorThread, Path],
                                                                     argv: list[str]) -> None:
    sim, ws = workspace
    before = int(sim.control("GET", "/state")["requests"])
    files_before = sorted(p.name for p in ws.iterdir())
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert "Traceback" not in err and "error" in err and len(err) < 3000, err[:400]
    assert int(sim.control("GET", "/state")["requests"]) == before, f"{argv} reached the simulator"
    assert sorted(p.name for p in ws.iterdir()) == files_before
