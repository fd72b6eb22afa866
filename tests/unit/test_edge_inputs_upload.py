"""Bad input at the edge for `upload FILE`: exit 64, one short line, nothing sent to the cluster."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

WHERE = ["--node", "pve1", "--storage", "local"]


def _cases(files: Path) -> list[list[str]]:
    iso = str(files / "good.iso")
    return [
        ["upload"], ["upload", iso], ["upload", iso, "--node", "pve1"], ["upload", str(files / "missing.iso"), *WHERE],
        ["upload", str(files), *WHERE], ["upload", "", *WHERE], ["upload", "/dev/null", *WHERE],
        ["upload", str(files / "notes.txt"), *WHERE], ["upload", iso, *WHERE, "--filename", "x.exe"],
        ["upload", iso, *WHERE, "--filename", "../x.iso"], ["upload", iso, *WHERE, "--filename", ""],
        ["upload", iso, *WHERE, "--checksum", "sha256:zz"], ["upload", iso, *WHERE, "--checksum", "whirlpool:00"],
        ["upload", iso, "--node", "pve1", "--storage", "a b"], ["upload", iso, "--node", "$(id)", "--storage", "local"],
        ["upload", iso, *WHERE, "--timeout", "-1"], ["upload", iso, *WHERE, "-o", "xml"],
    ]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("edge-upload")
    files = home / "files"
    files.mkdir()
    (files / "good.iso").write_bytes(b"\0" * 2048)
    (files / "notes.txt").write_text("not an image\n")
    with SimulatorThread(task_speed=0.02) as thread, cli_environment(thread, home):
        yield thread, files


def run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, err.getvalue()


@pytest.mark.parametrize("case", range(17))
def test_bad_upload_input_is_refused_with_exit_64_and_sends_nothing(lab: tuple[SimulatorThread, Path],
                                                                    case: int) -> None:
    sim, files = lab
    argv = _cases(files)[case]
    before = int(sim.control("GET", "/state")["requests"])
    code, err = run(argv)
    assert code == ExitCode.USAGE, (argv, code, err)
    assert "Traceback" not in err and "error" in err and len(err) < 3000, err[:400]
    assert int(sim.control("GET", "/state")["requests"]) == before, f"{argv} reached the simulator"
    assert len(_cases(files)) == 17
