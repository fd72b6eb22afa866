"""`proxmox-mpc mcp`: serve the MCP server over stdio (stdout carries only the protocol)."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result


async def mcp(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.mcp.server import serve_stdio

    await serve_stdio(ctx, args.read_only)
    return Result()
