"""Two simulated clusters with a saved profile each ('east' and 'west'), for the several-clusters tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorThread


@contextlib.contextmanager
def two_clusters(home: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    """Two homelab simulators, profiles 'east' (active) and 'west', config and state under `home`."""
    with pytest.MonkeyPatch.context() as mp, SimulatorThread(task_speed=0.02) as east, \
            SimulatorThread(task_speed=0.02) as west:
        mp.setenv("PMPC_CONFIG_DIR", str(home / "config"))
        mp.setenv("PMPC_STATE_DIR", str(home / "state"))
        for name in ("PMPC_PROFILE", "PMPC_DATABASE_URL", "PMPC_WORKSPACE"):
            mp.delenv(name, raising=False)
        mp.chdir(home)  # no workspace around
        for name, sim in (("west", west), ("east", east)):
            mp.setenv(f"{name.upper()}_TOKEN", sim.info.token_secret)
            assert main(["connect", name, "--url", sim.info.url, "--token-id", sim.info.token_id, "--secret-env",
                         f"{name.upper()}_TOKEN", "--fingerprint", sim.info.fingerprint]) == 0
        yield east, west


def requests_seen(sim: SimulatorThread) -> int:
    """How many API requests the simulator has answered."""
    return int(sim.control("GET", "/state")["requests"])


def two_cluster_workspace(home: Path) -> Path:
    """`init --cluster east --profile east --cluster west --profile west`, then `import` of both (in `home`)."""
    from iac_support import run_cli

    root = home / "infra"
    assert run_cli(home, "init", str(root), "--cluster", "east", "--profile", "east",
                   "--cluster", "west", "--profile", "west") == 0
    assert run_cli(root, "import") == 0
    return root
