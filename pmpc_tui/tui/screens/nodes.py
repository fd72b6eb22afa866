"""Nodes and storage: every node's load and every storage's use, with warning levels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from pmpc_tui.formatting import human_bytes, human_duration, usage_bar
from pmpc_tui.services.live import ClusterView
from pmpc_tui.tui.screens.base import LiveScreen
from pmpc_tui.tui.widgets.guest_table import compact_size
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

BAR = 5  # usage bars short enough for the node table to fit 80 columns

NODE_COLUMNS = (("node", "Node"), ("status", "Status"), ("guests", "Guests"), ("cpu", "CPU"), ("mem", "Memory"),
                ("disk", "Root disk"), ("uptime", "Uptime"))
STORAGE_COLUMNS = (("storage", "Storage"), ("node", "Node"), ("type", "Type"), ("content", "Content"),
                   ("used", "Used"), ("size", "Size"), ("level", "Level"))
LEVEL_TEXT = {"ok": "ok", "warning": "▲ warning", "critical": "✖ CRITICAL"}


class NodesScreen(LiveScreen):
    """Nodes on top, storage below."""

    AUTO_FOCUS = "#node-table"
    BINDINGS = [Binding("c", "storage_content", "Storage content", show=False)]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Nodes", classes="section-title")
            yield KeyedTable(NODE_COLUMNS, id="node-table")
            yield Static("Storage", classes="section-title")
            yield KeyedTable(STORAGE_COLUMNS, id="storage-table")
            yield Static("", id="empty")
        yield Footer()

    def show_view(self, view: ClusterView | None) -> None:
        """Render the latest cluster data (called by the app after each refresh)."""
        if view is None:
            self.query_one("#empty", Static).update("loading…")
            return
        self.query_one("#empty", Static).update("" if view.nodes else "No nodes visible with this token.")
        guests: dict[str, int] = {}
        for row in view.vms + view.containers:
            guests[row["node"]] = guests.get(row["node"], 0) + 1
        self.query_one("#node-table", KeyedTable).show({n["node"]: [
            n["node"], n["status"], str(guests.get(n["node"], 0)), usage_bar(n["cpu"], BAR) + f" of {n['maxcpu']}",
            usage_bar(n["mem"] / n["maxmem"] if n["maxmem"] else 0, BAR) + f" of {compact_size(n['maxmem'])}",
            usage_bar(n["disk"] / n["maxdisk"] if n["maxdisk"] else 0, BAR), human_duration(n["uptime"]),
        ] for n in view.nodes})
        self.query_one("#storage-table", KeyedTable).show({f"{s['node']}/{s['storage']}": [
            s["storage"], s["node"], s["type"], s["content"], usage_bar(s["used_fraction"]),
            human_bytes(s["maxdisk"]), LEVEL_TEXT[s["level"]],
        ] for s in view.storage})

    def action_storage_content(self) -> None:
        """`c`: what the highlighted storage holds (ISO images, templates, backups, disks)."""
        from pmpc_tui.tui.widgets.storage_content import StorageContentScreen

        key = self.query_one("#storage-table", KeyedTable).selected_key
        if key is not None:
            node, storage = key.split("/", 1)
            self.app.push_screen(StorageContentScreen(node, storage))
