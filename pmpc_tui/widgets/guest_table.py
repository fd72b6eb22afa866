"""A guest table that updates rows in place (selection and scroll survive refreshes), sorts by any
column, and keeps a set of marked guests for bulk actions."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from pmpc_tui.formatting import human_bytes, human_duration

COLUMNS = (("mark", " "), ("vmid", "VMID"), ("name", "Name"), ("node", "Node"), ("status", "Status"),
           ("cpu", "CPU"), ("mem", "Memory"), ("maxdisk", "Disk"), ("uptime", "Uptime"), ("tags", "Tags"))
SORTABLE = ("vmid", "name", "node", "status", "cpu", "mem", "maxdisk", "uptime", "tags")
MARK = "✓"
# rebuild instead of removing rows one by one when more than this many rows change (removal is O(rows))
REBUILD_THRESHOLD = 40


def _cells(row: dict[str, Any], marked: bool) -> list[str]:
    return [MARK if marked else "", str(row["vmid"]), row["name"], row["node"], row["status"],
            f"{row['cpu'] * 100:.1f}%", f"{human_bytes(row['mem'])} / {human_bytes(row['maxmem'])}",
            human_bytes(row["maxdisk"]), human_duration(row["uptime"]), row["tags"]]


def matches(row: dict[str, Any], text: str) -> bool:
    """Case-insensitive match of the filter against VMID, name, node, status and tags."""
    if not text:
        return True
    needle = text.lower()
    return any(needle in str(row[key]).lower() for key in ("vmid", "name", "node", "status", "tags"))


def sort_value(row: dict[str, Any], column: str) -> Any:
    """What a column sorts by: numbers numerically, text case-insensitively."""
    value = row[column]
    return value.lower() if isinstance(value, str) else value


class GuestTable(DataTable[str]):
    """VMs or containers, keyed by VMID."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.sort_column = "vmid"
        self.sort_reverse = False
        self.marked: set[int] = set()
        self._rows: dict[str, dict[str, Any]] = {}
        self._filter = ""
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, rows: list[dict[str, Any]], filter_text: str = "") -> None:
        """Show the rows that match the filter, in sort order, changing only what changed."""
        self._filter = filter_text
        wanted = {str(r["vmid"]): r for r in rows if matches(r, filter_text)}
        self._rows = wanted
        selected = self.selected_key
        present = [k.key.value for k in self.ordered_rows]
        gone = [k for k in present if k is not None and k not in wanted]
        new = [k for k in wanted if k not in self.rows]
        if len(gone) + len(new) > REBUILD_THRESHOLD:
            self.clear()
            self.add_rows_keyed((key, _cells(row, row["vmid"] in self.marked)) for key, row in self._ordered(wanted))
        else:
            for key in gone:
                self.remove_row(key)
            for key, row in wanted.items():
                cells = _cells(row, row["vmid"] in self.marked)
                if key in self.rows:
                    for (column, _), value in zip(COLUMNS, cells, strict=True):
                        if self.get_cell(key, column) != value:
                            self.update_cell(key, column, value)
                else:
                    self.add_row(*cells, key=key)
            self._apply_order()
        if selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected), scroll=False)

    def add_rows_keyed(self, rows: Any) -> None:
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def _ordered(self, rows: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        return sorted(rows.items(), key=lambda kv: (sort_value(kv[1], self.sort_column), kv[1]["vmid"]),
                      reverse=self.sort_reverse)

    def _apply_order(self) -> None:
        order = {key: i for i, (key, _) in enumerate(self._ordered(self._rows))}
        if [k.key.value for k in self.ordered_rows] != sorted(order, key=order.__getitem__):
            self.sort("vmid", key=lambda vmid: order.get(vmid, 0))

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort by a column (keeping the selected guest selected)."""
        selected = self.selected_key
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        self._apply_order()
        if selected is not None and selected in self.rows:
            self.move_cursor(row=self.get_row_index(selected))

    def next_sort_column(self) -> str:
        """Cycle to the next sortable column."""
        index = SORTABLE.index(self.sort_column) if self.sort_column in SORTABLE else -1
        column = SORTABLE[(index + 1) % len(SORTABLE)]
        self.sort_by(column, reverse=self.sort_reverse)
        return column

    def toggle_mark(self) -> None:
        """Mark or unmark the selected guest."""
        vmid = self.selected_vmid
        if vmid is None:
            return
        self.marked.symmetric_difference_update({vmid})
        self.update_cell(str(vmid), "mark", MARK if vmid in self.marked else "")

    def mark_all_visible(self) -> None:
        """Mark every guest the filter shows (or unmark them all when they are all marked already)."""
        visible = {int(k) for k in self._rows}
        if visible and visible <= self.marked:
            self.marked -= visible
        else:
            self.marked |= visible
        for key in self._rows:
            self.update_cell(key, "mark", MARK if int(key) in self.marked else "")

    def clear_marks(self) -> None:
        for vmid in list(self.marked):
            if str(vmid) in self.rows:
                self.update_cell(str(vmid), "mark", "")
        self.marked.clear()

    @property
    def selected_key(self) -> str | None:
        if not self.row_count:
            return None
        return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value

    @property
    def selected_vmid(self) -> int | None:
        key = self.selected_key
        return int(key) if key else None

    def select_vmid(self, vmid: int) -> bool:
        """Move the cursor to a guest; False when it is not shown (e.g. filtered out)."""
        if str(vmid) not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(str(vmid)))
        return True
