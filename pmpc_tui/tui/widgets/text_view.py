"""A modal that shows read-only text (a diff, a plan, a report); Esc or q closes it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class TextViewScreen(ModalScreen[None]):
    """Title + scrollable read-only text."""

    DEFAULT_CSS = """
    TextViewScreen { align: center middle; }
    TextViewScreen > Vertical { width: 90%; height: 85%; border: round $accent; background: $surface; }
    TextViewScreen Label { padding: 0 1; text-style: bold; }
    TextViewScreen TextArea { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close", show=False)]

    def __init__(self, title: str, text: str, language: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.language = language

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text)
            view = TextArea(self.text, read_only=True, id="text-view", soft_wrap=False)
            yield view

    def on_mount(self) -> None:
        view = self.query_one("#text-view", TextArea)
        if self.language in view.available_languages:
            view.language = self.language
        view.focus()

    def action_close(self) -> None:
        self.dismiss(None)
