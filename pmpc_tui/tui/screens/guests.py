"""VMs and Containers screens: a live, sortable table with `/` filter-as-you-type, a details pane,
one-key actions (also on a marked selection) and the web console link."""

from __future__ import annotations

import logging
from typing import Any

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Static

from pmpc_tui.commands.confirmation import TYPED, Target, confirmation_for
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import guest_guards
from pmpc_tui.services.live import ClusterView
from pmpc_tui.services.multi_cluster import cluster_guest_rows
from pmpc_tui.tui.screens.base import LiveScreen
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.filter_input import FilterInput
from pmpc_tui.tui.widgets.guest_details import GuestDetails
from pmpc_tui.tui.widgets.guest_table import COLUMNS, SORTABLE, GuestTable, row_key

log = logging.getLogger("pmpc.console")


# k9s-style: Shift+letter sorts by that column; the same key again reverses
SORT_KEYS = {"I": "vmid", "N": "name", "S": "status", "C": "cpu", "M": "mem", "U": "uptime"}


class GuestsScreen(LiveScreen):
    """All guests of one kind (qemu or lxc); with several clusters open, those of every open cluster."""

    AUTO_FOCUS = "#guests"
    BINDINGS = [
        Binding("slash", "filter", "Filter"),
        Binding("escape", "back", "Back", show=False),
        Binding("enter", "details", "Details", show=False),
        Binding("space", "mark", "Mark", show=False),
        Binding("ctrl+a", "mark_all", "Mark all", show=False),
        Binding("s", "guest('start')", "Start"),
        Binding("d", "guest('shutdown')", "Shutdown"),
        Binding("x", "guest('stop')", "Stop", show=False),
        Binding("R", "guest('reboot')", "Reboot", show=False),
        Binding("delete", "guest('delete')", "Delete", key_display="del", show=False),
        Binding("c", "console", "Console URL", show=False),
        Binding("b", "backup", "Back up now", show=False),
        Binding("B", "backups", "Backups (restore)", show=False),
        Binding("n", "snapshots", "Snapshots", show=False),
        Binding("e", "settings", "Settings (cores, memory, grow disk)", show=False),
        Binding("v", "disks", "Disks (move, detach, delete)", show=False),
        Binding("m", "migrate", "Migrate", show=False),
        Binding("y", "clone", "Clone", show=False),
        Binding("T", "template", "Convert to template", show=False),
        Binding("o", "sort", "Sort", show=False),
        Binding("O", "reverse_sort", "Reverse sort", show=False),
        *(Binding(key, f"sort_column('{column}')", f"Sort by {dict(COLUMNS)[column]} (again: reverse)", show=False)
          for key, column in SORT_KEYS.items()),
    ]

    def __init__(self, kind: str) -> None:
        super().__init__(name="vms" if kind == "qemu" else "cts")
        self.kind = kind
        self.title_text = "Virtual machines" if kind == "qemu" else "Containers"
        self.details_vmid: int | None = None
        self.details_key: str | None = None  # the row whose details are open (another cluster's: 'NAME/VMID')
        self._shown_text: dict[str, str] = {}  # what the title says now
        # several clusters open: each cluster's rows tagged with its name, kept while its reading is the same
        self._tagged: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
        self._merged: list[dict[str, Any]] = []
        self._merged_parts: list[list[dict[str, Any]]] = []

    @property
    def table(self) -> GuestTable:
        return self.query_one(GuestTable)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static(self.title_text, id="screen-title")
            yield FilterInput(self._filter_changed, self._filter_done,
                              placeholder="filter by name, VMID, node, status or tag…", id="filter")
            with Horizontal(id="guest-body"):
                yield GuestTable(id="guests")
                yield GuestDetails(id="details")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False

    def show_view(self, view: ClusterView | None) -> None:
        """Render the latest cluster data (called by the app after each refresh)."""
        if view is None:
            self.table.show_empty("loading…")
            return
        table = self.table
        text = self.query_one("#filter", Input).value
        delta = view.guest_delta(self.kind) if self.proxmox.group is None else None  # one cluster: changed rows only
        table.show(self.rows(view), text, delta)
        self._show_counts()
        if self.details_key is not None:
            self.load_details(self.details_key)

    def rows(self, view: ClusterView | None = None) -> list[dict[str, Any]]:
        """The guests shown: the current cluster's; with several open, every open cluster's, each naming it."""
        view = view if view is not None else self.cluster_view
        rows = view.guests(self.kind) if view is not None else []
        group = self.proxmox.group
        if group is None:
            return rows
        parts = [(group.current_name, rows, True), *((o.cluster, o.result.guests(self.kind), False)
                                                     for o in self.proxmox.group_outcomes if o.ok)]
        tagged = []
        for name, source, current in parts:
            cached = self._tagged.get(f"{name}\0{current}")
            if cached is None or cached[0] is not source:
                cached = self._tagged[f"{name}\0{current}"] = (source, cluster_guest_rows(name, source, current))
            tagged.append(cached[1])
        if len(tagged) != len(self._merged_parts) or any(a is not b for a, b in zip(tagged, self._merged_parts,
                                                                                      strict=False)):
            self._merged_parts = tagged
            self._merged = [row for part in tagged for row in part]
        return self._merged

    @on(GuestTable.RowsLoaded, "#guests")
    def _show_counts(self) -> None:
        """The title's counts, and what an empty table means."""
        self._update_title()
        table, text = self.table, self.query_one("#filter", Input).value
        rows = self.rows() if self.cluster_view else []
        if not rows:
            note = (f"No {self.title_text.lower()} in this cluster yet — create one with "
                    f"`create {'vm' if self.kind == 'qemu' else 'ct'}` in the console.")
        elif not table.row_count and table.building_rows:
            note = "loading…"
        elif not table.row_count:
            note = f"Nothing matches '{text}' — press Esc to clear the filter."
        else:
            note = ""
        table.show_empty(note)

    def _say(self, widget_id: str, text: str) -> None:
        """Update a line of text only when it changes, and without laying the screen out again (which repaints
        every widget) when the old and the new text both fit on the one line it has."""
        old = self._shown_text.get(widget_id)
        if old == text:
            return
        self._shown_text[widget_id] = text
        line = self.query_one(f"#{widget_id}", Static)
        room = line.content_region.width
        same_height = bool(old) and bool(text) and max(cell_len(old or ""), cell_len(text)) <= room
        line.update(text, layout=not same_height)

    def _update_title(self) -> None:
        table = self.table
        order = "↓" if table.sort_reverse else "↑"
        parts = [self.title_text, f"{table.row_count} shown", f"sorted by {table.sort_column} {order}"]
        if table.marked:
            parts.append(f"{len(table.marked)} marked (actions apply to them)")
        self._say("screen-title", " · ".join(parts))

    # ---- filter, sort, marks -------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        self.set_focus(box)  # at once, not deferred: keys typed right after `/` must land in the filter

    def action_back(self) -> None:
        """Esc closes the details pane, then clears the filter, then clears the marks."""
        details = self.query_one(GuestDetails)
        box = self.query_one("#filter", Input)
        if details.has_class("open"):
            details.remove_class("open")
            self.details_vmid = self.details_key = None
        elif box.value or box.display:
            box.value = ""
            box.display = False
        elif self.table.marked:
            self.table.clear_marks()
        self.table.focus()
        self._update_title()

    def action_sort(self) -> None:
        self.table.next_sort_column()
        self._update_title()

    def action_sort_column(self, column: str) -> None:
        self.table.sort_by(column)
        self._update_title()

    def action_reverse_sort(self) -> None:
        self.table.sort_by(self.table.sort_column, reverse=not self.table.sort_reverse)
        self._update_title()

    @on(GuestTable.HeaderSelected)
    def _header_clicked(self, event: GuestTable.HeaderSelected) -> None:
        column = event.column
        if column in SORTABLE:
            self.table.sort_by(column)
            self._update_title()

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self.table.action_cursor(1)
        self._update_title()

    def action_mark_all(self) -> None:
        self.table.mark_all_visible()
        self._update_title()

    def _filter_changed(self, _text: str) -> None:
        if self.is_mounted:
            self.show_view(self.cluster_view)

    def _filter_done(self) -> None:
        """Enter in the filter: the table takes the keys at once (not deferred: typing ahead acts on it)."""
        self.set_focus(self.table)

    # ---- details -------------------------------------------------------------------------
    @on(GuestTable.RowSelected, "#guests")
    def action_details(self) -> None:
        row = self.table.selected_row
        if row is None:
            return
        details = self.query_one(GuestDetails)
        details.add_class("open")
        details.show_text(f"loading {row['vmid']}…")
        self.details_vmid, self.details_key = int(row["vmid"]), row_key(row)
        self.load_details(self.details_key)

    @on(GuestTable.RowHighlighted, "#guests")
    def _follow_cursor(self, event: GuestTable.RowHighlighted) -> None:
        if self.details_key is not None and event.key != self.details_key:
            self.action_details()

    @work(exclusive=True, group="details")
    async def load_details(self, key: str) -> None:
        """Read the guest's config and status through the services (from the row's own cluster)."""
        from pmpc_tui.services.inventory import describe_guest

        details = self.query_one(GuestDetails)
        row = self.table.row_of(key)
        if row is None:
            return
        try:
            client = await self.proxmox.client_of(row.get("cluster"))
            data = await describe_guest(client, self.kind, int(row["vmid"]))
        except PVEError as exc:
            details.show_text(f"Cannot read {row['vmid']}: {exc}")
            return
        if self.details_key == key:
            details.show_details(data)

    # ---- actions -------------------------------------------------------------------------
    def _targets(self, any_cluster: bool = False) -> list[dict[str, Any]]:
        """The marked guests that still exist, or else the selected one. Another open cluster's guests only
        with `any_cluster` (the one-key actions send to the row's cluster); the dialogs work on the current
        cluster, so for them such a guest is left out and the user told how to make its cluster current."""
        if self.proxmox.cluster_view is None:
            return []
        rows = {row_key(r): r for r in self.rows()}
        marked = self.table.marked
        if marked:
            order = [*sorted(m for m in marked if isinstance(m, int)), *sorted(m for m in marked if isinstance(m, str))]
            chosen = [rows[str(m)] for m in order if str(m) in rows]
        else:
            key = self.table.selected_key
            chosen = [rows[key]] if key and key in rows else []
        return chosen if any_cluster else self._current_cluster_only(chosen)

    def _current_cluster_only(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        elsewhere = [row for row in rows if "key" in row]  # another cluster's guest (see cluster_guest_rows)
        if elsewhere:
            name = elsewhere[0]["cluster"]
            self.notify(f"{self._label(elsewhere[0])} is on cluster '{name}': `:ctx {name}` makes it the current "
                        "cluster, then this works on it.", title="Another cluster", severity="warning", timeout=8)
        return [row for row in rows if "key" not in row]

    def _under_cursor(self, what: str, why: str) -> list[dict[str, Any]]:
        """The guest under the cursor, for an operation that works on one guest at a time (said when marked)."""
        row = self.table.selected_row if self.proxmox.cluster_view is not None else None
        if self.table.marked and row is not None:
            self.notify(f"{what} works on one guest at a time ({why}): {self._label(row)}, the one under the cursor.",
                        title="One guest at a time", timeout=6)
        return self._current_cluster_only([row]) if row is not None else []

    def _label(self, row: dict[str, Any]) -> str:
        where = f" on {row['cluster']}" if "cluster" in row else ""
        return f"{'VM' if self.kind == 'qemu' else 'CT'} {row['vmid']} ({row['name']}){where}"

    def action_guest(self, action: str) -> None:
        """Run a one-key action on the selected (or marked) guests, asking first when it is destructive; each
        goes to its row's cluster."""
        targets = self._targets(any_cluster=True)
        if not targets:
            self.notify("Select a guest first (or mark some with Space).", severity="warning")
            return
        reasons = [guest_guards.refusal(action, row, self._label(row)) for row in targets]
        refused = [reason for reason in reasons if reason is not None]
        targets = [row for row, reason in zip(targets, reasons, strict=True) if reason is None]
        for reason in refused:
            log.warning("%s not sent: %s", action, reason)
        if refused:  # doomed requests: explain, send nothing for them
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            self.notify(refused[0] + more, title=f"Not sent: {action}", severity="warning", timeout=6)
        if not targets:
            return
        labels = [self._label(r) for r in targets]
        label = labels[0] if len(labels) == 1 else f"these {len(labels)} guests"

        def go(confirmed: bool | None) -> None:
            if confirmed:
                for row, one in zip(targets, labels, strict=True):
                    self.proxmox.run_guest_action(self.kind, row["vmid"], action, one, row.get("cluster"))
                if len(targets) > 1:
                    self.table.clear_marks()
                    self._update_title()

        wording = (guest_guards.delete_question(label) if action == "delete"
                   else guest_guards.question(action, label))
        kind = "VM" if self.kind == "qemu" else "CT"
        asked = confirmation_for(action, [Target(f"{kind} {r['vmid']}", str(r["name"] or "")) for r in targets],
                                 wording)
        if asked is None:
            go(True)
        elif asked.kind == TYPED:
            self.app.push_screen(ConfirmScreen(asked.question, type_to_confirm=asked.expected,
                                               confirm_label=action.capitalize()), go)
        else:
            self.app.push_screen(ConfirmScreen(asked.question), go)

    def action_backup(self) -> None:
        """Back up the selected (or marked) guests: a small form, then the task's progress."""
        from pmpc_tui.tui.widgets.backup_form import ask_and_back_up

        self.run_worker(ask_and_back_up(self, self.kind, self._targets()), group="backup", exit_on_error=False)

    def action_backups(self) -> None:
        """The selected guest's backups (all, with several marked), with restore."""
        from pmpc_tui.tui.widgets.backups_list import open_backups

        open_backups(self, self.kind, self._targets())
    def action_snapshots(self) -> None:
        """The snapshots dialog of the guest under the cursor; on marked guests, one snapshot each."""
        from pmpc_tui.tui.widgets.snapshots_dialog import open_snapshots

        open_snapshots(self)

    def action_settings(self) -> None:
        """The settings dialog of the guest under the cursor (set, grow a disk)."""
        from pmpc_tui.tui.widgets.settings_dialog import open_settings

        open_settings(self)

    def action_disks(self) -> None:
        """The disks dialog of the guest under the cursor (move, detach, delete); marks are not used."""
        from pmpc_tui.tui.widgets.disks_dialog import open_disks

        open_disks(self, self._under_cursor("The disks dialog", "disk keys differ per guest"))

    def action_migrate(self) -> None:
        """Migrate the guest under the cursor (or the marked ones): target node and toggles, then a progress bar."""
        from pmpc_tui.tui.widgets.bulk_migrate import ask_and_migrate_marked
        from pmpc_tui.tui.widgets.migrate_form import ask_and_migrate

        targets = self._targets()
        work = ask_and_migrate_marked if len(targets) > 1 else ask_and_migrate
        self.run_worker(work(self, self.kind, targets), group="migrate", exit_on_error=False)

    def action_clone(self) -> None:
        """Clone the guest under the cursor (marks are not used): name, VMID, node, linked, then a progress bar."""
        from pmpc_tui.tui.widgets.clone_form import ask_and_clone

        rows = self._under_cursor("Clone", "each clone needs its own name")
        self.run_worker(ask_and_clone(self, self.kind, rows), group="clone", exit_on_error=False)

    def action_template(self) -> None:
        """Convert the guest under the cursor to a template after its typed name (marked ones: their number)."""
        from pmpc_tui.tui.widgets.bulk_template import ask_and_convert_marked
        from pmpc_tui.tui.widgets.clone_form import ask_and_convert

        targets = self._targets()
        work = ask_and_convert_marked if len(targets) > 1 else ask_and_convert
        self.run_worker(work(self, self.kind, targets), group="template", exit_on_error=False)

    def action_console(self) -> None:
        """Show the guest's web console URL and copy it to the clipboard (works over SSH via OSC 52)."""
        targets = self._targets()
        url = self.proxmox.console_url_for(self.kind, targets[0]) if targets else None
        if url is None:
            self.notify("Select a guest first.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(url, title="Console URL (copied to clipboard)", timeout=12)
