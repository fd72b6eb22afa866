"""A long task's progress in the console: a Textual ProgressBar fed by the task log (backup, restore; later
migrate and clone), alone or in a small dialog that runs the work and stays until closed."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.task_progress import ProgressUpdate

if TYPE_CHECKING:
    from pmpc_tui.tui.app import ProxmoxApp


class TaskProgressBar(Vertical):
    """A bar (indeterminate until the log shows a percentage) and what the task is doing now."""

    DEFAULT_CSS = """
    TaskProgressBar { height: auto; }
    TaskProgressBar ProgressBar { width: 100%; }
    TaskProgressBar .message { height: auto; color: $text-muted; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=None, show_eta=False, id="bar")
        yield Static("starting…", classes="message")

    def show(self, update: ProgressUpdate) -> None:
        bar = self.query_one(ProgressBar)
        if update.fraction is not None:
            bar.update(total=100, progress=round(update.fraction * 100, 1))
        self.query_one(".message", Static).update(escape(update.message))


Run = Callable[[], AsyncIterator[ProgressUpdate]]


class ProgressScreen(ModalScreen[str | None]):
    """Runs `run` (an async iterator of progress) and shows it; dismisses with the exit status (None: failed).

    Esc closes the dialog only; the task goes on in the cluster (the Tasks screen shows it)."""

    DEFAULT_CSS = """
    ProgressScreen { align: center middle; }
    ProgressScreen > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $accent; background: $surface; padding: 1 2;
    }
    ProgressScreen #title { text-style: bold; height: auto; }
    ProgressScreen #outcome { height: auto; margin-top: 1; }
    ProgressScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, title: str, run: Run) -> None:
        super().__init__()
        self.title_text = title
        self.run = run
        self.outcome: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(escape(self.title_text), id="title")
            yield TaskProgressBar()
            yield Static("", id="outcome")
            with Horizontal():
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.run_worker(self._follow(), group="task-progress", exit_on_error=False)

    async def _follow(self) -> None:
        bar = self.query_one(TaskProgressBar)
        try:
            async for update in self.run():
                bar.show(update)
                if update.done:
                    self.outcome = update.exitstatus or "OK"
        except PVEError as exc:
            self.query_one("#outcome", Static).update(f"[b red]failed:[/] {escape(exc.message)}\n"
                                                      f"{escape(exc.hint)}")
            return
        self.query_one("#outcome", Static).update(f"[b green]done:[/] {escape(self.outcome or 'OK')}")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(self.outcome)


def follow_in_dialog(app: ProxmoxApp, title: str, run: Run, what: str) -> None:
    """Run `run` in a progress dialog; when it closes, refresh the views and notify `what: <exit status>`."""

    def finished(outcome: str | None) -> None:
        app.refresh_data()
        if outcome:
            app.notify(f"{what}: {outcome}", timeout=5)

    app.push_screen(ProgressScreen(title, run), finished)
