"""The modal form every dialog of the guests screen is built on: a framed box in the middle, Esc cancels,
a Cancel/go button row (Enter in a field is the go button), and a status line for what was refused."""

from __future__ import annotations

from typing import TypeVar

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

R = TypeVar("R")


class FormDialog(ModalScreen[R | None]):
    """A modal form: `submit` is the go button (and Enter in a field); Esc or Cancel dismisses it with None."""

    DEFAULT_CSS = """
    FormDialog { align: center middle; }
    FormDialog > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 0 2;
    }
    FormDialog Static { height: auto; }
    FormDialog Select { width: 100%; }
    FormDialog .form-status { color: $text-warning; }
    FormDialog Horizontal { height: auto; align-horizontal: right; }
    FormDialog Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    GO_ID = "go"  # the id of the go button

    def buttons(self, go_label: str) -> ComposeResult:
        """The Cancel and go buttons, right-aligned."""
        with Horizontal():
            yield Button("Cancel", id="cancel")
            yield Button(go_label, id=self.GO_ID, variant="primary")

    def status_line(self, text: str, id: str) -> Static:
        """The line that tells what was refused (or where the form stands)."""
        return Static(text, id=id, classes="form-status")

    def show_status(self, text: str) -> None:
        """Show `text` (taken literally, never as markup) on the status line."""
        self.query_one(".form-status", Static).update(escape(text))

    def submit(self) -> None:
        """What the go button does."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == self.GO_ID:
            self.submit()
        else:
            self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.submit()

    def action_cancel(self) -> None:
        self.dismiss(None)


class SettingsForm(FormDialog[R]):
    """A form of many settings: wider, every field full width, Ctrl+S or Save saves."""

    DEFAULT_CSS = """
    SettingsForm > Vertical { width: 72; max-height: 100%; padding: 0 1; }
    SettingsForm Input { width: 100%; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save")]
    GO_ID = "save"

    def action_save(self) -> None:
        self.submit()
