"""The history screen: the workspace's commits on the left (edits not yet committed first), the diff of the
highlighted one on the right; and the uncommitted count in the console's header."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, RichLog, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

if TYPE_CHECKING:
    from rich.text import Text
    from textual.app import App

COLUMNS = (("rev", "Rev"), ("when", "When"), ("command", "Command"), ("guests", "Guests"))
UNCOMMITTED = "~uncommitted"  # the row key of the edits made outside proxmox-mpc
STATUS_SECONDS = 10.0
LIMIT = 200


def diff_markup(line: str) -> str:
    """One diff line in colour: additions green, removals red, hunks cyan, file headers bold."""
    text = escape(line)
    if line.startswith(("+++", "---", "diff --git")):
        return f"[b]{text}[/]"
    if line.startswith("+"):
        return f"[green]{text}[/]"
    if line.startswith("-"):
        return f"[red]{text}[/]"
    if line.startswith("@@"):
        return f"[cyan]{text}[/]"
    return text


class HistoryScreen(Screen[None]):
    """j/k move through the commits, the diff follows the cursor; `r` reads the history again."""

    AUTO_FOCUS = "#history-table"
    DEFAULT_CSS = """
    HistoryScreen Horizontal { height: 1fr; }
    HistoryScreen #history-table { width: 50%; height: 1fr; }
    HistoryScreen #history-diff { width: 1fr; height: 1fr; border-left: solid $primary; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reload", "Reload"),
                                             Binding("tab", "focus_next", "Diff/list", show=False)]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("reading the history…", id="history-summary")
            with Horizontal():
                yield KeyedTable(COLUMNS, id="history-table")
                yield RichLog(id="history-diff", wrap=False, markup=True, max_lines=5000, auto_scroll=False)
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def on_screen_resume(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(exclusive=True, group="history")
    async def load(self) -> None:
        """Read the commits and the uncommitted edits through the history service (in a thread)."""
        from pmpc_tui.services.history import list_history
        from pmpc_tui.workspace.config import Workspace

        root = proxmox_app(self).workspace_root
        summary = self.query_one("#history-summary", Static)
        if root is None:
            summary.update("No workspace: `/init` (or `proxmox-mpc init`) makes one; its changes are commits.")
            return
        try:
            found = await asyncio.to_thread(lambda: list_history(Workspace.load(root), LIMIT))
        except PVEError as exc:
            summary.update(f"[red]✖ {escape(str(exc))}[/]")
            return
        rows: dict[str, list[str | Text]] = {}
        if found.uncommitted:
            rows[UNCOMMITTED] = ["edits", "now", "not committed", f"{len(found.uncommitted)} file(s)"]
        for c in found.commits:
            rows[c.rev] = [c.short[:8], c.date[5:16].replace("T", " "), c.command or "(git)", c.guests or c.subject]
        edits = f" · [yellow]{len(found.uncommitted)} uncommitted edit(s)[/]" if found.uncommitted else ""
        summary.update(f"{len(found.commits)} commit(s){edits} · j/k move · r reload")
        table = self.query_one("#history-table", KeyedTable)
        table.show(rows, ordered=True)
        if rows:
            self.show_diff(next(iter(rows)) if table.cursor_row == 0 else self._row_key(table))

    @staticmethod
    def _row_key(table: KeyedTable) -> str:
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key or ""

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value:
            self.show_diff(event.row_key.value)

    @work(exclusive=True, group="history-diff")
    async def show_diff(self, key: str) -> None:
        """The diff of one commit, or of the uncommitted edits."""
        from pmpc_tui.services.history import show, working_diff
        from pmpc_tui.workspace.config import Workspace

        root = proxmox_app(self).workspace_root
        if root is None:
            return
        try:
            ws = await asyncio.to_thread(Workspace.load, root)
            if key == UNCOMMITTED:
                text = "edits made outside proxmox-mpc (not committed)\n\n" + await asyncio.to_thread(working_diff, ws)
            else:
                shown = await asyncio.to_thread(show, ws, key)
                text = (f"{shown['rev'][:12]} · {shown['author']} · {shown['date']}\n{shown['message']}\n\n"
                        f"{shown['diff']}")
        except PVEError as exc:
            text = f"✖ {exc}"
        log = self.query_one("#history-diff", RichLog)
        log.clear()
        for line in text.splitlines():
            log.write(diff_markup(line))
        log.scroll_home(animate=False)


def watch_uncommitted(app: App[None], root: Path | None) -> None:
    """Show `N uncommitted edit(s)` in the console's header while the workspace has edits made outside
    proxmox-mpc (checked every 10 s in a thread)."""
    if root is None:
        return
    shown = {"note": ""}

    @work(exclusive=True, group="history-status", exit_on_error=False)
    async def check(node: App[None]) -> None:
        from pmpc_tui.services.history import uncommitted_count

        count = await asyncio.to_thread(uncommitted_count, root)
        note = f" · {count} uncommitted edit(s)" if count else ""
        current = str(node.sub_title)
        base = current[:-len(shown["note"])] if shown["note"] and current.endswith(shown["note"]) else current
        shown["note"] = note
        if base + note != current:
            node.sub_title = base + note

    app.set_interval(STATUS_SECONDS, lambda: check(app))
    check(app)
