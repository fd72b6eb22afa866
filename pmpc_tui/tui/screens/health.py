"""Health, live: every check of /health, refreshed in the background."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.keyed_table import KeyedTable

COLUMNS = (("check", "Check"), ("status", "Status"), ("detail", "Detail"), ("next", "Next step"))
MARK = {"ok": "✔ ok", "warning": "▲ warning", "critical": "✖ CRITICAL"}
REFRESH_SECONDS = 10.0


class HealthScreen(Screen[None]):
    """The health checks, refreshed every 10 s."""

    AUTO_FOCUS = "#health-table"

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("checking…", id="health-summary")
            yield KeyedTable(COLUMNS, id="health-table")
        yield Footer()

    def on_mount(self) -> None:
        self.check()
        self.set_interval(REFRESH_SECONDS, self.check)

    @work(exclusive=True, group="health")
    async def check(self) -> None:
        """Run the checks through the health service (never on the event loop)."""
        from pmpc_tui.pve.errors import PVEError
        from pmpc_tui.services.health import overall, run_health
        from pmpc_tui.state.errors import StateDatabaseError

        app = proxmox_app(self)
        client = None
        try:
            client = await app.client()
        except PVEError:
            client = None
        db = None
        db_error: PVEError | None = None
        if app.workspace_root is not None:
            try:
                db = (await app.workspace_db())[1]
            except StateDatabaseError as exc:  # damaged or unreachable: a critical check, not "none open"
                db_error = exc
            except PVEError:
                db = None
        checks = await run_health(client, db, app.workspace_root, db_error=db_error)
        status = overall(checks)
        self.query_one("#health-summary", Static).update(
            f"Overall: [b]{MARK[status]}[/b] · {sum(c.status != 'ok' for c in checks)} need attention "
            f"· refreshed every {REFRESH_SECONDS:.0f} s")
        self.query_one("#health-table", KeyedTable).show({c.name: [
            c.name, MARK[c.status], escape(c.detail), escape(c.next_step)] for c in checks}, ordered=True)
