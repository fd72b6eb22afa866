"""`x` on the Tasks screen: stop the highlighted running task after its type is typed (it names the task)."""

from __future__ import annotations

from typing import Any

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import storage_files as files
from pmpc_tui.tui.screens.base import proxmox_app
from pmpc_tui.tui.widgets.confirm import ConfirmScreen


async def ask_and_stop(screen: Any, upid: str | None) -> None:
    """Name the task, ask for its type, stop it; a task that already ended is only reported."""
    if not upid:
        return
    app = proxmox_app(screen)
    try:
        client = await app.client()
        stop = await files.plan_stop(client, upid)
    except PVEError as exc:
        app.notify(exc.message, title="Stop task", severity="warning")
        return
    if stop.status == "stopped":
        app.notify(stop.message, title="Stop task")
        return

    async def go() -> None:
        try:
            await files.stop_task(client, stop)
        except PVEError as exc:
            app.notify(exc.message, title="Stop task", severity="error")
            return
        app.notify(stop.message, title="Stop task", timeout=5)
        app.refresh_data()

    def confirmed(yes: bool | None) -> None:
        if yes:
            app.run_worker(go(), group="task-stop", exit_on_error=False)

    app.push_screen(ConfirmScreen(f"Stop the task {stop.label}? It ends with an error and what it did so far "
                                  "may be left half done.", type_to_confirm=stop.type, confirm_label="Stop task"),
                    confirmed)
