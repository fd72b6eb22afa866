"""`e` on marked guests: one form for the settings that make sense in bulk (cores, memory, tags, start at boot,
protection — not disks); blank leaves a setting as each guest has it. Every guest is checked before anything is
sent, each gets only what differs, and one notification names what waits for a reboot.
Rules: services/guest_settings.py."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import guest_settings
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.form_dialog import SettingsForm

KEEP_YES_NO = [("as it is", ""), ("yes", "1"), ("no", "0")]


class BulkSettingsDialog(SettingsForm[dict[str, str]]):
    """Settings for several guests; blank fields are left alone. Ctrl+S/Save checks and returns them."""

    def __init__(self, kind: str, labels: list[str]) -> None:
        super().__init__()
        self.kind, self.labels = kind, labels

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Settings of {len(self.labels)} guests[/b]\n{escape(', '.join(self.labels))}")
            for key, hint in (("cores", "CPU cores"), ("memory", "memory (MiB)"), ("tags", "tags (a;b)")):
                yield Static(hint)
                yield Input(placeholder="blank: as each guest has it", id=f"bulk-{key}")
            for key, hint in (("onboot", "start at boot"), ("protection", "protection")):
                yield Static(hint)
                yield Select(KEEP_YES_NO, value="", allow_blank=False, id=f"bulk-{key}")
            yield self.status_line("Ctrl+S saves · Esc cancels · each guest gets only what differs", id="bulk-status")
            yield from self.buttons("Save")

    def on_mount(self) -> None:
        self.query_one("#bulk-cores", Input).focus()

    def _wanted(self) -> dict[str, str]:
        wanted = {}
        for key in guest_settings.BULK_SETTINGS:
            widget = self.query_one(f"#bulk-{key}")
            value = str(widget.value).strip() if isinstance(widget, (Input, Select)) else ""
            if value:
                wanted[key] = value
        return wanted

    def submit(self) -> None:
        wanted = self._wanted()
        if not wanted:
            self.show_status("nothing changed: fill in a field")
            return
        try:
            guest_settings.check_settings(self.kind, wanted)
        except PVEError as exc:
            self.show_status(exc.message)
            return
        self.dismiss(wanted)


def open_bulk_settings(screen: Any, rows: list[dict[str, Any]]) -> None:
    """Ask for the settings, then set them on every marked guest and tell what happened in one notification."""
    app = proxmox_app(screen)
    kind: str = screen.kind
    labels = [screen._label(r) for r in rows]
    vmids = [int(r["vmid"]) for r in rows]

    async def apply(wanted: dict[str, str]) -> None:
        try:
            bulk = await guest_settings.set_guests(await app.client(), kind, vmids, wanted)
        except PVEError as exc:
            app.notify(exc.message, title="Not sent: settings", severity="warning", timeout=8)
            return
        app.refresh_data()
        bad = bulk.refused or bulk.failed
        app.notify(escape(bulk.message), title="settings of the marked guests",
                   severity="warning" if bad else "information", timeout=12)

    def chosen(wanted: dict[str, str] | None) -> None:
        if wanted:
            app.run_worker(apply(wanted), group="settings", exit_on_error=False)

    app.push_screen(BulkSettingsDialog(kind, labels), chosen)
