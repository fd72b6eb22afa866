"""MCP `confirm` is the JSON boolean true and nothing else: what lax parsing would call true is a tool error,
and the cluster hears nothing. Driven by the official SDK client over stdio against the simulator."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import cli_environment, run_cli
from mcp import Client, StdioServerParameters

from pmpc_tui.simulator.server import SimulatorThread

BAD_VALUES: list[Any] = ["true", "True", "yes", "on", "1", 1, 1.0, "y", [True], {"value": True}, False, None]


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        assert run_cli(ws, "import") == 0
    yield tmp_path


def server(sim: SimulatorThread, home: Path) -> StdioServerParameters:
    env = {"PMPC_CONFIG_DIR": str(home / "config"), "PMPC_STATE_DIR": str(home / "state"),
           "LAB_TOKEN": sim.info.token_secret, "PATH": "/usr/bin:/bin"}
    return StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp"], env=env,
                                 cwd=str(home / "ws"))


def writes(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["writes"])


async def test_confirm_accepts_only_the_json_boolean_true(sim: SimulatorThread, home: Path) -> None:
    sim.control("POST", "/guests/101/config", {"memory": "4096"})  # drift: apply would have something to do
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        schema = {t.name: t.input_schema for t in (await client.list_tools()).tools}
        assert schema["apply"]["properties"]["confirm"]["type"] == "boolean"
        for value in BAD_VALUES:
            for tool, arguments in (("apply", {}), ("power", {"guest": "web-01", "action": "stop"}),
                                    ("power", {"guest": "dev-sandbox", "action": "start"})):
                result = await client.call_tool(tool, {**arguments, "confirm": value})
                text = result.content[0].text
                assert result.is_error, (tool, value, text)
                assert "confirm must be the JSON boolean true" in text, (tool, value, text)
                assert "Traceback" not in text
        assert writes(sim) == before  # nothing reached the cluster
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"
        assert sim.call(lambda: sim.sim.cluster.guests[101].config["memory"]) == "4096"

        left_out = await client.call_tool("power", {"guest": "web-01", "action": "stop"})
        assert not left_out.is_error and "confirm=true" in left_out.content[0].text  # asks, does nothing
        assert writes(sim) == before
        confirmed = await client.call_tool("power", {"guest": "web-01", "action": "stop", "confirm": True})
        assert not confirmed.is_error, confirmed.content[0].text
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

    async def ask_apply() -> str:
        async with Client(server(sim, home)) as client:
            return str((await client.call_tool("apply", {"confirm": True})).content[0].text)

    answer = json.loads(asyncio.run(ask_apply()))
    assert answer["ok"] is False and "did not finish" in answer["error"] and "--resume" in answer["next_step"]
    assert writes(sim) == before  # the guard of `proxmox-mpc apply` holds for the assistant too
    assert 150 not in sim.call(lambda: set(sim.sim.cluster.guests))


async def test_an_assistant_may_say_vms_qemu_container_or_lxc_for_the_guest_kind(sim: SimulatorThread,
                                                                                home: Path) -> None:
    async with Client(server(sim, home)) as client:
        for kind, expected in (("vms", "web-01"), ("qemu", "web-01"), ("container", "pihole"), ("lxc", "pihole")):
            result = await client.call_tool("list_guests", {"kind": kind})
            assert not result.is_error and expected in result.content[0].text, (kind, result.content[0].text)
        wrong = (await client.call_tool("list_guests", {"kind": "printer"})).content[0].text
    assert "not a guest kind" in wrong and "Traceback" not in wrong


async def test_an_apply_refused_without_confirm_names_every_guest_the_plan_would_delete(sim: SimulatorThread,
                                                                                      home: Path) -> None:
    (home / "ws" / "terraform" / "vm-109.tf").unlink()  # the code no longer has dev-sandbox: the plan deletes it
    before = writes(sim)
    async with Client(server(sim, home)) as client:
        answer = json.loads((await client.call_tool("apply", {})).content[0].text)
        stop = json.loads((await client.call_tool("power", {"guest": "web-01", "action": "reboot"})).content[0].text)
    assert answer["ok"] is False and "confirm=true" in answer["error"]
    assert "VMID 109" in answer["error"] and any("109" in t for t in answer["targets"])
    assert stop["ok"] is False and "reboot interrupts vm web-01" in stop["error"]
    assert writes(sim) == before and 109 in sim.call(lambda: set(sim.sim.cluster.guests))
