"""Issue #13: a refresh of a large cluster builds its rows off the event loop and lands as a diff — the user
keeps their place (cursor, marks, sort) and sees the new state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tui_support import guests_on_screen, make_app, settle, settle_until

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.guest_table import MARK, THREAD_ROWS, GuestTable


@pytest.fixture(scope="module")
def large_sim() -> Iterator[SimulatorThread]:
    """More guests than the table builds on the loop, so every refresh after the first goes through the worker
    thread."""
    with SimulatorThread(scenario="large", nodes=2, vms=THREAD_ROWS + 100, cts=2, seed=1) as thread:
        yield thread


async def test_a_refresh_of_a_large_cluster_keeps_the_cursor_and_the_marks_on_the_same_guests(
        large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (app, pilot, table):
        assert table.row_count == THREAD_ROWS + 100
        await pilot.press("S")  # by status, so a stopped guest moves
        running = [int(k) for k in table.visible_keys if table.get_cell(k, "status") == "running"]
        chosen, marked = running[len(running) // 2], running[1]
        table.move_cursor(row=table.get_row_index(str(marked)))
        await pilot.press("space")
        table.move_cursor(row=table.get_row_index(str(chosen)))
        await pilot.pause()
        before = table.cursor_row
        large_sim.control("POST", f"/guests/{chosen}/status", {"status": "stopped"})
        await pilot.press("r")
        await settle(app, pilot)
        assert table.selected_vmid == chosen  # it moved to the stopped group; the cursor went with it
        assert table.cursor_row != before
        assert table.get_cell(str(chosen), "status") == "stopped"
        assert table.get_cell(str(marked), "mark") == MARK and table.marked == {marked}


async def test_the_filter_narrows_a_large_cluster_and_escape_brings_every_guest_back(
        large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (app, pilot, table):
        everything = table.row_count
        first = table.visible_keys[0]
        await pilot.press("slash", *first, "enter")
        await pilot.press("r")  # a refresh while filtering keeps the filter
        await settle(app, pilot)
        assert 0 < table.row_count < everything
        assert all(first in key or first in table.get_cell(key, "name") for key in table.visible_keys)
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.row_count == everything


async def test_jumping_to_a_guest_of_a_large_cluster_puts_the_cursor_on_it(large_sim: SimulatorThread) -> None:
    app = make_app(large_sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.cluster_view is not None
        wanted = app.cluster_view.vms[THREAD_ROWS // 2]
        await pilot.press("colon", *f"vm {wanted['name']}", "enter")
        await settle(app, pilot)
        await pilot.pause()
        table = app.screen.query_one(GuestTable)
        assert table.selected_vmid == wanted["vmid"]


async def test_refreshes_in_quick_succession_end_on_the_newest_state(large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (app, pilot, table):
        running = [k for k in table.visible_keys if table.get_cell(k, "status") == "running"]
        first, second = int(running[0]), int(running[-1])
        large_sim.control("POST", f"/guests/{first}/status", {"status": "stopped"})
        await pilot.press("r")
        large_sim.control("POST", f"/guests/{second}/status", {"status": "stopped"})
        await pilot.press("r")  # while the first is read or its rows are built
        await settle(app, pilot)
        await settle(app, pilot)
        assert table.get_cell(str(first), "status") == "stopped"
        assert table.get_cell(str(second), "status") == "stopped"


async def test_typing_a_filter_while_a_refresh_runs_shows_the_matching_guests_in_their_newest_state(
        large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (app, pilot, table):
        running = [k for k in table.visible_keys if table.get_cell(k, "status") == "running"]
        chosen = running[len(running) // 3]
        large_sim.control("POST", f"/guests/{chosen}/status", {"status": "stopped"})
        await pilot.press("r", "slash", *chosen)  # the keys go first; the refresh's rows are built after them
        await settle(app, pilot)
        await settle(app, pilot)
        assert chosen in table.visible_keys
        assert all(chosen in key or chosen in table.get_cell(key, "name") for key in table.visible_keys)
        assert table.get_cell(chosen, "status") == "stopped"
        assert not app.keys_first.held  # nothing is held back once the keys are handled


async def test_deleting_filter_keys_shows_the_same_guests_as_typing_that_text_afresh(
        large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (_app, pilot, table):
        text = table.visible_keys[len(table.visible_keys) // 2][:2]  # a VMID prefix: many guests match
        await pilot.press("slash", *text)
        await pilot.pause()
        typed = table.visible_keys
        await pilot.press("9", "9")  # narrows (to nothing, or to a few)
        await pilot.pause()
        assert table.row_count < len(typed)
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert table.visible_keys == typed


async def test_a_refresh_in_which_only_seconds_of_uptime_move_redraws_no_row(large_sim: SimulatorThread) -> None:
    from pmpc_tui.tui.widgets.guest_table import prepare_rows

    app = make_app(large_sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert app.cluster_view is not None
        rows = [dict(row, uptime=row["uptime"] // 60 * 60 + 1) for row in app.cluster_view.vms]
    first = prepare_rows(rows, {}, {}, {}, frozenset(), "vmid", False)
    later = [dict(row, uptime=row["uptime"] + 30) for row in rows]  # the table shows minutes, not seconds
    again = prepare_rows(later, first.by_key, first.data, first.haystacks, frozenset(), "vmid", False)
    assert again.changed == frozenset()
    assert all(again.data[key] is first.data[key] for key in first.data)
    assert again.order == first.order


async def screen_now_and_redrawn_whole(app: object, pilot: object, table: GuestTable) -> tuple[str, str]:
    """The screen as the partial redraws left it, and as a redraw of the whole table draws it."""
    await pilot.pause()  # type: ignore[attr-defined]
    now = app.export_screenshot()  # type: ignore[attr-defined]
    table.refresh()
    await pilot.pause()  # type: ignore[attr-defined]
    return now, app.export_screenshot()  # type: ignore[attr-defined]


async def test_filter_keys_and_refreshes_that_redraw_only_some_lines_leave_the_screen_a_full_redraw_would_show(
        large_sim: SimulatorThread) -> None:
    async with guests_on_screen(large_sim) as (app, pilot, table):
        app.screen.query_one("#filter").cursor_blink = False  # the screen changes by what the keys did alone
        first = table.visible_keys[0]  # a VMID: its first digits keep the top rows, its third replaces some
        steps = [("slash", first[0]), (first[1],), (first[2],), ("backspace",), ("z", "z"), ("backspace",),
                 ("backspace",), ("enter", "down", "down"), ("slash", first[2]), ("enter", "up"),
                 ("slash", "backspace", "backspace")]
        for keys in steps:  # rows kept on screen, rows gone, "nothing matches …" changing, the cursor moving
            await pilot.press(*keys)
            now, whole = await screen_now_and_redrawn_whole(app, pilot, table)
            assert now == whole, f"after {keys}, lines left from before differ from a full redraw"
        assert "Nothing&#160;matches" not in now and table.row_count == THREAD_ROWS + 100
        chosen = int(table.visible_keys[3])
        large_sim.control("POST", f"/guests/{chosen}/status", {"status": "stopped"})
        app.refresh_data()  # (the filter box has the keys)
        await settle_until(app, pilot, lambda: table.get_cell(str(chosen), "status") == "stopped")
        now, whole = await screen_now_and_redrawn_whole(app, pilot, table)
        assert now == whole and table.get_cell(str(chosen), "status") == "stopped"
        await pilot.press("z", "z", "z")
        await pilot.pause()
        assert "Nothing&#160;matches&#160;&#x27;zzz&#x27;" in app.export_screenshot()
        await pilot.press("q")
        now, whole = await screen_now_and_redrawn_whole(app, pilot, table)
        assert now == whole and "Nothing&#160;matches&#160;&#x27;zzzq&#x27;" in now
