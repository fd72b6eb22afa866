"""Bad input at the edge for `download URL`: exit 64, one short line, nothing sent to the cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from edge_moves_support import assert_refused_sending_nothing, edge_lab

from pmpc_tui.simulator.server import SimulatorThread

GOOD = "https://example.org/debian.iso"
WHERE = ["--node", "pve1", "--storage", "local"]
CASES = [
    ["download"], ["download", GOOD], ["download", GOOD, "--node", "pve1"], ["download", GOOD, "--storage", "local"],
    ["download", "ftp://example.org/a.iso", *WHERE], ["download", "example.org/a.iso", *WHERE],
    ["download", "https:///a.iso", *WHERE], ["download", "https://exa mple.org/a.iso", *WHERE],
    ["download", "https://example.org/a.iso\n", *WHERE], ["download", "https://exämple.org/a.iso", *WHERE],
    ["download", "https://example.org:99999/a.iso", *WHERE], ["download", "https://" + "a" * 3000 + ".iso", *WHERE],
    ["download", "https://example.org/", *WHERE], ["download", "https://example.org/setup.exe", *WHERE],
    ["download", GOOD, *WHERE, "--filename", ""], ["download", GOOD, *WHERE, "--filename", "x.txt"],
    ["download", GOOD, *WHERE, "--filename", "a/b.iso"], ["download", GOOD, *WHERE, "--filename", "x" * 300 + ".iso"],
    ["download", GOOD, *WHERE, "--checksum", "sha256"], ["download", GOOD, *WHERE, "--checksum", "crc32:abcd"],
    ["download", GOOD, *WHERE, "--checksum", "sha256:xyz"], ["download", GOOD, *WHERE, "--checksum", "md5:" + "0" * 31],
    ["download", GOOD, *WHERE, "--checksum", ""], ["download", GOOD, "--node", "pve 1", "--storage", "local"],
    ["download", GOOD, "--node", "pve1", "--storage", "Local!"], ["download", GOOD, *WHERE, "--timeout", "0"],
    ["download", GOOD, *WHERE, "--timeout", "nan"], ["download", GOOD, *WHERE, "-o", "xml"],
]


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorThread]:
    yield from edge_lab(tmp_path_factory.mktemp("edge-download"))


@pytest.mark.parametrize("argv", CASES, ids=[f"download-{i}" for i in range(len(CASES))])
def test_bad_download_input_is_refused_with_exit_64_and_sends_nothing(sim: SimulatorThread, argv: list[str]) -> None:
    assert_refused_sending_nothing(sim, argv)
