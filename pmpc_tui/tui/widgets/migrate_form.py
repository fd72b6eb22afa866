"""`m` on the guests screen: migrate the guest under the cursor — the target node (online nodes other than
its own), live (`online`) for a running VM, local disks copied — then the migration's progress bar.
Every rule is the service's: a refusal shows as the dialog's outcome, nothing is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Select, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import migrate as migrations
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.form_dialog import FormDialog
from pmpc_tui.tui.widgets.task_progress import follow_in_dialog


class MigrateFormScreen(FormDialog[dict[str, Any]]):
    """Target node, live migration and local disks; Enter/Migrate starts, Esc cancels."""

    def __init__(self, label: str, nodes: list[str], kind: str, running: bool, how: str | None = None) -> None:
        super().__init__()
        self.label = label
        self.nodes = nodes
        self.kind = kind
        self.running = running
        self.how = how

    def compose(self) -> ComposeResult:
        with Vertical():
            how = self.how or (("running: it moves live" if self.kind == "qemu"
                                else "running: it restarts on the target") if self.running
                               else "stopped: it moves offline")
            yield Static(f"[b]Migrate[/b] {escape(self.label)}\n{how}")
            yield Static("Target node")
            yield Select([(n, n) for n in self.nodes], value=self.nodes[0], allow_blank=False, id="node")
            if self.kind == "qemu":
                yield Checkbox("Online (live)", value=self.running, id="online")
                yield Checkbox("With local disks", value=self.running, id="local-disks")
            yield from self.buttons("Migrate")

    def on_mount(self) -> None:
        self.query_one("#go", Button).focus()

    def submit(self) -> None:
        choice: dict[str, Any] = {"node": str(self.query_one("#node", Select).value), "online": False,
                                  "with_local_disks": False}
        if self.kind == "qemu":
            choice["online"] = self.query_one("#online", Checkbox).value
            choice["with_local_disks"] = self.query_one("#local-disks", Checkbox).value
        self.dismiss(choice)


async def ask_and_migrate(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Offer the form for the guest in `rows[0]`, then run the migration in a progress dialog."""
    app = proxmox_app(screen)
    if not rows:
        app.notify("Select a guest first.", severity="warning")
        return
    row = rows[0]
    try:
        nodes = [n for n in await migrations.online_nodes(await app.client()) if n != str(row["node"])]
    except PVEError as exc:
        app.notify(exc.message, title="Cannot read the nodes", severity="error")
        return
    if not nodes:
        app.notify("No other online node to migrate to.", severity="warning")
        return
    label = f"{'VM' if kind == 'qemu' else 'CT'} {row['vmid']} ({row.get('name', '')}) on {row['node']}"
    running = str(row.get("status")) in migrations.RUNNING

    def chosen(choice: dict[str, Any] | None) -> None:
        if choice is None:
            return

        async def run() -> AsyncIterator[ProgressUpdate]:
            client = await app.client()
            plan = await migrations.plan_migrate(client, kind, int(row["vmid"]), choice["node"],
                                                 online=choice["online"],
                                                 with_local_disks=choice["with_local_disks"])
            await migrations.start_migrate(client, plan)
            async for update in migrations.follow_migrate(client, plan):
                yield update
            from pmpc_tui.services.drift_notice import guest_change_notice

            notice = await guest_change_notice(app.session, plan.guest.vmid)
            if notice:
                app.notify(notice, title="Drift", severity="warning", timeout=10)

        follow_in_dialog(app, f"Migrating {label} to {choice['node']}", run,
                         f"migration of {label} to {choice['node']}")

    app.push_screen(MigrateFormScreen(label, nodes, kind, running), chosen)
