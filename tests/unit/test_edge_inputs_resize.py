"""Bad input to `resize`: a short usage error (exit 64) and nothing sent to the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("edge-resize")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


@pytest.mark.parametrize("argv", [
    ("vm", "101", "scsi0", "-5G"), ("vm", "101", "scsi0", "10X"), ("vm", "101", "scsi0", "+0"),
    ("vm", "101", "scsi0", "ten"), ("vm", "101", "rootfs", "+1G"), ("ct", "200", "scsi0", "+1G"),
    ("vm", "101", "scsi31", "+1G"), ("ct", "200", "mp256", "+1G"), ("vm", "web 01", "scsi0", "+1G"),
    ("vm", "101", "scsi0", "+1G", "--timeout", "0"),
])
def test_bad_resize_input_is_a_usage_error_and_sends_nothing(lab, capsys, argv) -> None:
    sim, home = lab
    before = int(sim.control("GET", "/state")["writes"])
    try:
        code = run_cli(home, "resize", *argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert "Traceback" not in err and int(sim.control("GET", "/state")["writes"]) == before
