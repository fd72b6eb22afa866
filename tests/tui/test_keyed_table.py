"""The keyed table every list screen uses (guests, tasks, history…): what its rows show once filled."""

from __future__ import annotations

from textual.app import App, ComposeResult

from pmpc_tui.tui.widgets.keyed_table import KeyedTable

COLUMNS = (("rev", "Rev"), ("when", "When"), ("command", "Command"), ("guests", "Guests"))
ROWS: dict[str, list[str]] = {
    "b7d006c5": ["b7d006c", "01-02 03:04", "edit", "vm 101"],
    "90863ab1": ["90863ab", "01-02 03:04", "import", "vm 101, vm 102"],
}


class OneTable(App[None]):
    """A keyed table filling the screen (its size does not change as rows arrive, as on every screen)."""

    CSS = "KeyedTable { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield KeyedTable(COLUMNS, id="table")


async def test_the_cursor_row_shows_whole_cells_when_a_paint_lands_before_the_columns_widen() -> None:
    """Rows are added, the screen paints before the table measures them (a loaded machine: the history
    snapshot once showed `b7d  01-0` on the highlighted row), then the columns widen: every row, the one
    under the cursor too, must show its whole cells."""
    app = OneTable()
    async with app.run_test(size=(80, 8)) as pilot:
        table = app.query_one(KeyedTable)
        await pilot.pause()
        table.show(ROWS, ordered=True)
        table.render_line(1)  # the paint that came first, with the columns still as wide as their labels
        await pilot.pause()
        lines = [table.render_line(y).text for y in (1, 2)]
    assert "b7d006c" in lines[0] and "01-02 03:04" in lines[0], lines
    assert "90863ab" in lines[1] and "01-02 03:04" in lines[1], lines
