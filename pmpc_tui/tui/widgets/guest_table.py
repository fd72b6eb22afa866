"""The VMs/containers table: live updates without losing the selection, sort by any column, marks for
bulk actions, status coloured by state (a glyph with NO_COLOR). Built on VirtualTable, so a keystroke in the
filter costs the same for 10 or 5,000 rows; VMID and Name stay put when it scrolls sideways."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from textual.message import Message

from pmpc_tui.formatting import human_duration
from pmpc_tui.services.live import GuestDelta
from pmpc_tui.tui.widgets.virtual_table import VirtualTable, cell_widths

COLUMNS = (("mark", " "), ("vmid", "VMID"), ("name", "Name"), ("node", "Node"), ("status", "Status"),
           ("cpu", "CPU"), ("mem", "Memory"), ("maxdisk", "Disk"), ("uptime", "Uptime"), ("tags", "Tags"))
SORTABLE = ("vmid", "name", "node", "status", "cpu", "mem", "maxdisk", "uptime", "tags")
MARK = "✓"
SEARCHED = ("vmid", "name", "node", "status", "tags")
FIXED_COLUMNS = 3  # mark, VMID and Name stay put when the table scrolls right
# how a state looks: component class (colour, in the stylesheet) and the glyph shown with NO_COLOR
STATES = {"running": "●", "stopped": "○", "paused": "‖", "locked": "⊘", "template": "□"}
GIB, MIB = 1024**3, 1024**2
THREAD_ROWS = 500  # from this many guests, new rows are built in a worker thread (fewer: at once, on the loop)
DELTA_SHARE = 4  # a refresh known as its changed rows is applied on the loop when at most 1/4 of the rows changed
PAUSE_ROWS = 250  # a worker thread building rows offers a keystroke the GIL this often


@lru_cache(maxsize=4096)  # sizes repeat across guests and refreshes: a refresh formats each distinct one once
def compact_size(value: int, unit_of: int | None = None) -> str:
    """`2.0G`, `512M`: a size in the unit that fits `unit_of` (default: the value itself)."""
    basis = value if unit_of is None else unit_of
    if basis >= 1024 * GIB:
        return f"{value / (1024 * GIB):.1f}T"
    if basis >= GIB:
        return f"{value / GIB:.1f}G"
    return f"{value / MIB:.0f}M"


def compact_memory(used: int, total: int) -> str:
    """`1.0/2.0G` — used and configured memory in one short column."""
    both = compact_size(total)
    return f"{compact_size(used, total)[:-1]}/{both}"


def state_of(row: dict[str, Any]) -> str:
    """The state a row is coloured by: locked and template before the power status."""
    if row.get("lock"):
        return "locked"
    if row.get("template"):
        return "template"
    return str(row["status"])


@lru_cache(maxsize=1024)
def _uptime_minutes(minutes: int) -> str:
    return human_duration(minutes * 60) if minutes >= 0 else human_duration(0)


def uptime_text(seconds: int) -> str:
    """The Uptime cell: it shows minutes at most, so one text per minute (uptime moves every refresh)."""
    return _uptime_minutes(seconds // 60 if seconds > 0 else -1)


def _cells(row: dict[str, Any], marked: bool) -> list[str]:
    return [MARK if marked else "", str(row["vmid"]), row["name"], row["node"], row["status"],
            f"{row['cpu'] * 100:.0f}%", compact_memory(row["mem"], row["maxmem"]),
            compact_size(row["maxdisk"]), uptime_text(row["uptime"]), row["tags"]]


def _searched(row: dict[str, Any]) -> tuple[Any, ...]:
    return row["vmid"], row["name"], row["node"], row["status"], row["tags"], row.get("cluster", "")


def _haystack(row: dict[str, Any]) -> str:
    return "\0".join(map(str, _searched(row))).lower()


def row_key(row: dict[str, Any]) -> str:
    """A row's key: its VMID; with several clusters open, another cluster's guest is 'CLUSTER/VMID'."""
    key = row.get("key")
    return key if key is not None else str(row["vmid"])


def mark_of(key: str) -> int | str:
    """What `marked` holds for a row: the VMID (the current cluster's guests), else the key."""
    return int(key) if key.isdigit() else key


def matches(row: dict[str, Any], text: str) -> bool:
    """Case-insensitive match of the filter against VMID, name, node, status, tags and cluster."""
    return not text or text.lower() in _haystack(row)


def sort_value(row: dict[str, Any], column: str) -> Any:
    """What a column sorts by: numbers numerically, text case-insensitively."""
    value = row[column]
    return value.lower() if isinstance(value, str) else value


@dataclass(frozen=True)
class Prepared:
    """Table rows built from guest rows, and how they differ from the rows they were built against."""

    rows: list[dict[str, Any]]
    by_key: dict[str, dict[str, Any]]
    data: dict[str, list[str]]
    haystacks: dict[str, str]
    widths: list[int]
    order: list[str]
    sort_column: str
    sort_reverse: bool
    marked: frozenset[int | str]
    base: dict[str, list[str]]  # the table data the diff is against
    changed: frozenset[str]  # keys new or different from `base`


def sort_keys(by_key: dict[str, dict[str, Any]], column: str, reverse: bool) -> list[str]:
    """Row keys in the order of a column (VMID breaks ties)."""
    if column == "vmid":  # the common case, and the order the cluster view already has: no key function
        try:
            return sorted(by_key, key=int, reverse=reverse)
        except ValueError:  # several clusters: 'CLUSTER/VMID' keys
            return sorted(by_key, key=lambda key: (by_key[key]["vmid"], key), reverse=reverse)
    return [key for key, _ in sorted(by_key.items(), key=lambda kv: (sort_value(kv[1], column), kv[1]["vmid"]),
                                     reverse=reverse)]


def prepare_rows(rows: list[dict[str, Any]], old_rows: dict[str, dict[str, Any]], base: dict[str, list[str]],
                 old_haystacks: dict[str, str], marked: frozenset[int | str], sort_column: str,
                 sort_reverse: bool, pause: Callable[[], None] | None = None,
                 base_widths: list[int] | None = None) -> Prepared:
    """Cells, search text, widths and order for `rows`, reusing the cells and search text of guests that look
    the same (pure: runs in a worker thread, so a refresh of thousands of guests never holds up a keystroke;
    `pause()` is called every few hundred rows, to let a keystroke go first).

    A running guest's uptime and CPU move on every refresh, so most rows differ from the last read: the
    cells are built again but kept (not redrawn) when they show the same, and the search text is rebuilt
    only when a searched field changed."""
    by_key: dict[str, dict[str, Any]] = {}
    data: dict[str, list[str]] = {}
    haystacks: dict[str, str] = {}
    changed = set()
    for count, row in enumerate(rows, 1):
        if pause is not None and not count % PAUSE_ROWS:
            pause()
        key = row_key(row)
        by_key[key] = row
        cells, old = base.get(key), old_rows.get(key)
        if cells is not None and (old is row or old == row):
            data[key], haystacks[key] = cells, old_haystacks[key]
            continue
        haystack = old_haystacks.get(key) if old is not None and _searched(old) == _searched(row) else None
        haystacks[key] = haystack if haystack is not None else _haystack(row)
        new = _cells(row, (key if "key" in row else row["vmid"]) in marked)  # `mark_of`, without parsing
        if cells is not None and new == cells:
            data[key] = cells
        else:
            data[key] = new
            changed.add(key)
    widths = _widths(data, base, changed, base_widths)
    if pause is not None:
        pause()
    return Prepared(rows, by_key, data, haystacks, widths, sort_keys(by_key, sort_column, sort_reverse),
                    sort_column, sort_reverse, marked, base, frozenset(changed))


def patch_rows(delta: GuestDelta, old_rows: dict[str, dict[str, Any]], base: dict[str, list[str]],
               old_haystacks: dict[str, str], order: list[str], marked: frozenset[int | str], sort_column: str,
               sort_reverse: bool, base_widths: list[int] | None) -> Prepared:
    """The table after a refresh known as the rows that changed (`delta`): work in proportion to them, not
    to the table. The order and the search text stay the very objects they were when no changed row moved
    in the sort or changed a searched field (the filter then has nothing to do)."""
    by_key, data = dict(old_rows), dict(base)
    haystacks = old_haystacks
    changed: set[str] = set()
    resort = False
    for vmid in delta.removed:
        key = str(vmid)
        if by_key.pop(key, None) is not None:
            data.pop(key, None)
            if haystacks is old_haystacks:
                haystacks = dict(old_haystacks)
            haystacks.pop(key, None)
    for row in delta.changed:
        key = str(row["vmid"])
        old = by_key.get(key)
        by_key[key] = row
        if old is None or (sort_column != "vmid" and sort_value(old, sort_column) != sort_value(row, sort_column)):
            resort = True
        if old is None or _searched(old) != _searched(row):
            if haystacks is old_haystacks:
                haystacks = dict(old_haystacks)
            haystacks[key] = _haystack(row)
        cells = _cells(row, row["vmid"] in marked)
        if cells != data.get(key) or (old is not None and state_of(old) != state_of(row)):  # (colour: a lock)
            data[key] = cells
            changed.add(key)
    if resort:
        order = sort_keys(by_key, sort_column, sort_reverse)
    elif delta.removed:
        order = [key for key in order if key in by_key]
    widths = _widths(data, base, changed, base_widths)
    return Prepared(delta.after, by_key, data, haystacks, widths, order, sort_column, sort_reverse, marked, base,
                    frozenset(changed))


def _widths(data: dict[str, list[str]], base: dict[str, list[str]], changed: set[str],
            base_widths: list[int] | None) -> list[int]:
    """The columns' widths: measured again only over the changed rows when the rest are the rows measured
    before (`base_widths`) and no changed row that was the widest of a column got narrower there."""
    if base_widths is None or len(changed) * 4 > len(data) or data.keys() != base.keys():
        return cell_widths(data.values(), len(COLUMNS))
    widths = list(base_widths)
    for key in changed:
        was, now = _row_widths(base[key]), _row_widths(data[key])
        if any(old == widest and new < widest for old, new, widest in zip(was, now, base_widths, strict=True)):
            return cell_widths(data.values(), len(COLUMNS))
        widths = list(map(max, widths, now))
    return widths


def _row_widths(cells: list[str]) -> list[int]:
    return [len(cell) if cell.isascii() else cell_len(cell) for cell in cells]


class GuestTable(VirtualTable):
    """VMs or containers, keyed by VMID."""

    COMPONENT_CLASSES: ClassVar[set[str]] = VirtualTable.COMPONENT_CLASSES | {
        f"guest-table--{state}" for state in STATES}
    # the vertical scrollbar stays (a filter that empties the table or fills it again does not make it come and
    # go: each time, that laid out and repainted the whole screen)
    DEFAULT_CSS = """
    GuestTable { overflow-y: scroll; }
    GuestTable > .guest-table--running { color: $text-success; }
    GuestTable > .guest-table--stopped { color: $text-muted; }
    GuestTable > .guest-table--paused { color: $text-warning; }
    GuestTable > .guest-table--locked { color: $text-error; }
    GuestTable > .guest-table--template { color: $text-accent; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(COLUMNS, fixed_columns=FIXED_COLUMNS, **kwargs)
        self._styled = frozenset(i for i, (key, _) in enumerate(COLUMNS) if key in ("name", "status"))
        self._styled_named = self._styled | {[key for key, _ in COLUMNS].index("node")}  # the node names its cluster
        self._state_styles: dict[str, Style] = {}
        self.sort_column = "vmid"
        self.sort_reverse = False
        self.marked: set[int | str] = set()  # VMIDs; another cluster's guests by key (see `mark_of`)
        self.cluster = ""  # with several clusters open (the console's group mode): the current cluster
        self.cluster_room = 0  # the widest cluster name among the rows (the Cluster/Node column)
        self._source: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        self._haystacks: dict[str, str] = {}
        self._cell_widths: list[int] | None = None  # of the rows shown (before the columns' extras)
        self._order: list[str] = []
        self._filter = ""
        # the last filter's rows, for the same order and search text: (order, haystacks, text, keys)
        self._last_filter: tuple[list[str], dict[str, str], str, list[str]] | None = None
        self._pending: list[dict[str, Any]] | None = None  # rows being built in a worker thread
        self._queued: list[dict[str, Any]] | None = None  # the newest rows, built when that build is done

    class RowsLoaded(Message):
        """Rows built in a worker thread are on the table now."""

        def __init__(self, table: GuestTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> GuestTable:
            return self.table

    def header_cells(self) -> list[str]:
        arrow = "↓" if self.sort_reverse else "↑"
        labels = [f"Cluster/{label}" if key == "node" and self.cluster else label
                  for key, label in zip(self.column_keys, self.labels, strict=True)]
        return [label + arrow if key == self.sort_column else label
                for key, label in zip(self.column_keys, labels, strict=True)]

    def column_extra(self, column: str) -> int:
        if column == "node" and self.cluster:
            return max(self.cluster_room, len(self.cluster)) + 1  # "cluster/node"
        return 2 if column == "status" and self.app.no_color else 0  # the state glyph

    def header_extra(self, column: str) -> int:
        named = len("Cluster/") if column == "node" and self.cluster else 0
        return named + (1 if column in SORTABLE else 0)  # the sort arrow

    @property
    def styled_columns(self) -> frozenset[int]:
        return self._styled_named if self.cluster else self._styled

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._state_styles = {}  # the theme or stylesheet changed

    def cell_style(self, key: str, column: str, value: str) -> Style | None:
        row = self._by_key.get(key)
        if row is None or column == "node":
            return None
        state = state_of(row)
        if (column == "name" and state == "running") or state not in STATES:
            return None
        style = self._state_styles.get(state)
        if style is None:
            style = self._state_styles[state] = self.get_component_rich_style(f"guest-table--{state}")
        return style

    def cell_text(self, key: str, column: str, value: str) -> str:
        if column == "node" and self.cluster:
            row = self._by_key.get(key)
            return f"{row.get('cluster', self.cluster) if row else self.cluster}/{value}"
        if column == "status" and self.app.no_color:
            row = self._by_key.get(key)
            glyph = STATES.get(state_of(row), " ") if row else " "
            return f"{glyph} {value}"
        return value

    def show(self, rows: list[dict[str, Any]], filter_text: str = "", delta: GuestDelta | None = None) -> None:
        """Show the rows that match the filter, in sort order; the selected guest stays selected.

        A refresh known as the rows that changed from the rows shown (`delta`, a refresh child's read) is
        applied at once, in proportion to those rows. Any other refresh of a large cluster is built in a
        worker thread and applied as a diff (`RowsLoaded` follows); meanwhile the filter works on the rows
        shown. The first rows are built at once, so a guest can be selected as soon as the screen opens."""
        self._filter = filter_text
        group = getattr(self.app, "group", None)  # several clusters open: each row names its cluster
        current = group.current_name if group is not None else ""
        if current != self.cluster and self.marked:  # marks hold the current cluster's VMIDs: not the next one's
            self.clear_marks()
        self.cluster = current
        self.cluster_room = max((len(name) for name in group.names()), default=0) if group is not None else 0
        if rows is not self._source and rows is not self._pending and rows is not self._queued:
            if delta is not None and self._takes(rows, delta):
                self._apply(patch_rows(delta, self._by_key, self._data, self._haystacks, self._order,
                                       frozenset(self.marked), self.sort_column, self.sort_reverse,
                                       self._cell_widths))
                return
            if len(rows) >= THREAD_ROWS and self._source and self.is_mounted:
                if self._pending is None:
                    self._build(rows)
                else:  # the newest rows wait for the build in flight, which is never cancelled (no starving)
                    self._queued = rows
            else:
                self._queued = None
                self._apply(self._preparation(rows)())
                return
        self._refilter()

    def _takes(self, rows: list[dict[str, Any]], delta: GuestDelta) -> bool:
        """`delta` leads from the rows shown to `rows`, no build is in flight, and it is a small part."""
        return (delta.before is self._source and delta.after is rows and self._pending is None
                and bool(self._source) and (len(delta.changed) + len(delta.removed)) * DELTA_SHARE <= len(rows))

    def _build(self, rows: list[dict[str, Any]]) -> None:
        self._pending = rows
        self.run_worker(self._load_in_thread(rows), group="guest-rows")

    @property
    def building_rows(self) -> bool:
        """New rows are being built in a worker thread."""
        return self._pending is not None

    def _preparation(self, rows: list[dict[str, Any]], in_thread: bool = False) -> Callable[[], Prepared]:
        """The row building for `rows`, with what it needs of the table's state taken now (on the loop); in a
        worker thread it waits while the console handles a key (never on the loop: that would stall it)."""
        keys_first = getattr(self.app, "keys_first", None) if in_thread else None
        return partial(prepare_rows, rows, self._by_key, self._data, self._haystacks, frozenset(self.marked),
                       self.sort_column, self.sort_reverse, keys_first.pause if keys_first is not None else None,
                       self._cell_widths)

    async def _load_in_thread(self, rows: list[dict[str, Any]]) -> None:
        prepared = await asyncio.to_thread(self._preparation(rows, in_thread=True))
        keys_first = getattr(self.app, "keys_first", None)
        if keys_first is not None:
            await keys_first.after_keys()  # a key being typed draws its frame first
        if self._pending is not rows:  # rows of a small cluster were taken at once meanwhile
            return
        self._apply(prepared)
        self.post_message(self.RowsLoaded(self))
        queued, self._queued = self._queued, None
        if queued is not None:
            self._build(queued)

    def _apply(self, prepared: Prepared) -> None:
        """Take built rows: swap the data, redraw only if a changed row is on screen, keep the cursor's guest."""
        self._pending = None
        base, self._source, self._by_key, self._haystacks = self._data, prepared.rows, prepared.by_key, \
            prepared.haystacks
        self.replace_rows(prepared.data, prepared.widths,
                          prepared.changed if prepared.base is base else None)
        self._cell_widths = prepared.widths if prepared.base is base else None
        for vmid in prepared.marked ^ self.marked:  # marks set or cleared while the rows were built
            self._show_mark(vmid)
        if (prepared.sort_column, prepared.sort_reverse) == (self.sort_column, self.sort_reverse):
            self._order = prepared.order
        else:  # the user sorted while the rows were built
            self._resort()
        self._refilter()

    def _resort(self) -> None:
        self._order = sort_keys(self._by_key, self.sort_column, self.sort_reverse)

    def _refilter(self, keep: str | None = None) -> None:
        needle = self._filter.lower()
        order, haystacks = self._order, self._haystacks
        searched = order
        last = self._last_filter
        same_rows = last is not None and last[0] is order and last[1] is haystacks
        if same_rows and last is not None and needle == last[2]:  # nothing the filter looks at changed
            self.set_view(last[3], keep)
            return
        if same_rows and last is not None and needle.startswith(last[2]):
            searched = last[3]  # the text only grew, on the same rows: narrow what matched before
        keys = [k for k in searched if needle in haystacks[k]] if needle else list(order)
        self._last_filter = (order, haystacks, needle, keys)
        self.set_view(keys, keep)

    def sort_by(self, column: str, reverse: bool | None = None) -> None:
        """Sort by a column (keeping the selected guest selected)."""
        if reverse is None:
            reverse = not self.sort_reverse if column == self.sort_column else False
        self.sort_column, self.sort_reverse = column, reverse
        selected = self.selected_key
        self._resort()
        self._refilter(keep=selected)

    def next_sort_column(self) -> str:
        """Cycle to the next sortable column."""
        index = SORTABLE.index(self.sort_column) if self.sort_column in SORTABLE else -1
        column = SORTABLE[(index + 1) % len(SORTABLE)]
        self.sort_by(column, reverse=self.sort_reverse)
        return column

    def _show_mark(self, mark: int | str) -> None:
        key = str(mark)
        if key in self._by_key:
            self.set_cell(key, "mark", MARK if mark in self.marked else "")

    def toggle_mark(self) -> None:
        """Mark or unmark the selected guest."""
        key = self.selected_key
        if not key:
            return
        mark = mark_of(key)
        self.marked.symmetric_difference_update({mark})
        self._show_mark(mark)

    def mark_all_visible(self) -> None:
        """Mark every guest the filter shows (or unmark them all when they are all marked already)."""
        visible = {mark_of(k) for k in self.visible_keys}
        if visible and visible <= self.marked:
            self.marked -= visible
        else:
            self.marked |= visible
        for vmid in visible:
            self._show_mark(vmid)

    def clear_marks(self) -> None:
        marked, self.marked = self.marked, set()
        for vmid in marked:
            self._show_mark(vmid)

    @property
    def selected_vmid(self) -> int | None:
        row = self.selected_row
        return int(row["vmid"]) if row is not None else None

    def row_of(self, key: str) -> dict[str, Any] | None:
        """The guest row shown under `key` (None: not in the last rows)."""
        return self._by_key.get(key)

    @property
    def selected_row(self) -> dict[str, Any] | None:
        """The guest row under the cursor (with several clusters open, its `cluster` says whose)."""
        key = self.selected_key
        return self._by_key.get(key) if key else None

    def select_vmid(self, vmid: int) -> bool:
        """Move the cursor to a guest; False when it is not shown (e.g. filtered out)."""
        if str(vmid) not in self.rows:
            return False
        self.move_cursor(row=self.get_row_index(str(vmid)))
        return True
