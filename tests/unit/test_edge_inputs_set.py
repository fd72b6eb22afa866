"""Bad input to `set`: a short usage error (exit 64) and nothing sent to the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("edge-set")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


@pytest.mark.parametrize("argv", [
    ("vm", "101"), ("vm", "101", "--cores", "0"), ("vm", "101", "--cores", "two"), ("vm", "101", "--memory", "8"),
    ("ct", "200", "--balloon", "256"), ("vm", "101", "--onboot", "maybe"), ("vm", "101", "--tags", "a b!"),
    ("vm", "101", "--memory", "1024", "--balloon", "2048"), ("vm", "101", "--description", "x" * 9000),
    ("vm", "101", "--cores", "2", "--timeout", "-1"), ("vm", "１０１", "--cores", "2"),
])
def test_bad_set_input_is_a_usage_error_and_sends_nothing(lab, capsys, argv) -> None:
    sim, home = lab
    before = int(sim.control("GET", "/state")["writes"])
    try:
        code = run_cli(home, "set", *argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert "Traceback" not in err and int(sim.control("GET", "/state")["writes"]) == before
