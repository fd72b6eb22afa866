"""The migrate, clone and template tools of the MCP server, over stdio with the SDK client, against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment
from mcp import Client
from mcp_support import error, payload, server

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("mcp-migrate")
    (home / "ws").mkdir()
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


async def test_an_assistant_migrates_clones_and_converts_with_confirmation(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert not tools["migrate_guest"].annotations.destructive_hint
        assert tools["convert_to_template"].annotations.destructive_hint
        assert "enum" in str(tools["clone_guest"].input_schema["properties"]["kind"])
        assert "target" in str(tools["migrate_guest"].output_schema)

        refused = error(await client.call_tool("migrate_guest", {"guest": "web-01", "node": "pve2"}))
        assert "--online" in refused and "next step:" in refused
        moved = payload(await client.call_tool("migrate_guest", {"guest": "web-01", "node": "pve2", "online": True,
                                                                 "with_local_disks": True}))
        assert moved["target"] == "pve2" and moved["exitstatus"] == "OK", moved
        assert sim.call(lambda: sim.sim.cluster.guests[101].node) == "pve2"

        made = payload(await client.call_tool("clone_guest", {"source": "debian-12-template", "name": "mcp-web",
                                                              "linked": True}))
        assert made["linked"] is True and made["exitstatus"] == "OK", made
        newid = made["vmid"]
        assert sim.call(lambda: sim.sim.cluster.guests[newid].name) == "mcp-web"

        asked = error(await client.call_tool("convert_to_template", {"guest": str(newid)}))
        assert "confirm=true" in asked and "mcp-web" in asked
        assert not sim.call(lambda: sim.sim.cluster.guests[newid].is_template)
        done = payload(await client.call_tool("convert_to_template", {"guest": str(newid), "confirm": True}))
        assert done["exitstatus"] == "OK" and sim.call(lambda: sim.sim.cluster.guests[newid].is_template)

        writes = sim.sim.api.write_count
        running = error(await client.call_tool("convert_to_template", {"guest": "103", "confirm": True}))
        assert "running" in running and sim.sim.api.write_count == writes


async def test_read_only_mode_offers_none_of_them(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home, "--read-only")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert not {"migrate_guest", "clone_guest", "convert_to_template"} & names
