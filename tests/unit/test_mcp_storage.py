"""The storage tools of the MCP server (content, download, stop a task), over stdio against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment
from mcp import Client
from mcp_support import error, payload, server

from pmpc_tui.simulator.handlers_storage import simulated_checksum
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    home = tmp_path_factory.mktemp("mcp-storage")
    (home / "ws").mkdir()
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        yield sim, home


async def test_an_assistant_lists_content_downloads_with_a_checksum_and_stops_a_task_after_confirming(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert tools["storage_content"].annotations.read_only_hint
        assert not tools["download_to_storage"].annotations.destructive_hint
        assert tools["stop_task"].annotations.destructive_hint
        assert "upload" not in " ".join(tools)  # a local path from an assistant is not accepted
        assert "enum" in str(tools["storage_content"].input_schema["properties"]["content"])

        isos = payload(await client.call_tool("storage_content", {"storage": "local", "node": "pve1",
                                                                  "content": "iso"}))
        assert isos["items"] and {i["content"] for i in isos["items"]} == {"iso"}

        url = "https://example.org/isos/opnsense-25.7.iso"
        done = payload(await client.call_tool("download_to_storage", {
            "url": url, "node": "pve1", "storage": "local", "checksum": f"sha1:{simulated_checksum(url, 'sha1')}"}))
        assert done["volid"] == "local:iso/opnsense-25.7.iso" and done["exitstatus"] == "OK", done

        wrong = await client.call_tool("download_to_storage", {"url": "https://example.org/b.iso", "node": "pve1",
                                                               "storage": "local", "checksum": "sha1:" + "1" * 40})
        assert "checksum mismatch" in error(wrong)

        writes = sim.sim.api.write_count
        bad = await client.call_tool("download_to_storage", {"url": "ftp://example.org/c.iso", "node": "pve1",
                                                             "storage": "local"})
        assert error(bad) and sim.sim.api.write_count == writes

        sim.sim.api.tasks.speed = 4.0
        try:
            upid = str(await asyncio.to_thread(api, sim, "post", "/nodes/pve1/storage/local/download-url",
                                               url="https://example.org/s.iso", content="iso", filename="s.iso"))
        finally:
            sim.sim.api.tasks.speed = 0.02
        asked = await client.call_tool("stop_task", {"upid": upid})
        assert "confirm=true" in error(asked) and "download s.iso" in error(asked)
        assert sim.call(lambda: sim.sim.cluster.tasks[upid].status) == "running"
        stopped = payload(await client.call_tool("stop_task", {"upid": upid, "confirm": True}))
        assert stopped["stopped"] is True and "interrupted" in str(stopped["exitstatus"])


async def test_read_only_mode_offers_only_the_storage_content(lab) -> None:
    sim, home = lab
    async with Client(server(sim, home, "--read-only")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert "storage_content" in names and not {"download_to_storage", "stop_task"} & names
