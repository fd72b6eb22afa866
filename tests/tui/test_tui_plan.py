"""The plan screen: plan on open, the attribute diff, apply with a confirmation; the dashboard's drift badge."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import RichLog, Static
from tui_support import make_app
from tui_support import settle_editor as settle
from workspace_copy_support import Template, copy_workspace

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.screens.plan import PlanScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


@pytest.fixture
def workspace(sim: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              homelab_template: Template) -> Path:
    """A workspace imported from `sim` (a copy of the worker's homelab import, tests/workspace_copy_support.py)."""
    from iac_support import cli_environment

    with cli_environment(sim, tmp_path):
        ws = copy_workspace(homelab_template, tmp_path / "ws", sim.info.url)
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    return ws


def detail(app: object) -> str:
    log = app.screen.query_one("#plan-detail", RichLog)  # type: ignore[attr-defined]
    return "\n".join(str(line.text) for line in log.lines)


async def test_plan_screen_shows_the_diff_and_applies_after_confirmation(sim: SimulatorThread,
                                                                         workspace: Path) -> None:
    sim.control("POST", "/guests/103/config", {"cores": 8})  # drift made behind the tool's back
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "not compared yet" in str(app.screen.query_one("#drift-badge", Static).render())
        await pilot.press("9")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        table = app.screen.query_one("#plan-table", KeyedTable)
        assert table.row_count == 1
        assert "~1 update" in str(app.screen.query_one("#plan-summary", Static).render())
        assert "~ cores: 8 → 4" in detail(app)
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("y")
        await settle(app, pilot)
        await settle(app, pilot)
        assert str(sim.call(lambda: sim.sim.cluster.guests[103].pending.get("cores"))) == "4"  # at the next boot
        assert "No changes" in str(app.screen.query_one("#plan-summary", Static).render())
        await pilot.press("1")
        await pilot.pause()
        assert "In sync" in str(app.screen.query_one("#drift-badge", Static).render())


async def test_plan_screen_without_a_workspace_says_how_to_get_one(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await pilot.pause()
        assert "/init" in str(app.screen.query_one("#plan-summary", Static).render())


async def test_an_unfinished_apply_is_reported_when_the_console_starts(sim: SimulatorThread, workspace: Path) -> None:
    import asyncio

    from iac_support import cli_environment, run_cli

    def failing_apply() -> None:
        with cli_environment(sim, workspace.parent):
            assert run_cli(workspace, "create", "vm", "--name", "app-1", "--node", "pve1", "--cores", "1",
                           "--memory", "512", "--disk", "8", "--vmid", "150") == 0
            sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "methods": ["POST"],
                                            "path_regex": "^/api2/json/nodes/pve1/qemu$", "remaining": 1})
            assert run_cli(workspace, "apply", "--auto-approve") == 1

    await asyncio.to_thread(failing_apply)
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert any("Unfinished apply" in (n.title or "") and "--resume" in n.message for n in app._notifications)


async def test_applying_a_destructive_plan_on_screen_9_asks_for_the_typed_count(sim: SimulatorThread,
                                                                              workspace: Path) -> None:
    from textual.widgets import Input

    (workspace / "terraform" / "vm-109.tf").unlink()
    sim.control("POST", "/guests/103/config", {"cores": 8})
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await settle(app, pilot)
        summary = str(app.screen.query_one("#plan-summary", Static).render())
        assert "1 destructive (listed first)" in summary
        # dev-sandbox's delete, its pool membership going with it, and db-01's update
        assert app.screen.query_one("#plan-table", KeyedTable).row_count == 3
        assert "- proxmox_virtual_environment_vm.dev_sandbox" in detail(app).splitlines()[0]
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("y")  # a plain yes is not enough
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        app.screen.query_one("#typed", Input).value = "1"
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert sim.call(lambda: 109 not in sim.sim.cluster.guests)
        assert str(sim.call(lambda: sim.sim.cluster.guests[103].pending.get("cores"))) == "4"
