"""The backup tools of the MCP server, driven by the official SDK client over stdio against the simulator."""

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
    home = tmp_path_factory.mktemp("mcp-backup")
    (home / "ws").mkdir()
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


async def test_an_assistant_lists_backs_up_and_restores_with_confirmation(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["list_backups"].annotations.read_only_hint
        assert not tools["backup_guests"].annotations.destructive_hint
        assert tools["restore_backup"].annotations.destructive_hint
        mode = str(tools["backup_guests"].input_schema["properties"]["mode"])
        assert "enum" in mode and "suspend" in mode  # the assistant sees the allowed modes

        listed = payload(await client.call_tool("list_backups", {"vmid": 101}))
        assert listed["backups"] and all(b["vmid"] == 101 for b in listed["backups"])

        made = payload(await client.call_tool("backup_guests", {"guests": ["pihole"], "kind": "ct",
                                                                "storage": "local", "compress": "lzo"}))
        assert made["jobs"][0]["exitstatus"] == "OK", made
        archives = payload(await client.call_tool("list_backups", {"vmid": 200, "storage": "local"}))["backups"]
        newest = archives[0]["volid"]
        assert newest.endswith(".tar.lzo")

        fresh = payload(await client.call_tool("restore_backup", {"volid": newest, "vmid": 290}))
        assert fresh["vmid"] == 290, fresh
        assert sim.call(lambda: sim.sim.cluster.guests[290].name) == "pihole"

        over = await client.call_tool("restore_backup", {"volid": newest, "vmid": 290, "force": True})
        assert "confirm=true" in error(over) and "pihole" in error(over)
        done = payload(await client.call_tool("restore_backup", {"volid": newest, "vmid": 290, "force": True,
                                                                 "confirm": True}))
        assert done["overwrites"] == "pihole", done

        bad = await client.call_tool("backup_guests", {"guests": ["101"], "mode": "fast"})
        assert bad.is_error
        writes = sim.sim.api.write_count
        wrong = await client.call_tool("restore_backup", {"volid": "local:iso/x.iso", "vmid": 150})
        assert error(wrong) and sim.sim.api.write_count == writes


async def test_read_only_mode_offers_only_the_backup_list(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home, "--read-only")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "list_backups" in names and not {"backup_guests", "restore_backup"} & names
