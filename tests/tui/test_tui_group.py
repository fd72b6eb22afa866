"""The console's group mode: several clusters open at once, the dashboard aggregates them, `:ctx` switches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from multi_support import two_clusters
from textual.pilot import Pilot
from textual.widgets import Input, Static
from tui_support import settle

from pmpc_tui.config.profiles import ProfileStore
from pmpc_tui.services.connection import client_factory
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.widgets.guest_table import GuestTable
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


@pytest.fixture
def clusters(tmp_path: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    with two_clusters(tmp_path) as pair:
        yield pair


def group_app() -> ProxmoxApp:
    """The console as `proxmox-mpc --profile east --profile west` opens it (manual refresh)."""
    factory = client_factory(ProfileStore().get("east").settings())
    return ProxmoxApp(factory, profile_name="east", refresh_seconds=0, group=["east", "west"])


def row(app: ProxmoxApp, cluster: str) -> list[str]:
    return [str(cell) for cell in app.screen.query_one("#clusters", KeyedTable).get_row(cluster)]


async def test_the_dashboard_shows_every_open_cluster_and_the_totals(clusters: object) -> None:
    app = group_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert row(app, "east")[:2] == ["east", "3/3"] and row(app, "east")[-1] == "current"
        assert row(app, "west")[:2] == ["west", "3/3"]
        total = row(app, "total")
        assert total[1] == "6/6" and total[2].endswith("/22") and total[-1] == ""
        assert "east" in app.sub_title and "2 clusters" in app.sub_title


async def test_a_cluster_stopped_halfway_shows_its_error_while_the_current_one_keeps_refreshing(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    _, west = clusters
    app = group_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert row(app, "west")[1] == "3/3"
        first_read = app.cluster_view.read_at if app.cluster_view else 0
        west.stop()
        await pilot.press("r")
        await settle(app, pilot)
        await settle(app, pilot)
        assert row(app, "west")[-1].startswith("✖")
        errors = str(app.screen.query_one("#group-errors", Static).render())
        assert errors.startswith("✖ west:") and "Traceback" not in errors
        assert row(app, "east")[1] == "3/3"
        assert app.cluster_view is not None and app.cluster_view.read_at > first_read
        assert row(app, "total")[1] == "3/3" and row(app, "total")[-1] == "1 unreachable"


async def test_ctx_lists_the_open_clusters_and_ctx_name_switches_the_current_one(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    _, west = clusters
    app = group_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"ctx", "enter")
        await pilot.pause()
        assert any("east" in n.message and "west" in n.message for n in app._notifications)
        await pilot.press("colon", *"ctx w")
        await pilot.pause(0.2)
        assert app.screen.query_one("#jump", Input)._suggestion == "ctx west"  # completion of the open clusters
        await pilot.press("escape", "colon", *"ctx west", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "west" in app.sub_title
        client = app.session.connected_client
        assert client is not None and client.settings.url == west.info.url
        assert row(app, "west")[-1] == "current"
        await pilot.press("colon", *"ctx nowhere", "enter")
        await settle(app, pilot)
        assert any("no profile 'nowhere'" in n.message for n in app._notifications)
        assert app.group is not None and app.group.current_name == "west" and app.group.names() == ["east", "west"]


async def test_ctx_in_a_one_cluster_console_opens_another_profile_next_to_it(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    _, west = clusters
    app = ProxmoxApp(client_factory(ProfileStore().get("east").settings()), profile_name="east", refresh_seconds=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        assert not app.screen.query_one("#clusters", KeyedTable).display
        await pilot.press("colon", *"ctx", "enter")
        await pilot.pause()
        assert any("one cluster open" in n.message for n in app._notifications)
        await pilot.press("colon", *"ctx nowhere", "enter")
        await settle(app, pilot)
        assert any("no profile 'nowhere'" in n.message for n in app._notifications) and app.group is None
        await pilot.press("colon", *"ctx west", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.group is not None and app.group.names() == ["east", "west"]
        client = app.session.connected_client
        assert client is not None and client.settings.url == west.info.url
        assert row(app, "west")[-1] == "current" and row(app, "east")[1] == "3/3"


async def test_a_browsers_console_never_opens_or_lists_the_servers_saved_profiles(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    app = ProxmoxApp(client_factory(ProfileStore().get("east").settings()), profile_name="east", refresh_seconds=0)
    app.session.uses_saved_profiles = False  # as `serve` starts a signed-in user's console
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        assert app.saved_profiles == []  # `:ctx` completes no profile names of the server
        await pilot.press("colon", *"ctx west", "enter")
        await settle(app, pilot)
        assert app.group is None and any("signed-in user" in n.message for n in app._notifications)
        client = app.session.connected_client
        assert client is not None and client.settings.url != clusters[1].info.url


def table_text(table: GuestTable, lines: int = 4) -> str:
    return "\n".join(table.render_line(y).text for y in range(lines))


async def test_with_several_clusters_open_every_guest_row_names_its_cluster(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    app = group_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        text = table_text(app.screen.query_one(GuestTable))
        assert "Cluster/Node" in text and "east/pve1" in text
        await pilot.press("colon", *"ctx west", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        table = app.screen.query_one(GuestTable)
        assert "west/pve1" in table_text(table)
        assert {row["cluster"] for row in table._by_key.values()} == {"east", "west"}  # east's are rows still


async def open_vms(app: ProxmoxApp, pilot: Pilot[None]) -> None:
    """Let both clusters' first refresh land, then open the VMs table."""
    await settle(app, pilot)
    await settle(app, pilot)
    await pilot.press("2")
    await settle(app, pilot)


