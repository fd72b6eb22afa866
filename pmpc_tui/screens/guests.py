"""VMs and Containers screens: a live table with `/` filter-as-you-type."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from pmpc_tui.services.live import ClusterView
from pmpc_tui.widgets.confirm import ConfirmScreen
from pmpc_tui.widgets.guest_table import GuestTable

if TYPE_CHECKING:
    from pmpc_tui.app import ProxmoxApp


class GuestsScreen(Screen[None]):
    """All guests of one kind (qemu or lxc)."""

    AUTO_FOCUS = "#guests"
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("s", "guest('start')", "Start"),
        Binding("d", "guest('shutdown')", "Shutdown"),
        Binding("x", "guest('stop')", "Stop"),
        Binding("R", "guest('reboot')", "Reboot"),
        Binding("delete", "guest('delete')", "Delete"),
    ]
    # actions that ask first: a yes/no question, or (delete) typing the guest's name
    CONFIRM = {"stop": "Stop {label} now? Unsaved work in the guest is lost.",
               "reboot": "Reboot {label}?", "shutdown": "Shut down {label}?"}

    def __init__(self, kind: str) -> None:
        super().__init__(name="vms" if kind == "qemu" else "cts")
        self.kind = kind
        self.title_text = "Virtual machines" if kind == "qemu" else "Containers"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(self.title_text, id="screen-title")
            yield Input(placeholder="filter by name, VMID, node, status or tag…", id="filter")
            yield GuestTable(id="guests")
            yield Static("", id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.show_view(getattr(self.app, "cluster_view", None))

    def on_screen_resume(self) -> None:
        self.show_view(getattr(self.app, "cluster_view", None))

    def show_view(self, view: ClusterView | None) -> None:
        """Render the latest cluster data (called by the app after each refresh)."""
        if view is None:
            self.query_one("#empty", Static).update("loading…")
            return
        table = self.query_one(GuestTable)
        text = self.query_one("#filter", Input).value
        rows = view.guests(self.kind)
        table.show(rows, text)
        empty = self.query_one("#empty", Static)
        if not rows:
            empty.update(f"No {self.title_text.lower()} in this cluster yet.")
        elif not table.row_count:
            empty.update(f"Nothing matches '{text}' — press Esc to clear the filter.")
        else:
            empty.update("")

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.display = False
        self.query_one(GuestTable).focus()

    def action_guest(self, action: str) -> None:
        """Run a one-key action on the selected guest, asking first when it is destructive."""
        table = self.query_one(GuestTable)
        vmid = table.selected_vmid
        view = getattr(self.app, "cluster_view", None)
        if vmid is None or view is None:
            self.notify("Select a guest first.", severity="warning")
            return
        row = next((r for r in view.guests(self.kind) if r["vmid"] == vmid), None)
        if row is None:
            return
        label = f"{'VM' if self.kind == 'qemu' else 'CT'} {vmid} ({row['name']})"
        run = cast("ProxmoxApp", self.app).run_guest_action

        def go(confirmed: bool | None) -> None:
            if confirmed:
                run(self.kind, vmid, action, label)

        if action == "delete":
            self.app.push_screen(ConfirmScreen(f"Delete {label} and all its disks? This cannot be undone.",
                                               type_to_confirm=row["name"], confirm_label="Delete"), go)
        elif action in self.CONFIRM:
            self.app.push_screen(ConfirmScreen(self.CONFIRM[action].format(label=label)), go)
        else:
            go(True)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.show_view(getattr(self.app, "cluster_view", None))

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(GuestTable).focus()
