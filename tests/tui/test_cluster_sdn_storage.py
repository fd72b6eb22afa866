"""The Cluster view's SDN and Storage tabs against the simulator: every zone, VNet, subnet and storage
definition as a row, marked against the workspace's code; an SDN edit left pending in PVE shows as drift."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from iac_support import api
from textual.widgets import TabbedContent
from tui_support import make_app, settle, settle_until

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.navigation import parse_jump
from pmpc_tui.tui.screens.cluster import ClusterScreen
from pmpc_tui.tui.widgets.keyed_table import KeyedTable


@asynccontextmanager
async def cluster_tab(sim: SimulatorThread, jump: str, workspace: Path | None,
                      ) -> AsyncIterator[tuple[ProxmoxApp, Any, ClusterScreen]]:
    app = make_app(sim)
    app.workspace_root = workspace
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("colon", *jump, "enter")
        await settle_until(app, pilot, lambda: isinstance(app.screen, ClusterScreen) and app.screen.objects is not None)
        assert isinstance(app.screen, ClusterScreen)
        yield app, pilot, app.screen


def cells(screen: ClusterScreen, table: str, name: str) -> dict[str, str]:
    widget = screen.query_one(f"#{table}-table", KeyedTable)
    return {str(row.key.value): str(widget.get_cell(row.key, name)) for row in widget.ordered_rows}


@pytest.fixture
def edited(sim: SimulatorThread, imported_workspace: Path) -> Path:
    """An imported workspace, a VNet then edited in PVE (not applied) and a storage's path edited in code."""
    api(sim, "put", "/cluster/sdn/vnets/iot", alias="renamed")
    storage = imported_workspace / "terraform" / "storage.tf"
    storage.write_text(storage.read_text().replace('"/var/lib/vz"', '"/srv/vz"'))
    return imported_workspace


async def test_sdn_and_storage_tabs_list_each_object_marked_against_the_code_and_pending_sdn_is_drift(
        sim: SimulatorThread, edited: Path) -> None:
    async with cluster_tab(sim, "sdn", edited) as (_app, _pilot, screen):
        assert screen.query_one("#cluster-tabs", TabbedContent).active == "sdn"
        names = cells(screen, "sdn", "name")
        assert {"lab", "vlans", "labnet", "iot", "guests", "labnet/10.10.0.0/24"} <= set(names.values())
        marks = cells(screen, "sdn", "code")
        assert marks["sdn_vnet:iot"] == "~ drift" and marks["sdn_zone_simple:lab"] == "✓ code"
        assert cells(screen, "sdn", "pending")["sdn_vnet:iot"] == "pending (changed)"
        assert cells(screen, "storage", "type")["storage_nfs:nas"] == "nfs"
        store = cells(screen, "storage", "code")
        assert store["storage_directory:local"] == "~ drift" and store["storage_nfs:nas"] == "✓ code"
        assert cells(screen, "storage", "where")["storage_nfs:nas"] == "192.168.1.5:/volume1/pve"


@pytest.mark.parametrize(("typed", "view", "tab"), [("sdn", "cluster", "sdn"), ("vnets", "cluster", "sdn"),
                                                    ("storagecfg", "cluster", "storage"), ("storage", "nodes", "")])
def test_sdn_and_storagecfg_jump_to_their_tabs_while_storage_stays_the_nodes_view(typed: str, view: str,
                                                                                  tab: str) -> None:
    jump = parse_jump(typed)
    assert (jump.view.mode, jump.tab or "") == (view, tab)
