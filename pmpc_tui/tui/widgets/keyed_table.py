"""A DataTable whose rows are keyed and updated in place, so the cursor survives refreshes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


def task_status(status: str) -> Text:
    """A task's status cell: failed in red with ✖, warnings in yellow with ▲ (the glyph reads without colour)."""
    if status == "OK":
        return Text("✔ OK", style="green")
    if status == "running":
        return Text("… running", style="bold")
    if status.startswith("WARNINGS"):
        return Text(f"▲ {status}", style="yellow")
    return Text(f"✖ {status}", style="bold red")


class KeyedTable(DataTable[str | Text]):
    """Row cursor, zebra stripes, fixed columns; `show()` diffs new rows against what is on screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
        Binding("ctrl+d", "page_down", "Page down", show=False),
        Binding("ctrl+u", "page_up", "Page up", show=False),
    ]

    def __init__(self, columns: Sequence[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.column_keys = [key for key, _ in columns]
        for key, label in columns:
            self.add_column(label, key=key)

    def show(self, rows: dict[str, list[str | Text]], ordered: bool = False) -> None:
        """Make the table hold exactly `rows` (key → cells). With `ordered`, rows keep the dict's order
        (a changed order rebuilds the table — meant for short lists such as recent tasks)."""
        current = [k.key.value for k in self.ordered_rows]
        if ordered and [k for k in current if k in rows] != [k for k in rows if k in current]:
            self.clear()
            current = []
        for key in [k for k in current if k is not None and k not in rows]:
            self.remove_row(key)
        appended = False
        for key, cells in rows.items():
            if key in self.rows:
                for column, value in zip(self.column_keys, cells, strict=True):
                    if str(self.get_cell(key, column)) != str(value):
                        self.update_cell(key, column, value)
            else:
                self.add_row(*cells, key=key)
                appended = True
        if ordered and appended and [k.key.value for k in self.ordered_rows] != list(rows):
            self.clear()
            for key, cells in rows.items():
                self.add_row(*cells, key=key)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Measure the new rows, then forget the cells drawn before: DataTable widens its columns when idle
        without invalidating its render caches, so a paint landing between `add_row` and that idle (a loaded
        machine) kept the cursor row cut to the header's widths (`b7d  01-0`) until the cursor moved."""
        super()._update_dimensions(new_rows)
        self._clear_caches()
        self.refresh()

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
