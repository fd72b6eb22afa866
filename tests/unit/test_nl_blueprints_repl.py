"""A blueprint request typed into the console's REPL: every create line and the plan are shown, one dialog
asks, and answering no leaves the workspace as it was."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tui_support import settle

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.repl import ReplPane, repl_session


def console_in(sim: SimulatorThread, workspace: Path) -> ProxmoxApp:
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret, fingerprint=sim.info.fingerprint)

    async def factory() -> PVEClient:
        return await PVEClient(settings).connect()

    return ProxmoxApp(factory, refresh_seconds=0, workspace_root=workspace)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] in ("terraform", "ansible")}


async def test_declining_a_blueprint_in_the_repl_shows_everything_and_changes_nothing(
        sim: SimulatorThread, imported_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(imported_workspace)  # the console was started inside the workspace
    before = tree(imported_workspace)
    app = console_in(sim, imported_workspace)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await pilot.pause()
        app.screen.query_one(ReplPane).input.value = "set up gitlab with 3 runners"
        await pilot.press("enter")
        deadline = time.monotonic() + 90  # the REPL's worker waits on the dialog: wait for the dialog, not it
        while not isinstance(app.screen, ConfirmScreen) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen)
        shown = "\n".join(str(line) for line in repl_session(app).transcript)
        assert shown.count("create ct --name gitlab-runner-") >= 3 and "create vm --name gitlab " in shown
        assert "Plan: 4 to create" in shown
        await pilot.press("n")
        await settle(app, pilot)
        shown = "\n".join(str(line) for line in repl_session(app).transcript)
    assert "workspace is as before" in shown
    assert tree(imported_workspace) == before
