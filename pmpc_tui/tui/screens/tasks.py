"""Tasks: running and recent tasks across the cluster, with the selected task's log following live."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, RichLog, Static

from pmpc_tui.formatting import task_time
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.live import ClusterView
from pmpc_tui.tui.screens.base import LiveScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable, task_status

TASK_COLUMNS = (("start", "Started"), ("end", "Ended"), ("node", "Node"), ("type", "Type"), ("id", "ID"),
                ("user", "User"), ("status", "Status"))
LOG_POLL_SECONDS = 1.0


class TasksScreen(LiveScreen):
    """The task list on top; the highlighted task's log below, following it while it runs."""

    AUTO_FOCUS = "#task-table"
    BINDINGS = [Binding("x", "stop_task", "Stop task", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.log_upid: str | None = None
        self._log_lines = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical():
            yield Static("Tasks — running first, then newest", classes="section-title")
            yield KeyedTable(TASK_COLUMNS, id="task-table")
            yield Static("Log", id="task-log-title", classes="section-title")
            yield RichLog(id="task-log", wrap=True, max_lines=5000)
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(LOG_POLL_SECONDS, self._poll_log)

    def action_stop_task(self) -> None:
        """`x`: stop the highlighted task (you type its type to confirm)."""
        from pmpc_tui.tui.widgets.task_stop import ask_and_stop

        upid = self.query_one("#task-table", KeyedTable).selected_key
        self.run_worker(ask_and_stop(self, upid), group="task-stop", exit_on_error=False)

    def show_view(self, view: ClusterView | None) -> None:
        """Render the latest task list (called by the app after each refresh)."""
        if view is None:
            return
        tasks = view.running_tasks() + [t for t in view.tasks if t["status"] != "running"]
        self.query_one("#task-table", KeyedTable).show({t["upid"]: [
            task_time(t["starttime"]), task_time(t["endtime"]) if t["endtime"] else "running…", t["node"],
            t["type"], t["id"], t["user"], task_status(t["status"]),
        ] for t in tasks}, ordered=True)
        if not tasks:
            self.query_one("#task-log-title", Static).update("No tasks yet — actions you run show up here.")

    @on(DataTable.RowHighlighted, "#task-table")
    def _task_highlighted(self, event: DataTable.RowHighlighted) -> None:
        upid = event.row_key.value
        if upid and upid != self.log_upid:
            self.log_upid = upid
            self._log_lines = 0
            self.query_one("#task-log", RichLog).clear()
            self.query_one("#task-log-title", Static).update(f"Log of {upid}")
            self._poll_log()

    def _task_running(self) -> bool:
        view = self.cluster_view
        if view is None or self.log_upid is None:
            return False
        return any(t["upid"] == self.log_upid and t["status"] == "running" for t in view.tasks)

    def _poll_log(self) -> None:
        if self.log_upid is not None and (self._log_lines == 0 or self._task_running()):
            self.fetch_log(self.log_upid)

    @work(exclusive=True, group="task-log")
    async def fetch_log(self, upid: str) -> None:
        """Read new lines of the task's log through the services."""
        from pmpc_tui.services.live import task_log

        try:
            lines = await task_log(await self.proxmox.client(), upid, start=self._log_lines)
        except PVEError as exc:
            self.query_one("#task-log", RichLog).write(f"cannot read the log: {exc}")
            return
        if upid != self.log_upid:
            return
        log = self.query_one("#task-log", RichLog)
        for line in lines:
            log.write(line)
        self._log_lines += len(lines)
