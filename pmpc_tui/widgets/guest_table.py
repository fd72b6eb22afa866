"""A guest table that updates rows in place, so selection and scroll survive refreshes."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from pmpc_tui.formatting import human_bytes, human_duration

COLUMNS = (("vmid", "VMID"), ("name", "Name"), ("node", "Node"), ("status", "Status"), ("cpu", "CPU"),
           ("mem", "Memory"), ("maxdisk", "Disk"), ("uptime", "Uptime"), ("tags", "Tags"))


def _cells(row: dict[str, Any]) -> list[str]:
    return [str(row["vmid"]), row["name"], row["node"], row["status"], f"{row['cpu'] * 100:.1f}%",
            f"{human_bytes(row['mem'])} / {human_bytes(row['maxmem'])}", human_bytes(row["maxdisk"]),
            human_duration(row["uptime"]), row["tags"]]


def matches(row: dict[str, Any], text: str) -> bool:
    """Case-insensitive match of the filter against VMID, name, node, status and tags."""
    if not text:
        return True
    needle = text.lower()
    return any(needle in str(row[key]).lower() for key in ("vmid", "name", "node", "status", "tags"))


class GuestTable(DataTable[str]):
    """VMs or containers, keyed by VMID."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        for key, label in COLUMNS:
            self.add_column(label, key=key)

    def show(self, rows: list[dict[str, Any]], filter_text: str = "") -> None:
        """Show the rows that match the filter: update changed cells, add new rows, drop gone ones."""
        wanted = {str(r["vmid"]): r for r in rows if matches(r, filter_text)}
        for key in [k.value for k in self.rows if k.value is not None and k.value not in wanted]:
            self.remove_row(key)
        for key, row in wanted.items():
            cells = _cells(row)
            if key in self.rows:
                for (column, _), value in zip(COLUMNS, cells, strict=True):
                    if self.get_cell(key, column) != value:
                        self.update_cell(key, column, value)
            else:
                self.add_row(*cells, key=key)

    @property
    def selected_vmid(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key else None
