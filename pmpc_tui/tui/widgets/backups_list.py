"""`B` on the guests screen: the guest's backup archives (all of them when nothing is selected); Enter or
`r` restores the highlighted one — to a new VMID, or over the guest after its name is typed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from pmpc_tui.formatting import human_bytes
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import backups
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.task_progress import ProgressScreen


class BackupsScreen(ModalScreen[None]):
    """Archives newest first: created, VMID, storage, size, notes."""

    DEFAULT_CSS = """
    BackupsScreen { align: center middle; }
    BackupsScreen > Vertical {
        width: 110; max-width: 100%; height: 80%; border: thick $accent; background: $surface; padding: 0 1;
    }
    BackupsScreen #backups-title { text-style: bold; height: auto; }
    BackupsScreen DataTable { height: 1fr; }
    BackupsScreen #backups-hint { height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("r,enter", "restore", "Restore")]

    def __init__(self, vmid: int | None, title: str) -> None:
        super().__init__()
        self.vmid = vmid
        self.title_text = title
        self.rows: list[backups.Backup] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(escape(self.title_text), id="backups-title")
            yield DataTable(id="backups", cursor_type="row")
            yield Static("Enter/r restore · Esc close", id="backups-hint")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("CREATED", "VMID", "TYPE", "STORAGE", "SIZE", "NOTES", "VOLID")
        table.loading = True
        self.run_worker(self._load(), group="backups", exit_on_error=False)

    async def _load(self) -> None:
        table = self.query_one(DataTable)
        try:
            self.rows = await backups.list_backups(await proxmox_app(self).client(), vmid=self.vmid)
        except PVEError as exc:
            self.query_one("#backups-hint", Static).update(f"[red]{escape(exc.message)}[/]")
            return
        finally:
            table.loading = False
        for b in self.rows:
            row = b.as_dict()
            table.add_row(row["created"], str(b.vmid), row["type"], b.storage, human_bytes(b.size), b.notes, b.volid,
                          key=f"{b.node or ''}/{b.volid}")
        if not self.rows:
            self.query_one("#backups-hint", Static).update("No backups yet — b backs the guest up · Esc close")
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_restore(self) -> None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return
        self.app.push_screen(RestoreFormScreen(self.rows[table.cursor_row]))


class RestoreFormScreen(ModalScreen[None]):
    """The VMID to restore to (the archive's own by default) and, optionally, the storage for its disks."""

    DEFAULT_CSS = """
    RestoreFormScreen { align: center middle; }
    RestoreFormScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    RestoreFormScreen Static { height: auto; }
    RestoreFormScreen #restore-error { color: $text-error; }
    RestoreFormScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    RestoreFormScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, backup: backups.Backup) -> None:
        super().__init__()
        self.backup = backup

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Restore[/b] {escape(self.backup.volid)}")
            yield Static("VMID (an existing stopped guest is replaced after you type its name)")
            yield Input(str(self.backup.vmid), id="vmid")
            yield Static("Storage for the disks (empty: where they were)")
            yield Input("", id="storage")
            yield Static("", id="restore-error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button("Restore", id="go", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#vmid", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go":
            self.run_worker(self._check(), group="restore", exit_on_error=False)
        else:
            self.action_cancel()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.run_worker(self._check(), group="restore", exit_on_error=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def _check(self) -> None:
        """Ask the services what PVE would refuse (nothing is sent), then confirm and run."""
        vmid = self.query_one("#vmid", Input).value.strip()
        storage = self.query_one("#storage", Input).value.strip() or None
        app = proxmox_app(self)
        try:
            plan = await backups.plan_restore(await app.client(), self.backup.volid, vmid,
                                              self.backup.node, storage, force=True)
        except PVEError as exc:
            self.query_one("#restore-error", Static).update(escape(str(exc)))
            return
        if plan.existing is None:
            self._run(plan)
            return
        name = plan.existing.name or str(plan.existing.vmid)

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(plan)

        app.push_screen(ConfirmScreen(f"Restore over {plan.existing.label}? Its disks are replaced by the "
                                      "archive's.", type_to_confirm=name, confirm_label="Restore"), confirmed)

    def _run(self, plan: backups.RestorePlan) -> None:
        app = proxmox_app(self)

        async def run() -> AsyncIterator[ProgressUpdate]:
            client = await app.client()
            await backups.start_restore(client, plan)
            async for update in backups.follow_tasks(client, [plan.upid or ""]):
                yield update

        def finished(outcome: str | None) -> None:
            app.refresh_data()
            if outcome:
                app.notify(f"restore of {plan.label}: {outcome}", timeout=5)
            app.run_worker(drift_notice(), group="restore-notice", exit_on_error=False)

        async def drift_notice() -> None:
            from pmpc_tui.services.drift_notice import guest_change_notice

            notice = await guest_change_notice(app.session, plan.vmid)
            if notice:
                app.notify(notice, title="Drift", timeout=10)

        self.dismiss(None)
        app.push_screen(ProgressScreen(f"Restoring {plan.label} from {plan.backup.volid}", run), finished)


def open_backups(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """The archives of the selected guest (one), else of every guest."""
    label = "VM" if kind == "qemu" else "CT"
    if len(rows) == 1:
        row = rows[0]
        title = f"Backups of {label} {row['vmid']} ({row.get('name', '')})"
        screen.app.push_screen(BackupsScreen(int(row["vmid"]), title))
    else:
        screen.app.push_screen(BackupsScreen(None, "All backups"))
