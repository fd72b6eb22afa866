"""The snapshots dialog (`n` on the guests screen): a guest's snapshot tree, create / rollback / delete with
confirmation; on marked guests, one name for a snapshot of each. It only asks, shows and calls services."""

from __future__ import annotations

import logging
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
from pmpc_tui.services import snapshots
from pmpc_tui.tui.widgets.confirm import ConfirmScreen

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp

log = logging.getLogger("pmpc.console")


class SnapshotNameDialog(ModalScreen[str | None]):
    """Ask for a snapshot name (checked as it is typed); Enter takes it, Esc cancels."""

    DEFAULT_CSS = """
    SnapshotNameDialog { align: center middle; }
    SnapshotNameDialog > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    SnapshotNameDialog Static { width: 100%; height: auto; }
    SnapshotNameDialog #name-problem { color: $text-error; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(escape(self.title_text), id="name-title")
            yield Input(placeholder="snapshot name, e.g. before-upgrade", id="snapshot-name")
            yield Static("a letter, then letters, digits, - or _ · Enter takes it · Esc cancels", id="name-problem")

    def on_mount(self) -> None:
        self.query_one("#snapshot-name", Input).focus()

    @on(Input.Submitted, "#snapshot-name")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(snapshots.check_snapshot_name(event.value))
        except PVEError as exc:
            self.query_one("#name-problem", Static).update(escape(str(exc)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SnapshotsDialog(ModalScreen[None]):
    """One guest's snapshots as a tree; c creates, r rolls back, x deletes the highlighted one."""

    DEFAULT_CSS = """
    SnapshotsDialog { align: center middle; }
    SnapshotsDialog > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%; border: round $accent; background: $surface;
    }
    SnapshotsDialog #snapshots-title { padding: 0 1; text-style: bold; }
    SnapshotsDialog OptionList { height: auto; max-height: 14; border: none; }
    SnapshotsDialog #snapshots-status { padding: 0 1; height: auto; }
    SnapshotsDialog #snapshots-keys { padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("c", "create", "Create snapshot"),
        Binding("r", "rollback", "Roll back to it"),
        Binding("x,delete", "delete", "Delete snapshot"),
    ]

    def __init__(self, kind: str, vmid: int, label: str) -> None:
        super().__init__()
        self.kind, self.vmid, self.label = kind, vmid, label
        self.listing: snapshots.SnapshotList | None = None

    @property
    def proxmox(self) -> ProxmoxApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Snapshots of {escape(self.label)}", id="snapshots-title")
            yield OptionList(id="snapshots-tree")
            yield Static("loading…", id="snapshots-status")
            yield Static("c create · r roll back · x delete · Esc close", id="snapshots-keys")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    def status(self, text: str) -> None:
        self.query_one("#snapshots-status", Static).update(escape(text))

    @work(exclusive=True, group="snapshots")
    async def reload(self, note: str | None = None) -> None:
        """Read the tree through the services and show it; `current` is highlighted."""
        try:
            self.listing = await snapshots.list_snapshots(await self.proxmox.client(), self.kind, self.vmid)
        except PVEError as exc:
            self.status(f"Cannot read the snapshots: {exc.message}")
            return
        tree = self.query_one(OptionList)
        tree.clear_options()
        lines = snapshots.tree_lines(self.listing.tree)
        tree.add_options([Option(escape(line), id=s.name) for s, line in zip(self.listing.tree, lines, strict=True)])
        current = next((i for i, s in enumerate(self.listing.tree) if s.is_current), None)
        if current is not None:
            tree.highlighted = current
        count = len(self.listing.names)
        self.status(note or (f"{count} snapshot{'s' if count != 1 else ''}" if count
                             else "No snapshots yet — c takes one."))

    def _chosen(self) -> str | None:
        """The highlighted snapshot's name (None and a hint on `current` or an empty list)."""
        tree = self.query_one(OptionList)
        if tree.highlighted is None:
            self.status("No snapshot selected — c takes one.")
            return None
        name = tree.get_option_at_index(tree.highlighted).id
        if name in (None, "current"):
            self.status("'current' is where you are, not a snapshot: choose one above it.")
            return None
        return name

    def action_close(self) -> None:
        self.dismiss(None)

    def action_create(self) -> None:
        def take(name: str | None) -> None:
            if name:
                self.run_action_on("create", name)
        self.app.push_screen(SnapshotNameDialog(f"New snapshot of {self.label}"), take)

    def _ask(self, action: str, name: str) -> None:
        if self.listing is None:
            return
        ref = self.listing.guest
        question = (snapshots.rollback_question(ref, name) if action == "rollback"
                    else snapshots.delete_question(ref, name))
        asked = confirmation_for("snapshot", [Target(ref.label, name)], question)

        def go(confirmed: bool | None) -> None:
            if confirmed:
                self.run_action_on(action, name)
        if asked is None:
            go(True)
            return
        label = "Roll back" if action == "rollback" else "Delete"
        self.app.push_screen(ConfirmScreen(asked.question, type_to_confirm=asked.expected, confirm_label=label), go)

    def action_rollback(self) -> None:
        name = self._chosen()
        if name:
            self._ask("rollback", name)

    def action_delete(self) -> None:
        name = self._chosen()
        if name:
            self._ask("delete", name)

    @work(exclusive=True, group="snapshot-action")
    async def run_action_on(self, action: str, name: str) -> None:
        """Run create/rollback/delete through the services, wait for its task, show the result and the tree."""
        from pmpc_tui.observability.correlation import operation

        app = self.proxmox
        self.status(f"{action} '{name}'…")
        calls: dict[str, Any] = {"create": snapshots.create_snapshot, "rollback": snapshots.rollback_snapshot,
                                 "delete": snapshots.delete_snapshot}
        try:
            with operation(f"snapshot {action}"):
                result = await calls[action](await app.client(), self.kind, self.vmid, name,
                                             on_started=app.awaited_tasks.add)
        except PVEError as exc:
            log.warning("snapshot %s '%s' of %s failed: %s", action, name, self.label, exc)
            self.status(f"{action} failed: {exc.message}")
            app.notify(f"{exc.message} — 5 opens Tasks", title=f"snapshot {action} failed", severity="error",
                       timeout=8)
            return
        lines = [result.message]
        if action == "rollback":
            from pmpc_tui.services.drift_notice import guest_change_notice

            notice = await guest_change_notice(app.session, self.vmid)
            if notice:
                lines.append(notice)
        app.notify("\n".join(lines), title=f"snapshot {action}", timeout=10 if len(lines) > 1 else 5)
        app.refresh_data()
        self.reload(" · ".join(lines))


