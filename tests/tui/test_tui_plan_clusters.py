"""The plan screen in a workspace of several clusters: one plan per cluster, apply asks per cluster naming it,
a stopped cluster is its error line while the other still plans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from multi_support import two_cluster_workspace, two_clusters
from textual.widgets import Static
from tui_support import settle_editor as settle

from pmpc_tui.config.profiles import ProfileStore
from pmpc_tui.services.connection import client_factory
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.plan import PlanScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


@pytest.fixture
def clusters(tmp_path: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    with two_clusters(tmp_path) as pair:
        yield pair


@pytest.fixture
def workspace(clusters: object, tmp_path: Path) -> Path:
    return two_cluster_workspace(tmp_path)


def summary(app: ProxmoxApp) -> str:
    return str(app.screen.query_one("#plan-summary", Static).render())


def cores(sim: SimulatorThread) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[103].pending.get("cores")
                        or sim.sim.cluster.guests[103].config.get("cores")))


async def test_the_plan_screen_plans_each_cluster_and_applies_after_a_question_naming_it(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path) -> None:
    east, west = clusters
    west.control("POST", "/guests/103/config", {"cores": 8})  # drift in west only
    app = ProxmoxApp(client_factory(ProfileStore().get("east").settings()), profile_name="east", refresh_seconds=0)
    app.workspace_root = workspace
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        lines = summary(app).splitlines()
        assert lines[0].startswith("east (east): No changes") and lines[1].startswith("west (west): +0 create")
        table = app.screen.query_one("#plan-table", KeyedTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[3]).startswith("west: ")
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "on cluster 'west'" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await settle(app, pilot)
        await settle(app, pilot)
        assert cores(west) == "4" and cores(east) != "8"
        assert "west (west): No changes" in summary(app)
        east.stop()
        await pilot.press("p")
        await settle(app, pilot)
        lines = summary(app).splitlines()
        assert lines[0].startswith("east (east): ✖") and lines[1].startswith("west (west): No changes")
