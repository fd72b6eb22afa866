"""Bad input at the edge for `storage content` and `tasks stop`: exit 64, one short line, nothing sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

CASES = [
    ["storage"], ["storage", "list", "local"], ["storage", "content"], ["storage", "content", "local"],
    ["storage", "content", "lo cal", "--node", "pve1"], ["storage", "content", "$(id)", "--node", "pve1"],
    ["storage", "content", "", "--node", "pve1"], ["storage", "content", "LOCAL", "--node", "pve1"],
    ["storage", "content", "x" * 5000, "--node", "pve1"], ["storage", "content", "local", "--node", ""],
    ["storage", "content", "local", "--node", "pve 1"], ["storage", "content", "local", "--node", "-pve1"],
    ["storage", "content", "local", "--node", "pve\uff11"], ["storage", "content", "local", "--node", "pve1",
                                                               "--type", "isos"],
    ["storage", "content", "local", "--node", "pve1", "--type", ""],
    ["storage", "content", "local", "--node", "pve1", "-o", "xml"],
    ["tasks", "stop"], ["tasks", "stop", "UPID:broken"], ["tasks", "stop", "not-a-upid", "--yes"],
    ["tasks", "stop", "$(id)"], ["tasks", "halt", "UPID:pve1:00000001:00000001:00000001:qmstart:101:root@pam:"],
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-storage"))


@pytest.mark.parametrize("argv", CASES, ids=[f"{a[0]}-{i}" for i, a in enumerate(CASES)])
def test_bad_storage_and_task_stop_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread,
                                                                                   argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)


