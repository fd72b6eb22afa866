"""The Cluster view: pools, HA, backup jobs, firewall, SDN, storage, access and images in tabs, each row marked
against the code."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane, TextArea

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.cluster_view import (
    DIFFERS,
    GONE,
    NO_CODE,
    REMOVED,
    SAME,
    ClusterObjectsView,
    ObjectRow,
    load_cluster_objects,
)
from pmpc_tui.services.live import ClusterView
from pmpc_tui.tui.screens.base import LiveScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

CODE = ("code", "Code")
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "pools": (CODE, ("pool", "Pool"), ("members", "Members"), ("comment", "Comment")),
    "ha-resources": (CODE, ("sid", "Resource"), ("wanted", "Wanted"), ("state", "State"), ("node", "Node"),
                     ("comment", "Comment")),
    "ha-rules": (CODE, ("rule", "Rule"), ("type", "Type"), ("resources", "Resources"), ("nodes", "Nodes")),
    "backup": (CODE, ("job", "Job"), ("schedule", "Schedule"), ("next", "Next run"), ("selection", "Selection"),
               ("storage", "Storage"), ("retention", "Retention"), ("enabled", "On")),
    "firewall": (CODE, ("kind", "Kind"), ("name", "Name"), ("what", "What"), ("comment", "Comment")),
    "sdn": (CODE, ("kind", "Kind"), ("name", "Name"), ("what", "What"), ("pending", "Pending")),
    "storage": (CODE, ("storage", "Storage"), ("type", "Type"), ("content", "Content"), ("where", "Where"),
                ("nodes", "Nodes")),
    "access": (CODE, ("kind", "Kind"), ("name", "Name"), ("what", "What"), ("comment", "Comment")),
    "images": (CODE, ("node", "Node"), ("storage", "Storage"), ("type", "Type"), ("file", "File")),
}
TAB_OF = {"pools": "pools", "ha-resources": "ha", "ha-rules": "ha", "backup": "backup", "firewall": "firewall",
          "sdn": "sdn", "storage": "storage", "access": "access", "images": "images"}
TABS = ("pools", "ha", "backup", "firewall", "sdn", "storage", "access", "images")
MARK_STYLE = {SAME: "green", DIFFERS: "bold yellow", NO_CODE: "dim", GONE: "bold red", REMOVED: "bold red"}
EMPTY = {
    "pools": 'No pools. Add one in code — resource "proxmox_virtual_environment_pool" "web" { pool_id = "web" } '
             "in terraform/pools.tf — then plan (9). Nested pools are `parent/child`.",
    "ha": 'No HA resources or rules — PVE 9 replaced HA groups with rules; add one in code: resource '
          '"proxmox_harule" "db" { rule = "db", type = "node-affinity", resources = ["vm:101"], '
          'nodes = { pve1 = 2 } } in terraform/ha.tf, then plan (9).',
    "backup": 'No backup jobs. Add one in code — resource "proxmox_backup_job" "nightly" { id = "nightly", '
              'schedule = "02:00", storage = "local", all = true } in terraform/backup_jobs.tf — then plan (9).',
    "firewall": "No firewall security groups, aliases, IP sets or cluster rules.",
    "sdn": 'No SDN zones or VNets. Add one in code — resource "proxmox_sdn_zone_simple" "lab" { id = "lab" } '
           "in terraform/sdn.tf — then plan (9); apply applies SDN (PUT /cluster/sdn).",
    "storage": "No storage definitions.",
    "access": "No users, groups, custom roles or ACL entries besides root@pam and the built-in roles.",
    "images": "No ISO images, container templates or import content on the storages.",
}
LEGEND = "✓ code: matches · ~ drift: differs · – none: not in code · ? gone: only in code"


class ClusterScreen(LiveScreen):
    """Pools, HA, backup jobs and firewall; `e` opens the highlighted object's code."""

    AUTO_FOCUS = "#pools-table"
    DEFAULT_CSS = """
    ClusterScreen #cluster-tabs { height: 1fr; }
    ClusterScreen TabPane { padding: 0; }
    ClusterScreen KeyedTable { height: auto; max-height: 100%; }
    ClusterScreen #ha KeyedTable { max-height: 50%; }
    ClusterScreen .cluster-subtitle { text-style: bold; padding: 0 1; }
    ClusterScreen .cluster-empty { padding: 0 1; color: $text-muted; }
    ClusterScreen #cluster-detail { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "code", "Code"),
        Binding("right_square_bracket", "next_tab", "Next tab", key_display="]"),
        Binding("left_square_bracket", "previous_tab", "Previous tab", key_display="[", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(name="cluster")
        self.objects: ClusterObjectsView | None = None
        self._rows: dict[str, dict[str, ObjectRow]] = {table: {} for table in TABLES}
        self._error = ""
        self._wanted_tab = ""  # asked for (`:ha`) before the tabs were mounted

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(id="cluster-tabs"):
            for tab in TABS:
                with TabPane(tab_title(tab), id=tab):
                    if tab == "ha":  # resources and rules, one table each
                        yield Static("Resources", classes="cluster-subtitle")
                        yield KeyedTable(TABLES["ha-resources"], id="ha-resources-table")
                        yield Static("Rules", classes="cluster-subtitle")
                        yield KeyedTable(TABLES["ha-rules"], id="ha-rules-table")
                    else:
                        yield KeyedTable(TABLES[tab], id=f"{tab}-table")
                    yield Static("", id=f"{tab}-empty", classes="cluster-empty")
        yield Static("loading…", id="cluster-detail")
        yield Footer()

    # ---- data ----------------------------------------------------------------------------
    def show_view(self, view: ClusterView | None) -> None:
        """Each refresh of the console reads the cluster objects again (only while this screen is shown)."""
        self.load_objects()

    @work(exclusive=True, group="cluster-objects")
    async def load_objects(self) -> None:
        app = self.proxmox
        try:
            objects = await load_cluster_objects(await app.client(), app.workspace_root)
        except PVEError as exc:
            self._error = str(exc)
            self._show_detail()
            return
        self._error = ""
        self.show_objects(objects)

    def show_objects(self, objects: ClusterObjectsView) -> None:
        """Fill the tabs (rows are updated in place, so the cursor stays on its object)."""
        self.objects = objects
        for table, columns in TABLES.items():
            rows = objects.rows(table)
            self._rows[table] = {row.key: row for row in rows}
            self.query_one(f"#{table}-table", KeyedTable).show(
                {row.key: [mark_cell(row), *row.cells[:len(columns) - 1]] for row in rows})
        for tab in TABS:
            tables = [t for t, owner in TAB_OF.items() if owner == tab]
            empty = not any(objects.rows(t) for t in tables)
            note = f"{tab_title(tab)}: {objects.errors[tab]}" if tab in objects.errors else EMPTY[tab] if empty else ""
            self.query_one(f"#{tab}-empty", Static).update(note)
            for table in tables:
                self.query_one(f"#{table}-table", KeyedTable).display = not empty
        ha_empty = not (objects.rows("ha-resources") or objects.rows("ha-rules"))
        for title in self.query(".cluster-subtitle"):
            title.display = not ha_empty
        shown = self.current_table()
        if shown is not None and (self.focused is None or isinstance(self.focused, KeyedTable)):
            shown.focus()  # the tab's table takes the keys (not one on a hidden tab, nor nothing)
        self._show_detail()

    # ---- the highlighted row ----------------------------------------------------------------
    def current_table(self) -> KeyedTable | None:
        tab = self.query_one("#cluster-tabs", TabbedContent).active
        focused = self.focused
        if isinstance(focused, KeyedTable) and focused.id and TAB_OF.get(focused.id.removesuffix("-table")) == tab:
            return focused
        for table, owner in TAB_OF.items():
            widget = self.query_one(f"#{table}-table", KeyedTable)
            if owner == tab and widget.row_count:
                return widget
        return None

    def current_row(self) -> ObjectRow | None:
        table = self.current_table()
        if table is None or table.id is None or table.selected_key is None:
            return None
        return self._rows[table.id.removesuffix("-table")].get(table.selected_key)

    def _show_detail(self) -> None:
        detail = self.query_one("#cluster-detail", Static)
        if self._error:
            detail.update(f"Could not read the cluster: {self._error}")
            return
        if self.objects is None:
            detail.update("loading…")
            return
        row = self.current_row()
        text = row.detail if row else (self.objects.code_note or LEGEND)
        detail.update(text)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, _event: TabbedContent.TabActivated) -> None:
        table = self.current_table()
        if table is not None:
            table.focus()
        self._show_detail()

    # ---- keys ------------------------------------------------------------------------------
    def on_mount(self) -> None:
        super().on_mount()
        if self._wanted_tab:
            self.show_tab(self._wanted_tab)

    def show_tab(self, tab: str) -> None:
        """Make a tab (`pools`, `ha`, `backup`, `firewall`, `sdn`, `storage`) the visible one."""
        if tab not in TABS:
            return
        if not self.is_mounted:
            self._wanted_tab = tab
            return
        self._wanted_tab = ""
        self.query_one("#cluster-tabs", TabbedContent).active = tab

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def _step_tab(self, step: int) -> None:
        tabs = self.query_one("#cluster-tabs", TabbedContent)
        tabs.active = TABS[(TABS.index(tabs.active) + step) % len(TABS)] if tabs.active in TABS else TABS[0]

    def action_code(self) -> None:
        """`e`: the highlighted object's code in the editor, at its line; objects not in code say how to import."""
        row = self.current_row()
        if row is None:
            self.notify("Nothing highlighted.", severity="warning")
            return
        if row.spot is None:
            self.notify(row.detail, title="No code for this object", severity="warning", timeout=8)
            return
        self.open_code(row.spot.path, row.spot.line)

    @work(group="cluster-code")
    async def open_code(self, path: Path, line: int) -> None:
        from pmpc_tui.tui.screens.editor import EditorScreen

        app = self.proxmox
        await app.switch_mode("editor")
        editor = app.screen
        if not isinstance(editor, EditorScreen):
            return
        await editor.open_file(path).wait()
        area = editor.query_one("#editor", TextArea)
        area.cursor_location = (max(line - 1, 0), 0)
        area.scroll_cursor_visible(center=True)
        area.focus()


def mark_cell(row: ObjectRow) -> Text:
    return Text(row.mark, style=MARK_STYLE.get(row.status, ""))


def tab_title(tab: str) -> str:
    return {"pools": "Pools", "ha": "HA", "backup": "Backup jobs", "firewall": "Firewall", "sdn": "SDN",
            "storage": "Storage", "access": "Access", "images": "Images"}[tab]
