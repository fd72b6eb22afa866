"""The MCP server, driven by the official SDK's client over stdio against the simulator."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment
from mcp import Client, MCPError, StdioServerParameters
from mcp_support import error, payload, server, workspace_home
from workspace_copy_support import Template

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Iterator[Path]:
    with workspace_home(sim, tmp_path, homelab_template):
        yield tmp_path


async def test_every_tool_resource_and_prompt_over_stdio(sim: SimulatorThread, home: Path) -> None:
    outputs: list[str] = []
    async with Client(server(sim, home)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"list_guests", "describe_guest", "search", "tasks", "health", "plan", "validate",
                              "report", "sync", "power", "apply", "create_guest", "delete_guest",
                              "list_backups", "backup_guests", "restore_backup",
                              "snapshot_list", "snapshot_create", "snapshot_rollback", "snapshot_delete",
                              "resize_disk", "set_guest", "move_disk", "detach_disk", "delete_disk",
                              "migrate_guest", "clone_guest", "convert_to_template",
                              "storage_content", "download_to_storage", "stop_task", "propose"}
        assert tools["create_guest"].annotations.read_only_hint is False
        assert tools["apply"].annotations.destructive_hint and tools["list_guests"].annotations.read_only_hint
        calls = [("list_guests", {"kind": "vm", "status": "stopped"}), ("describe_guest", {"guest": "web-01"}),
                 ("search", {"text": "k8s"}), ("tasks", {}), ("health", {}), ("plan", {}), ("validate", {}),
                 ("sync", {}), ("report", {"summary": "just checking"})]
        results = {}
        for name, arguments in calls:
            result = payload(await client.call_tool(name, arguments))
            outputs.append(json.dumps(result))
            results[name] = result
        assert {g["name"] for g in results["list_guests"]["guests"]} == {"debian-12-template", "dev-sandbox",
                                                                          "win11-desktop"}
        assert results["describe_guest"]["vmid"] == 101
        assert {g["name"] for g in results["search"]["guests"]} == {"k8s-cp-1", "k8s-worker-1", "k8s-worker-2"}
        guests = [r for r in results["plan"]["resources"] if r["vmid"] is not None]
        assert len(guests) == 18 and results["plan"]["summary"]["no-op"] == len(results["plan"]["resources"])
        assert results["validate"]["valid"] is True and results["health"]["overall"] in ("ok", "warning")
        assert Path(results["report"]["bundle"]).is_file()
        bad = error(await client.call_tool("create_guest", {"name": "-bad-", "node": "pve1"}))
        assert "DNS" in bad and "next step:" in bad
        made = payload(await client.call_tool("create_guest", {"name": "mcp-01", "node": "pve2", "cores": 1,
                                                                 "memory_mib": 512, "disk_gib": 8}))
        assert (home / "ws" / "terraform" / f"vm-{made['vmid']}.tf").is_file()

        refused = error(await client.call_tool("power", {"guest": "101", "action": "stop"}))
        assert "confirm=true" in refused
        assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"
        started = payload(await client.call_tool("power", {"guest": "dev-sandbox", "action": "start"}))
        assert started["exitstatus"] == "OK" and sim.call(lambda: sim.sim.cluster.guests[109].status) == "running"
        assert "confirm=true" in error(await client.call_tool("apply", {}))
        applied = payload(await client.call_tool("apply", {"confirm": True}))
        assert "steps done" in applied["summary"]
        assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "stopped"  # back to code
        assert sim.call(lambda: any(g.name == "mcp-01" for g in sim.sim.cluster.guests.values()))
        stopped = payload(await client.call_tool("power", {"guest": "mcp-01", "action": "stop", "confirm": True}))
        assert stopped["action"] == "stop" and stopped["name"] == "mcp-01"

        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert {"pmpc://workspace", "pmpc://infrastructure", "pmpc://logs/recent"} <= resources
        assert {"pmpc://health", "pmpc://diagnostics", "pmpc://iac"} <= resources
        for uri in ("pmpc://workspace", "pmpc://infrastructure", "pmpc://health", "pmpc://diagnostics",
                    "pmpc://nodes/pve1", "pmpc://iac", "pmpc://guests/101", "pmpc://logs/recent"):
            text = (await client.read_resource(uri)).contents[0].text
            outputs.append(text)
            json.loads(text)
        assert "web-01" in outputs[-2]
        assert "vm-101.tf" in outputs[-3]
        tf = (await client.read_resource("pmpc://iac/vm-101.tf")).contents[0].text
        assert 'resource "proxmox_virtual_environment_vm"' in tf
        prompts = {p.name for p in (await client.list_prompts()).prompts}
        assert prompts == {"troubleshoot", "optimize", "plan_change"}
        prompt = await client.get_prompt("troubleshoot", {"problem": "web-01 is slow"})
        assert "web-01 is slow" in prompt.messages[0].content.text
    for text in outputs:
        assert sim.info.token_secret not in text


async def test_read_only_mode_offers_no_tool_that_changes_anything(sim: SimulatorThread, home: Path) -> None:
    async with Client(server(sim, home, "--read-only")) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert names == {"list_guests", "describe_guest", "search", "tasks", "health", "plan", "validate", "report",
                         "list_backups", "snapshot_list", "storage_content", "propose"}
        result = await client.call_tool("power", {"guest": "101", "action": "stop", "confirm": True})
        assert "Unknown tool" in error(result)
    assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"


async def test_http_transport_needs_the_bearer_token(sim: SimulatorThread, home: Path) -> None:
    import asyncio
    import os
    import socket
    import subprocess

    import httpx2

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PMPC_CONFIG_DIR": str(home / "config"), "PMPC_STATE_DIR": str(home / "state"),
           "LAB_TOKEN": sim.info.token_secret, "PMPC_MCP_TOKEN": "test-bearer-token-123"}
    proc = subprocess.Popen([sys.executable, "-m", "pmpc_tui", "mcp", "--transport", "http", "--port", str(port),
                             "--read-only"], env=env, cwd=home / "ws", stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        for _ in range(300):  # a loaded CI machine may take several seconds to start the server
            assert proc.poll() is None, "the MCP server exited before listening"
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                await asyncio.sleep(0.1)
        async with httpx2.AsyncClient() as anonymous:
            refused = await anonymous.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert refused.status_code == 401
        from mcp.client.streamable_http import streamable_http_client

        http = httpx2.AsyncClient(headers={"Authorization": "Bearer test-bearer-token-123"})
        async with Client(streamable_http_client(url, http_client=http)) as client:
            names = {t.name for t in (await client.list_tools()).tools}
            assert "apply" not in names and "list_guests" in names
            result = payload(await client.call_tool("list_guests", {"kind": "ct"}))
            assert len(result["guests"]) == 7
            assert sim.info.token_secret not in json.dumps(result)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stderr is not None
        assert "test-bearer-token-123" not in proc.stderr.read()  # the token is not echoed when it comes from env


@pytest.fixture
def profile_only(sim: SimulatorThread, tmp_path: Path) -> Path:
    """A saved profile 'lab' and no workspace."""
    with cli_environment(sim, tmp_path):
        pass
    return tmp_path


async def test_a_full_width_or_bad_vmid_from_an_assistant_reaches_no_guest(sim: SimulatorThread,
                                                                           profile_only: Path) -> None:
    tmp_path = profile_only
    params = StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp"], cwd=str(tmp_path), env={
        "PMPC_CONFIG_DIR": str(tmp_path / "config"), "PMPC_STATE_DIR": str(tmp_path / "state"),
        "LAB_TOKEN": sim.info.token_secret, "PATH": "/usr/bin:/bin"})
    full_width = "\uff11\uff10\uff19"  # 109 as an IME types it
    async with Client(params) as client:
        before = sim.control("GET", "/state")["requests"]
        for guest in (full_width, "99", "-1", "", "$(id)", "9" * 5000):
            started = error(await client.call_tool("power", {"guest": guest, "action": "start"}))
            assert "VMID" in started, started
            described = error(await client.call_tool("describe_guest", {"guest": guest}))
            assert "VMID" in described, described
        with pytest.raises(MCPError, match="not a VMID"):
            await client.read_resource(f"pmpc://guests/{full_width}")
        assert sim.control("GET", "/state")["requests"] == before  # nothing was sent
    assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "stopped"
