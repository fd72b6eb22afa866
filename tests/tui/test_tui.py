"""The console, driven headless with Pilot against the simulator."""

from __future__ import annotations

from textual.widgets import Input
from tui_support import make_app, settle, type_ahead, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.screens.guests import GuestsScreen
from pmpc_tui.tui.widgets.guest_table import GuestTable


async def test_dashboard_shows_nodes_and_guest_counts(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        summary = str(app.screen.query_one("#summary").render())
        assert "Nodes 3/3 online" in summary and "VMs" in summary
        assert app.screen.query_one("#nodes").row_count == 3
        assert "DEMO" in app.sub_title


async def test_number_keys_switch_to_vms_and_containers(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen) and app.screen.kind == "qemu"
        assert app.screen.query_one(GuestTable).row_count == 11
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen) and app.screen.kind == "lxc"
        assert app.screen.query_one(GuestTable).row_count == 7


async def test_slash_filters_as_you_type_and_escape_clears(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "slash", "w", "e", "b")
        await pilot.pause()
        table = app.screen.query_one(GuestTable)
        assert table.row_count == 2
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 11


async def test_a_key_typed_right_after_enter_in_the_filter_acts_on_the_table(shared_sim: SimulatorThread) -> None:
    """Regression (CI flake of the migrate e2e test): Enter, then `j` with no pause in between — the `j` moves
    the cursor in the table, it is not typed into the filter (Enter leaves the filter at once, as in k9s)."""
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "slash", "w", "e", "b")
        await pilot.pause()
        table = app.screen.query_one(GuestTable)
        first, second = table.visible_keys[:2]
        assert table.selected_key == first
        type_ahead(app, ("enter", "\r"), ("j", "j"))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#filter", Input).value == "web"
        assert app.screen.focused is table
        assert table.selected_key == second


async def test_refresh_updates_rows_in_place_and_keeps_the_cursor(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2", "down", "down")
        table = app.screen.query_one(GuestTable)
        selected = table.selected_vmid
        sim.control("POST", "/guests/101/status", {"status": "stopped"})
        await pilot.press("r")
        await settle(app, pilot)
        assert table.selected_vmid == selected
        assert table.get_cell("101", "status") == "stopped"


async def test_api_failure_is_a_notification_not_a_crash(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim, secret="wrong-secret")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("authentication failed" in m for m in messages)
        assert all("wrong-secret" not in m for m in messages)
        assert app.is_running


async def test_start_key_starts_the_selected_vm_and_notifies(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109, (120, 40)) as (app, pilot, _table):
        await pilot.press("s")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "running"
        assert app.screen.query_one(GuestTable).get_cell("109", "status") == "running"
        assert any("start VM 109 (dev-sandbox): OK" in n.message for n in app._notifications)


async def test_stop_asks_first_and_cancel_does_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, (120, 40)) as (app, pilot, _table):
        await pilot.press("x")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "stopped"


async def test_delete_needs_the_typed_name(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109, (120, 40)) as (app, pilot, _table):
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press(*"dev-sandbx", "enter")  # a typo: nothing happens
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert sim.call(lambda: 109 in sim.sim.cluster.guests)
        typed = app.screen.query_one("#typed")
        typed.value = ""  # type: ignore[attr-defined]
        await pilot.press(*"dev-sandbox", "enter")
        await settle(app, pilot)
        assert sim.call(lambda: 109 not in sim.sim.cluster.guests)
        assert "109" not in app.screen.query_one(GuestTable).rows


async def test_delete_of_a_running_vm_is_explained_and_nothing_is_sent(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, (120, 40)) as (app, pilot, _table):
        await pilot.press("delete")  # 101 is running: doomed, so no dialog and no request
        await settle(app, pilot)
        assert isinstance(app.screen, GuestsScreen)
        assert any("is running: stop it first" in n.message for n in app._notifications), \
            [n.message for n in app._notifications]
        assert sim.call(lambda: 101 in sim.sim.cluster.guests)
