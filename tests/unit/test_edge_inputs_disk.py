"""Bad input to `disk move|detach|delete`: a short usage error (exit 64) and nothing sent to the API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("edge-disk")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


@pytest.mark.parametrize("argv", [
    ("move", "vm", "101", "scsi0"), ("move", "vm", "101", "scsi0", "--storage", "nas", "--to-vmid", "102"),
    ("move", "vm", "101", "scsi0", "--storage", "bad storage!"), ("move", "vm", "101", "scsi0", "--to-vmid", "5"),
    ("move", "vm", "101", "scsi0", "--to-vmid", "109", "--delete-source"),
    ("move", "vm", "101", "scsi0", "--to-vmid", "109", "--to-disk", "unused0"),
    ("move", "vm", "101", "scsi0", "--storage", "nas", "--to-disk", "scsi1"),
    ("move", "ct", "200", "rootfs", "--to-vmid", "201"), ("move", "vm", "101", "rootfs", "--storage", "nas"),
    ("move", "vm", "101", "scsi0", "--storage", "local-lvm"), ("move", "vm", "101", "scsi0", "--to-vmid", "101"),
    ("move", "vm", "101", "scsi0", "--storage", "nas", "--timeout", "0"),
    ("detach", "vm", "101", "unused0"), ("detach", "ct", "200", "rootfs"), ("detach", "vm", "101", "disk1"),
    ("delete", "ct", "200", "rootfs", "--yes"), ("delete", "vm", "101", "scsi99", "--yes"),
    ("delete", "vm", "101", "ide2", "--yes"), ("frobnicate", "vm", "101", "scsi0"),
])
def test_bad_disk_input_is_a_usage_error_and_sends_nothing(lab, capsys, argv) -> None:
    sim, home = lab
    before = int(sim.control("GET", "/state")["writes"])
    try:
        code = run_cli(home, "disk", *argv)
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert "Traceback" not in err and int(sim.control("GET", "/state")["writes"]) == before
