"""The Cluster view (`:cluster`, `:pools`, `:ha`, `:backupjobs`, `:firewall`) against the simulator: pools, HA,
backup jobs and the firewall in tabs, each row marked against the workspace's code, `e` opening the code."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from iac_support import api, cli_environment, run_cli
from textual.widgets import TabbedContent, TextArea
from tui_support import make_app, settle, settle_editor, settle_until

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.navigation import parse_jump
from pmpc_tui.tui.screens.cluster import ClusterScreen
from pmpc_tui.tui.screens.editor import EditorScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


@asynccontextmanager
async def cluster_view(sim: SimulatorThread, jump: str = "cluster", workspace: Path | None = None,
                       size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[ProxmoxApp, Any, ClusterScreen]]:
    """The console headless, `:jump` typed after the first read, the cluster objects on screen."""
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *jump, "enter")
        await settle_until(app, pilot, lambda: isinstance(app.screen, ClusterScreen) and app.screen.objects is not None)
        assert isinstance(app.screen, ClusterScreen)
        yield app, pilot, app.screen


def column(screen: ClusterScreen, table: str, name: str) -> list[str]:
    """One column of a table, as shown, top to bottom."""
    widget = screen.query_one(f"#{table}-table", KeyedTable)
    return [str(widget.get_cell(row.key, name)) for row in widget.ordered_rows]


def cell(screen: ClusterScreen, table: str, key: str, name: str) -> str:
    return str(screen.query_one(f"#{table}-table", KeyedTable).get_cell(key, name))


async def cursor_to(pilot: Any, screen: ClusterScreen, table: str, key: str) -> None:
    widget = screen.query_one(f"#{table}-table", KeyedTable)
    widget.focus()
    widget.move_cursor(row=widget.get_row_index(key))
    await pilot.pause()


def detail(screen: ClusterScreen) -> str:
    return str(screen.query_one("#cluster-detail").render())


def active_tab(screen: ClusterScreen) -> str:
    return screen.query_one("#cluster-tabs", TabbedContent).active


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(("typed", "tab"), [("pools", "pools"), ("ha", "ha"), ("backupjobs", "backup"),
                                            ("firewall", "firewall"), ("fire", "firewall"), ("cluster", "")])
def test_each_cluster_jump_opens_the_cluster_view_at_its_tab(typed: str, tab: str) -> None:
    jump = parse_jump(typed)
    assert (jump.view.mode, jump.tab) == ("cluster", tab)


async def test_the_pools_tab_lists_each_pool_with_its_members_and_comment(shared_sim: SimulatorThread) -> None:
    async with cluster_view(shared_sim, "pools") as (_app, _pilot, screen):
        assert active_tab(screen) == "pools"
        assert cell(screen, "pools", "pool:production", "members") == "101 102 103 200"
        assert cell(screen, "pools", "pool:production", "comment") == "Services the household relies on"
        assert "no workspace is open" in detail(screen)  # nothing to compare with: the marks are left blank
        assert set(column(screen, "pools", "code")) == {""}


async def test_ha_shows_resources_with_their_state_and_node_and_the_pve9_rules(shared_sim: SimulatorThread) -> None:
    async with cluster_view(shared_sim, "ha") as (_app, _pilot, screen):
        assert active_tab(screen) == "ha"
        assert cell(screen, "ha-resources", "ha_resource:vm:103", "state") == "started"
        assert cell(screen, "ha-resources", "ha_resource:vm:103", "node") == "pve2"
        assert cell(screen, "ha-rules", "ha_rule:db-prefers-pve2", "type") == "node-affinity"
        assert cell(screen, "ha-rules", "ha_rule:db-prefers-pve2", "nodes") == "pve2:2,pve3:1"
        apart = {name: rule for name, rule in shared_sim.sim.cluster.ha_rules.items()
                 if rule["type"] == "resource-affinity"}
        assert apart
        for name, rule in apart.items():
            assert cell(screen, "ha-rules", f"ha_rule:{name}", "resources") == ",".join(sorted(rule["resources"]))


async def test_backup_jobs_show_schedule_next_run_selection_storage_and_retention(
        shared_sim: SimulatorThread) -> None:
    async with cluster_view(shared_sim, "backupjobs") as (_app, _pilot, screen):
        assert active_tab(screen) == "backup"
        key = "backup_job:backup-3c9d51e2-7f0a"
        shown = [cell(screen, "backup", key, c) for c in ("schedule", "selection", "storage", "retention", "enabled")]
        assert shown == ["02:00", "101,103", "pbs", "daily 7, weekly 4", "yes"]
        assert cell(screen, "backup", key, "next").endswith("02:00")  # PVE's next-run, in local time
        assert cell(screen, "backup", "backup_job:backup-8e41f0b7-55d2", "enabled") == "no"


async def test_the_firewall_tab_shows_options_groups_aliases_ip_sets_and_rules_in_order(
        shared_sim: SimulatorThread) -> None:
    async with cluster_view(shared_sim, "firewall") as (app, pilot, screen):
        assert column(screen, "firewall", "kind")[0] == "options"
        assert cell(screen, "firewall", "options:cluster", "what") == "on · in DROP · out ACCEPT"
        assert cell(screen, "firewall", "alias:lan", "what") == "192.168.1.0/24"
        assert cell(screen, "firewall", "ipset:management", "what") == "192.168.1.100, 192.168.1.101"
        rules = [w for k, w in zip(column(screen, "firewall", "kind"), column(screen, "firewall", "what"),
                                   strict=True) if k == "rule"]
        assert rules[2] == "IN ACCEPT tcp 8006 from lan" and rules[-1].endswith("(off)")
        assert cell(screen, "firewall", "guest:vm/101", "what") == "on · in DROP · 3 rules"  # a small cluster
        await pilot.press("left_square_bracket")  # `[` goes to the tab before
        await settle_until(app, pilot, lambda: active_tab(screen) == "backup", timeout=5)
        assert active_tab(screen) == "backup"


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
async def test_right_after_import_every_object_is_marked_as_matching_its_code(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    async with cluster_view(sim, "pools", imported_workspace) as (_app, _pilot, screen):
        for table in ("pools", "ha-resources", "ha-rules", "backup", "firewall"):
            assert set(column(screen, table, "code")) == {"✓ code"}, table


async def test_code_edited_away_from_the_cluster_is_marked_drift_and_e_opens_it_at_its_line(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    pools = imported_workspace / "terraform" / "pools.tf"
    edit(pools, '"Services the household relies on"', '"Edited in code"')
    async with cluster_view(sim, "pools", imported_workspace) as (app, pilot, screen):
        await cursor_to(pilot, screen, "pools", "pool:production")
        assert cell(screen, "pools", "pool:production", "code") == "~ drift"
        assert "comment (Services the household relies… in the cluster, Edited in code in the code)" in detail(screen)
        await pilot.press("e")
        await settle_until(app, pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.path == pools)
        editor = app.screen.query_one("#editor", TextArea)
        line = editor.document.get_line(editor.cursor_location[0])
        assert line == 'resource "proxmox_virtual_environment_pool" "production" {'


async def test_a_nested_pool_only_in_code_is_indented_under_its_parent_and_marked_gone(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    pools = imported_workspace / "terraform" / "pools.tf"
    pools.write_text(pools.read_text() + '\nresource "proxmox_virtual_environment_pool" "production_web" {\n'
                     '  pool_id = "production/web"\n}\n')
    async with cluster_view(sim, "pools", imported_workspace) as (_app, pilot, screen):
        names = column(screen, "pools", "pool")
        assert names[names.index("production") + 1] == "└ web"
        await cursor_to(pilot, screen, "pools", "pool:production/web")
        assert cell(screen, "pools", "pool:production/web", "code") == "? gone"
        assert "in the code, gone from the cluster" in detail(screen)


@pytest.fixture
def bare_workspace(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    """A workspace made by `init` for the simulator, nothing imported into it yet."""
    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        yield ws


async def test_an_object_the_code_does_not_describe_says_how_to_import_it(
        sim: SimulatorThread, bare_workspace: Path) -> None:
    async with cluster_view(sim, "backupjobs", bare_workspace) as (app, pilot, screen):
        await cursor_to(pilot, screen, "backup", "backup_job:backup-3c9d51e2-7f0a")
        assert cell(screen, "backup", "backup_job:backup-3c9d51e2-7f0a", "code") == "– none"
        await pilot.press("e")
        await settle_editor(app, pilot)
        assert isinstance(app.screen, ClusterScreen)  # no code to open
        said = [n.message for n in app._notifications]
        assert any("`import` in the console (8) writes it to terraform/backup_jobs.tf" in m for m in said), said


@pytest.fixture
def sim_without_ha(sim: SimulatorThread) -> SimulatorThread:
    """The homelab simulator with its HA rules and resources deleted."""
    for rule in list(sim.sim.cluster.ha_rules):
        api(sim, "delete", f"/cluster/ha/rules/{rule}")
    for sid in list(sim.sim.cluster.ha_resources):
        api(sim, "delete", f"/cluster/ha/resources/{sid}")
    return sim


async def test_without_ha_the_tab_explains_that_pve9_replaced_groups_with_rules(
        sim_without_ha: SimulatorThread) -> None:
    async with cluster_view(sim_without_ha, "ha") as (_app, _pilot, screen):
        note = str(screen.query_one("#ha-empty").render())
        assert "PVE 9 replaced HA groups with rules" in note and "proxmox_harule" in note
        assert not screen.query_one("#ha-rules-table").display


async def test_a_section_the_cluster_cannot_answer_says_why_and_the_others_still_show(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "/cluster/backup"})
    async with cluster_view(sim, "backupjobs") as (_app, _pilot, screen):
        assert "Backup jobs: cannot read it" in str(screen.query_one("#backup-empty").render())
        assert "pool:production" in screen.query_one("#pools-table", KeyedTable).rows
