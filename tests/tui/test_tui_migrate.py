"""The console's `m` key, driven headless with Pilot against the simulator: a migrate dialog (target node
list, online toggle) and the migration's progress bar."""

from __future__ import annotations

from textual.widgets import Checkbox, ProgressBar, Select
from tui_support import settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread


async def test_m_migrates_the_running_vm_live_with_a_progress_bar(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101) as (app, pilot, _table):
        await pilot.press("m")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "MigrateFormScreen"
        nodes = app.screen.query_one("#node", Select)
        assert [str(o[1]) for o in nodes._options if o[1] != Select.BLANK] == ["pve2", "pve3"]  # not its own
        assert app.screen.query_one("#online", Checkbox).value is True  # running: live by default
        nodes.value = "pve3"
        await pilot.click("#go")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ProgressScreen"
        await settle(app, pilot)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        assert "done" in str(app.screen.query_one("#outcome").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert any("migration of VM 101 (web-01) on pve1 to pve3: OK" in n.message for n in app._notifications)
    assert sim.call(lambda: sim.sim.cluster.guests[101].node) == "pve3"


async def test_a_refused_migration_shows_why_and_sends_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("m")
        await settle(app, pilot)
        app.screen.query_one("#online", Checkbox).value = False
        writes = sim.sim.api.write_count
        await pilot.click("#go")
        await settle(app, pilot)
        outcome = str(app.screen.query_one("#outcome").render())
        assert "failed" in outcome and "--online" in outcome
        assert sim.sim.api.write_count == writes
    assert sim.call(lambda: sim.sim.cluster.guests[101].node) == "pve1"


async def test_escape_in_the_dialog_migrates_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109) as (app, pilot, _table):
        await pilot.press("m")
        await settle(app, pilot)
        assert app.screen.query_one("#online", Checkbox).value is False  # stopped: offline
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ != "MigrateFormScreen"
    assert sim.call(lambda: sim.sim.cluster.guests[109].node) == "pve1"


async def test_y_makes_a_linked_clone_of_the_template_with_the_next_free_vmid(sim: SimulatorThread) -> None:
    from textual.widgets import Input

    expected = sim.call(lambda: min(v for v in range(100, 1000) if v not in sim.sim.cluster.guests))
    async with vms_screen(sim, 100, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "CloneFormScreen"
        assert app.screen.query_one("#linked", Checkbox).value is True  # a template: linked by default
        app.screen.query_one("#name", Input).value = "tui-clone"
        await pilot.click("#go")
        await settle(app, pilot)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        await pilot.press("escape")
        await settle(app, pilot)
        assert any("as tui-clone: OK" in n.message for n in app._notifications)
    assert sim.call(lambda: sim.sim.cluster.guests[expected].name) == "tui-clone"


async def test_T_converts_a_stopped_vm_after_its_typed_name_and_refuses_a_running_one(sim: SimulatorThread) -> None:
    from textual.widgets import Input

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await pilot.press("T")
        await settle(app, pilot)
        assert any("running" in n.message for n in app._notifications)  # refused, nothing sent
        assert app.screen.__class__.__name__ == "GuestsScreen"
        table.move_cursor(row=table.get_row_index("109"))
        await pilot.pause()
        await pilot.press("T")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        app.screen.query_one(Input).value = "dev-sandbox"
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("is now a template" in n.message for n in app._notifications)
    assert sim.call(lambda: sim.sim.cluster.guests[109].is_template)
    assert not sim.call(lambda: sim.sim.cluster.guests[101].is_template)
