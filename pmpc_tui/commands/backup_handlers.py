"""`backup create|list|restore`: thin adapters over services/backups.py, with progress while tasks run."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.progress import ProgressPrinter, show_progress
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused, ValidationFailed
from pmpc_tui.services import backups
from pmpc_tui.services.guest_ref import parse_guest_kind, parse_vmid
from pmpc_tui.services.inputs import check_positive


def _printer(ctx: CommandContext) -> ProgressPrinter:
    """A bar on the CLI's terminal; plain lines in a pipe and in the console's REPL."""
    return ProgressPrinter(ctx.report, tty=None if ctx.owns_session else False)


async def backup(ctx: CommandContext, args: argparse.Namespace) -> Result:
    if args.action == "list":
        return await _list(ctx, args)
    if args.action == "create":
        return await _create(ctx, args)
    return await _restore(ctx, args)


async def _list(ctx: CommandContext, args: argparse.Namespace) -> Result:
    vmid = parse_vmid(args.guest, "--guest") if args.guest is not None else None
    if args.storage is not None:
        backups.parse_storage_id(args.storage)
    rows = await backups.list_backups(await ctx.client(), args.node, args.storage, vmid)
    return Result(data=[b.as_dict() for b in rows], columns=backups.BACKUP_COLUMNS,
                  message=None if rows else "no backups match")


async def _create(ctx: CommandContext, args: argparse.Namespace) -> Result:
    kind = parse_guest_kind(args.kind)
    check_positive(args.timeout, "--timeout")
    backups.check_backup_inputs(args.guests, args.storage, args.mode, args.compress)  # before connecting
    plan = await backups.plan_backup(await ctx.client(), kind, args.guests, args.storage, args.mode, args.compress)
    if args.dry_run:
        plan.dry_run = True
        return Result(data=plan.as_dict(), message=plan.message)
    client = await ctx.client()
    await backups.start_backup(client, plan)
    if args.wait:
        upids = [j.upid or "" for j in plan.jobs]
        last = await show_progress(backups.follow_tasks(client, upids, timeout=args.timeout), _printer(ctx))
        plan.exitstatus = {j.node: (last.exitstatus if last else None) or "OK" for j in plan.jobs}
    return Result(data=plan.as_dict(), message=plan.message)


async def _restore(ctx: CommandContext, args: argparse.Namespace) -> Result:
    if args.vmid is None:
        raise ValidationFailed("missing", {"--vmid": "name the VMID to restore to (a free one, or --force)"})
    check_positive(args.timeout, "--timeout")
    backups.parse_backup_volid(args.volid)
    parse_vmid(args.vmid, "--vmid")
    if args.storage is not None:
        backups.parse_storage_id(args.storage)
    client = await ctx.client()
    plan = await backups.plan_restore(client, args.volid, args.vmid, args.node, args.storage, args.force)
    if args.dry_run:
        plan.dry_run = True
        return Result(data=plan.as_dict(), message=plan.message)
    if plan.existing is not None and not args.yes:
        expected = plan.existing.name or str(plan.existing.vmid)
        answer = await ctx.confirm_by_typing(
            f"Restore {plan.backup.volid} over {plan.existing.label}? Its disks are replaced.", expected)
        if answer is None:
            raise ConfirmationRefused("restoring over an existing guest needs confirmation",
                                      "Run it in a terminal to type the guest's name, or pass --yes with --force.")
        if answer.strip() != expected:
            raise ConfirmationRefused(f"confirmation '{answer.strip()}' does not match the name '{expected}'",
                                      "Type the guest's exact name to confirm.")
    await backups.start_restore(client, plan)
    if args.wait and plan.upid:
        last = await show_progress(backups.follow_tasks(client, [plan.upid], timeout=args.timeout), _printer(ctx))
        plan.exitstatus = (last.exitstatus if last else None) or "OK"
    from pmpc_tui.services.drift_notice import guest_change_notice

    notice = await guest_change_notice(ctx.session, plan.vmid)  # a guest the workspace's code manages drifted
    return Result(data={**plan.as_dict(), "notice": notice},
                  message=plan.message + (f"\n{notice}" if notice else ""))
