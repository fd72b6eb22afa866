"""The disks dialog (`v` on the guests screen): a guest's disks and unused volumes; m moves the highlighted
one (to a storage, or to another guest with `vm:N`), t detaches it (kept as unusedN), x deletes it after
typing its key. Rules live in services/disk_ops.py; this only asks, shows and calls."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from pmpc_tui.commands.confirmation import Target, confirmation_for
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import disk_ops, disks
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.task_progress import ProgressScreen

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp

log = logging.getLogger("pmpc.console")
TO_GUEST = re.compile(r"(?:vm|ct|guest)?:?\s*(\d+)(?:\s+(\S+))?", re.ASCII | re.IGNORECASE)


class MoveTargetDialog(ModalScreen[dict[str, Any] | None]):
    """Ask where a disk goes: a storage ID, or `vm:N [KEY]` for another guest on the node."""

    DEFAULT_CSS = """
    MoveTargetDialog { align: center middle; }
    MoveTargetDialog > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    MoveTargetDialog Static { width: 100%; height: auto; }
    MoveTargetDialog #move-problem { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, kind: str, disk: str, title: str) -> None:
        super().__init__()
        self.kind, self.disk, self.title_text = kind, disk, title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(escape(self.title_text))
            yield Input(placeholder="storage (e.g. nas), or vm:107 [scsi1] for another guest", id="move-target")
            yield Static("Enter moves · a storage move keeps the old volume as unusedN · Esc cancels",
                         id="move-problem")

    def on_mount(self) -> None:
        self.query_one("#move-target", Input).focus()

    @on(Input.Submitted, "#move-target")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        guest = TO_GUEST.fullmatch(text) if (":" in text or text.isdigit()) else None
        choice: dict[str, Any] = ({"to_vmid": guest.group(1), "to_disk": guest.group(2)} if guest
                                  else {"storage": text})
        try:
            disk_ops.check_move_target(self.kind, self.disk, choice.get("storage"), choice.get("to_vmid"),
                                       choice.get("to_disk"), False)
        except PVEError as exc:
            self.query_one("#move-problem", Static).update(escape(str(exc)))
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DisksDialog(ModalScreen[None]):
    """One guest's disks: m move, t detach, x delete (typed confirmation)."""

    DEFAULT_CSS = """
    DisksDialog { align: center middle; }
    DisksDialog > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%; border: round $accent; background: $surface;
    }
    DisksDialog #disks-title { padding: 0 1; text-style: bold; }
    DisksDialog OptionList { height: auto; max-height: 14; border: none; }
    DisksDialog #disks-status { padding: 0 1; height: auto; }
    DisksDialog #disks-keys { padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("m", "move", "Move disk"),
        Binding("t", "detach", "Detach disk"),
        Binding("x,delete", "delete", "Delete disk"),
    ]

    def __init__(self, kind: str, vmid: int, label: str) -> None:
        super().__init__()
        self.kind, self.vmid, self.label = kind, vmid, label
        self.rows: list[dict[str, Any]] = []

    @property
    def proxmox(self) -> ProxmoxApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Disks of {escape(self.label)}", id="disks-title")
            yield OptionList(id="disks-list")
            yield Static("loading…", id="disks-status")
            yield Static("m move · t detach (kept as unusedN) · x delete · Esc close", id="disks-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    def status(self, text: str) -> None:
        self.query_one("#disks-status", Static).update(escape(text))

    @work(exclusive=True, group="disks")
    async def reload(self, message: str | None = None) -> None:
        try:
            _ref, config = await disks.guest_config(await self.proxmox.client(), self.kind, self.vmid)
        except PVEError as exc:
            self.status(exc.message)
            return
        self.rows = disks.guest_disks(config, self.kind)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(escape(f"{r['disk']:<10} {r['size_text']:>10}  {r['volume']}"), id=r["disk"])
                             for r in self.rows])
        if self.rows:
            options.highlighted = 0
        self.status(message or (f"{len(self.rows)} disk(s)" if self.rows else "no disks"))

    def _selected(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.rows:
            self.status("no disk selected")
            return None
        return str(self.rows[options.highlighted]["disk"])

    def action_close(self) -> None:
        self.dismiss(None)

    def action_move(self) -> None:
        disk = self._selected()
        if disk is None:
            return

        def chosen(choice: dict[str, Any] | None) -> None:
            if choice is not None:
                self.move_disk(disk, choice)
        self.app.push_screen(MoveTargetDialog(self.kind, disk, f"Move {disk} of {self.label} to …"), chosen)

    def move_disk(self, disk: str, choice: dict[str, Any]) -> None:
        app = self.proxmox

        async def run() -> AsyncIterator[ProgressUpdate]:
            client = await app.client()
            result, params = await disk_ops.check_move(client, self.kind, self.vmid, disk, **choice)
            route = "move_disk" if self.kind == "qemu" else "move_volume"
            upid = await client.post(f"{result.guest.path}/{route}",
                                     **{k: v for k, v in params.items() if v is not None})
            async for update in disk_ops.progress_updates(client, upid, timeout=3600.0):
                yield update

        def finished(outcome: str | None) -> None:
            app.refresh_data()
            self.reload(f"move of {disk}: {outcome or 'failed'}")
            self.drift_notice()

        where = choice.get("storage") or f"guest {choice.get('to_vmid')}"
        app.push_screen(ProgressScreen(f"Moving {disk} of {self.label} to {where}", run), finished)

    def action_detach(self) -> None:
        disk = self._selected()
        if disk is not None:
            self.detach_disk(disk)

    @work(exclusive=True, group="disks-action")
    async def detach_disk(self, disk: str) -> None:
        try:
            result = await disk_ops.detach_disk(await self.proxmox.client(), self.kind, self.vmid, disk)
        except PVEError as exc:
            self.status(str(exc))
            return
        self.reload(result.message)
        self.drift_notice()

    def action_delete(self) -> None:
        disk = self._selected()
        if disk is not None:
            self.ask_delete(disk)

    @work(exclusive=True, group="disks-action")
    async def ask_delete(self, disk: str) -> None:
        try:
            ref, key, volid = await disk_ops.describe_delete(await self.proxmox.client(), self.kind, self.vmid, disk)
        except PVEError as exc:
            self.status(str(exc))
            return
        asked = confirmation_for("disk", [Target(ref.label, key)], disk_ops.delete_question(ref, key, volid))
        if asked is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_disk(key)
        self.app.push_screen(ConfirmScreen(asked.question, type_to_confirm=asked.expected, confirm_label="Delete"),
                             answered)

    @work(exclusive=True, group="disks-action")
    async def delete_disk(self, disk: str) -> None:
        try:
            result = await disk_ops.delete_disk(await self.proxmox.client(), self.kind, self.vmid, disk)
        except PVEError as exc:
            self.status(str(exc))
            return
        self.reload(result.message)
        self.drift_notice()

    @work(group="disks-drift")
    async def drift_notice(self) -> None:
        from pmpc_tui.services.drift_notice import guest_change_notice

        notice = await guest_change_notice(self.proxmox.session, self.vmid)
        if notice:
            self.proxmox.notify(escape(notice), title=self.label, timeout=8)


def open_disks(screen: Any, rows: list[dict[str, Any]] | None = None) -> None:
    """`v` on the guests screen: the disks dialog of the guest under the cursor (`rows`: that one guest)."""
    targets: list[dict[str, Any]] = screen._targets() if rows is None else rows
    if len(targets) != 1:
        screen.notify("Select one guest first.", severity="warning")
        return
    row = targets[0]
    screen.app.push_screen(DisksDialog(screen.kind, int(row["vmid"]), screen._label(row)))
