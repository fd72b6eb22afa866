"""Bad input at the edge for `ask "REQUEST"`: exit 64, one short line, nothing sent to the cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

CASES = [["ask"], ["ask", ""], ["ask", "   "], ["ask", "--explain"], ["ask", "--explain", ""],
         ["ask", "list vms", "-o", "xml"], ["ask", "list vms", "--bogus"], ["ask", "--yes", "\t"]]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-ask"))


@pytest.mark.parametrize("argv", CASES, ids=[f"ask-{i}" for i in range(len(CASES))])
def test_bad_ask_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)
