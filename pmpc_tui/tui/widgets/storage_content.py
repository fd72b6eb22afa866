"""The storage content view: what one storage holds as one node sees it, filtered by content type; `d` downloads
a URL to it and `u` uploads a local file, each with a progress bar. Opened with `c` on the Nodes/Storage screen,
`:storage NAME [NODE]`, or the palette (`content local`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from pmpc_tui.formatting import human_bytes
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import storage_files as files
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.task_progress import ProgressScreen

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp

FILTERS: tuple[str | None, ...] = (None, "iso", "vztmpl", "backup", "images", "import")


class StorageContentScreen(ModalScreen[None]):
    """Name, type, format, size, owner and date of every volume; `t` steps through the content types."""

    DEFAULT_CSS = """
    StorageContentScreen { align: center middle; }
    StorageContentScreen > Vertical {
        width: 110; max-width: 100%; height: 80%; border: thick $accent; background: $surface; padding: 0 1;
    }
    StorageContentScreen #content-title { text-style: bold; height: auto; }
    StorageContentScreen DataTable { height: 1fr; }
    StorageContentScreen #content-hint { height: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close"), Binding("t", "next_type", "Type filter"),
                Binding("d", "download", "Download URL"), Binding("u", "upload", "Upload file"),
                Binding("r", "reload", "Reload")]

    def __init__(self, node: str, storage: str, content: str | None = None) -> None:
        super().__init__()
        self.node = node
        self.storage = storage
        self.content = content
        self.items: list[files.StorageItem] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="content-title")
            yield DataTable(id="content", cursor_type="row")
            yield Static("t type filter · d download URL · u upload file · r reload · Esc close", id="content-hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns("NAME", "TYPE", "FORMAT", "SIZE", "VMID", "CREATED")
        self.action_reload()

    def action_reload(self) -> None:
        shown = self.content or "all types"
        self.query_one("#content-title", Static).update(
            f"Storage {escape(self.storage)} on {escape(self.node)} — {shown}")
        self.query_one(DataTable).loading = True
        self.run_worker(self._load(), group="storage-content", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        table = self.query_one(DataTable)
        try:
            self.items = await files.list_content(await proxmox_app(self).client(), self.node, self.storage,
                                                  self.content)
        except PVEError as exc:
            self.query_one("#content-hint", Static).update(f"[red]{escape(exc.message)}[/] · Esc close")
            return
        finally:
            table.loading = False
        table.clear()
        for item in self.items:
            row = item.as_dict()
            table.add_row(item.name, item.content, item.format, human_bytes(item.size),
                          str(item.vmid or ""), row["created"], key=item.volid)
        if not self.items:
            self.query_one("#content-hint", Static).update("Nothing of this type here · t type filter · Esc close")
        table.focus()

    def action_next_type(self) -> None:
        self.content = FILTERS[(FILTERS.index(self.content) + 1) % len(FILTERS)]
        self.action_reload()

    def action_download(self) -> None:
        self.app.push_screen(TransferFormScreen(self, "download"))

    def action_upload(self) -> None:
        self.app.push_screen(TransferFormScreen(self, "upload"))

    def action_close(self) -> None:
        self.dismiss(None)


class TransferFormScreen(ModalScreen[None]):
    """A URL (download) or a local path (upload), with an optional file name and checksum."""

    DEFAULT_CSS = """
    TransferFormScreen { align: center middle; }
    TransferFormScreen > Vertical {
        width: 80; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    TransferFormScreen Static { height: auto; }
    TransferFormScreen #transfer-error { color: $text-error; }
    TransferFormScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    TransferFormScreen Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, view: StorageContentScreen, kind: str) -> None:
        super().__init__()
        self.view = view
        self.kind = kind  # download | upload

    def compose(self) -> ComposeResult:
        verb = "Download to" if self.kind == "download" else "Upload to"
        with Vertical():
            yield Static(f"[b]{verb}[/b] {escape(self.view.storage)} on {escape(self.view.node)}")
            yield Static("URL (http/https)" if self.kind == "download" else "Local file (ISO image or template)")
            yield Input("", id="source")
            yield Static("Store as (empty: the file's own name)")
            yield Input("", id="filename")
            yield Static("Checksum ALG:SUM (optional, e.g. sha256:…)")
            yield Input("", id="checksum")
            yield Static("", id="transfer-error")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.kind.capitalize(), id="go", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#source", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "go":
            self.run_worker(self._check(), group="transfer", exit_on_error=False)
        else:
            self.action_cancel()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.run_worker(self._check(), group="transfer", exit_on_error=False)

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def _check(self) -> None:
        """Ask the services what PVE would refuse (nothing is sent yet), then run with a progress bar."""
        source = self.query_one("#source", Input).value.strip()
        filename = self.query_one("#filename", Input).value.strip() or None
        checksum = self.query_one("#checksum", Input).value.strip() or None
        app = proxmox_app(self)
        try:
            client = await app.client()
            if self.kind == "download":
                transfer = await files.plan_download(client, self.view.node, self.view.storage, source, filename,
                                                     checksum)
            else:
                transfer = await files.plan_upload(client, self.view.node, self.view.storage, source, filename,
                                                   checksum)
        except PVEError as exc:
            self.query_one("#transfer-error", Static).update(escape(str(exc)))
            return

        async def run() -> AsyncIterator[ProgressUpdate]:
            if self.kind == "download":
                upid = await files.start_download(client, transfer)
                async for update in follow_task(client, upid):
                    yield update
            else:
                async for update in files.upload(client, transfer):
                    yield update

        def finished(outcome: str | None) -> None:
            if outcome:
                app.notify(f"{self.kind} of {transfer.volid}: {outcome}", timeout=5)
            self.view.action_reload()

        self.dismiss(None)
        app.push_screen(ProgressScreen(f"{self.kind.capitalize()} {transfer.source} → {transfer.volid}", run),
                        finished)


def open_storage_content(app: Any, text: str) -> None:
    """`:storage NAME [NODE]`: the content view of that storage (on the first node that has it by default)."""
    words = text.split()
    view = app.cluster_view
    rows = sorted((s["node"], s["storage"]) for s in (view.storage if view else ()))
    nodes = [n for n, sid in rows if sid == words[0] and (len(words) < 2 or n == words[1])]
    if not nodes:
        app.jump_to("nodes")  # `:node pve1` still shows the Nodes/Storage screen
        if view is not None and words[0] not in {n["node"] for n in view.nodes}:
            app.notify(f"No storage '{text}' in the last refresh: `:storage NAME [NODE]`.", severity="warning")
        return
    app.push_screen(StorageContentScreen(nodes[0], words[0]))


class StorageContentProvider(Provider):
    """`content local`, `storage nas pve2` … — Enter opens that storage's content."""

    async def search(self, query: str) -> Hits:
        app = cast("ProxmoxApp", self.app)
        view = app.cluster_view
        if view is None:
            return
        matcher = self.matcher(query)
        for s in sorted(view.storage, key=lambda s: (s["storage"], s["node"])):
            text = f"Storage content: {s['storage']} on {s['node']}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text),
                          partial(app.push_screen, StorageContentScreen(s["node"], s["storage"])),
                          help=f"{s['type']} · {s['content']}")
