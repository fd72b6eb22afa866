"""`proxmox-mpc mcp`: the workspace and the cluster for AI assistants, over stdio (or streamable HTTP).

Tools are thin adapters over the same services the CLI and console use; every result passes
through the secret filter and has a typed output schema; a failure or refusal is a tool error
(`isError: true`). `read_only` removes every tool that changes anything and writes nothing at all
(the session's state database is a private copy, `report` returns its files, no log file);
`apply`, `delete_guest` and the power actions that stop a guest need `confirm=true`.
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer

from pmpc_tui.commands.context import CommandContext


class ProxmoxServer(MCPServer):
    """The SDK's server, with every tool error's text (the SDK's argument errors quote the values given)
    passed through the secret filter."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError

        from pmpc_tui.pve.redact import redact

        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise  # its text is the SDK's generic one
        except ToolError as exc:
            raise ToolError(redact(str(exc))) from exc.__cause__


def build_server(ctx: CommandContext, read_only: bool = False) -> MCPServer:
    """The MCP server over the context's session: read tools, change tools (unless read-only), resources, prompts."""
    from pmpc_tui import __version__
    from pmpc_tui.mcp import (
        prompts,
        resources,
        tools_backup,
        tools_change,
        tools_disk,
        tools_migrate,
        tools_nl,
        tools_read,
        tools_snapshot,
        tools_storage,
    )

    ctx.session.read_only = read_only  # before anything opens the state database
    server: MCPServer = ProxmoxServer("proxmox-mpc", version=__version__, instructions=(
        "Proxmox VE infrastructure as code. Read with list_guests/describe_guest/tasks/health/plan; change the "
        "cluster only with apply(confirm=true) after showing the plan to the user. A failed or refused call "
        "is a tool error whose text says what went wrong and the next step."
        + (" This server is READ-ONLY: it changes nothing and writes nothing." if read_only else "")))
    tools_read.register(server, ctx.session)
    if not read_only:
        tools_change.register(server, ctx.session)
    tools_backup.register(server, ctx.session, read_only)  # list_backups; backup_guests, restore_backup
    tools_snapshot.register(server, ctx.session, read_only)
    tools_disk.register(server, ctx.session, read_only)  # resize_disk, set_guest, move/detach/delete_disk
    tools_migrate.register(server, ctx.session, read_only)  # migrate_guest, clone_guest, convert_to_template
    tools_storage.register(server, ctx.session, read_only)  # storage_content; download_to_storage, stop_task
    tools_nl.register(server, ctx.session)  # propose: plain English → commands, runs nothing
    resources.register(server, ctx.session)
    prompts.register(server)
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
