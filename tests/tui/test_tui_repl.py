"""The console's REPL, driven headless with Pilot against the simulator."""

from __future__ import annotations

import asyncio
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_support import make_app, settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.console import ConsoleScreen
from pmpc_tui.tui.widgets.guest_table import GuestTable
from pmpc_tui.tui.widgets.repl import ReplPane, repl_session


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """REPL history and state DB go to a temporary state directory."""
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    return tmp_path


@pytest.fixture
def slow_sim() -> Iterator[SimulatorThread]:
    """A simulator whose tasks take 10x real time: starting a VM takes about 10 s."""
    with SimulatorThread(task_speed=10) as thread:
        yield thread


def pane(app: ProxmoxApp) -> ReplPane:
    return app.screen.query_one(ReplPane)


def output(app: ProxmoxApp) -> str:
    """Everything the REPL has printed, as plain text."""
    return "\n".join(str(line) for line in repl_session(app).transcript)


def status(app: ProxmoxApp) -> str:
    return str(app.screen.query_one("#repl-status").render())


async def open_console(app: ProxmoxApp, pilot: object) -> None:
    await settle(app, pilot)
    await pilot.press("8")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ConsoleScreen)


async def run(app: ProxmoxApp, pilot: object, line: str) -> None:
    """Put a line in the REPL's command line, press Enter and wait for the command to finish."""
    pane(app).input.value = line
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(app, pilot)


