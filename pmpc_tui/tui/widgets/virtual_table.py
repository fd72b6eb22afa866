"""A table that renders only the rows on screen, so filtering and sorting 5,000+ rows stays instant.

Rows are plain lists of strings keyed by a string; `set_rows()` replaces the data, `set_view()` picks
which keys are shown and in what order. Only the visible lines are drawn (Textual's line API), so the
cost of a keystroke does not grow with the number of rows on screen. The first `fixed_columns` stay
put when the table scrolls sideways; k9s keys move the cursor (j/k, g/G, Ctrl+D/Ctrl+U).
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def cell_widths(rows: Iterable[Sequence[str]], columns: int) -> list[int]:
    """The widest cell of each column, in terminal cells (pure: safe in a worker thread).

    Column by column in C (`len` of each cell); only a column holding non-ASCII text is measured cell by
    cell, as wide characters take two cells."""
    widths = [0] * columns
    for i, column in enumerate(zip(*rows, strict=False)):
        if i >= columns:
            break
        widest = max(map(len, column), default=0)
        if not "".join(column).isascii():
            widest = max(map(cell_len, column), default=0)
        widths[i] = widest
    return widths


class VirtualTable(ScrollView, can_focus=True):
    """Header + keyed rows with a row cursor; posts RowHighlighted / RowSelected / HeaderSelected."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header", "virtual-table--cursor", "virtual-table--even-row", "virtual-table--empty",
    }
    DEFAULT_CSS = """
    VirtualTable { background: $surface; color: $foreground; height: 1fr; }
    VirtualTable:focus { background-tint: $foreground 5%; }
    VirtualTable > .virtual-table--header { text-style: bold; background: $panel; color: $foreground; }
    VirtualTable:ansi > .virtual-table--header { background: ansi_bright_blue; color: ansi_default; }
    VirtualTable > .virtual-table--empty { color: $text-muted; }
    VirtualTable > .virtual-table--even-row { background: $surface-lighten-1 50%; }
    VirtualTable:dark > .virtual-table--even-row { background: $surface-darken-1 40%; }
    VirtualTable > .virtual-table--cursor {
        background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
    }
    VirtualTable:focus > .virtual-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: $block-cursor-text-style;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Open the row", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("g", "edge(0)", "First", show=False),
        Binding("G", "edge(1)", "Last", show=False),
        Binding("right,l", "column(1)", "Scroll right a column", show=False),
        Binding("left,h", "column(-1)", "Scroll left a column", show=False),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True, init=False)
    # Widget's virtual size asks for a layout of the whole screen when it changes, which the filter does on
    # most keys (the count of rows shown): on 5,000 rows that layout, with the repaint of every widget it
    # brings, was most of a keystroke's frame. The table's own size never depends on its rows, so a change
    # only updates its scrollbars (which lay the screen out themselves when one appears or goes). Nor does it
    # repaint the table: `set_view` redraws the lines whose row changed.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=False)

    class RowHighlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, table: VirtualTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> VirtualTable:
            return self.table

    class RowSelected(RowHighlighted):
        """Enter (or a second click) on a row."""

    class HeaderSelected(Message):
        """A column header was clicked."""

        def __init__(self, table: VirtualTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> VirtualTable:
            return self.table

    def __init__(self, columns: Sequence[tuple[str, str]], fixed_columns: int = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.fixed_columns = fixed_columns
        self.column_keys = [key for key, _ in columns]
        self.labels = [label for _, label in columns]
        self._index = {key: i for i, key in enumerate(self.column_keys)}
        self._data: dict[str, list[str]] = {}
        self._keys: list[str] = []
        self._positions: dict[str, int] = {}
        self._widths = [cell_len(label) for label in self.labels]
        self._last_highlighted: str | None = None
        self._base_style: Style | None = None  # the widget's own style, kept until its styles change
        self.empty_text = ""  # what an empty table says under its header (wrapped to its width)
        self._empty_lines: tuple[int, list[str]] = (0, [])

    # ---- data ----------------------------------------------------------------------------
    def set_rows(self, rows: dict[str, list[str]]) -> None:
        """Replace the data (key → cells); call `set_view` to choose what is shown."""
        self.replace_rows(rows, cell_widths(rows.values(), len(self.labels)))

    def replace_rows(self, rows: dict[str, list[str]], widths: Sequence[int],
                     changed: Collection[str] | None = None) -> None:
        """Replace the data with rows measured elsewhere (`cell_widths`, e.g. in a worker thread); only the
        lines of `changed` keys on screen are redrawn (None: the whole table)."""
        self._data = rows
        old = self._widths
        self._widths = [max(w + self.column_extra(key), cell_len(label) + self.header_extra(key)) for w, label, key
                        in zip(widths, self.labels, self.column_keys, strict=True)]
        if changed is None or self._widths != old:
            self.refresh()
            return
        width = self.size.width
        for line in self._lines_on_screen(changed):  # a changed row's line, not the whole table
            self.refresh(Region(0, line, width, 1))

    def _lines_on_screen(self, keys: Collection[str]) -> list[int]:
        """The lines (below the header) of the shown rows whose key is in `keys`."""
        top = round(self.scroll_y)
        shown = self._keys[top:top + max(1, self.scrollable_content_region.height)]
        return [line for line, key in enumerate(shown, 1) if key in keys]

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None

    def show_empty(self, text: str) -> None:
        """What the table says while it shows no rows ("nothing matches …"): drawn in the table itself, so it
        comes and goes without a layout of the screen (a line of text below the table did, on 5,000 rows)."""
        if text != self.empty_text:
            width = max(0, self.scrollable_content_region.width)
            old = len(self._empty_line_list(width))
            self.empty_text = text
            self._empty_lines = (0, [])
            if not self._keys:  # only the lines of the old and the new text ("nothing matches 'vm-1'" → 'vm-12')
                for line in range(max(old, len(self._empty_line_list(width)))):
                    self.refresh(Region(0, line + 1, self.size.width, 1))

    def _empty_line(self, index: int, width: int) -> str:
        lines = self._empty_line_list(width)
        return lines[index] if index < len(lines) else ""

    def _empty_line_list(self, width: int) -> list[str]:
        if self._empty_lines[0] != width:
            self._empty_lines = (width, textwrap.wrap(self.empty_text, max(10, width - 2)))
        return self._empty_lines[1]

    def set_cell(self, key: str, column: str, value: str) -> None:
        cells = self._data[key]
        cells[self._index[column]] = value
        self._widths[self._index[column]] = max(self._widths[self._index[column]], cell_len(value))
        if key in self._positions:
            self.refresh()

    def set_view(self, keys: list[str], keep: str | None = None) -> None:
        """Show these keys in this order; the cursor stays on `keep` (or the same key) when it is shown."""
        keep = keep if keep is not None else self.selected_key
        size = Size(sum(self._widths) + 2 * len(self._widths), len(keys) + 1)
        if keys == self._keys and (keep is None or self.selected_key == keep):
            if self.virtual_size != size:  # the same rows, wider or narrower cells
                self.virtual_size = size
            return  # nothing moved: no new positions, no cursor change
        top, cursor = round(self.scroll_y), self.cursor_row
        before = self._window(top) if self._keys else []  # (no rows: the lines held the empty text)
        self._keys = keys
        self._positions = {key: i for i, key in enumerate(keys)}
        self.virtual_size = size
        if keep is not None and keep in self._positions:
            row = self._positions[keep]
        else:
            row = min(self.cursor_row, max(0, len(keys) - 1))
        self.set_reactive(VirtualTable.cursor_row, row)
        self._scroll_cursor_into_view()
        self._refresh_changed_lines(top, before, cursor)
        self._announce()

    def _window(self, top: int) -> list[str | None]:
        """The keys of the lines on screen below the header from row `top` (None: a line with no row)."""
        height = max(1, self.scrollable_content_region.height - 1)
        shown: list[str | None] = list(self._keys[top:top + height])
        return shown + [None] * (height - len(shown))

    def _refresh_changed_lines(self, top: int, before: list[str | None], cursor: int) -> None:
        """Redraw the lines whose row changed since `before` (and the cursor's old and new line): a filter key
        that leaves the rows on screen as they were (`vm-` → `vm-1` on guests 100…) redraws nothing of the
        table. Scrolled meanwhile, or with no rows before or after: the whole table."""
        after = self._window(round(self.scroll_y))
        if round(self.scroll_y) != top or not self._keys or len(after) != len(before):
            self.refresh()
            return
        width = self.size.width
        moved = {cursor - top, self.cursor_row - top} if cursor != self.cursor_row else set()
        for line, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new or line in moved:
                self.refresh(Region(0, line + 1, width, 1))

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def visible_keys(self) -> list[str]:
        return list(self._keys)

    @property
    def rows(self) -> dict[str, int]:
        """Shown keys → their position (membership tests: `key in table.rows`)."""
        return self._positions

    def get_cell(self, key: str, column: str) -> str:
        return self._data[key][self._index[column]]

    def get_row_index(self, key: str) -> int:
        return self._positions[key]

    @property
    def selected_key(self) -> str | None:
        if not self._keys:
            return None
        return self._keys[min(self.cursor_row, len(self._keys) - 1)]

    def move_cursor(self, row: int, scroll: bool = True) -> None:
        self.cursor_row = max(0, min(row, len(self._keys) - 1))
        if not scroll:
            return

    def watch_virtual_size(self) -> None:
        self._scroll_update(self.virtual_size)

    # ---- cursor --------------------------------------------------------------------------
    def watch_cursor_row(self) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        key = self.selected_key
        if key is not None and key != self._last_highlighted:
            self._last_highlighted = key
            self.post_message(self.RowHighlighted(self, key))

    def _scroll_cursor_into_view(self) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + body:
            self.scroll_to(y=self.cursor_row - body + 1, animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        if self._keys:
            self.cursor_row = max(0, min(self.cursor_row + step, len(self._keys) - 1))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.scrollable_content_region.height - 2))

    def action_column(self, direction: int) -> None:
        """Scroll sideways by whole columns (the fixed ones stay put)."""
        edges, x = [], 0
        for width in self._widths[self.fixed_columns:]:
            edges.append(x)
            x += width + 2
        now = round(self.scroll_x)
        if direction > 0:
            target = next((e for e in edges if e > now), now)
        else:
            target = max((e for e in edges if e < now), default=0)
        self.scroll_to(x=min(target, round(self.max_scroll_x)), animate=False)

    def action_half_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, (self.scrollable_content_region.height - 1) // 2))

    def action_edge(self, end: int) -> None:
        if self._keys:
            self.cursor_row = len(self._keys) - 1 if end else 0

    def action_select(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.RowSelected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            fixed = sum(w + 2 for w in self._widths[:self.fixed_columns])
            x = event.x if event.x < fixed else event.x + round(self.scroll_x)
            for column, width in zip(self.column_keys, self._widths, strict=True):
                x -= width + 2
                if x < 0:
                    self.post_message(self.HeaderSelected(self, column))
                    return
            return
        row = round(self.scroll_y) + event.y - 1
        if 0 <= row < len(self._keys):
            if row == self.cursor_row:
                self.action_select()
            self.cursor_row = row

    # ---- rendering -----------------------------------------------------------------------
    def header_cells(self) -> list[str]:
        """The header's labels (subclasses mark the sort column)."""
        return self.labels

    def cell_style(self, key: str, column: str, value: str) -> Style | None:
        """An extra style for one cell (subclasses colour states); None for the row's style."""
        return None

    def column_extra(self, column: str) -> int:
        """Cells wider than their value by this much (room for what `cell_text` adds)."""
        return 0

    def header_extra(self, column: str) -> int:
        """The header wider than its label by this much (room for what `header_cells` adds)."""
        return 0

    def cell_text(self, key: str, column: str, value: str) -> str:
        """What a cell shows (subclasses may add a glyph)."""
        return value

    def _segments(self, cells: Sequence[str], style: Style, key: str | None,
                  columns: range) -> list[Segment]:
        segments = []
        special = self.styled_columns
        for i in columns:
            width, value = self._widths[i], cells[i]
            extra = None
            if key is not None and i in special:
                column = self.column_keys[i]
                extra = self.cell_style(key, column, value)
                value = self.cell_text(key, column, value)
            segments.append(Segment(" " + set_cell_size(value, width) + " ", style + extra if extra else style))
        return segments

    @property
    def styled_columns(self) -> frozenset[int]:
        """Indexes of the columns whose cells go through `cell_style` / `cell_text` (none by default)."""
        return frozenset()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = round(self.scroll_x), round(self.scroll_y)
        base = self._base_style
        if base is None:  # the widget's style walks up every ancestor: once per style change, not per line
            base = self._base_style = self.rich_style
        key: str | None = None
        if y == 0:
            style = base + self.get_component_rich_style("virtual-table--header")
            cells = self.header_cells()
        else:
            index = scroll_y + y - 1
            if index >= len(self._keys):
                text = self._empty_line(index, width) if not self._keys and self.empty_text else ""
                if not text:
                    return Strip.blank(width, base)
                empty = base + self.get_component_rich_style("virtual-table--empty")
                return Strip([Segment(" " + text, empty)]).crop_extend(0, width, base)
            style = base
            if index % 2 == 1:
                style += self.get_component_rich_style("virtual-table--even-row")
            key = self._keys[index]
            cells = self._data[key]
            if index == self.cursor_row:
                style += self.get_component_rich_style("virtual-table--cursor")
                key = None  # the cursor row keeps one style, so it reads at a glance
        count = len(self._widths)
        if not scroll_x:  # not scrolled sideways: one strip (each Strip is costly to make: it sets up caches)
            return Strip(self._segments(cells, style, key, range(count))).crop_extend(0, width, style)
        fixed = min(self.fixed_columns, count)
        head = Strip(self._segments(cells, style, key, range(fixed)))
        rest = Strip(self._segments(cells, style, key, range(fixed, count)))
        rest = rest.crop_extend(scroll_x, scroll_x + max(0, width - head.cell_length), style)
        return Strip.join([head, rest]).crop_extend(0, width, style)
