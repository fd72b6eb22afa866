"""MCP tools that only read: guests, search, health, plan, validate, and the diagnostics report."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.mcp.common import READ, guarded
from pmpc_tui.services.guest_ref import parse_guest_kind
from pmpc_tui.services.session import Session


async def health_checks(session: Session) -> list[dict[str, Any]]:
    """The health checks; a broken state database is a critical check, not a failed tool."""
    from pmpc_tui.services.health import run_health

    ws = session.workspace()
    db, db_error = await session.db_or_error()
    return [c.as_dict() for c in await run_health(await session.client(), db, ws.root if ws else None,
                                                  db_error=db_error)]


def register(server: MCPServer, session: Session) -> None:
    """Add the read tools to `server`, working in `session`."""

    @server.tool(annotations=READ, description="List VMs or containers with status, node, CPU, memory, tags.")
    async def list_guests(kind: str = "vm", node: str | None = None, status: str | None = None) -> dict[str, Any]:
        from pmpc_tui.services.inventory import list_guests as service

        async def go() -> Any:
            return await service(await session.client(), parse_guest_kind(kind), node, status)
        return await guarded(go)

    @server.tool(annotations=READ, description="Config, live status, snapshots and recent tasks of one guest.")
    async def describe_guest(guest: str, kind: str = "vm") -> dict[str, Any]:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.inventory import describe_guest as service

        async def go() -> Any:
            parsed = parse_guest_ident(guest)  # bad input: nothing is sent
            return await service(await session.client(), parse_guest_kind(kind), parsed)
        return await guarded(go)

    @server.tool(annotations=READ, description="Find guests whose name, VMID, node, status or tags contain text.")
    async def search(text: str) -> dict[str, Any]:
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            view = await load_cluster_view(await session.client())
            needle = text.lower()
            return [dict(row, type=kind) for kind, rows in (("vm", view.vms), ("ct", view.containers))
                    for row in rows if any(needle in str(row[k]).lower() for k in ("vmid", "name", "node", "status",
                                                                                   "tags"))]
        return await guarded(go)

    @server.tool(annotations=READ, description="Health checks: API, credentials, quorum, nodes, storage, tools.")
    async def health() -> dict[str, Any]:
        return await guarded(lambda: health_checks(session))

    @server.tool(annotations=READ, description="What applying the workspace's code would change (no changes made).")
    async def plan() -> dict[str, Any]:
        from pmpc_tui.services.plan import make_plan

        async def go() -> Any:
            return (await make_plan(session.require_workspace(), await session.db(), await session.client())).to_dict()
        return await guarded(go)

    @server.tool(annotations=READ, description="Check the workspace's code (syntax, arguments, duplicates, fit).")
    async def validate() -> dict[str, Any]:
        from pmpc_tui.services.validate import validate_workspace

        async def go() -> Any:
            return [f.as_dict() for f in await validate_workspace(session.require_workspace(), await session.db(),
                                                                  await session.client())]
        return await guarded(go)

    @server.tool(annotations=READ, description="Write a diagnostics bundle (logs, health, config; secrets removed) "
                                               "and return where it is and a prompt to use with it.")
    async def report(summary: str, anonymize: bool = True) -> dict[str, Any]:
        from pmpc_tui.services.report import write_report

        async def go() -> Any:
            written = await write_report(session, summary, minutes=60, anonymize=anonymize)
            return {"bundle": str(written.path), "prompt": written.prompt}
        return await guarded(go)
