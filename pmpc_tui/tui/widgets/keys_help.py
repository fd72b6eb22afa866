"""The `?` key help: the console's own keys, grouped by screen (this screen first); `?` or Esc closes it."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

Section = tuple[str, list[BindingType]]


class KeysHelp(ModalScreen[None]):
    """Scrollable list of keys; `sections` are (title, bindings) pairs, shown in order."""

    DEFAULT_CSS = """
    KeysHelp { align: center middle; }
    KeysHelp > Vertical {
        width: 76; max-width: 100%; height: 90%; border: round $accent; background: $surface;
    }
    KeysHelp #keys-title { padding: 0 1; text-style: bold; }
    KeysHelp VerticalScroll { height: 1fr; padding: 0 1; }
    KeysHelp #keys-body { width: 100%; height: auto; }
    """
    BINDINGS = [
        Binding("question_mark", "close", "Close", show=False),
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Keys — ? or Esc closes · j/k scroll", id="keys-title")
            with VerticalScroll():
                yield Static(self._text(), id="keys-body")

    def _text(self) -> str:
        lines: list[str] = []
        for title, bindings in self.sections:
            rows: dict[str, list[str]] = {}  # description → keys (j and ↓ share a line)
            for keys in BindingsMap(bindings).key_to_bindings.values():
                for binding in keys[:1]:  # a key the screen binds hides the same key of a widget below it
                    if binding.description:
                        shown = rows.setdefault(binding.description, [])
                        key = self.app.get_key_display(binding)
                        if key not in shown:
                            shown.append(key)
            if not rows:
                continue
            lines.append(f"[b]{escape(title)}[/b]")
            lines.extend(f"  {escape(' '.join(keys)):<14} {escape(desc)}" for desc, keys in rows.items())
            lines.append("")
        return "\n".join(lines).rstrip()

    def action_scroll(self, step: int) -> None:
        box = self.query_one(VerticalScroll)
        box.scroll_to(y=box.scroll_y + step, animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
