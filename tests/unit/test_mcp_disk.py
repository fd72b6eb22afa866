"""The disk and settings tools over MCP (official SDK client, stdio) against the simulator."""

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
    home = tmp_path_factory.mktemp("mcp-disk")
    with SimulatorThread(task_speed=0.02) as sim, workspace_home(sim, home, homelab_template):
        yield sim, home




async def test_an_assistant_grows_a_disk_and_is_refused_a_shrink(lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["resize_disk"].input_schema["properties"]["kind"]["enum"] == ["vm", "ct"]
        assert "size_after" in tools["resize_disk"].output_schema["properties"]
        ok, done, _ = answer(await client.call_tool("resize_disk", {"guest": "web-01", "disk": "scsi0",
                                                                    "size": "+2G"}))
        assert ok and done["exitstatus"] == "OK" and done["size_after"] == 34 * 1024**3
        assert "import --guest 101" in done["notice"]
        before = writes(sim)
        ok, _, text = answer(await client.call_tool("resize_disk", {"guest": "101", "disk": "scsi0", "size": "8G"}))
        assert not ok and "shrinking disks is not supported" in text and writes(sim) == before


async def test_an_assistant_hears_which_settings_wait_for_a_reboot(lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        ok, done, _ = answer(await client.call_tool("set_guest", {"guest": "105", "cores": 6,
                                                                  "description": "worker", "onboot": True}))
        assert ok and done["pending"] == ["cores"]
        assert "pending until reboot: cores 4 → 6" in done["message"]
        config = sim.call(lambda: dict(sim.sim.cluster.guests[105].config))
        assert config["description"] == "worker" and int(config["onboot"]) == 1
        ok, _, text = answer(await client.call_tool("set_guest", {"guest": "200", "kind": "ct", "balloon": 128}))
        assert not ok and "balloon" in text


async def test_an_assistant_moves_detaches_and_deletes_a_disk_only_with_confirmation(
        lab: tuple[SimulatorThread, Path]) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["delete_disk"].annotations.destructive_hint is True
        ok, moved, _ = answer(await client.call_tool("move_disk", {"guest": "109", "disk": "scsi0",
                                                                   "storage": "nas", "delete_source": True}))
        assert ok and moved["exitstatus"] == "OK" and "from 'local-lvm' to 'nas'" in moved["detail"]
        config = sim.call(lambda: dict(sim.sim.cluster.guests[109].config))
        assert config["scsi0"].startswith("nas:") and not any(k.startswith("unused") for k in config)
        ok, detached, _ = answer(await client.call_tool("detach_disk", {"guest": "109", "disk": "scsi0"}))
        assert ok and "kept as unused0" in detached["message"]
        before = writes(sim)
        ok, _, text = answer(await client.call_tool("delete_disk", {"guest": "109", "disk": "unused0"}))
        assert not ok and "VM 109 (dev-sandbox)" in text and "nas:" in text and "confirm=true" in text
        assert writes(sim) == before
        ok, deleted, _ = answer(await client.call_tool("delete_disk", {"guest": "109", "disk": "unused0",
                                                                       "confirm": True}))
        assert ok and deleted["exitstatus"] == "OK"
        assert "unused0" not in sim.call(lambda: dict(sim.sim.cluster.guests[109].config))
