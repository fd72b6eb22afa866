"""SVG snapshots of the Cluster view's four tabs at 80x24 on the demo cluster (homelab scenario, seed 1, a frozen
clock so the backup jobs' next runs do not move), and of its drift marks against an imported workspace whose
code was edited. `pytest --snapshot-update` accepts changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp

FROZEN = 1_790_000_000.0  # every reading of the wall clock, in the simulator and the console
SIZE = (80, 24)


@pytest.fixture(scope="module")
def frozen_sim() -> Iterator[SimulatorThread]:
    """One homelab simulator (seed 1) built and read under the frozen clock."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: FROZEN)
        with SimulatorThread(task_speed=0.02, seed=1) as thread:
            yield thread


@pytest.fixture(autouse=True)
def quiet_state(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No REPL history or log files from elsewhere in the pictures; times in UTC."""
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("PMPC_LOG_DIR", str(tmp_path))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.chdir(tmp_path)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def demo_app(sim: SimulatorThread, workspace: Path | None = None) -> ProxmoxApp:
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret, fingerprint=sim.info.fingerprint)

    async def factory() -> PVEClient:
        return await PVEClient(settings).connect()

    return ProxmoxApp(factory, demo=True, refresh_seconds=0, workspace_root=workspace)


def jump_to(where: str) -> Any:
    """After the first read: `:where`, then wait for the cluster objects to be read."""
    async def before(pilot: Any) -> None:
        app = pilot.app
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("colon", *where, "enter")
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if getattr(app.screen, "objects", None) is not None:
                break
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return before


@pytest.mark.parametrize("tab", ["pools", "ha", "backupjobs", "firewall", "sdn", "storagecfg", "access",
                                 "images"])
def test_each_cluster_tab_looks_as_accepted(snap_compare: Any, frozen_sim: SimulatorThread, tab: str) -> None:
    assert snap_compare(demo_app(frozen_sim), terminal_size=SIZE, run_before=jump_to(tab))


@pytest.fixture(scope="module")
def edited_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """A workspace imported from its own frozen homelab cluster, then a pool's comment edited and a nested pool
    added in the code only."""
    from iac_support import cli_environment, run_cli

    home = tmp_path_factory.mktemp("cluster")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: FROZEN)
        with SimulatorThread(task_speed=0.02, seed=1) as sim, cli_environment(sim, home):
            ws = home / "ws"
            assert run_cli(home, "init", str(ws)) == 0
            assert run_cli(ws, "import") == 0
            pools = ws / "terraform" / "pools.tf"
            text = pools.read_text().replace('"Things to try out"', '"Edited in code"', 1)
            pools.write_text(text + '\nresource "proxmox_virtual_environment_pool" "lab_web" {\n'
                             '  pool_id = "lab/web"\n}\n')
            yield sim, ws


def test_the_pools_tab_with_drift_marks_looks_as_accepted(snap_compare: Any,
                                                         edited_workspace: tuple[SimulatorThread, Path]) -> None:
    sim, ws = edited_workspace
    assert snap_compare(demo_app(sim, ws), terminal_size=SIZE, run_before=jump_to("pools"))
