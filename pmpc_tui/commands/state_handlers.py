"""Handlers for `state check` and `state rebuild`: thin adapters over services/state_admin.py."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError

MARK = {"ok": "ok", "warning": "WARN", "critical": "FAIL"}


async def state(ctx: CommandContext, args: argparse.Namespace) -> Result:
    if args.action == "check":
        return await check(ctx)
    return await rebuild(ctx, args)


async def check(ctx: CommandContext) -> Result:
    from pmpc_tui.services.state_admin import check_state

    report = await check_state(ctx.database_url())
    lines = [f"state database: {report.where} ({report.backend})"]
    for c in report.checks:
        lines.append(f"  {MARK[c.status]:<4}  {c.name:<13}  {c.detail}")
        if c.next_step and c.status != "ok":
            lines.append(f"  {'':<4}  {'':<13}  → {c.next_step}")
    return Result(data=report.as_dict(), message="\n".join(lines),
                  exit_code=ExitCode.OK if report.ok else ExitCode.ERROR)


async def rebuild(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.state_admin import execute_rebuild, plan_rebuild

    url = ctx.database_url()
    plan = await plan_rebuild(url)
    if args.dry_run:
        return Result(data=plan.as_dict(), message=f"dry run, nothing changed:\n{plan.describe()}")
    if not args.yes:
        ctx.report(plan.describe())
        answer = await ctx.confirm_by_typing(f"Rebuild the state database {plan.path}?", "rebuild")
        if answer is None:
            error = PVEError("state rebuild needs confirmation; nothing was changed",
                             "Run it in a terminal to confirm, or pass --yes to skip the question.")
            error.exit_code = int(ExitCode.REFUSED)
            raise error
        if answer.strip() != "rebuild":
            error = PVEError("not confirmed; nothing was changed")
            error.exit_code = int(ExitCode.REFUSED)
            raise error
    await execute_rebuild(plan, url, ctx.client)
    message = plan.describe()
    if plan.sync_error:
        message += (f"\nthe re-sync failed: {plan.sync_error}\n  → the new database is ready; run "
                    "`proxmox-mpc sync` when the cluster can be reached")
    else:
        message += f"\nsynced {plan.synced}"
    return Result(data=plan.as_dict(), message=message,
                  exit_code=ExitCode.ERROR if plan.sync_error else ExitCode.OK)