async def test_console_runs_commands_and_shows_their_output(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_console(app, pilot)
        await run(app, pilot, "list vms --status stopped")
        text = output(app)
        assert "› list vms --status stopped" in text
        assert "VMID" in text and "dev-sandbox" in text and "web-01" not in text  # web-01 is running
        await run(app, pilot, "describe ct pihole -o json")
        assert '"name": "pihole"' in output(app)
        await run(app, pilot, "/sync")
        assert "synced 3 nodes, 11 VMs, 7 containers" in output(app)
        await run(app, pilot, "test-connection")  # the console's own connection, not a saved profile
        assert f"OK: {shared_sim.info.url}" in output(app)
        await run(app, pilot, "/help start")
        assert "start vm 101 --wait" in output(app)  # the registry's examples
        shown = "\n".join(line.text for line in pane(app).log_widget.lines)
        assert "dev-sandbox" in shown  # on screen, not only in the transcript
        await run(app, pilot, "/clear")
        assert output(app) == "" and not pane(app).log_widget.lines
        await pilot.press("escape")  # leaves the full-screen console
        await pilot.pause()
        assert not isinstance(app.screen, ConsoleScreen)


async def test_history_survives_a_restart_and_up_down_recall_it(shared_sim: SimulatorThread,
                                                                state_dir: Path) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(app, pilot)
        await run(app, pilot, "list nodes")
        await run(app, pilot, "list cts")
        await run(app, pilot, "list cts")  # a repeat is kept once
        await run(app, pilot, "test-connection --password hunter2")
    history = state_dir / "repl_history"
    assert history.read_text().splitlines() == ["list nodes", "list cts"]  # never the password
    assert stat.S_IMODE(history.stat().st_mode) == 0o600

    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(app, pilot)
        box = pane(app).input
        await pilot.press(*"list st")
        await pilot.press("up")
        assert box.value == "list cts"
        await pilot.press("up")
        assert box.value == "list nodes"
        await pilot.press("up")  # nothing older: stays
        assert box.value == "list nodes"
        await pilot.press("down")
        assert box.value == "list cts"
        await pilot.press("down")  # back to what was being typed
        assert box.value == "list st"


async def test_tab_completes_commands_choices_and_names(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_console(app, pilot)
        box = pane(app).input

        async def typed(*keys: str) -> str:
            await pilot.press(*keys)
            await pilot.pause()
            return box.value

        assert await typed("s", "t", "tab") == "st"  # ambiguous: the choices are shown
        assert "start" in status(app) and "stop" in status(app)
        assert await typed("a", "tab") == "start "
        assert await typed("v", "tab") == "start vm "
        assert await typed(*"dev", "tab") == "start vm dev-sandbox "
        assert await typed(*"--w", "tab") == "start vm dev-sandbox --wait "
        box.value = ""
        assert await typed(*"list ", "tab") == "list "
        assert "vms" in status(app) and "storage" in status(app)
        assert await typed(*"sto", "tab") == "list storage "
        assert await typed(*"--node p", "tab") == "list storage --node pve"
        assert "pve1" in status(app) and "pve3" in status(app)
        assert await typed("tab") == "list storage --node pve1"  # repeated Tab cycles
        assert await typed("tab") == "list storage --node pve2"
        assert await typed(" ", *"--storage loc", "tab") == "list storage --node pve2 --storage local"
        assert "local-lvm" in status(app)
        box.value = ""
        assert await typed(*"describe ct pi", "tab") == "describe ct pihole "
        box.value = ""
        assert await typed(*"/hel", "tab") == "/help "


async def test_ctrl_c_cancels_a_long_command_and_the_console_stays_usable(slow_sim: SimulatorThread) -> None:
    app = make_app(slow_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(app, pilot)
        await pilot.press(*"start vm 109 --wait", "enter")
        await pilot.pause(0.5)
        assert "running: start vm 109 --wait" in status(app)
        await pilot.press(*"list")  # the UI keeps taking keys while the command runs
        assert pane(app).input.value == "list"
        began = time.monotonic()
        await pilot.press("ctrl+c")
        await settle(app, pilot)
        assert time.monotonic() - began < 8  # the 10 s task was not waited for (slack for a loaded machine)
        assert "cancelled" in output(app)
        assert "running" not in status(app)
        await pilot.press(*" nodes", "enter")
        await settle(app, pilot)
        assert "pve1" in output(app).split("› list nodes")[1]


async def test_api_failures_and_bad_input_are_shown_without_a_crash(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_console(app, pilot)
        await run(app, pilot, "describe vm 4242")
        assert "error: no VM 4242 in the cluster" in output(app)
        await run(app, pilot, "start vm")
        assert "the following arguments are required: guest" in output(app)
        await run(app, pilot, "lst vms")
        assert "unknown command 'lst'" in output(app)
        assert app.is_running

    app = make_app(shared_sim, secret="wrong-secret")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_console(app, pilot)
        await run(app, pilot, "list vms")
        text = output(app).split("› list vms")[1]
        assert "error: authentication failed" in text and "wrong-secret" not in text
        assert app.is_running and isinstance(app.screen, ConsoleScreen)


async def test_backtick_docks_the_repl_on_any_screen_and_commands_refresh_the_view(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109, size=(120, 40)) as (app, pilot, _table):
        table = app.screen.query_one(GuestTable)
        await pilot.press("grave_accent")
        await pilot.pause()
        docked = pane(app)
        assert docked.docked and docked.display and docked.input.has_focus
        await pilot.press("slash", "2", "q", "s")  # the screen's keys type into the REPL while it has focus
        assert docked.input.value == "/2qs" and app.is_running and app.screen.name == "vms"
        docked.input.value = ""
        await run(app, pilot, "start vm 109 --wait")
        assert "TASK OK" in output(app)  # the task log, as it came
        await settle(app, pilot)
        assert table.get_cell("109", "status") == "running"  # the screen refreshed after the command
        await pilot.press("escape")
        await pilot.pause()
        assert not docked.display and table.has_focus
        await pilot.press("grave_accent")
        await pilot.pause()
        assert docked.display and "start vm 109 --wait" in output(app)
        await run(app, pilot, "/exit")
        assert not docked.display and table.has_focus


async def test_delete_asks_for_the_name_in_a_dialog(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_console(app, pilot)
        await pilot.press(*"delete vm 109", "enter")
        await pilot.pause(0.5)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        assert "cancelled — nothing was done" in output(app)
        assert sim.call(lambda: 109 in sim.sim.cluster.guests)
        await pilot.press(*"delete vm 109", "enter")
        for _ in range(20):
            await asyncio.sleep(0.05)
            if app.screen.__class__.__name__ == "ConfirmScreen":
                break
        await pilot.press(*"dev-sandbox", "enter")
        await settle(app, pilot)
        assert sim.call(lambda: 109 not in sim.sim.cluster.guests)
        assert "delete VM 109 (dev-sandbox) on pve1: OK" in output(app)


def visible_lines(app: ProxmoxApp) -> list[str]:
    """The REPL log's lines as the pane shows them at its width (scrolled fully left)."""
    log = pane(app).log_widget
    width = log.scrollable_content_region.width
    return [line.text[:width].rstrip() for line in log.lines]


async def test_a_long_refusal_wraps_to_the_pane_and_tables_keep_their_rows_at_80x24(
        shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_console(app, pilot)
        await run(app, pilot, "drop the tables in db-01")
        refusal = next(str(r) for r in repl_session(app).transcript if str(r).startswith("As plain English:"))
        assert len(refusal) > 80  # longer than the pane: the point of the test
        shown = " ".join(" ".join(visible_lines(app)).split())
        assert " ".join(refusal.split()) in shown  # every word of it on screen, none cut at the edge
        await run(app, pilot, "/clear")
        await run(app, pilot, "list vms")
        table = [str(r) for r in repl_session(app).transcript][-1].splitlines()
        assert max(len(row) for row in table) > 77  # wider than the pane
        log = pane(app).log_widget
        assert [line.text.rstrip() for line in log.lines][-len(table):] == [row.rstrip() for row in table]
        assert log.max_scroll_x > 0  # one row per line; the pane scrolls sideways to the rest
