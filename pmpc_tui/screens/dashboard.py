"""Dashboard: nodes with CPU and memory use, guests by status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from pmpc_tui.formatting import human_bytes, human_duration
from pmpc_tui.services.live import ClusterView


def _bar(fraction: float, width: int = 12) -> str:
    filled = max(0, min(width, round(fraction * width)))
    return "█" * filled + "░" * (width - filled) + f" {fraction * 100:4.0f}%"


class DashboardScreen(Screen[None]):
    """Cluster overview."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="summary")
        yield DataTable(id="nodes", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#nodes", DataTable)
        for key, label in (("node", "Node"), ("status", "Status"), ("cpu", "CPU"), ("mem", "Memory"),
                           ("uptime", "Uptime")):
            table.add_column(label, key=key)
        self.show_view(getattr(self.app, "cluster_view", None))

    def on_screen_resume(self) -> None:
        self.show_view(getattr(self.app, "cluster_view", None))

    def show_view(self, view: ClusterView | None) -> None:
        summary = self.query_one("#summary", Static)
        if view is None:
            summary.update("loading cluster…")
            return
        vms, cts = view.counts("qemu"), view.counts("lxc")
        online = sum(1 for n in view.nodes if n["status"] == "online")
        summary.update(
            f"Nodes {online}/{len(view.nodes)} online   "
            f"VMs {vms.get('running', 0)} running / {sum(vms.values())}   "
            f"Containers {cts.get('running', 0)} running / {sum(cts.values())}")
        table = self.query_one("#nodes", DataTable)
        for n in view.nodes:
            cells = [n["node"], n["status"], _bar(n["cpu"]),
                     f"{_bar(n['mem'] / n['maxmem'] if n['maxmem'] else 0)} of {human_bytes(n['maxmem'])}",
                     human_duration(n["uptime"])]
            if n["node"] in table.rows:
                for column, value in zip(("node", "status", "cpu", "mem", "uptime"), cells, strict=True):
                    table.update_cell(n["node"], column, value)
            else:
                table.add_row(*cells, key=n["node"])
