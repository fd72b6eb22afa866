"""What an assistant sees of the MCP tools: schemas with enums and outputs, errors as errors, delete_guest and tasks.
Driven by the official SDK client over stdio against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, MCPError
from mcp_support import error, payload, requests, server, workspace_home, writes
from workspace_copy_support import Template

from pmpc_tui import __version__
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Iterator[Path]:
    with workspace_home(sim, tmp_path, homelab_template):
        yield tmp_path


async def test_every_tool_describes_its_input_output_and_risk_and_the_server_its_version(sim: SimulatorThread,
                                                                                        home: Path) -> None:
    async with Client(server(sim, home)) as client:
        assert client.server_info is not None
        assert (client.server_info.name, client.server_info.version) == ("proxmox-mpc", __version__)
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for tool in tools.values():
        assert tool.output_schema and tool.output_schema.get("properties"), tool.name
        hints = tool.annotations
        assert None not in (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint), tool.name
        assert tool.description, tool.name
    assert tools["power"].input_schema["properties"]["action"]["enum"] == ["start", "stop", "shutdown", "reboot",
                                                                            "suspend", "resume"]
    assert tools["delete_guest"].input_schema["properties"]["kind"]["enum"] == ["vm", "ct"]
    assert "enum" in str(tools["tasks"].input_schema["properties"]["status"])
    assert "enum" in str(tools["list_guests"].input_schema["properties"]["status"])
    row = tools["list_guests"].output_schema["$defs"]["GuestRow"]["properties"]
    assert {"vmid", "name", "node", "status", "maxmem"} <= set(row) and row["maxmem"]["description"]
    assert tools["delete_guest"].annotations.destructive_hint and not tools["delete_guest"].annotations.read_only_hint
    assert tools["list_guests"].annotations.read_only_hint and tools["list_guests"].annotations.idempotent_hint
    assert tools["sync"].annotations.idempotent_hint and not tools["sync"].annotations.destructive_hint


async def test_a_guest_node_or_file_that_does_not_exist_is_an_error_not_an_answer(sim: SimulatorThread,
                                                                                 home: Path) -> None:
    async with Client(server(sim, home)) as client:
        missing = error(await client.call_tool("describe_guest", {"guest": "4242"}))
        assert "no VM 4242" in missing and "next step:" in missing
        assert "is a container" in error(await client.call_tool("describe_guest", {"guest": "pihole"}))
        assert "no VM 4242" in error(await client.call_tool("power", {"guest": "4242", "action": "start"}))
        assert "no VM" in error(await client.call_tool("delete_guest", {"guest": "ghost", "confirm": True}))
        assert "no guest 4242" in error(await client.call_tool("tasks", {"guest": "4242"}))
        assert "no node 'pve9'" in error(await client.call_tool("tasks", {"node": "pve9"}))
        assert "The nodes are: pve1" in error(await client.call_tool("list_guests", {"node": "pve9"}))
        for uri in ("pmpc://guests/4242", "pmpc://nodes/pve9", "pmpc://iac/vm-4242.tf"):
            with pytest.raises(MCPError):
                await client.read_resource(uri)


async def test_a_kind_action_or_filter_outside_the_enum_is_refused_and_nothing_is_sent(sim: SimulatorThread,
                                                                                      home: Path) -> None:
    async with Client(server(sim, home)) as client:
        payload(await client.call_tool("health", {}))  # connected: the requests below would show
        before = requests(sim)
        banana = error(await client.call_tool("list_guests", {"kind": "banana"}))
        assert "not a guest kind" in banana  # it once listed containers
        assert "stop" in error(await client.call_tool("power", {"guest": "101", "action": "explode"}))
        assert "running" in error(await client.call_tool("tasks", {"status": "weird"}))
        assert "limit" in error(await client.call_tool("tasks", {"limit": 0}))
        assert "upid" in error(await client.call_tool("tasks", {"upid": "not-a-upid"}))
        assert requests(sim) == before


async def test_delete_guest_names_the_guest_until_confirmed_and_then_deletes_it(sim: SimulatorThread,
                                                                                home: Path) -> None:
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        asked = error(await client.call_tool("delete_guest", {"guest": "dev-sandbox"}))
        assert "VM 109 (dev-sandbox) on" in asked and "confirm=true" in asked
        running = error(await client.call_tool("delete_guest", {"guest": "101", "confirm": True}))
        assert "running" in running and "Stop it first" in running
        assert writes(sim) == before and 109 in sim.call(lambda: set(sim.sim.cluster.guests))
        deleted = payload(await client.call_tool("delete_guest", {"guest": "dev-sandbox", "confirm": True,
                                                                  "purge": True}))
    assert (deleted["action"], deleted["vmid"], deleted["exitstatus"]) == ("delete", 109, "OK")
    assert 109 not in sim.call(lambda: set(sim.sim.cluster.guests))
    assert 101 in sim.call(lambda: set(sim.sim.cluster.guests))


async def test_tasks_are_filtered_by_guest_and_state_and_a_task_log_is_read_by_upid(sim: SimulatorThread,
                                                                                   home: Path) -> None:
    async with Client(server(sim, home)) as client:
        started = payload(await client.call_tool("power", {"guest": "dev-sandbox", "action": "start"}))
        mine = payload(await client.call_tool("tasks", {"guest": "dev-sandbox"}))["tasks"]
        assert mine and {t["id"] for t in mine} == {"109"}
        assert started["upid"] in {t["upid"] for t in mine}
        ok = payload(await client.call_tool("tasks", {"status": "ok"}))["tasks"]
        assert started["upid"] in {t["upid"] for t in ok} and {t["status"] for t in ok} == {"OK"}
        assert payload(await client.call_tool("tasks", {"status": "failed"}))["tasks"] == []
        assert len(payload(await client.call_tool("tasks", {"limit": 1}))["tasks"]) == 1
        on_node = payload(await client.call_tool("tasks", {"node": started["node"]}))["tasks"]
        assert on_node and {t["node"] for t in on_node} == {started["node"]}
        log = payload(await client.call_tool("tasks", {"upid": started["upid"]}))
    assert log["upid"] == started["upid"] and log["log"] and log["tasks"] == []
    assert any("TASK OK" in line for line in log["log"])


async def test_no_error_text_repeats_the_token_secret_an_assistant_passed_in(sim: SimulatorThread,
                                                                            home: Path) -> None:
    secret = sim.info.token_secret
    async with Client(server(sim, home)) as client:
        payload(await client.call_tool("health", {}))  # connected: the server knows its secret
        texts = [error(await client.call_tool("power", {"guest": "101", "action": secret})),  # the SDK's own text
                 error(await client.call_tool("describe_guest", {"guest": secret})),
                 error(await client.call_tool("tasks", {"node": secret})),
                 error(await client.call_tool("list_guests", {"kind": f"token_secret={secret}"}))]
    for text in texts:
        assert secret not in text and "***" in text, text
