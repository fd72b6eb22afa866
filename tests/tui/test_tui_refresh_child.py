"""Issue #13: a large cluster is refreshed by a child process that sends only what changed — the user sees
the same table (new states, cursor and marks kept), and when that process dies the console reads on itself."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator

import pytest
from tui_support import guests_on_screen, settle

from pmpc_tui.observability.applog import app_log
from pmpc_tui.services.refresh_child import ClusterReader
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.widgets.guest_table import MARK

GUESTS = 120  # the reader below hands clusters of this size to a child (the console's default is larger)


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(scenario="large", nodes=2, vms=GUESTS, cts=2, seed=3) as thread:
        yield thread


async def refreshed(app: ProxmoxApp, pilot: object) -> None:
    """Ask for a refresh and wait until it has landed on the screen."""
    await pilot.press("r")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def child_started(app: ProxmoxApp, pilot: object) -> int:
    """The refresh process's PID, once the console has started it (after a read found a large cluster)."""
    for _ in range(300):
        if app.cluster_reader.child is not None:
            return app.cluster_reader.child.pid
        await asyncio.sleep(0.05)
    raise AssertionError("the refresh process did not start")


async def test_a_guest_stopped_elsewhere_shows_stopped_when_a_child_process_reads_the_cluster(
        sim: SimulatorThread) -> None:
    async with guests_on_screen(sim) as (app, pilot, table):
        app.cluster_reader = ClusterReader(child_guests=100)
        await refreshed(app, pilot)
        pid = await child_started(app, pilot)
        assert pid != os.getpid()
        running = [int(k) for k in table.visible_keys if table.get_cell(k, "status") == "running"]
        chosen, marked = running[len(running) // 2], running[1]
        table.move_cursor(row=table.get_row_index(str(marked)))
        await pilot.press("space")
        table.move_cursor(row=table.get_row_index(str(chosen)))
        await refreshed(app, pilot)  # the child's first read: every row
        sim.control("POST", f"/guests/{chosen}/status", {"status": "stopped"})
        await refreshed(app, pilot)  # only the stopped guest's row crosses the pipe
        assert table.get_cell(str(chosen), "status") == "stopped"
        delta = app.cluster_view.guest_delta("qemu") if app.cluster_view else None  # what the table applied
        assert delta is not None and chosen in [row["vmid"] for row in delta.changed]
        assert len(delta.changed) < GUESTS // 2
        assert table.selected_vmid == chosen
        assert table.get_cell(str(marked), "mark") == MARK and table.marked == {marked}
        assert table.row_count == GUESTS
        assert app.cluster_reader.child is not None and app.cluster_reader.child.pid == pid


async def test_when_the_refresh_process_dies_the_console_reads_the_cluster_itself_and_logs_it(
        sim: SimulatorThread) -> None:
    async with guests_on_screen(sim) as (app, pilot, table):
        app.cluster_reader = ClusterReader(child_guests=100)
        await refreshed(app, pilot)
        pid = await child_started(app, pilot)
        await refreshed(app, pilot)
        os.kill(pid, signal.SIGKILL)
        chosen = next(int(k) for k in table.visible_keys if table.get_cell(k, "status") == "running")
        sim.control("POST", f"/guests/{chosen}/status", {"status": "stopped"})
        await refreshed(app, pilot)
        await refreshed(app, pilot)
        assert table.get_cell(str(chosen), "status") == "stopped"
        assert app.cluster_reader.child is None
        said = [e.message for e in app_log().since(0) if f"refresh process {pid} stopped" in e.message]
        assert said, "the app log does not say the refresh process stopped"
