"""The console's screens, navigation and palette, driven headless with Pilot against the simulator."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Input, RichLog, Static
from tui_support import choose_in_palette, make_app, open_vms_at, settle, type_ahead, vms_screen

from pmpc_tui.observability.applog import app_log, entry_matches
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.screens.dashboard import DashboardScreen
from pmpc_tui.tui.screens.guests import GuestsScreen
from pmpc_tui.tui.screens.logs import LogsScreen
from pmpc_tui.tui.screens.nodes import NodesScreen
from pmpc_tui.tui.screens.tasks import TasksScreen
from pmpc_tui.tui.widgets.guest_details import GuestDetails, details_table
from pmpc_tui.tui.widgets.guest_table import GuestTable
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


def text_of(app: ProxmoxApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def notifications(app: ProxmoxApp) -> list[str]:
    return [f"{n.title} {n.message}" for n in app._notifications]


def order(table: GuestTable) -> list[str]:
    return table.visible_keys


async def test_dashboard_warns_about_full_storage_and_lists_recent_tasks(sim: SimulatorThread) -> None:
    sim.control("POST", "/storage/local-lvm", {"used_fraction": 0.95, "node": "pve2"})
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        storage = text_of(app, "#storage-summary")
        assert "local-lvm on pve2" in storage and "CRITICAL" in storage
        assert "none yet" in text_of(app, "#tasks-title")
        await open_vms_at(app, pilot, 109)
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("1")
        await pilot.pause()
        tasks = app.screen.query_one("#recent-tasks", KeyedTable)
        assert tasks.row_count == 1
        assert [str(c) for c in tasks.get_row_at(0)][2:] == ["qmstart", "109", "✔ OK"]


async def test_dashboard_history_grows_with_each_refresh(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await pilot.press("r")
            await settle(app, pilot)
        assert len(app.history.cpu("pve1")) == 4
        line = next(line for line in text_of(app, "#history").splitlines() if "pve1" in line)
        sparks = line.split("CPU", 1)[1].split()[0]
        assert len(sparks) == 4 and set(sparks) <= set("▁▂▃▄▅▆▇█")


async def test_nodes_screen_lists_nodes_and_storage_with_levels(sim: SimulatorThread) -> None:
    sim.control("POST", "/storage/local-lvm", {"used_fraction": 0.85, "node": "pve1"})
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, NodesScreen)
        nodes = app.screen.query_one("#node-table", KeyedTable)
        assert nodes.row_count == 3 and nodes.get_cell("pve1", "status") == "online"
        storage = app.screen.query_one("#storage-table", KeyedTable)
        assert storage.get_cell("pve1/local-lvm", "level") == "▲ warning"
        assert storage.get_cell("pve1/local", "level") == "ok"


async def test_an_offline_node_shows_as_offline(sim: SimulatorThread) -> None:
    sim.control("POST", "/nodes/pve3", {"online": False})
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Nodes 2/3 online" in text_of(app, "#summary")
        await pilot.press("4")
        await pilot.pause()
        assert app.screen.query_one("#node-table", KeyedTable).get_cell("pve3", "status") != "online"


async def test_tasks_screen_shows_a_task_and_its_log(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109, (120, 40)) as (app, pilot, table):
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("5")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        table = app.screen.query_one("#task-table", KeyedTable)
        assert table.row_count == 1
        await settle(app, pilot)
        log = app.screen.query_one("#task-log", RichLog)
        lines = [str(line.text) for line in log.lines]
        assert any("TASK OK" in line for line in lines)


async def test_tasks_started_elsewhere_raise_a_notification_when_they_finish(sim: SimulatorThread) -> None:
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        user, token = sim.info.token_id.split("!")
        from pmpc_tui.pve.client import ConnectionSettings

        settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret,
                                      fingerprint=sim.info.fingerprint)
        async with PVEClient(settings) as other:  # another admin, e.g. in the web UI
            upid = await other.post("/nodes/pve1/qemu/109/status/start")
            await other.wait_task(upid)
        await pilot.press("r")
        await settle(app, pilot)
        assert any("Task finished" in n and "qmstart 109" in n and "OK" in n for n in notifications(app))


async def test_logs_screen_tails_the_app_log_and_filters_by_level_and_text(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, (120, 40)) as (app, pilot, _table):
        await pilot.press("s")  # already running: not sent, logged as a warning
        await settle(app, pilot)
        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)
        log = app.screen.query_one("#app-log", RichLog)

        def lines() -> list[str]:
            return [str(line.text) for line in log.lines]

        assert any("start not sent: VM 101 (web-01)" in line for line in lines()), lines()
        assert not any(" DEBUG " in line for line in lines())
        await pilot.press("D")
        assert any("GET /cluster/resources" in line for line in lines())
        await pilot.press("E")
        assert all(" ERROR " in line for line in lines() if line[:2].isdigit())
        await pilot.press("W", "slash", *"web-01")
        await pilot.pause()
        expected = [e for e in app_log().since(0) if entry_matches(e, "WARNING", "web-01")]
        count = f"({len(expected)} line{'' if len(expected) == 1 else 's'})"
        assert expected and f"WARNING and above matching 'web-01' {count}" in text_of(app, "#log-title")
        assert "start not sent: VM 101 (web-01)" in " ".join(lines())
        type_ahead(app, ("enter", "\r"), ("I", "I"))  # Enter leaves the filter at once: `I` picks the level
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#log-filter", Input).value == "web-01"
        assert app.screen.focused is log and "INFO and above matching 'web-01'" in text_of(app, "#log-title")


async def test_colon_jumps_to_views_and_guests(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"cts", "enter")
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen) and app.screen.kind == "lxc"
        await pilot.press("colon", *"vm web-02", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen) and app.screen.kind == "qemu"
        assert app.screen.table.selected_vmid == 102
        await pilot.press("colon", *"tasks", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        await pilot.press("colon", *"nosuchview", "enter")
        await pilot.pause()
        assert isinstance(app.screen, TasksScreen)
        assert any("no view called 'nosuchview'" in n for n in notifications(app))


async def test_palette_finds_a_vm_by_part_of_its_name(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await choose_in_palette(pilot, "sandbox")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, GuestsScreen)
        assert app.screen.table.selected_vmid == 109


async def test_palette_goes_to_a_view(shared_sim: SimulatorThread) -> None:
    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await choose_in_palette(pilot, "go to nodes")
        await pilot.pause()
        assert isinstance(app.screen, NodesScreen)


async def test_sorting_by_columns_keeps_the_selected_guest(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 105, (120, 40)) as (app, pilot, table):
        await pilot.press("o")  # vmid → name
        assert table.sort_column == "name"
        names = [table.get_cell(key, "name") for key in order(table)]
        assert names == sorted(names, key=str.lower)
        assert table.selected_vmid == 105
        await pilot.press("O")
        assert [table.get_cell(key, "name") for key in order(table)] == sorted(names, key=str.lower, reverse=True)
        await pilot.press("o", "o", "o", "o")  # name → node → status → cpu → mem, still descending
        rows = {r["vmid"]: r for r in app.cluster_view.vms}  # type: ignore[union-attr]
        mems = [rows[int(key)]["mem"] for key in order(table)]
        assert mems == sorted(mems, reverse=True)
        assert "sorted by mem" in text_of(app, "#screen-title")


async def test_marked_guests_are_started_together(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 107, (120, 40)) as (app, pilot, table):
        await pilot.press("space")
        table = app.screen.query_one(GuestTable)
        table.select_vmid(109)
        await pilot.press("space")
        assert table.marked == {107, 109}
        assert "2 marked" in text_of(app, "#screen-title")
        await pilot.press("s")
        await settle(app, pilot)
        await settle(app, pilot)
        status = sim.call(lambda: {v: sim.sim.cluster.guests[v].status for v in (107, 109)})
        assert status == {107: "running", 109: "running"}
        assert table.marked == set()


async def test_bulk_delete_needs_the_number_of_guests_typed(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 107, (120, 40)) as (app, pilot, table):
        await pilot.press("space")
        table.select_vmid(109)
        await pilot.press("space", "delete")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "2 guests" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.call(lambda: {107, 109} <= set(sim.sim.cluster.guests))
        await pilot.press("delete", "2", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert sim.call(lambda: not ({107, 109} & set(sim.sim.cluster.guests)))


async def test_bulk_delete_lists_every_marked_vmid_and_name_before_the_yes(sim: SimulatorThread) -> None:
    app = make_app(sim)
    names = sim.call(lambda: {v: sim.sim.cluster.guests[v].name for v in (107, 109)})
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms_at(app, pilot, 107)
        table = app.screen.query_one(GuestTable)
        await pilot.press("space")
        table.select_vmid(109)
        await pilot.press("space", "delete")
        await pilot.pause()
        question = str(app.screen.query_one("#question", Static).render())
        for vmid, name in names.items():
            assert f"VM {vmid} ({name})" in question
        await pilot.press("escape")


async def test_suspend_asks_first_because_it_interrupts_the_guest(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, (120, 40)) as (app, pilot, _table):
        app.screen.action_guest("suspend")  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "VM 101" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"


async def test_enter_opens_the_full_config_and_escape_closes_it(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 103, (120, 40)) as (app, pilot, _table):
        await pilot.press("enter")
        await settle(app, pilot)
        details = app.screen.query_one(GuestDetails)
        assert details.has_class("open") and details.display
        assert details.data is not None
        console = Console(width=70, record=True)
        console.print(details_table(details.data))
        shown = console.export_text()
        assert "VM 103 · db-01" in shown
        for key in ("scsi0", "net0", "memory", "cores", "ipconfig0"):
            assert f" {key} " in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not details.display


async def test_console_key_shows_and_copies_the_web_console_url(shared_sim: SimulatorThread) -> None:
    async with vms_screen(shared_sim, 101, (120, 40)) as (app, pilot, _table):
        await pilot.press("c")
        await pilot.pause()
        url = next(n.message for n in app._notifications if "Console URL" in (n.title or ""))
        assert url.startswith(shared_sim.info.url.rstrip("/") + "/?console=kvm&novnc=1&vmid=101")
        assert "node=pve1" in url and "vmname=web-01" in url
        assert app.clipboard == url


async def test_first_run_offers_a_connect_form_that_tests_and_saves(sim: SimulatorThread, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    app = ProxmoxApp(None, refresh_seconds=0)
    async with app.run_test(size=(100, 50)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FirstRunScreen"
        screen = app.screen
        screen.query_one("#fr-url", Input).value = "ftp://pve"
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "https://" in text_of(app, "#fr-status")
        screen.query_one("#fr-url", Input).value = sim.info.url
        screen.query_one("#fr-token", Input).value = sim.info.token_id
        screen.query_one("#fr-secret", Input).value = sim.info.token_secret
        await pilot.press("ctrl+t")  # self-signed: the test shows the fingerprint to pin
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "fingerprint" in text_of(app, "#fr-status")
        assert screen.query_one("#fr-fingerprint", Input).value == sim.info.fingerprint
        await pilot.press("ctrl+t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "connected" in text_of(app, "#fr-status")
        assert sim.info.token_secret not in text_of(app, "#fr-status")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Nodes 3/3 online" in text_of(app, "#summary")
    config = (tmp_path / "config" / "config.yaml").read_text()
    assert "homelab" in config and sim.info.token_secret not in config
    secret = tmp_path / "config" / "secrets" / "homelab.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


async def test_first_run_can_start_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    app = ProxmoxApp(None, refresh_seconds=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+d")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "DEMO" in app.sub_title
        assert app.demo_process is not None
        proc = app.demo_process
    assert proc.proc.poll() is not None  # the demo cluster stops with the console
    assert not os.path.exists(tmp_path / "config" / "config.yaml")  # nothing saved


async def test_palette_commands_open_the_console_with_the_command_typed(shared_sim: SimulatorThread,
                                                                       tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    from pmpc_tui.tui.widgets.repl import ReplPane

    app = make_app(shared_sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await choose_in_palette(pilot, "run: describe")
        await pilot.pause()
        await pilot.pause()
        pane = app.screen.query_one(ReplPane)
        assert pane.input.value == "describe "
        await pilot.press(*"vm web-01", "enter")
        await settle(app, pilot)
        from pmpc_tui.tui.widgets.repl import repl_session

        assert "order=scsi0" in "\n".join(str(line) for line in repl_session(app).transcript)


@pytest.mark.parametrize(("key", "expected"), [("d", "stopped"), ("R", "running")])
async def test_shutdown_and_reboot_ask_first_then_act(sim: SimulatorThread, key: str, expected: str) -> None:
    async with vms_screen(sim, 102, (120, 40)) as (app, pilot, _table):
        await pilot.press(key)
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "web-02" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await settle(app, pilot)
        assert sim.call(lambda: sim.sim.cluster.guests[102].status) == expected
        action = "shutdown" if key == "d" else "reboot"
        assert any(f"{action} VM 102 (web-02): OK" in n for n in notifications(app))
        assert app.screen.__class__.__name__ == "GuestsScreen"  # the `y` that confirmed opened nothing else
