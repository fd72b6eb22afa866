"""`y` on the guests screen clones the guest under the cursor (name, VMID — blank takes the next free one —,
node, linked for a template) with a progress bar; `T` converts it to a template after its typed name.
Every rule is the service's: a refusal shows with its next step and nothing is sent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import clone as clones
from pmpc_tui.services import migrate as migrations
from pmpc_tui.services import templates
from pmpc_tui.services.task_progress import ProgressUpdate
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.form_dialog import FormDialog
from pmpc_tui.tui.widgets.task_progress import follow_in_dialog


class CloneFormScreen(FormDialog[dict[str, Any]]):
    """New name, VMID (blank: next free), node and linked; Clone starts, Esc cancels."""

    def __init__(self, label: str, name: str, nodes: list[str], node: str, template: bool) -> None:
        super().__init__()
        self.label = label
        self.default_name = name
        self.nodes = nodes
        self.node = node
        self.template = template

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]Clone[/b] {escape(self.label)}")
            yield Input(value=f"{self.default_name}-copy"[:63], placeholder="name of the clone", id="name")
            yield Input(placeholder="VMID (blank: the next free one)", id="vmid")
            yield Select([(n, n) for n in self.nodes], value=self.node, allow_blank=False, id="node")
            if self.template:
                yield Checkbox("Linked clone", value=True, id="linked")
            yield from self.buttons("Clone")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def submit(self) -> None:
        vmid = self.query_one("#vmid", Input).value.strip()
        self.dismiss({"name": self.query_one("#name", Input).value.strip(), "vmid": vmid or None,
                      "node": str(self.query_one("#node", Select).value),
                      "linked": self.template and self.query_one("#linked", Checkbox).value})


def _label(kind: str, row: dict[str, Any]) -> str:
    return f"{'VM' if kind == 'qemu' else 'CT'} {row['vmid']} ({row.get('name', '')}) on {row['node']}"


async def ask_and_clone(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Offer the clone form for `rows[0]`, then run the clone in a progress dialog."""
    app = proxmox_app(screen)
    if not rows:
        app.notify("Select a guest first.", severity="warning")
        return
    row = rows[0]
    try:
        nodes = await migrations.online_nodes(await app.client())
    except PVEError as exc:
        app.notify(exc.message, title="Cannot read the nodes", severity="error")
        return
    label = _label(kind, row)
    node = str(row["node"]) if str(row["node"]) in nodes else nodes[0]

    def chosen(choice: dict[str, Any] | None) -> None:
        if choice is None:
            return

        async def run() -> AsyncIterator[ProgressUpdate]:
            client = await app.client()
            plan = await clones.plan_clone(client, kind, int(row["vmid"]), choice["name"], vmid=choice["vmid"],
                                           node=choice["node"], linked=choice["linked"])
            await clones.start_clone(client, plan)
            async for update in clones.follow_clone(client, plan):
                yield update

        follow_in_dialog(app, f"Cloning {label} as {choice['name']}", run, f"clone of {label} as {choice['name']}")

    app.push_screen(CloneFormScreen(label, str(row.get("name") or row["vmid"]), nodes, node,
                                    bool(row.get("template"))), chosen)


async def ask_and_convert(screen: Any, kind: str, rows: list[dict[str, Any]]) -> None:
    """Check the guest (refusals are told, nothing sent), ask for its typed name, then convert it."""
    app = proxmox_app(screen)
    if not rows:
        app.notify("Select a guest first.", severity="warning")
        return
    try:
        plan = await templates.plan_template(await app.client(), kind, int(rows[0]["vmid"]))
    except PVEError as exc:
        app.notify(f"{exc.message}\n{exc.hint}", title="Not sent: template", severity="warning", timeout=8)
        return

    async def convert() -> None:
        try:
            done = await templates.convert(await app.client(), plan)
        except PVEError as exc:
            app.notify(exc.message, title="Template failed", severity="error")
            return
        from pmpc_tui.services.drift_notice import guest_change_notice

        notice = await guest_change_notice(app.session, done.guest.vmid)
        app.notify(f"{done.guest.label} is now a template" + (f"\n{notice}" if notice else ""), timeout=8)
        app.refresh_data()

    def answered(yes: bool | None) -> None:
        if yes:
            app.run_worker(convert(), group="template", exit_on_error=False)

    app.push_screen(ConfirmScreen(plan.question, type_to_confirm=plan.expected, confirm_label="Convert"),
                    answered)
