"""Confirmation dialogs: yes/no for risky actions, type-the-name for destructive ones."""

from __future__ import annotations

from rich.markup import escape
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask before acting. With `type_to_confirm`, the user must type that text exactly."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; max-width: 100%; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    ConfirmScreen Static { width: 100%; height: auto; }
    ConfirmScreen #question-scroll { height: auto; max-height: 18; }
    ConfirmScreen #mismatch { color: $text-error; height: auto; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("n", "cancel", "No", show=False)]

    def __init__(self, question: str, type_to_confirm: str | None = None, confirm_label: str = "Yes",
                 scroll: bool = False) -> None:
        super().__init__()
        self.question = question
        self.scroll = scroll  # a long question (every command and target) scrolls instead of growing
        self.type_to_confirm = type_to_confirm
        self.confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.scroll:
                with VerticalScroll(id="question-scroll"):
                    yield Static(escape(self.question), id="question")
            else:
                yield Static(escape(self.question), id="question")
            if self.type_to_confirm is not None:
                yield Static(f"Type [b]{escape(self.type_to_confirm)}[/b] to confirm:")
                yield Input(id="typed")
                yield Static("", id="mismatch")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="confirm", variant="error",
                             disabled=self.type_to_confirm is not None)

    def on_mount(self) -> None:
        if self.type_to_confirm is not None:
            self.query_one("#typed", Input).focus()
        else:
            self.query_one("#cancel", Button).focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "y" and self.type_to_confirm is None:
            event.stop()  # consumed here: the screen below must not see it (`y` clones a guest there)
            event.prevent_default()
            self.dismiss(True)

    @on(Input.Changed, "#typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = event.value != self.type_to_confirm
        self.query_one("#mismatch", Static).update("")

    @on(Input.Submitted, "#typed")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value == self.type_to_confirm:
            self.dismiss(True)
            return
        self.query_one("#mismatch", Static).update(
            f"'{escape(event.value)}' does not match — type {escape(str(self.type_to_confirm))} exactly, "
            "or Esc to cancel.")

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
