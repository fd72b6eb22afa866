"""Handlers for plan (and, later, apply/destroy): thin adapters over services/plan.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result

EXIT_CHANGES = 2  # like `terraform plan -detailed-exitcode`


async def plan(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.plan import make_plan, render_plan

    ws = ctx.require_workspace()
    result = await make_plan(ws, await ctx.db(), await ctx.client(), set(args.target or []) or None)
    if args.out:
        out = Path(args.out)
        result.save(out)
    text = render_plan(result)
    if args.out:
        text += f"\nsaved to {args.out} — `proxmox-mpc apply {args.out}` applies exactly this plan"
    return Result(data=result.to_dict(), message=text, exit_code=EXIT_CHANGES if result.has_changes else 0)
