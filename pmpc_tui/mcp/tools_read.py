"""MCP tools that only read: guests, search, tasks, health, plan, validate, and the diagnostics report."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.mcp import models
from pmpc_tui.mcp.arguments import GuestKind, GuestStatus, TaskStatus
from pmpc_tui.mcp.common import READ, guarded
from pmpc_tui.services.guest_ref import parse_guest_kind
from pmpc_tui.services.session import Session


async def health_checks(session: Session) -> dict[str, Any]:
    """The health checks and the worst of them; a broken state database is a critical check, not a failed tool."""
    from pmpc_tui.services.health import overall, run_health

    ws = session.workspace()
    db, db_error = await session.db_or_error()
    checks = await run_health(await session.client(), db, ws.root if ws else None, db_error=db_error)
    return {"overall": overall(checks), "checks": [c.as_dict() for c in checks]}


def register(server: MCPServer, session: Session) -> None:
    """Add the read tools to `server`, working in `session` (a read-only session writes nothing)."""

    @server.tool(annotations=READ, description="List VMs or containers with status, node, CPU, memory, tags "
                                               "(an unknown node is an error).")
    async def list_guests(kind: GuestKind = "vm", node: str | None = None,
                          status: GuestStatus | None = None) -> models.GuestList:
        from pmpc_tui.services.filters import require_node
        from pmpc_tui.services.inventory import list_guests as service

        async def go() -> Any:
            client = await session.client()
            if node is not None:
                await require_node(client, node)  # an unknown node is an error, not "no guests"
            return await service(client, parse_guest_kind(kind), node, status)
        return models.GuestList(guests=await guarded(go))

    @server.tool(annotations=READ, description="Config, live status, snapshots and recent tasks of one guest "
                                               "(by VMID or name); a guest that does not exist is an error.")
    async def describe_guest(guest: str, kind: GuestKind = "vm") -> models.GuestDetails:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.inventory import describe_guest as service

        async def go() -> Any:
            parsed = parse_guest_ident(guest)  # bad input: nothing is sent
            return await service(await session.client(), parse_guest_kind(kind), parsed)
        return models.GuestDetails.model_validate(await guarded(go))

    @server.tool(annotations=READ, description="Find guests whose name, VMID, node, status or tags contain text.")
    async def search(text: str) -> models.SearchResult:
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            view = await load_cluster_view(await session.client())
            needle = text.lower()
            return [dict(row, type=kind) for kind, rows in (("vm", view.vms), ("ct", view.containers))
                    for row in rows if any(needle in str(row[k]).lower() for k in ("vmid", "name", "node", "status",
                                                                                   "tags"))]
        return models.SearchResult(guests=await guarded(go))

    @server.tool(annotations=READ, description="Recent tasks of the cluster, newest first, filtered by node, "
                                               "status (running, ok, failed) and guest (VMID or name); or, with "
                                               "upid, that task's log.")
    async def tasks(node: str | None = None, status: TaskStatus | None = None, guest: str | None = None,
                    limit: int = 20, upid: str | None = None) -> models.Tasks:
        from pmpc_tui.services.filters import check_upid, find_tasks
        from pmpc_tui.services.live import task_log

        if upid is not None:
            async def log() -> Any:
                check_upid(upid)  # a malformed id stops before connecting
                return await task_log(await session.client(), upid, limit=0)
            return models.Tasks(tasks=[], upid=upid, log=await guarded(log))

        async def go() -> Any:
            return await find_tasks(await session.client(), node, status, guest, limit)
        return models.Tasks(tasks=await guarded(go), upid=None, log=None)

    @server.tool(annotations=READ, description="Health checks: API, credentials, quorum, nodes, storage, tools.")
    async def health() -> models.Health:
        return models.Health.model_validate(await guarded(lambda: health_checks(session)))

    @server.tool(annotations=READ, description="What applying the workspace's code would change (no changes made; "
                                               "the cluster is read fresh).")
    async def plan() -> models.Plan:
        from pmpc_tui.services.plan import make_plan

        async def go() -> Any:
            return (await make_plan(session.require_workspace(), await session.db(), await session.client())).to_dict()
        return models.Plan.model_validate(await guarded(go))

    @server.tool(annotations=READ, description="Check the workspace's code (syntax, arguments, duplicates, fit); "
                                               "findings are the result, not an error.")
    async def validate() -> models.Validation:
        from pmpc_tui.services.validate import validate_workspace

        async def go() -> Any:
            return [f.as_dict() for f in await validate_workspace(session.require_workspace(), await session.db(),
                                                                  await session.client())]
        findings = await guarded(go)
        return models.Validation(valid=not any(f["severity"] == "error" for f in findings), findings=findings)

    if session.read_only:
        @server.tool(name="report", annotations=READ,
                     description="Gather a diagnostics report (logs, health, config; secrets removed) and return "
                                 "its files as text with a prompt to use with them (nothing is written).")
        async def report_contents(summary: str, anonymize: bool = True) -> models.Report:
            from pmpc_tui.services.report import report_contents as service

            async def go() -> Any:
                made = await service(session, summary, minutes=60, anonymize=anonymize)
                return {"bundle": None, "files": made.files, "prompt": made.prompt}
            return models.Report.model_validate(await guarded(go))
        return

    from pmpc_tui.mcp.common import WRITE

    @server.tool(annotations=WRITE, description="Write a diagnostics bundle (logs, health, config; secrets removed) "
                                                "and return where it is and a prompt to use with it.")
    async def report(summary: str, anonymize: bool = True) -> models.Report:
        from pmpc_tui.services.report import write_report

        async def go() -> Any:
            written = await write_report(session, summary, minutes=60, anonymize=anonymize)
            return {"bundle": str(written.path), "files": None, "prompt": written.prompt}
        return models.Report.model_validate(await guarded(go))

