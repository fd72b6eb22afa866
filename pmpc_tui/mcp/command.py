"""`proxmox-mpc mcp`: serve the MCP server over stdio (stdout carries only the protocol) or HTTP."""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result


async def mcp(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.mcp.server import serve_http, serve_stdio
    from pmpc_tui.services.inputs import check_port

    if args.transport == "http":
        check_port(args.port)
        token = os.environ.get("PMPC_MCP_TOKEN") or secrets.token_urlsafe(32)
        shown = "from $PMPC_MCP_TOKEN" if os.environ.get("PMPC_MCP_TOKEN") else token
        print(f"MCP server on http://127.0.0.1:{args.port}/mcp (loopback only); bearer token: {shown}",
              file=sys.stderr, flush=True)
        await serve_http(ctx, args.read_only, args.port, token)
    else:
        await serve_stdio(ctx, args.read_only)
    return Result()
