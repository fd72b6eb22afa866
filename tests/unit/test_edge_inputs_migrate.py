"""Bad input at the edge for `migrate`: exit 64, one short line, nothing sent (issue #16)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import BAD_GUESTS, BAD_NODES, BAD_STORAGES, assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

CASES = ([["migrate", "vm", g, "pve2"] for g in BAD_GUESTS] + [["migrate", "ct", "200", n] for n in BAD_NODES]
         + [["migrate", "vm", "109", "pve2", "--target-storage", s] for s in BAD_STORAGES]
         + [["migrate"], ["migrate", "vm", "101"], ["migrate", "vmz", "101", "pve2"],
            ["migrate", "ct", "200", "pve2", "--online"], ["migrate", "ct", "200", "pve2", "--with-local-disks"],
            ["migrate", "vm", "101", "pve2", "--timeout", "0"], ["migrate", "vm", "101", "pve2", "--timeout", "nan"],
            ["migrate", "vm", "101", "pve2", "--restart"], ["migrate", "vm", "101", "pve2", "-o", "xml"]])


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-migrate"))


@pytest.mark.parametrize("argv", CASES, ids=[f"migrate-{i}" for i in range(len(CASES))])
def test_bad_migrate_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)
