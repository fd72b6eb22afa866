"""The filter box of a list screen (VMs, Containers, Logs): it filters as you type, in the key's own handling,
and Enter gives the list the keys at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """The filter box: a keystroke redraws the box, not the whole screen. Input grows its virtual size with
    the text, which (as a layout change) laid out and repainted every widget on each key; the box's own
    size never changes with its text.

    The box filters the list itself, in the key's own handling (`changed`): through `Input.Changed` the
    filter ran after the frame that showed the typed character, and the filtered list waited for a second
    frame. Enter leaves the box at once (`done`, as k9s does), so keys typed right after it go to the list
    (an `Input.Submitted` message was handled after the next key, which then landed in the filter)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "done", "Back to the list", show=False)]
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, changed: Callable[[str], None], done: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._changed, self._done = changed, done

    def watch_value(self, value: str) -> None:
        self._changed(value)

    def action_done(self) -> None:
        self._done()
