"""Handlers for history, history show, plan --against and revert: thin adapters over services/history*.py."""

from __future__ import annotations

import argparse
import asyncio

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.history import resolve

COLUMNS = [("short", "REV", ""), ("date", "DATE", ""), ("author", "AUTHOR", ""), ("command", "COMMAND", ""),
           ("guests", "GUESTS", ""), ("correlation_id", "CID", ""), ("subject", "SUBJECT", "")]


async def history(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.commands.render import table
    from pmpc_tui.services.history import list_history, show

    ws = ctx.require_workspace()
    if args.action == "show":
        if not args.rev:
            raise ValidationFailed("history show needs a revision", {"REV": "a commit from `proxmox-mpc history`"})
        shown = await asyncio.to_thread(show, ws, args.rev)
        text = (f"commit {shown['rev']}\nAuthor: {shown['author']}\nDate:   {shown['date']}\n\n"
                + "\n".join(f"    {line}" for line in shown["message"].splitlines()) + f"\n\n{shown['diff']}")
        return Result(data=shown, message=text.rstrip())
    if args.rev:
        raise ValidationFailed("`history` takes no revision", {"REV": "use `history show REV`"})
    found = await asyncio.to_thread(list_history, ws, args.limit)
    rows = [c.as_dict() | {"date": c.date.replace("T", " ")[:19]} for c in found.commits]
    parts = [table(rows, COLUMNS) if rows else "no commits yet"]
    if found.uncommitted:
        parts.append(f"uncommitted ({len(found.uncommitted)} edited outside proxmox-mpc):")
        parts += [f"  {u.state:9} {u.path}" for u in found.uncommitted]
    return Result(data=found.as_dict(), message="\n".join(parts))


async def plan_against(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.history_revert import plan_against as plan_revision
    from pmpc_tui.services.plan import render_plan

    if args.out or args.target:
        raise ValidationFailed("plan --against shows a revision's plan only", {"--against": "drop --out/--target"})
    ws = ctx.require_workspace()
    await asyncio.to_thread(resolve, ws, args.against)  # a bad revision stops here: nothing is sent
    plan = await plan_revision(ws, await ctx.db(), await ctx.client(), args.against)
    text = f"applying the code of {args.against} would:\n" + render_plan(plan)
    code = ExitCode.ERROR if plan.errors else ExitCode.CHANGES if plan.has_changes else ExitCode.OK
    return Result(data=plan.to_dict(), message=text, exit_code=code)


async def revert(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.history_revert import revert as revert_code
    from pmpc_tui.services.plan import render_plan

    ws = ctx.require_workspace()
    await asyncio.to_thread(resolve, ws, args.rev)  # a bad revision stops here: nothing is sent
    done = await revert_code(ws, await ctx.db(), await ctx.client(), args.rev, dry_run=args.dry_run)
    short = done.rev[:12]
    if not done.files:
        head = f"the code already matches {short}: nothing restored"
    elif done.dry_run:
        head = f"dry run: would restore {len(done.files)} file(s) as of {short}: {', '.join(done.files[:10])}"
    else:
        head = f"restored {len(done.files)} file(s) as of {short}: {', '.join(done.files[:10])}"
    lines = [head, *done.notes, render_plan(done.plan)]
    if done.plan.has_changes:
        lines.append("nothing was applied — `proxmox-mpc apply` applies it (after the usual confirmation)")
    code = ExitCode.ERROR if done.plan.errors else ExitCode.CHANGES if done.plan.has_changes else ExitCode.OK
    return Result(data={"rev": done.rev, "files": done.files, "dry_run": done.dry_run, "plan": done.plan.to_dict()},
                  message="\n".join(lines), exit_code=code)
