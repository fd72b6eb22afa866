"""/init as a guided form: where the workspace goes and the defaults new guests get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from pmpc_tui.services.workspace_init import InitOptions


class InitForm(ModalScreen[InitOptions | None]):
    """Returns the filled-in InitOptions, or None when cancelled. Node and storage come from the live view."""

    DEFAULT_CSS = """
    InitForm { align: center middle; }
    InitForm > VerticalScroll { width: 76; height: auto; max-height: 90%; border: thick $accent;
                                background: $surface; padding: 1 2; }
    InitForm Input, InitForm Select { margin-bottom: 1; }
    InitForm Horizontal { height: auto; align-horizontal: right; }
    InitForm Button { margin-left: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "#init-dir"

    def __init__(self, directory: Path, nodes: list[str], storages: dict[str, list[str]]) -> None:
        super().__init__()
        self.directory = directory
        self.nodes = nodes
        self.storages = storages  # node → storages that hold guest disks

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("[b]New workspace[/b] — Terraform, Ansible and the state database live here. "
                         "Enter in any field creates it; Esc cancels.")
            yield Label("Directory")
            yield Input(str(self.directory), id="init-dir")
            yield Label("Default node for new guests")
            yield Select([(n, n) for n in self.nodes], id="init-node", allow_blank=True,
                         value=self.nodes[0] if self.nodes else Select.BLANK)
            yield Label("Default storage for disks")
            yield Select(self._storage_options(self.nodes[0] if self.nodes else None), id="init-storage",
                         allow_blank=True)
            yield Label("Default bridge")
            yield Input("vmbr0", id="init-bridge")
            yield Label("Container template (optional), e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst")
            yield Input(id="init-template")
            yield Label("Default gateway for static IPs (optional)")
            yield Input(id="init-gateway")
            with Horizontal():
                yield Button("Cancel", id="init-cancel")
                yield Button("Create workspace", id="init-create", variant="primary")

    def _storage_options(self, node: str | None) -> list[tuple[str, str]]:
        return [(s, s) for s in self.storages.get(node or "", [])]

    @on(Select.Changed, "#init-node")
    def _node_changed(self, event: Select.Changed) -> None:
        node = event.value if isinstance(event.value, str) else None
        self.query_one("#init-storage", Select).set_options(self._storage_options(node))

    @on(Button.Pressed, "#init-create")
    @on(Input.Submitted)
    def _create(self) -> None:
        def text(widget_id: str) -> str | None:
            value = self.query_one(widget_id, Input).value.strip()
            return value or None

        def choice(widget_id: str) -> str | None:
            value: Any = self.query_one(widget_id, Select).value
            return value if isinstance(value, str) else None

        directory = text("#init-dir")
        if directory is None:
            self.notify("Give a directory for the workspace.", severity="warning")
            return
        self.dismiss(InitOptions(directory=Path(directory).expanduser(), node=choice("#init-node"),
                                 storage=choice("#init-storage"), bridge=text("#init-bridge") or "vmbr0",
                                 ct_template=text("#init-template"), gateway=text("#init-gateway")))

    @on(Button.Pressed, "#init-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
