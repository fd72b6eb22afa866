"""`b` on the guests screen: back up the guest under the cursor (or the marked ones) — a small form for
storage, mode and compression, then the backup's progress."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Select, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import backups
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.form_dialog import FormDialog
from pmpc_tui.tui.widgets.task_progress import follow_in_dialog


class BackupFormScreen(FormDialog[dict[str, str]]):
    """Storage (those holding backups on the guests' nodes), mode and compression; Enter/Back up starts."""

    DEFAULT_CSS = """
    BackupFormScreen > Vertical { padding: 1 2; }
    BackupFormScreen Horizontal { margin-top: 1; }
    """

    def __init__(self, labels: list[str], storages: list[str]) -> None:
        super().__init__()
        self.labels = labels
        self.storages = storages

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Back up now[/b]\n" + escape(", ".join(self.labels)))
            yield Static("Storage")
            default = next((s for s in ("pbs", "local") if s in self.storages), self.storages[0])
            yield Select([(s, s) for s in self.storages], value=default, allow_blank=False, id="storage")
            yield Static("Mode")
            yield Select([(m, m) for m in backups.MODES], value="snapshot", allow_blank=False, id="mode")
            yield Static("Compression")
            yield Select([(c if c != "0" else "none", c) for c in backups.COMPRESSORS], value="zstd",
                         allow_blank=False, id="compress")
            yield from self.buttons("Back up")

    def on_mount(self) -> None:
        self.query_one("#go", Button).focus()

    def submit(self) -> None:
        self.dismiss({key: str(self.query_one(f"#{key}", Select).value) for key in ("storage", "mode", "compress")})


async def ask_and_back_up(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Offer the form for `rows` (guests of `kind`), then run the backup in a progress dialog."""
    app = proxmox_app(screen)
    if not rows:
        app.notify("Select a guest first (or mark some with Space).", severity="warning")
        return
    try:
        where = await backups.backup_storages(await app.client())
    except PVEError as exc:
        app.notify(exc.message, title="Cannot read storage", severity="error")
        return
    on_nodes = [{s for n, s, _ in where if n == str(r["node"])} for r in rows]
    storages = sorted(set.intersection(*on_nodes))  # on every node of the chosen guests
    if not storages:
        app.notify("No storage holds backups on the guests' node(s).", severity="warning")
        return
    label = "VM" if kind == "qemu" else "CT"
    labels = [f"{label} {r['vmid']} ({r.get('name', '')})" for r in rows]
    vmids = [int(r["vmid"]) for r in rows]

    def chosen(choice: dict[str, str] | None) -> None:
        if choice is None:
            return

        async def run() -> AsyncIterator[ProgressUpdate]:
            client = await app.client()
            plan = await backups.plan_backup(client, kind, vmids, choice["storage"], choice["mode"],
                                             choice["compress"])
            await backups.start_backup(client, plan)
            async for update in backups.follow_tasks(client, [j.upid or "" for j in plan.jobs]):
                yield update

        follow_in_dialog(app, f"Backing up {', '.join(labels)} to {choice['storage']}", run,
                         f"backup of {', '.join(labels)}")

    app.push_screen(BackupFormScreen(labels, storages), chosen)
