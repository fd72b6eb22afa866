"""The details pane: a guest's full config, live status, snapshots and recent tasks."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table
from textual.containers import VerticalScroll
from textual.widgets import Static

from pmpc_tui.formatting import human_bytes, human_duration


def details_table(data: dict[str, Any]) -> Table:
    """A two-column table: summary lines first, then every config key in order."""
    kind = "VM" if data["type"] == "qemu" else "CT"
    table = Table(show_header=False, box=None, padding=(0, 1), expand=True,
                  title=f"{kind} {data['vmid']} · {data['name']}", title_justify="left", title_style="bold")
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_row("node", data["node"])
    table.add_row("status", f"{data['status']} · up {human_duration(data['uptime'])}")
    table.add_row("memory", f"{human_bytes(data['mem'])} of {human_bytes(data['maxmem'])}")
    tree = data.get("snapshot_tree") or []
    table.add_row("snapshots", escape(tree[0]) if tree else "none")
    for line in tree[1:]:  # the tree, parent above child; n opens the snapshots dialog
        table.add_row("", escape(line))
    table.add_row("", "")
    for key, value in data["config"].items():
        table.add_row(key, str(value))
    if data["recent_tasks"]:
        table.add_row("", "")
        for task in data["recent_tasks"][:5]:
            table.add_row("task", f"{task['type']} · {task['status']}")
    return table


class GuestDetails(VerticalScroll):
    """Scrollable pane; `show_details` replaces its content."""

    DEFAULT_CSS = """
    GuestDetails { width: 50%; min-width: 36; border-left: solid $accent; padding: 0 1; display: none; }
    GuestDetails.open { display: block; }
    """

    data: dict[str, Any] | None = None

    def compose(self) -> Any:
        yield Static("", id="details-body")

    def show_text(self, text: str) -> None:
        self.query_one("#details-body", Static).update(text)

    def show_details(self, data: dict[str, Any]) -> None:
        self.data = data
        self.query_one("#details-body", Static).update(details_table(data))
        self.scroll_home(animate=False)
