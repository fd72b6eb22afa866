"""Bad input at the edge for `clone`: exit 64, one short line, nothing sent (issue #16)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import BAD_GUESTS, BAD_NODES, BAD_STORAGES, assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

BAD_NAMES = ["", "has space", "web_01", "-web", "$(id)", "名前", "x" * 300, "123"]
CASES = ([["clone", "vm", g, "--name", "copy"] for g in BAD_GUESTS]
         + [["clone", "vm", "100", "--name", n] for n in BAD_NAMES]
         + [["clone", "vm", "100", "--name", "copy", "--vmid", v] for v in ("99", "abc", "\uff11\uff15\uff10", "")]
         + [["clone", "vm", "100", "--name", "copy", "--node", n] for n in BAD_NODES]
         + [["clone", "vm", "100", "--name", "copy", "--storage", s] for s in BAD_STORAGES]
         + [["clone"], ["clone", "vm", "100"], ["clone", "vmz", "100", "--name", "copy"],
            ["clone", "vm", "100", "--name", "copy", "--linked", "--storage", "nas"],
            ["clone", "vm", "100", "--name", "copy", "--timeout", "-1"],
            ["clone", "vm", "100", "--name", "c", "--full"]])


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-clone"))


@pytest.mark.parametrize("argv", CASES, ids=[f"clone-{i}" for i in range(len(CASES))])
def test_bad_clone_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)
