"""MCP resources: the workspace, the live infrastructure, one guest or node, logs, health, diagnostics, IaC files.

A guest, node or file that does not exist is a resource error (`-32602`), never a document saying so."""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.mcp.common import clean, read_guarded
from pmpc_tui.mcp.tools_read import health_checks
from pmpc_tui.pve.redact import redact
from pmpc_tui.services.session import Session


def _missing(what: str, next_step: str) -> Exception:
    from mcp.server.mcpserver.exceptions import ResourceNotFoundError

    from pmpc_tui.mcp.common import error_text

    return ResourceNotFoundError(error_text(what, next_step))


def register(server: MCPServer, session: Session) -> None:
    """Add the resources to `server`, read in `session`."""

    @server.resource("pmpc://workspace", name="workspace", mime_type="application/json",
                     description="The workspace: root, profile, defaults.")
    async def workspace() -> str:
        ws = session.workspace()
        data = {"root": str(ws.root), "config": ws.config.to_dict()} if ws else {"workspace": None}
        return json.dumps(clean(data))

    @server.resource("pmpc://infrastructure", name="infrastructure", mime_type="application/json",
                     description="Nodes, VMs, containers and storage, read live.")
    async def infrastructure() -> str:
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            view = await load_cluster_view(await session.client())
            return {"nodes": view.nodes, "vms": view.vms, "containers": view.containers, "storage": view.storage}
        return json.dumps(await read_guarded(go))

    @server.resource("pmpc://guests/{vmid}", name="guest", mime_type="application/json",
                     description="One VM or container by VMID: config and status.")
    async def guest(vmid: str) -> str:
        from pmpc_tui.pve.errors import NotFound
        from pmpc_tui.services.guest_ref import parse_vmid
        from pmpc_tui.services.inventory import describe_guest as service
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            number = parse_vmid(vmid)  # bad input: nothing is sent
            view = await load_cluster_view(await session.client())
            found = view.find_guest(number)
            if found is None:
                raise NotFound(f"no guest {number} in the cluster")
            return await service(await session.client(), found[0], number)
        return json.dumps(await read_guarded(go))

    @server.resource("pmpc://logs/recent", name="recent logs", mime_type="application/json",
                     description="The last 200 log entries, with correlation IDs.")
    async def recent_logs() -> str:
        from pmpc_tui.observability.logfile import log_dir, read_entries

        ws = session.workspace()
        return json.dumps(clean(read_entries(log_dir(ws.root if ws else None))[-200:]))

    @server.resource("pmpc://nodes/{node}", name="node", mime_type="application/json",
                     description="One node: status, CPU, memory, disk, uptime.")
    async def node_resource(node: str) -> str:
        from pmpc_tui.pve.errors import NotFound
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            view = await load_cluster_view(await session.client())
            row = next((n for n in view.nodes if n["node"] == node), None)
            if row is None:
                raise NotFound(f"no node {node!r} in the cluster",
                               f"The nodes are: {', '.join(n['node'] for n in view.nodes)}.")
            return row
        return json.dumps(await read_guarded(go))

    @server.resource("pmpc://health", name="health", mime_type="application/json",
                     description="The health checks and the worst of them.")
    async def health_resource() -> str:
        return json.dumps(await read_guarded(lambda: health_checks(session)))

    @server.resource("pmpc://diagnostics", name="diagnostics", mime_type="application/json",
                     description="Health, metrics and versions in one document (what report bundles hold, minus logs).")
    async def diagnostics() -> str:
        from pmpc_tui.observability.metrics import METRICS
        from pmpc_tui.services.report import versions

        checks = await read_guarded(lambda: health_checks(session))
        return json.dumps(clean({"health": checks, "metrics": METRICS.summary(), "versions": versions()}))

    @server.resource("pmpc://iac", name="IaC files", mime_type="application/json",
                     description="The workspace's Terraform and Ansible files.")
    async def iac_files() -> str:
        ws = session.workspace()
        if ws is None:
            return json.dumps({"files": [], "note": "no workspace"})
        files = sorted(ws.relative(p) for folder in (ws.terraform_dir, ws.ansible_dir) for p in folder.rglob("*")
                       if p.is_file())
        return json.dumps({"files": files})

    @server.resource("pmpc://iac/{name}", name="IaC file", mime_type="text/plain",
                     description="One file of terraform/ (e.g. vm-101.tf) or ansible/ (e.g. inventory.yml).")
    async def iac_file(name: str) -> str:
        ws = session.workspace()
        if ws is None:
            raise _missing("no workspace here", "Start the server in a workspace (`proxmox-mpc init`).")
        if "/" not in name and not name.startswith("."):
            for folder in (ws.terraform_dir, ws.ansible_dir):
                path = folder / name
                if path.is_file():
                    return redact(path.read_text(encoding="utf-8"))
        raise _missing(f"no file {name!r} in terraform/ or ansible/", "pmpc://iac lists the files.")
