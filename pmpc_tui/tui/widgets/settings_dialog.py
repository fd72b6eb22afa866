"""The settings dialog (`e` on the guests screen): cores, memory, balloon, tags, description, onboot,
protection, and growing a disk. It shows what is pending until reboot and offers the reboot; rules live in
services/guest_settings.py and services/disks.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Select, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import disks, guest_settings
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.form_dialog import SettingsForm

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp

log = logging.getLogger("pmpc.console")
YES_NO = [("yes", "1"), ("no", "0")]


class SettingsDialog(SettingsForm[None]):
    """One guest's settings, prefilled from its config; Save sends only what changed (Ctrl+S or the button)."""

    DEFAULT_CSS = """
    SettingsDialog VerticalScroll { height: auto; max-height: 24; }
    """

    def __init__(self, kind: str, vmid: int, label: str) -> None:
        super().__init__()
        self.kind, self.vmid, self.label = kind, vmid, label
        self.initial: dict[str, str] = {}

    @property
    def proxmox(self) -> ProxmoxApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Settings of {escape(self.label)}[/b]", id="settings-title")
            with VerticalScroll():
                for key, hint in (("cores", "CPU cores"), ("memory", "memory (MiB)"), ("balloon", "balloon (MiB)"),
                                  ("tags", "tags (a;b)"), ("description", "description")):
                    if key == "balloon" and self.kind != "qemu":
                        continue
                    yield Static(hint)
                    yield Input(id=f"set-{key}")
                for key, hint in (("onboot", "start at boot"), ("protection", "protection")):
                    yield Static(hint)
                    yield Select(YES_NO, value="0", allow_blank=False, id=f"set-{key}")
                yield Static("grow a disk (PVE cannot shrink)")
                yield Select([], id="resize-disk", prompt="disk")
                yield Input(placeholder="+10G adds 10 GiB · 64G makes it 64 GiB", id="resize-size")
            yield self.status_line("loading…", id="settings-status")
            yield from self.buttons("Save")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True, group="settings")
    async def load(self) -> None:
        try:
            ref, config = await disks.guest_config(await self.proxmox.client(), self.kind, self.vmid)
        except PVEError as exc:
            self.show_status(exc.message)
            return
        for key in guest_settings.SETTINGS:
            value = guest_settings.current_value(self.kind, key, config)
            text = "" if value is None else str(value)
            self.initial[key] = text
            if key in ("onboot", "protection"):
                self.query_one(f"#set-{key}", Select).value = text or "0"
            elif self.query(f"#set-{key}"):
                self.query_one(f"#set-{key}", Input).value = text
        rows = [d for d in disks.guest_disks(config, self.kind) if not d["disk"].startswith("unused")]
        select = self.query_one("#resize-disk", Select)
        select.set_options([(f"{d['disk']} · {d['size_text']} · {d['volume']}", d["disk"]) for d in rows])
        if rows:
            select.value = rows[0]["disk"]
        self.show_status(f"{ref.status} · Ctrl+S saves · Esc cancels")
        self.query_one("#set-cores", Input).focus()

    def _wanted(self) -> dict[str, Any]:
        """The fields the user changed (unchanged ones are not sent)."""
        wanted: dict[str, Any] = {}
        for key in guest_settings.SETTINGS:
            if not self.query(f"#set-{key}"):
                continue
            widget = self.query_one(f"#set-{key}")
            value = str(widget.value) if isinstance(widget, (Input, Select)) else ""
            if value != self.initial.get(key, ""):
                wanted[key] = value
        return wanted

    def submit(self) -> None:
        self.save()

    @work(exclusive=True, group="settings")
    async def save(self) -> None:
        wanted = self._wanted()
        size = self.query_one("#resize-size", Input).value.strip()
        disk = self.query_one("#resize-disk", Select).value
        try:
            if wanted:
                guest_settings.check_settings(self.kind, wanted)
            if size:
                disks.parse_size_request(size)
            if not wanted and not size:
                self.show_status("nothing changed")
                return
            client = await self.proxmox.client()
            lines: list[str] = []
            result = None
            if wanted:
                result = await guest_settings.set_guest(client, self.kind, self.vmid, wanted)
                lines.append(result.message)
            if size and isinstance(disk, str):
                resized = await disks.resize_disk(client, self.kind, self.vmid, disk, size)
                lines.append(resized.message)
        except PVEError as exc:
            self.show_status(str(exc))
            return
        from pmpc_tui.services.drift_notice import guest_change_notice

        notice = await guest_change_notice(self.proxmox.session, self.vmid)
        if notice and notice not in lines:
            lines.append(notice)
        self.proxmox.refresh_data()
        self.dismiss(None)
        self.proxmox.notify(escape("\n".join(lines)), title=self.label, timeout=8)
        if result is not None and result.pending and result.guest.status == "running":
            offer_reboot(self.proxmox, result)


def offer_reboot(app: ProxmoxApp, result: guest_settings.SettingsResult) -> None:
    """Ask whether to reboot now so the pending changes apply."""
    question = (f"Reboot {result.guest.label} now? Pending until reboot: "
                + ", ".join(c.text for c in result.pending))

    def answered(yes: bool | None) -> None:
        if not yes:
            return

        async def go() -> None:
            try:
                await guest_settings.reboot_guest(await app.client(), result.guest)
            except PVEError as exc:
                app.notify(exc.message, title="reboot", severity="error")
                return
            app.notify(f"rebooted {result.guest.label}: the pending changes are applied", timeout=5)
            app.refresh_data()
        app.run_worker(go(), group="reboot", exit_on_error=False)

    app.push_screen(ConfirmScreen(question, confirm_label="Reboot"), answered)


def open_settings(screen: Any) -> None:
    """`e` on the guests screen: the settings dialog of the guest under the cursor (one form for marked ones)."""
    targets: list[dict[str, Any]] = screen._targets()
    if len(targets) > 1:
        from pmpc_tui.tui.widgets.bulk_settings import open_bulk_settings

        open_bulk_settings(screen, targets)
        return
    if not targets:
        screen.notify("Select a guest first (or mark some with Space).", severity="warning")
        return
    row = targets[0]
    screen.app.push_screen(SettingsDialog(screen.kind, int(row["vmid"]), screen._label(row)))
