"""The snapshot tools over MCP (official SDK client, stdio) against the simulator: list as a tree, create,
and rollback/delete only with confirm=true — naming guest and snapshot first, and the drift notice after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client
from mcp_support import answer, server, workspace_home, writes
from workspace_copy_support import Template

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory,
        homelab_template: Template) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("mcp-snap")
    with SimulatorThread(task_speed=0.02) as sim, workspace_home(sim, home, homelab_template):
        yield sim, home




async def test_an_assistant_snapshots_rolls_back_with_confirmation_and_hears_of_the_drift(
        lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["snapshot_list"].annotations.read_only_hint is True
        assert tools["snapshot_rollback"].annotations.destructive_hint is True
        assert tools["snapshot_create"].input_schema["properties"]["kind"]["enum"] == ["vm", "ct"]
        ok, created, _ = answer(await client.call_tool("snapshot_create", {"guest": "web-02", "name": "pre-update",
                                                                           "description": "before"}))
        assert ok and created["exitstatus"] == "OK"
        sim.control("POST", "/guests/102/config", {"memory": "4096"})
        before = writes(sim)
        ok, _, text = answer(await client.call_tool("snapshot_rollback", {"guest": "102", "name": "pre-update"}))
        assert not ok and "VM 102 (web-02)" in text and "'pre-update'" in text
        assert "confirm=true" in text and writes(sim) == before  # nothing sent
        ok, done, _ = answer(await client.call_tool("snapshot_rollback", {"guest": "102", "name": "pre-update",
                                                                          "start": True, "confirm": True}))
        assert ok and done["status"] == "running"
        assert "import --guest 102" in done["notice"]
        ok, listing, _ = answer(await client.call_tool("snapshot_list", {"guest": "web-02"}))
        rows = listing["snapshots"]
        assert [(r["name"], r["parent"]) for r in rows] == [("pre-update", None), ("current", "pre-update")]
        assert rows[0]["description"] == "before" and rows[0]["vmstate"] is False


async def test_bad_input_and_refusals_come_back_as_short_errors(lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        ok, _, text = answer(await client.call_tool("snapshot_create", {"guest": "pihole", "name": "1bad",
                                                                        "kind": "ct"}))
        assert not ok and "is not a snapshot name" in text
        ok, _, text = answer(await client.call_tool("snapshot_create", {"guest": "pihole", "name": "ok", "kind": "ct",
                                                                        "vmstate": True}))
        assert not ok and "containers have no RAM snapshot" in text
        ok, _, text = answer(await client.call_tool("snapshot_delete", {"guest": "db-01", "name": "nope",
                                                                        "confirm": True}))
        assert not ok and "has no snapshot 'nope'" in text and "snapshot list vm 103" in text  # the next step
        wrong = await client.call_tool("snapshot_delete", {"guest": "db-01", "name": "nope", "confirm": "true"})
        assert wrong.is_error
    assert writes(sim) == before


async def test_a_read_only_server_offers_only_the_snapshot_list(lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    async with Client(server(sim, home, "--read-only")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
    assert "snapshot_list" in names and not names & {"snapshot_create", "snapshot_rollback", "snapshot_delete"}
