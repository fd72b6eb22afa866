"""The console's storage content view, driven headless with Pilot against the simulator: `c` on the
Nodes/Storage screen, `:storage NAME`, the palette, the type filter, and a download with a progress bar."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable, ProgressBar
from tui_support import make_app, settle

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.keyed_table import KeyedTable
from pmpc_tui.tui.widgets.storage_content import StorageContentScreen


def _names(app: object) -> list[str]:
    table = app.screen.query_one("#content", DataTable)  # type: ignore[attr-defined]
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def _types(app: object) -> set[str]:
    table = app.screen.query_one("#content", DataTable)  # type: ignore[attr-defined]
    return {str(table.get_row_at(i)[1]) for i in range(table.row_count)}


async def test_c_on_the_storage_table_opens_its_content_and_t_filters_by_type(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one("#storage-table", KeyedTable)
        table.move_cursor(row=table.get_row_index("pve1/local"))
        table.focus()
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, StorageContentScreen)
        assert app.screen.storage == "local" and app.screen.node == "pve1"
        assert "debian-12.7.0-amd64-netinst.iso" in _names(app)
        assert {"iso", "vztmpl"} <= _types(app)
        await pilot.press("t")  # iso only
        await settle(app, pilot)
        assert _types(app) == {"iso"}
        await pilot.press("t")  # container templates only
        await settle(app, pilot)
        assert _types(app) == {"vztmpl"}
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StorageContentScreen)


async def test_colon_storage_name_jumps_to_its_content(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.jump("storage local pve2")
        await settle(app, pilot)
        assert isinstance(app.screen, StorageContentScreen) and app.screen.node == "pve2"
        await pilot.press("escape")
        app.jump("storage nosuch")
        await settle(app, pilot)
        assert not isinstance(app.screen, StorageContentScreen)
        assert any("nosuch" in n.message for n in app._notifications)


async def test_the_palette_offers_a_storage_content_view(sim: SimulatorThread) -> None:
    from inspect import isclass

    from pmpc_tui.tui.widgets.storage_content import StorageContentProvider

    providers = {p if isclass(p) else p() for p in type(make_app(sim)).COMMANDS}  # (some imported on first use)
    assert StorageContentProvider in providers


async def test_d_downloads_a_url_into_the_storage_with_a_progress_bar(sim: SimulatorThread, tmp_path: Path) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(StorageContentScreen("pve1", "local", "iso"))
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#source").value = "https://example.org/isos/console-pick.iso"  # type: ignore[attr-defined]
        await pilot.click("#go")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ProgressScreen"
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, StorageContentScreen)
        assert "console-pick.iso" in _names(app)


async def test_a_bad_url_in_the_download_form_says_why_and_sends_nothing(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(StorageContentScreen("pve1", "local"))
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        writes = sim.sim.api.write_count
        app.screen.query_one("#source").value = "ftp://example.org/x.iso"  # type: ignore[attr-defined]
        await pilot.click("#go")
        await settle(app, pilot)
        assert "http" in str(app.screen.query_one("#transfer-error").render())  # type: ignore[attr-defined]
        assert sim.sim.api.write_count == writes


async def test_u_uploads_a_local_iso(sim: SimulatorThread, tmp_path: Path) -> None:
    iso = tmp_path / "from-console.iso"
    iso.write_bytes(b"\0" * 200_000)
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(StorageContentScreen("pve1", "local", "iso"))
        await settle(app, pilot)
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#source").value = str(iso)  # type: ignore[attr-defined]
        await pilot.click("#go")
        await settle(app, pilot)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        await pilot.press("escape")
        await settle(app, pilot)
        assert "from-console.iso" in _names(app)


async def test_x_on_the_tasks_screen_stops_a_running_download_after_its_type_is_typed(sim: SimulatorThread) -> None:
    sim.sim.api.tasks.speed = 8.0  # the download takes twenty seconds
    try:
        upid = await asyncio.to_thread(_start_download, sim)
    finally:
        sim.sim.api.tasks.speed = 0.02
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        table = app.screen.query_one("#task-table", KeyedTable)
        table.move_cursor(row=table.get_row_index(upid))
        table.focus()
        await pilot.press("x")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "download stop-me.iso on pve1" in str(app.screen.question)  # type: ignore[attr-defined]
        await pilot.press(*"download", "enter")
        await settle(app, pilot)
        assert any("stopped the task" in n.message for n in app._notifications)
    assert sim.call(lambda: sim.sim.cluster.tasks[upid].exitstatus) == "interrupted by signal"


def _start_download(sim: SimulatorThread) -> str:
    from iac_support import api

    return str(api(sim, "post", "/nodes/pve1/storage/local/download-url", url="https://example.org/stop-me.iso",
                   content="iso", filename="stop-me.iso"))


async def test_colon_node_with_a_node_name_still_opens_the_nodes_screen_quietly(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.jump("node pve2")
        await settle(app, pilot)
        assert app.current_mode == "nodes" and not isinstance(app.screen, StorageContentScreen)
        assert not any("pve2" in n.message for n in app._notifications)
