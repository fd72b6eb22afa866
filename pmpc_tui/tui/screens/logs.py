"""Logs: the console's own log, live, filtered by minimum level and text."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, RichLog, Static

from pmpc_tui.observability.applog import LogEntry, app_log, entry_matches
from pmpc_tui.tui.widgets.filter_input import FilterInput

LEVEL_STYLE = {"DEBUG": "dim", "INFO": "", "WARNING": "yellow", "ERROR": "bold red"}
POLL_SECONDS = 0.5
AUDIT_POLL_SECONDS = 3.0  # changes made through `proxmox-mpc serve` (its audit log), read from the state DB


class LogsScreen(Screen[None]):
    """Tail of the app log. Keys pick the minimum level; `/` filters by text."""

    AUTO_FOCUS = "#app-log"
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("D", "level('DEBUG')", "All levels", show=False),  # the title line names D/I/W/E
        Binding("I", "level('INFO')", "Info and above", show=False),
        Binding("W", "level('WARNING')", "Warnings and above", show=False),
        Binding("E", "level('ERROR')", "Errors only", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.min_level = "INFO"
        self._seq = 0
        from pmpc_tui.services.audit import AuditFeed

        self._audit = AuditFeed()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("", id="log-title", classes="section-title")
            yield FilterInput(self._filter_changed, self._filter_done,
                              placeholder="filter by text, operation or correlation ID…", id="log-filter")
            yield RichLog(id="app-log", wrap=True, max_lines=5000, markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#log-filter", Input).display = False
        self._replay()
        self.set_interval(POLL_SECONDS, self._tail)
        self.set_interval(AUDIT_POLL_SECONDS, self._audit_tick)

    @property
    def filter_text(self) -> str:
        return self.query_one("#log-filter", Input).value

    def _write(self, entry: LogEntry) -> None:
        from rich.text import Text

        line = Text(f"{entry.clock()} {entry.level:<7} {entry.cid:<8} {entry.source:<8} {entry.message}",
                    style=LEVEL_STYLE.get(entry.level, ""))
        self.query_one("#app-log", RichLog).write(line)

    def _replay(self) -> None:
        """Show every kept entry that passes the current filter."""
        self.query_one("#app-log", RichLog).clear()
        entries = app_log().since(0)
        shown = [e for e in entries if entry_matches(e, self.min_level, self.filter_text)]
        for entry in shown:
            self._write(entry)
        self._seq = entries[-1].seq if entries else 0
        text = f" matching '{self.filter_text}'" if self.filter_text else ""
        count = f"{len(shown)} line" + ("" if len(shown) == 1 else "s")
        self.query_one("#log-title", Static).update(
            f"App log — {self.min_level} and above{text} ({count}) · D/I/W/E level · / filter")
        if not shown:
            self.query_one("#app-log", RichLog).write("(nothing logged at this level yet)")

    def _tail(self) -> None:
        for entry in app_log().since(self._seq):
            self._seq = entry.seq
            if entry_matches(entry, self.min_level, self.filter_text):
                self._write(entry)

    async def _audit_tick(self) -> None:
        """Web audit rows join the log as source `audit` (only once the state database is open: never opened here)."""
        session = getattr(self.app, "session", None)
        db = session.connected_db if session is not None else None
        if db is not None:
            await self._audit.poll(db)

    def action_level(self, level: str) -> None:
        self.min_level = level
        self._replay()

    def action_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.display = True
        self.set_focus(box)  # at once, not deferred: keys typed right after `/` must land in the filter

    def action_clear_filter(self) -> None:
        box = self.query_one("#log-filter", Input)
        box.value = ""
        box.display = False
        self.query_one("#app-log", RichLog).focus()

    def _filter_changed(self, _text: str) -> None:
        if self.is_mounted:
            self._replay()

    def _filter_done(self) -> None:
        """Enter in the filter: the log takes the keys at once (not deferred: typing ahead acts on it)."""
        self.set_focus(self.query_one("#app-log", RichLog))
