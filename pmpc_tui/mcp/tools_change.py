"""MCP tools that change things: create a guest in the code, sync, power actions, apply (confirm=true)."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.commands.confirmation import Target, needs_confirmation, refusal
from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.mcp.common import DESTRUCTIVE, WRITE, guarded
from pmpc_tui.services.guest_ref import parse_guest_kind
from pmpc_tui.services.session import Session


def register(server: MCPServer, session: Session) -> None:
    """Add the tools that change the workspace or the cluster to `server`, working in `session`."""

    @server.tool(annotations=WRITE, description="Add a VM or container to the workspace's code (validated; "
                                                "nothing is sent to the cluster until apply).")
    async def create_guest(name: str, kind: str = "vm", node: str | None = None, cores: int | None = None,
                           memory_mib: int | None = None, disk_gib: int | None = None,
                           clone: str | None = None, tags: str | None = None) -> dict[str, Any]:
        from pmpc_tui.services.cluster_sync import sync_if_never_synced
        from pmpc_tui.services.iac import CreateSpec
        from pmpc_tui.services.iac import create_guest as service

        async def go() -> Any:
            ws, db = session.require_workspace(), await session.db()
            await sync_if_never_synced(db, session.client)
            spec = CreateSpec(parse_guest_kind(kind), name, node=node, cores=cores,
                              memory=memory_mib, disk=disk_gib, clone=clone, tags=tags)
            return (await service(ws, db, spec)).as_dict()
        return await guarded(go)

    @server.tool(annotations=WRITE, description="Read the whole cluster into the state database.")
    async def sync() -> dict[str, Any]:
        from pmpc_tui.services.cluster_sync import sync_cluster

        async def go() -> Any:
            return (await sync_cluster(await session.client(), await session.db())).as_dict()
        return await guarded(go)

    @server.tool(annotations=DESTRUCTIVE,
                 description="Start, shutdown, stop or reboot a guest. stop/shutdown/reboot need confirm=true.")
    async def power(guest: str, action: str, kind: str = "vm", confirm: Confirmation = False) -> dict[str, Any]:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.guests import POWER_ACTIONS, power_action

        if action not in POWER_ACTIONS:
            return {"ok": False, "error": f"action must be one of {', '.join(POWER_ACTIONS)}"}
        if needs_confirmation(action) and confirm is not True:
            return {"ok": False, "error": refusal(action, [Target(f"{kind} {guest}")])}

        async def go() -> Any:
            ident = parse_guest_ident(guest)  # bad input: nothing is sent
            result = await power_action(await session.client(), parse_guest_kind(kind), ident, action, wait=True)
            return result.as_dict()
        return await guarded(go)

    @server.tool(annotations=DESTRUCTIVE,
                 description="Apply the workspace's code to the cluster. Show plan() to the user first; "
                             "needs confirm=true, and allow_destroy=true as well when the plan deletes a "
                             "guest or a disk or replaces a volume (its impact is 'destructive').")
    async def apply(confirm: Confirmation = False, allow_destroy: Confirmation = False) -> dict[str, Any]:
        from pmpc_tui.services.apply import apply_plan
        from pmpc_tui.services.plan import make_plan

        if needs_confirmation("apply") and confirm is not True:
            async def targets() -> Any:
                ws, db, client = session.require_workspace(), await session.db(), await session.client()
                plan = await make_plan(ws, db, client)
                return [r.what_is_destroyed() if r.destructive else f"{r.address} ({r.action})"
                        for r in plan.changes]
            preview = await guarded(targets)
            if not preview["ok"]:
                return preview
            return {"ok": False, "error": refusal("apply", [Target(t) for t in preview["result"]]),
                    "targets": preview["result"]}

        async def go() -> Any:
            ws, db, client = session.require_workspace(), await session.db(), await session.client()
            lines: list[str] = []
            result = await apply_plan(ws, db, client, await make_plan(ws, db, client), lines.append,
                                      allow_destroy=allow_destroy is True)  # the service refuses otherwise
            return {"summary": result.summary(), "progress": lines}
        return await guarded(go)
