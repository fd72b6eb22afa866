"""`proxmox-mpc mcp --read-only` writes nothing at all: after every tool and resource, the workspace, the
config and state folders are byte-identical and no scratch file is left behind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, MCPError
from mcp_support import payload, server, workspace_home, writes
from workspace_copy_support import Template

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Iterator[Path]:
    with workspace_home(sim, tmp_path, homelab_template):
        yield tmp_path


def every_file(home: Path) -> dict[str, bytes]:
    """Each file and folder under `home` (workspace, config, state) and a file's bytes, by path."""
    return {str(p.relative_to(home)): p.read_bytes() if p.is_file() else b"<folder>"
            for p in sorted(home.rglob("*")) if p.is_file() or p.is_dir()}


async def test_a_read_only_server_leaves_every_file_byte_identical_after_every_tool(sim: SimulatorThread,
                                                                                    home: Path) -> None:
    sim.control("POST", "/guests/101/config", {"memory": "4096"})  # drift: a plan's sync would update the database
    (home / "tmp").mkdir()
    before, cluster_writes = every_file(home), writes(sim)
    assert any(name.endswith(".db") for name in before)  # the workspace's state database is there to be kept
    params = server(sim, home, "--read-only")
    params.env = {**(params.env or {}), "TMPDIR": str(home / "tmp")}
    async with Client(params) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        results = {}
        for name, arguments in (("list_guests", {"kind": "ct"}), ("describe_guest", {"guest": "web-01"}),
                                ("search", {"text": "web"}), ("tasks", {}), ("health", {}), ("plan", {}),
                                ("validate", {}), ("report", {"summary": "read-only check"}),
                                ("list_backups", {"vmid": 101}), ("snapshot_list", {"guest": "web-01"}),
                                ("storage_content", {"storage": "local", "node": "pve1"}),
                                ("propose", {"request": "stop every vm tagged prod"})):
            results[name] = payload(await client.call_tool(name, arguments))
        assert set(results) == tools  # every tool the read-only server offers was called
        upid = next((t["upid"] for t in results["tasks"]["tasks"]), None)
        if upid:
            payload(await client.call_tool("tasks", {"upid": upid}))
        for resource in (await client.list_resources()).resources:
            await client.read_resource(resource.uri)
        for uri in ("pmpc://guests/101", "pmpc://nodes/pve1", "pmpc://iac/vm-101.tf"):
            await client.read_resource(uri)
        with pytest.raises(MCPError):
            await client.read_resource("pmpc://guests/4242")
    plan = results["plan"]
    assert plan["summary"]["update"] == 1 and plan["resources"]  # the plan saw the drift, read live
    report = results["report"]
    assert report["bundle"] is None and {"SUMMARY.txt", "health.json", "logs.jsonl"} <= set(report["files"])
    assert "read-only check" in report["files"]["SUMMARY.txt"] and "bundle" not in report["prompt"].lower()
    assert sim.info.token_secret not in json.dumps(results)
    after = every_file(home)
    assert sorted(set(after) ^ set(before)) == []  # no file made (no report zip, no log file, no scratch copy left)
    assert [name for name in before if before[name] != after[name]] == []  # and none changed
    assert writes(sim) == cluster_writes


async def test_a_read_only_server_plans_even_where_no_state_database_exists_yet(sim: SimulatorThread,
                                                                                home: Path) -> None:
    for path in (home / "ws" / ".proxmox-mpc").glob("*.db*"):
        path.unlink()
    before = every_file(home)
    async with Client(server(sim, home, "--read-only")) as client:
        plan = payload(await client.call_tool("plan", {}))
        health = payload(await client.call_tool("health", {}))
    guests = [r for r in plan["resources"] if r["vmid"] is not None]
    assert len(guests) == 18 and plan["summary"]["no-op"] == len(plan["resources"]) and health["checks"]
    assert every_file(home) == before
