"""SVG snapshots of every console screen at 80x24 and 120x40 on the demo cluster (homelab scenario, seed 1,
a frozen clock so sparklines, CPU figures, uptimes and log times do not move; the health checks' measured
timings are masked). `pytest --snapshot-update` accepts changes."""

from __future__ import annotations

import re
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


# screen → keys that open it (after the first read)
SCREENS = {
    "dashboard": [],
    "vms": ["2"],
    "containers": ["3"],
    "nodes": ["4"],
    "tasks": ["5"],
    "editor_without_workspace": ["7"],
    "console": ["8"],
    "logs": ["6"],
    "health": ["0"],
    "key_help": ["2", "question_mark"],
    "stop_dialog": ["2", "j", "x"],
    "delete_dialog": ["2", "G", "k", "delete"],
}


@pytest.fixture(autouse=True)
def steady_logs_and_health() -> Iterator[None]:
    """The Logs screen shows only this test's lines, in UTC; the health checks' timings, counts and the tools
    installed on this machine are masked."""
    import logging

    from pmpc_tui.observability.applog import LOGGER_NAME, RingLog
    from pmpc_tui.services import health

    measured = health.run_health

    async def masked(*args: Any, **kwargs: Any) -> list[health.Check]:
        checks = await measured(*args, **kwargs)
        for check in checks:
            check.detail = re.sub(r"\d+(\.\d+)? ?ms", "<n> ms", check.detail)
            if check.name == "api":  # its status follows the measured latency: a loaded machine warns
                check.status, check.next_step = "ok", ""
            if check.name == "metrics":  # the session's API calls so far: counted across tests
                check.detail = re.sub(r"\d+", "<n>", check.detail)
            if check.name in health.TOOLS:  # what this machine has installed, and which version
                check.status, check.detail, check.next_step = "ok", f"<{check.name} version>", ""
        return checks

    ring = RingLog()
    logger = logging.getLogger(LOGGER_NAME)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        patch.setattr("pmpc_tui.tui.screens.logs.app_log", lambda: ring)
        patch.setattr(health, "run_health", masked)
        logger.addHandler(ring)
        try:
            yield
        finally:
            logger.removeHandler(ring)
    time.tzset()


def run_keys(keys: list[str]) -> Any:
    """Press the keys after the first read, waiting for each key's work; no blinking cursor."""
    async def before(pilot: Any) -> None:
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make two runs differ
        await pilot.pause()

    return before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_looks_as_accepted(snap_compare: Any, frozen_sim: SimulatorThread, screen: str,
                                        size: tuple[int, int]) -> None:
    assert snap_compare(demo_app(frozen_sim), terminal_size=size, run_before=run_keys(SCREENS[screen]))


@pytest.fixture(scope="module")
def drifted_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """A demo workspace imported from its own frozen homelab cluster, which then changed behind its back:
    VM 103 has 8 cores, so the plan is not empty."""
    from iac_support import cli_environment, run_cli

    home = tmp_path_factory.mktemp("plan")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "time", lambda: FROZEN)
        with SimulatorThread(task_speed=0.02, seed=1) as sim, cli_environment(sim, home):
            ws = home / "ws"
            assert run_cli(home, "init", str(ws)) == 0
            assert run_cli(ws, "import") == 0
            sim.control("POST", "/guests/103/config", {"cores": 8})
            yield sim, ws


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_plan_screen_looks_as_accepted(snap_compare: Any, drifted_workspace: tuple[SimulatorThread, Path],
                                           size: tuple[int, int]) -> None:
    sim, ws = drifted_workspace
    app = demo_app(sim)
    app.workspace_root = ws
    assert snap_compare(app, terminal_size=size, run_before=run_keys(["9"]))
