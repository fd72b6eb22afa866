"""Issue #14 part 2: the console as a k9s user found it — keys, help, sorting, colours, guards, toasts,
the REPL's questions — driven headless with Pilot against the simulator (tmux covers what only a terminal shows)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from textual.widgets import Static
from tui_support import choose_in_palette, make_app, settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.guests import GuestsScreen
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.guest_details import GuestDetails
from pmpc_tui.tui.widgets.guest_table import GuestTable
from pmpc_tui.tui.widgets.keys_help import KeysHelp
from pmpc_tui.tui.widgets.repl import ReplPane, repl_session


def notes(app: ProxmoxApp) -> list[str]:
    return [f"{n.title} {n.message}" for n in app._notifications]


def task_count(sim: SimulatorThread) -> int:
    return sim.call(lambda: len(sim.sim.cluster.tasks))


async def test_question_mark_opens_the_key_help_and_question_mark_or_escape_closes_it(
        shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 101) as (app, pilot, _table):
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, KeysHelp)
        text = str(app.screen.query_one("#keys-body", Static).render())
        assert text.index("This screen: VMs") < text.index("Everywhere") < text.index("Textual")
        assert "Shutdown" in text.split("Everywhere")[0]  # this screen's own keys come first
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen)


async def test_memory_is_one_compact_column(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 101) as (app, _pilot, _table):
        cell = app.screen.query_one(GuestTable).get_cell("101", "mem")
        assert re.fullmatch(r"\d+\.\d/\d+\.\dG", cell), cell


async def test_j_k_g_shift_g_and_ctrl_d_ctrl_u_move_the_cursor_like_k9s(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 100) as (_app, pilot, table):
        await pilot.press("j", "j")
        assert table.selected_vmid == 102
        await pilot.press("k")
        assert table.selected_vmid == 101
        await pilot.press("G")
        assert table.selected_vmid == 110
        await pilot.press("g")
        assert table.selected_vmid == 100
        await pilot.press("ctrl+d")
        down = table.cursor_row
        assert down > 1
        await pilot.press("ctrl+u")
        assert table.cursor_row == 0


async def test_shift_letters_sort_by_their_column_and_again_reverse(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 105) as (app, pilot, table):
        await pilot.press("N")
        names = [table.get_cell(k, "name") for k in table.visible_keys]
        assert names == sorted(names, key=str.lower) and table.selected_vmid == 105
        assert "Name↑" in table.header_cells()
        await pilot.press("N")
        assert [table.get_cell(k, "name") for k in table.visible_keys] == sorted(names, key=str.lower, reverse=True)
        await pilot.press("M")
        assert table.sort_column == "mem" and table.selected_vmid == 105
        title = str(app.screen.query_one("#screen-title", Static).render())
        assert "sorted by mem" in title


async def test_a_refresh_that_reorders_rows_keeps_the_cursor_on_the_same_guest(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 103) as (app, pilot, table):
        await pilot.press("S")  # by status: 103 is among the running ones
        before = table.cursor_row
        sim.control("POST", "/guests/103/status", {"status": "stopped"})
        await pilot.press("r")
        await settle(app, pilot)
        assert table.selected_vmid == 103  # the guest moved to the stopped group; the cursor went with it
        assert table.cursor_row != before


async def test_guests_are_coloured_by_state_and_locked_ones_stand_out(sim: SimulatorThread) -> None:
    sim.control("POST", "/guests/102/config", {"lock": "backup"})
    async with vms_screen(sim, 100) as (_app, _pilot, table):
        running = table.cell_style("101", "status", "running")
        stopped = table.cell_style("109", "status", "stopped")
        locked = table.cell_style("102", "status", "running")
        assert running and stopped and locked
        assert len({running.color, stopped.color, locked.color}) == 3


async def test_start_on_a_running_vm_or_a_template_explains_and_sends_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101) as (app, pilot, table):
        tasks = task_count(sim)
        await pilot.press("s")
        await settle(app, pilot)
        assert any("already running" in n for n in notes(app))
        table = app.screen.query_one(GuestTable)
        table.select_vmid(100)
        await pilot.press("s")
        await settle(app, pilot)
        assert any("is a template" in n for n in notes(app))
        assert task_count(sim) == tasks  # nothing was sent


async def test_the_delete_dialog_says_when_the_typed_name_does_not_match(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109) as (app, pilot, _table):
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press(*"dev-sandbx", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "does not match" in str(app.screen.query_one("#mismatch", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.call(lambda: 109 in sim.sim.cluster.guests)


async def test_toasts_wait_while_a_dialog_is_open(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101) as (app, pilot, _table):
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        app.notify("something finished")
        await pilot.pause()
        assert "something finished" not in " ".join(notes(app))  # not drawn over the dialog
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert "something finished" in " ".join(notes(app))


async def test_a_failed_action_points_to_the_tasks_screen_not_to_a_cli_command(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "status/start",
                                    "methods": ["POST"]})
    async with vms_screen(sim, 109) as (app, pilot, _table):
        await pilot.press("s")
        await settle(app, pilot)
        failed = [n for n in notes(app) if "failed" in n]
        assert failed and all("5 opens Tasks" in n and "proxmox-mpc" not in n for n in failed), notes(app)


async def test_colon_vm_with_a_container_name_opens_it_on_the_containers_screen(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        view = app.cluster_view
        assert view is not None
        container = view.containers[1]
        await pilot.press("colon", *f"vm {container['name']}", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen) and app.screen.kind == "lxc"
        assert app.screen.table.selected_vmid == container["vmid"]


async def test_palette_describe_opens_the_chosen_guests_details(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await choose_in_palette(pilot, "describe sandbox")
        for _ in range(20):
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, GuestsScreen) and screen.query_one(GuestDetails).has_class("open"):
                break
        await settle(app, pilot)
        assert isinstance(app.screen, GuestsScreen) and app.screen.table.selected_vmid == 109
        assert app.screen.details_vmid == 109


async def test_a_slow_cluster_still_refreshes_when_refreshes_come_faster_than_answers(
        sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"latency_ms": 300})
    app = make_app(sim)
    app.refresh_seconds = 0.05  # far shorter than one read
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(60):
            await asyncio.sleep(0.1)
            running = [w for w in app.workers if w.group == "refresh" and not w.is_finished]
            assert len(running) <= 1  # never piled up
            if len(app.history.cpu("pve1")) >= 3:
                break
        assert len(app.history.cpu("pve1")) >= 3  # several reads completed: none starved by the next
        await pilot.press("r")  # a manual refresh during a read does not cancel it either
        await pilot.pause()


async def open_console(app: ProxmoxApp, pilot: object) -> ReplPane:
    await settle(app, pilot)
    await pilot.press("8")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    return app.screen.query_one(ReplPane)


def transcript(app: ProxmoxApp) -> str:
    return "\n".join(str(line) for line in repl_session(app).transcript)


async def wait_for_dialog(app: ProxmoxApp) -> None:
    for _ in range(40):
        await asyncio.sleep(0.05)
        if isinstance(app.screen, ConfirmScreen):
            return
    raise AssertionError(f"no dialog; screen is {app.screen}")


async def test_plain_english_in_the_repl_never_prints_argparse_usage(shared_sim: SimulatorThread,
                                                                     tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_console(app, pilot)
        pane.input.value = "list the things that are slow please"
        await pilot.press("enter")
        await settle(app, pilot)
        pane.input.value = "list vms on pve1 that are running"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "usage:" not in transcript(app)


@pytest.mark.parametrize("line", ["stop vm web-01", "shutdown vm 101", "reboot vm web-01"])
async def test_typed_stop_shutdown_and_reboot_ask_like_the_screen_keys(sim: SimulatorThread, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      line: str) -> None:
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        pane = await open_console(app, pilot)
        tasks = task_count(sim)
        pane.input.value = line
        await pilot.press("enter")
        await wait_for_dialog(app)
        assert "VM 101 (web-01)" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert "cancelled — nothing was done" in transcript(app)
        assert task_count(sim) == tasks
        pane.input.value = f"{line} --yes"
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert task_count(sim) == tasks + 1  # --yes skips the question and sends it