async def test_the_vm_table_lists_the_guests_of_every_open_cluster(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    app = group_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms(app, pilot)
        table = app.screen.query_one(GuestTable)
        keys = set(table.visible_keys)
        assert "101" in keys and "west/101" in keys  # the same VMID in both clusters: two rows
        assert len(keys) == 2 * sum(1 for k in keys if "/" not in k)
        assert table.row_of("west/101")["cluster"] == "west" and table.row_of("101")["cluster"] == "east"


async def test_the_filter_matches_cluster_names(clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    app = group_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms(app, pilot)
        await pilot.press("slash", *"west")
        await settle(app, pilot)
        keys = list(app.screen.query_one(GuestTable).visible_keys)
        assert keys and all(key.startswith("west/") for key in keys)


async def test_an_action_on_a_row_goes_to_that_rows_cluster(
        clusters: tuple[SimulatorThread, SimulatorThread]) -> None:
    east, west = clusters

    def status(sim: SimulatorThread) -> str:
        return str(sim.call(lambda: sim.sim.cluster.guests[109].status))

    assert status(east) == status(west) == "stopped"
    app = group_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms(app, pilot)
        table = app.screen.query_one(GuestTable)
        table.move_cursor(row=table.get_row_index("west/109"))
        await pilot.pause()
        await pilot.press("s")
        await settle(app, pilot)
        await settle(app, pilot)
        assert status(west) == "running" and status(east) == "stopped"
        assert any("on west" in n.message for n in app._notifications)
        await pilot.press("e")  # a dialog works on the current cluster: for west's row it says how to get there
        await pilot.pause()
        assert any(":ctx west" in n.message for n in app._notifications)
        assert app.screen.__class__.__name__ == "GuestsScreen"
        table.move_cursor(row=table.get_row_index("109"))  # east's 109: a mark holds the current cluster's VMID
        await pilot.press("space")
        assert table.marked == {109}
        await pilot.press("colon", *"ctx west", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert not table.marked  # 109 is west's now: the mark is not carried over to another guest


async def test_one_cluster_keeps_the_plain_node_column(clusters: object) -> None:
    app = ProxmoxApp(client_factory(ProfileStore().get("east").settings()), profile_name="east", refresh_seconds=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        text = table_text(app.screen.query_one(GuestTable))
        assert "Cluster/" not in text and "east/" not in text and "pve1" in text


async def test_ctx_with_several_names_opens_them_all_and_keeps_the_current_cluster(clusters: object) -> None:
    app = ProxmoxApp(client_factory(ProfileStore().get().settings()), refresh_seconds=0)  # the active profile
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *"ctx east west", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.group is not None and app.group.names() == ["east", "west"]
        assert app.group.current_name == "east" and row(app, "west")[1] == "3/3"
