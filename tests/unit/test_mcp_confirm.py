"""MCP `confirm` is the JSON boolean true and nothing else: what lax parsing would call true is a tool error,
and the cluster hears nothing. Driven by the official SDK client over stdio against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import cli_environment, run_cli
from mcp import Client
from mcp_support import error, payload, server, workspace_home, writes
from workspace_copy_support import Template

from pmpc_tui.simulator.server import SimulatorThread

BAD_VALUES: list[Any] = ["true", "True", "yes", "on", "1", 1, 1.0, "y", [True], {"value": True}, False, None]


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Iterator[Path]:
    with workspace_home(sim, tmp_path, homelab_template):
        yield tmp_path


async def test_confirm_accepts_only_the_json_boolean_true(sim: SimulatorThread, home: Path) -> None:
    sim.control("POST", "/guests/101/config", {"memory": "4096"})  # drift: apply would have something to do
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        schema = {t.name: t.input_schema for t in (await client.list_tools()).tools}
        assert schema["apply"]["properties"]["confirm"]["type"] == "boolean"
        for value in BAD_VALUES:
            for tool, arguments in (("apply", {}), ("power", {"guest": "web-01", "action": "stop"}),
                                    ("power", {"guest": "dev-sandbox", "action": "start"}),
                                    ("delete_guest", {"guest": "dev-sandbox"})):
                result = await client.call_tool(tool, {**arguments, "confirm": value})
                text = result.content[0].text
                assert result.is_error, (tool, value, text)
                assert "confirm must be the JSON boolean true" in text, (tool, value, text)
                assert "Traceback" not in text
        assert writes(sim) == before  # nothing reached the cluster
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"
        assert sim.call(lambda: sim.sim.cluster.guests[101].config["memory"]) == "4096"

        left_out = error(await client.call_tool("power", {"guest": "web-01", "action": "stop"}))
        assert "confirm=true" in left_out  # a refusal is a tool error that asks; nothing is done
        assert writes(sim) == before
        payload(await client.call_tool("power", {"guest": "web-01", "action": "stop", "confirm": True}))
    assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "stopped"


def test_an_assistant_cannot_start_an_apply_while_an_earlier_one_is_unfinished(sim: SimulatorThread,
                                                                                home: Path) -> None:
    import asyncio

    ws = home / "ws"
    with cli_environment(sim, home):
        assert run_cli(ws, "create", "vm", "--name", "app-150", "--node", "pve1", "--cores", "1", "--memory", "512",
                       "--disk", "8", "--vmid", "150") == 0
        sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "^/api2/json/nodes/pve1/qemu$",
                                        "methods": ["POST"], "remaining": 1})
        assert run_cli(ws, "apply", "--auto-approve") == 1  # the create fails: the apply stays unfinished
    before = writes(sim)

    async def ask(tool: str, arguments: dict[str, Any]) -> str:
        async with Client(server(sim, home)) as client:
            return error(await client.call_tool(tool, arguments))

    answer = asyncio.run(ask("apply", {"confirm": True}))
    assert "did not finish" in answer and "next step:" in answer and "--resume" in answer
    deleted = asyncio.run(ask("delete_guest", {"guest": "dev-sandbox", "confirm": True}))
    assert "did not finish" in deleted and "--resume" in deleted  # no guest is deleted behind an unfinished apply
    assert writes(sim) == before  # the guard of `proxmox-mpc apply` holds for the assistant too
    with cli_environment(sim, home):
        assert run_cli(ws, "delete", "vm", "dev-sandbox", "--yes") == 7  # and for `proxmox-mpc delete`
    assert writes(sim) == before
    assert 150 not in sim.call(lambda: set(sim.sim.cluster.guests))
    assert 109 in sim.call(lambda: set(sim.sim.cluster.guests))


async def test_an_assistant_may_say_vms_qemu_container_or_lxc_for_the_guest_kind(sim: SimulatorThread,
                                                                                home: Path) -> None:
    async with Client(server(sim, home)) as client:
        schema = {t.name: t.input_schema for t in (await client.list_tools()).tools}
        assert schema["list_guests"]["properties"]["kind"]["enum"] == ["vm", "ct"]  # the schema offers the two
        for kind, expected in (("vms", "web-01"), ("qemu", "web-01"), ("container", "pihole"), ("lxc", "pihole")):
            names = [g["name"] for g in payload(await client.call_tool("list_guests", {"kind": kind}))["guests"]]
            assert expected in names, (kind, names)
        wrong = error(await client.call_tool("list_guests", {"kind": "printer"}))
    assert "not a guest kind" in wrong


async def test_an_apply_refused_without_confirm_names_every_guest_the_plan_would_delete(sim: SimulatorThread,
                                                                                      home: Path) -> None:
    (home / "ws" / "terraform" / "vm-109.tf").unlink()  # the code no longer has dev-sandbox: the plan deletes it
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        answer = error(await client.call_tool("apply", {}))
        stop = error(await client.call_tool("power", {"guest": "web-01", "action": "reboot"}))
    assert "confirm=true" in answer and "VMID 109" in answer
    assert "reboot interrupts vm web-01" in stop
    assert writes(sim) == before and 109 in sim.call(lambda: set(sim.sim.cluster.guests))