def open_snapshots(screen: Any) -> None:
    """`n` on the guests screen: the dialog of the guest under the cursor, or one name for every marked guest."""
    targets: list[dict[str, Any]] = screen._targets()
    if not targets:
        screen.notify("Select a guest first (or mark some with Space).", severity="warning")
        return
    if len(targets) == 1:  # one guest (under the cursor, or the only one marked): its dialog
        row = targets[0]
        screen.app.push_screen(SnapshotsDialog(screen.kind, int(row["vmid"]), screen._label(row)))
        return

    def take(name: str | None) -> None:
        if name:
            snapshot_marked(screen, [(screen.kind, int(r["vmid"])) for r in targets], name)
    screen.app.push_screen(SnapshotNameDialog(f"Snapshot all {len(targets)} marked guests, one name"), take)


def snapshot_marked(screen: Any, targets: list[tuple[str, int]], name: str) -> None:
    """Start the bulk snapshot in the app (it outlives the screen) and clear the marks."""
    app = screen.app

    async def run() -> None:
        from pmpc_tui.observability.correlation import operation

        with operation("snapshot create"):
            outcomes = await snapshots.snapshot_guests(await app.client(), targets, name,
                                                       on_started=app.awaited_tasks.add)
        failed = [o for o in outcomes if isinstance(o, str)]
        done = len(outcomes) - len(failed)
        text = f"snapshot '{name}' taken of {done} of {len(outcomes)} guests"
        app.notify("\n".join([text, *failed[:3]]), title="snapshot all marked",
                   severity="error" if failed else "information", timeout=10 if failed else 5)
        app.refresh_data()

    app.run_worker(run(), group="snapshot-bulk", exclusive=False)
    screen.table.clear_marks()
    screen._update_title()
