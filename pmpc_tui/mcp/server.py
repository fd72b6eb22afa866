"""`proxmox-mpc mcp`: the workspace and the cluster for AI assistants, over stdio (or streamable HTTP).

Tools are thin adapters over the same services the CLI and console use; every result passes
through the secret filter. `read_only` removes every tool that changes anything; `apply` and the
power actions that stop a guest need `confirm=true`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.mcp.arguments import Confirmation
from pmpc_tui.pve.redact import redact
from pmpc_tui.services.guest_ref import parse_guest_kind

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=True)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)


def _clean(value: Any) -> Any:
    """JSON-safe and secret-free."""
    return json.loads(redact(json.dumps(value, default=str)))


def build_server(ctx: CommandContext, read_only: bool = False) -> MCPServer:
    """The MCP server for one context (profile, client, database, workspace)."""
    server: MCPServer = MCPServer("proxmox-mpc", instructions=(
        "Proxmox VE infrastructure as code. Read with list_guests/describe_guest/health/plan; change the "
        "cluster only with apply(confirm=true) after showing the plan to the user."
        + (" This server is READ-ONLY." if read_only else "")))

    async def guarded(call: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
        from pmpc_tui.pve.errors import PVEError

        try:
            return {"ok": True, "result": _clean(await call())}
        except PVEError as exc:
            return {"ok": False, "error": redact(str(exc)), "next_step": redact(exc.hint or "")}

    # ---- read tools ----------------------------------------------------------------------
    @server.tool(annotations=READ, description="List VMs or containers with status, node, CPU, memory, tags.")
    async def list_guests(kind: str = "vm", node: str | None = None, status: str | None = None) -> dict[str, Any]:
        from pmpc_tui.services.inventory import list_guests as service

        return await guarded(lambda: _list(service, kind, node, status))

    async def _list(service: Any, kind: str, node: str | None, status: str | None) -> Any:
        return await service(await ctx.client(), parse_guest_kind(kind), node, status)

    @server.tool(annotations=READ, description="Config, live status, snapshots and recent tasks of one guest.")
    async def describe_guest(guest: str, kind: str = "vm") -> dict[str, Any]:
        from pmpc_tui.services.guest_ref import parse_guest_ident
        from pmpc_tui.services.inventory import describe_guest as service

        return await guarded(lambda: _describe(service, parse_guest_ident, kind, guest))

    async def _describe(service: Any, ident: Any, kind: str, guest: str) -> Any:
        parsed = ident(guest)  # bad input: nothing is sent
        return await service(await ctx.client(), parse_guest_kind(kind), parsed)

    @server.tool(annotations=READ, description="Find guests whose name, VMID, node, status or tags contain text.")
    async def search(text: str) -> dict[str, Any]:
        from pmpc_tui.services.live import load_cluster_view

        async def go() -> Any:
            view = await load_cluster_view(await ctx.client())
            needle = text.lower()
            return [dict(row, type=kind) for kind, rows in (("vm", view.vms), ("ct", view.containers))
                    for row in rows if any(needle in str(row[k]).lower() for k in ("vmid", "name", "node", "status",
                                                                                   "tags"))]
        return await guarded(go)

    @server.tool(annotations=READ, description="Health checks: API, credentials, quorum, nodes, storage, tools.")
    async def health() -> dict[str, Any]:
        from pmpc_tui.services.health import run_health

        async def go() -> Any:
            ws = ctx.workspace()
            db, db_error = await ctx.session.db_or_error()  # a broken state DB is a critical check, not a failed tool
            return [c.as_dict() for c in await run_health(await ctx.client(), db, ws.root if ws else None,
                                                          db_error=db_error)]
        return await guarded(go)

    @server.tool(annotations=READ, description="What applying the workspace's code would change (no changes made).")
    async def plan() -> dict[str, Any]:
        from pmpc_tui.services.plan import make_plan

        async def go() -> Any:
            return (await make_plan(ctx.require_workspace(), await ctx.db(), await ctx.client())).to_dict()
        return await guarded(go)

    @server.tool(annotations=READ, description="Check the workspace's code (syntax, arguments, duplicates, fit).")
    async def validate() -> dict[str, Any]:
        from pmpc_tui.services.validate import validate_workspace

        async def go() -> Any:
            return [f.as_dict() for f in await validate_workspace(ctx.require_workspace(), await ctx.db(),
                                                                  await ctx.client())]
        return await guarded(go)

    @server.tool(annotations=READ, description="Write a diagnostics bundle (logs, health, config; secrets removed) "
                                               "and return where it is and a prompt to use with it.")
    async def report(summary: str, anonymize: bool = True) -> dict[str, Any]:
        async def go() -> Any:
            from pmpc_tui.services.report import write_report

            written = await write_report(ctx.session, summary, minutes=60, anonymize=anonymize)
            return {"bundle": str(written.path), "prompt": written.prompt}
        return await guarded(go)

    # ---- tools that change things ------------------------------------------------------------
    if not read_only:
        @server.tool(annotations=WRITE, description="Add a VM or container to the workspace's code (validated; "
                                                    "nothing is sent to the cluster until apply).")
        async def create_guest(name: str, kind: str = "vm", node: str | None = None, cores: int | None = None,
                               memory_mib: int | None = None, disk_gib: int | None = None,
                               clone: str | None = None, tags: str | None = None) -> dict[str, Any]:
            from pmpc_tui.services.cluster_sync import sync_if_never_synced
            from pmpc_tui.services.iac import CreateSpec
            from pmpc_tui.services.iac import create_guest as service

            async def go() -> Any:
                ws, db = ctx.require_workspace(), await ctx.db()
                await sync_if_never_synced(db, ctx.client)
                spec = CreateSpec(parse_guest_kind(kind), name, node=node, cores=cores,
                                  memory=memory_mib, disk=disk_gib, clone=clone, tags=tags)
                return (await service(ws, db, spec)).as_dict()
            return await guarded(go)

        @server.tool(annotations=WRITE, description="Read the whole cluster into the state database.")
        async def sync() -> dict[str, Any]:
            from pmpc_tui.services.sync import SyncService

            async def go() -> Any:
                return (await SyncService(await ctx.client(), await ctx.db()).run()).as_dict()
            return await guarded(go)

        @server.tool(annotations=DESTRUCTIVE,
                     description="Start, shutdown, stop or reboot a guest. stop/shutdown/reboot need confirm=true.")
        async def power(guest: str, action: str, kind: str = "vm", confirm: Confirmation = False) -> dict[str, Any]:
            from pmpc_tui.services.guest_ref import parse_guest_ident
            from pmpc_tui.services.guests import POWER_ACTIONS, power_action

            if action not in POWER_ACTIONS:
                return {"ok": False, "error": f"action must be one of {', '.join(POWER_ACTIONS)}"}
            if action != "start" and not confirm:
                return {"ok": False, "error": f"{action} interrupts the guest: call again with confirm=true "
                                              "after the user agreed"}

            async def go() -> Any:
                ident = parse_guest_ident(guest)  # bad input: nothing is sent
                result = await power_action(await ctx.client(), parse_guest_kind(kind),
                                            ident, action, wait=True)
                return result.as_dict()
            return await guarded(go)

        @server.tool(annotations=DESTRUCTIVE,
                     description="Apply the workspace's code to the cluster. Show plan() to the user first; "
                                 "needs confirm=true, and allow_destroy=true as well when the plan deletes a "
                                 "guest or a disk or replaces a volume (its impact is 'destructive').")
        async def apply(confirm: Confirmation = False, allow_destroy: Confirmation = False) -> dict[str, Any]:
            from pmpc_tui.services.apply import apply_plan
            from pmpc_tui.services.plan import make_plan

            if confirm is not True:
                return {"ok": False, "error": "apply changes the cluster: show plan() to the user, then call "
                                              "apply(confirm=true)"}

            async def go() -> Any:
                ws, db, client = ctx.require_workspace(), await ctx.db(), await ctx.client()
                lines: list[str] = []
                result = await apply_plan(ws, db, client, await make_plan(ws, db, client), lines.append,
                                          allow_destroy=allow_destroy is True)  # the service refuses otherwise
                return {"summary": result.summary(), "progress": lines}
            return await guarded(go)

    # ---- resources ---------------------------------------------------------------------------
    @server.resource("pmpc://workspace", name="workspace", mime_type="application/json",
                     description="The workspace: root, profile, defaults.")
    async def workspace() -> str:
        ws = ctx.workspace()
        data = {"root": str(ws.root), "config": ws.config.to_dict()} if ws else {"workspace": None}
        return json.dumps(_clean(data))

    @server.resource("pmpc://infrastructure", name="infrastructure", mime_type="application/json",
                     description="Nodes, VMs, containers and storage, read live.")
    async def infrastructure() -> str:
        from pmpc_tui.services.live import load_cluster_view

        view = await load_cluster_view(await ctx.client())
        return json.dumps(_clean({"nodes": view.nodes, "vms": view.vms, "containers": view.containers,
                                  "storage": view.storage}))

    @server.resource("pmpc://guests/{vmid}", name="guest", mime_type="application/json",
                     description="One VM or container by VMID: config and status.")
    async def guest(vmid: str) -> str:
        from pmpc_tui.pve.errors import ValidationFailed
        from pmpc_tui.services.guest_ref import parse_vmid
        from pmpc_tui.services.inventory import describe_guest as service
        from pmpc_tui.services.live import load_cluster_view

        try:
            number = parse_vmid(vmid)  # bad input: nothing is sent
        except ValidationFailed as exc:
            return json.dumps({"error": str(exc)})
        view = await load_cluster_view(await ctx.client())
        found = view.find_guest(number)
        if found is None:
            return json.dumps({"error": f"no guest {number}"})
        return json.dumps(_clean(await service(await ctx.client(), found[0], number)))

    @server.resource("pmpc://logs/recent", name="recent logs", mime_type="application/json",
                     description="The last 200 log entries, with correlation IDs.")
    async def recent_logs() -> str:
        from pmpc_tui.observability.logfile import log_dir, read_entries

        ws = ctx.workspace()
        return json.dumps(_clean(read_entries(log_dir(ws.root if ws else None))[-200:]))

    @server.resource("pmpc://nodes/{node}", name="node", mime_type="application/json",
                     description="One node: status, CPU, memory, disk, uptime.")
    async def node_resource(node: str) -> str:
        from pmpc_tui.services.live import load_cluster_view

        view = await load_cluster_view(await ctx.client())
        row = next((n for n in view.nodes if n["node"] == node), None)
        return json.dumps(_clean(row or {"error": f"no node {node}"}))

    @server.resource("pmpc://health", name="health", mime_type="application/json", description="The health checks.")
    async def health_resource() -> str:
        return json.dumps((await health()).get("result"))

    @server.resource("pmpc://diagnostics", name="diagnostics", mime_type="application/json",
                     description="Health, metrics and versions in one document (what report bundles hold, minus logs).")
    async def diagnostics() -> str:
        from pmpc_tui.observability.metrics import METRICS
        from pmpc_tui.services.report import versions

        return json.dumps(_clean({"health": (await health()).get("result"), "metrics": METRICS.summary(),
                                  "versions": versions()}))

    @server.resource("pmpc://iac", name="IaC files", mime_type="application/json",
                     description="The workspace's Terraform and Ansible files.")
    async def iac_files() -> str:
        ws = ctx.workspace()
        if ws is None:
            return json.dumps({"files": [], "note": "no workspace"})
        files = sorted(ws.relative(p) for folder in (ws.terraform_dir, ws.ansible_dir) for p in folder.rglob("*")
                       if p.is_file())
        return json.dumps({"files": files})

    @server.resource("pmpc://iac/{name}", name="IaC file", mime_type="text/plain",
                     description="One file of terraform/ (e.g. vm-101.tf) or ansible/ (e.g. inventory.yml).")
    async def iac_file(name: str) -> str:
        ws = ctx.workspace()
        if ws is None or "/" in name or name.startswith("."):
            return "not found"
        for folder in (ws.terraform_dir, ws.ansible_dir):
            path = folder / name
            if path.is_file():
                return redact(path.read_text(encoding="utf-8"))
        return "not found"

    # ---- prompts -----------------------------------------------------------------------------
    @server.prompt(description="Find out why something fails, with the tool's own evidence.")
    def troubleshoot(problem: str) -> str:
        return (f"Troubleshoot this Proxmox VE problem: {problem}. Call health() first, then describe_guest() "
                "for the guests involved and read pmpc://logs/recent; explain the cause and the next step.")

    @server.prompt(description="Suggest how to use the cluster's resources better.")
    def optimize() -> str:
        return ("Read pmpc://infrastructure. Point out over- and under-used nodes, guests with far more memory "
                "or CPU than they use, and storage above 80 %. Propose concrete changes to the workspace's code.")

    @server.prompt(description="Plan a change to the infrastructure as code, safely.")
    def plan_change(change: str) -> str:
        return (f"The user wants: {change}. Read pmpc://workspace, propose the code change, call validate() and "
                "plan(), show the plan, and only after the user agrees call apply(confirm=true).")

    return server


async def serve_stdio(ctx: CommandContext, read_only: bool) -> None:
    await build_server(ctx, read_only).run_stdio_async()


def bearer_guard(app: Any, token: str) -> Any:
    """ASGI wrapper: HTTP requests need `Authorization: Bearer <token>` (compared in constant time)."""
    import hmac

    expected = f"Bearer {token}".encode()

    async def guarded_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, expected):
                await send({"type": "http.response.start", "status": 401,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"www-authenticate", b"Bearer")]})
                await send({"type": "http.response.body",
                            "body": b'{"error": "a bearer token is required (PMPC_MCP_TOKEN)"}'})
                return
        await app(scope, receive, send)

    return guarded_app


async def serve_http(ctx: CommandContext, read_only: bool, port: int, token: str) -> None:
    """Streamable HTTP on loopback only, behind the bearer token."""
    import uvicorn

    app = bearer_guard(build_server(ctx, read_only).streamable_http_app(host="127.0.0.1"), token)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    await uvicorn.Server(config).serve()
