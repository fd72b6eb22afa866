"""Console: the REPL full screen — run any CLI command against the cluster and read its output."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header

from pmpc_tui.tui.widgets.repl import ReplPane


class ConsoleScreen(Screen[None]):
    """The same REPL as the docked pane, using the whole screen."""

    AUTO_FOCUS = "#repl-input"

    def __init__(self) -> None:
        super().__init__(name="console")

    def compose(self) -> ComposeResult:
        yield Header()
        yield ReplPane(id="console-repl")
        yield Footer()

    def on_screen_resume(self) -> None:
        self.query_one(ReplPane).input.focus()

    @on(ReplPane.ExitRequested)
    def _leave(self) -> None:
        self.app.switch_mode("dashboard")
