"""Bad input at the edge for `serve`: exit 64, one short line, nothing sent and no server started."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from edge_moves_support import assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

CASES = [["serve", "--port", "70000"], ["serve", "--port", "-1"], ["serve", "--port", "\uff18"],
         ["serve", "--port", "http"], ["serve", "--cert", "/nonexistent.pem"], ["serve", "--key", "/etc/hostname"],
         ["serve", "--cert", "/nonexistent.pem", "--key", "/nonexistent.key"],
         ["serve", "--cert", "/etc/hostname", "--key", "/etc/hostname"], ["serve", "--tls", "off"],
         ["serve", "extra"]]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-serve"))


@pytest.mark.parametrize("argv", CASES, ids=[f"serve-{i}" for i in range(len(CASES))])
def test_bad_serve_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)


def test_a_refused_serve_makes_no_certificate(sim: SimulatorThread, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    assert_refused_sending_nothing(sim, ["serve", "--port", "70000"])
    assert not (tmp_path / "web").exists()
