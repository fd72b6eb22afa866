"""Bad input at the edge for `template`: exit 64, one short line, nothing sent (issue #16)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import BAD_GUESTS, assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

CASES = ([["template", "vm", g, "--yes"] for g in BAD_GUESTS]
         + [["template"], ["template", "vm"], ["template", "box", "109"], ["template", "vm", "109", "--force"],
            ["template", "vm", "109", "--timeout", "0", "--yes"], ["template", "vm", "109", "--no-wait"]])


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-template"))


@pytest.mark.parametrize("argv", CASES, ids=[f"template-{i}" for i in range(len(CASES))])
def test_bad_template_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)
