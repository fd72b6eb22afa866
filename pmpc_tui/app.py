"""The Textual console: modes for the main screens, global keys, live refresh — wiring only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.screens.console import ConsoleScreen
from pmpc_tui.screens.dashboard import DashboardScreen
from pmpc_tui.screens.guests import GuestsScreen
from pmpc_tui.services.live import ClusterView, load_cluster_view
from pmpc_tui.widgets.repl import ReplPane, toggle_repl

ClientFactory = Callable[[], Awaitable[PVEClient]]


class ProxmoxApp(App[None]):
    """proxmox-mpc's full-screen console."""

    TITLE = "proxmox-mpc"
    CSS_PATH = "assets/app.tcss"
    MODES: ClassVar = {
        "dashboard": DashboardScreen,
        "vms": lambda: GuestsScreen("qemu"),
        "cts": lambda: GuestsScreen("lxc"),
        "console": ConsoleScreen,
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('dashboard')", "Dashboard"),
        Binding("2", "switch_mode('vms')", "VMs"),
        Binding("3", "switch_mode('cts')", "Containers"),
        Binding("4", "switch_mode('console')", "Console"),
        Binding("grave_accent", "toggle_repl", "REPL", key_display="`", priority=True),
        Binding("r", "refresh", "Refresh"),
        Binding("question_mark", "show_help_panel", "Keys"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, client_factory: ClientFactory, *, demo: bool = False, refresh_seconds: float = 5.0,
                 cluster_label: str = "") -> None:
        super().__init__()
        self.client_factory = client_factory
        self.demo = demo
        self.refresh_seconds = refresh_seconds
        self.cluster_view: ClusterView | None = None
        self._client: PVEClient | None = None
        self.sub_title = ("DEMO · simulated cluster" if demo else cluster_label)

    def on_mount(self) -> None:
        self.refresh_data()
        if self.refresh_seconds > 0:
            self.set_interval(self.refresh_seconds, self.refresh_data)

    async def on_unmount(self) -> None:
        if self._client is not None:
            await self._client.close()

    def action_refresh(self) -> None:
        self.refresh_data()

    def action_toggle_repl(self) -> None:
        toggle_repl(self.screen)

    def on_repl_pane_cluster_changed(self, _message: ReplPane.ClusterChanged) -> None:
        self.refresh_data()

    @work(group="actions")
    async def run_guest_action(self, kind: str, vmid: int, action: str, label: str) -> None:
        """Run a guest action through the services, then tell the user and refresh."""
        from pmpc_tui.services.guests import delete_guest, power_action

        self.notify(f"{action} {label}…", timeout=3)
        try:
            if self._client is None:
                self._client = await self.client_factory()
            if action == "delete":
                result = await delete_guest(self._client, kind, vmid)
            else:
                result = await power_action(self._client, kind, vmid, action, wait=True)
        except PVEError as exc:
            self.notify(str(exc), title=f"{action} failed", severity="error", timeout=10)
        else:
            self.notify(f"{action} {label}: {result.exitstatus}", title="Task finished")
        self.refresh_data()

    @work(exclusive=True, group="refresh")
    async def refresh_data(self) -> None:
        """Read the cluster in the background and hand the result to the visible screen."""
        try:
            if self._client is None:
                self._client = await self.client_factory()
            view = await load_cluster_view(self._client)
        except PVEError as exc:
            self.notify(str(exc), title="Could not refresh", severity="error", timeout=8)
            return
        self.cluster_view = view
        show = getattr(self.screen, "show_view", None)
        if show is not None:
            show(view)
