"""The k9s-style `:` prompt: type a view (`vms`, `cts`, `nodes`, `tasks`, `logs`) and press Enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label

from pmpc_tui.tui.navigation import VIEWS, jump_suggestions


class JumpPrompt(ModalScreen[str | None]):
    """Returns the typed text (without the colon), or None when cancelled."""

    DEFAULT_CSS = """
    JumpPrompt { align: center top; background: $background 40%; }
    JumpPrompt > Vertical { width: 70; height: auto; margin-top: 2; border: round $accent; background: $surface; }
    JumpPrompt Label { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, extra: list[str] | None = None) -> None:
        super().__init__()
        self.extra = extra or []  # more completions, such as `ctx NAME` for each open cluster

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Input(placeholder=":vms  :cts  :nodes  :tasks  :logs  :vm 101", id="jump",
                        suggester=SuggestFromList([*jump_suggestions(), *self.extra], case_sensitive=False))
            yield Label(" ".join(f":{v.aliases[0]}" for v in VIEWS)
                        + "\n:vm NAME jumps to a guest · → accepts the suggestion · Esc cancels")

    @on(Input.Submitted, "#jump")
    def _go(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip().lstrip(":"))

    def action_cancel(self) -> None:
        self.dismiss(None)
