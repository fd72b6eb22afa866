"""SVG snapshots of every console screen at 80x24 and 120x40 on the demo cluster (homelab scenario, seed 1,
a frozen clock so sparklines, CPU figures and uptimes do not move). `pytest --snapshot-update` accepts changes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp

FROZEN = 1_790_000_000.0  # every reading of the wall clock, in the simulator and the console
SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def frozen_sim() -> Iterator[SimulatorThread]:
    """One homelab simulator (seed 1) built and read under the frozen clock."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: FROZEN)
        with SimulatorThread(task_speed=0.02, seed=1) as thread:
            yield thread


@pytest.fixture(autouse=True)
def quiet_state(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """No REPL history or log files from elsewhere in the pictures."""
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("PMPC_LOG_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)


def demo_app(sim: SimulatorThread) -> ProxmoxApp:
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret, fingerprint=sim.info.fingerprint)

    async def factory() -> PVEClient:
        return await PVEClient(settings).connect()

    return ProxmoxApp(factory, demo=True, refresh_seconds=0)


async def loaded(pilot: Any) -> None:
    """Wait for the first read of the cluster and its frame."""
    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()


# screen → keys that open it (after the first read); logs and health show live timings, so they are left out
SCREENS = {
    "dashboard": [],
    "vms": ["2"],
    "containers": ["3"],
    "nodes": ["4"],
    "tasks": ["5"],
    "editor_without_workspace": ["7"],
    "console": ["8"],
    "key_help": ["2", "question_mark"],
    "stop_dialog": ["2", "j", "x"],
    "delete_dialog": ["2", "G", "k", "delete"],
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_looks_as_accepted(snap_compare: Any, frozen_sim: SimulatorThread, screen: str,
                                        size: tuple[int, int]) -> None:
    async def before(pilot: Any) -> None:
        await loaded(pilot)
        for key in SCREENS[screen]:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make two runs differ
        await pilot.pause()

    assert snap_compare(demo_app(frozen_sim), terminal_size=size, run_before=before)
