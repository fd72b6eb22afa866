"""Handlers of `resize` and `set`: parse, call services/disks (and guest_settings), show the drift notice."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.services import disks
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind
from pmpc_tui.services.inputs import check_positive


async def resize(ctx: CommandContext, args: argparse.Namespace) -> Result:
    kind = parse_guest_kind(args.kind)
    ident = parse_guest_ident(args.guest)
    disks.check_disk_key(kind, args.disk)
    disks.parse_size_request(args.size)
    check_positive(args.timeout, "--timeout")
    result = await disks.resize_disk(await ctx.client(), kind, ident, args.disk, args.size, dry_run=args.dry_run,
                                     wait=args.wait, timeout=args.timeout, on_progress=ctx.progress_printer())
    await _notice(ctx, result)
    return Result(data=result.as_dict(), message=result.message)


async def set_guest(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services import guest_settings

    kind = parse_guest_kind(args.kind)
    ident = parse_guest_ident(args.guest)
    wanted = {k: getattr(args, k) for k in guest_settings.SETTINGS}
    guest_settings.check_settings(kind, wanted)
    check_positive(args.timeout, "--timeout")
    result = await guest_settings.set_guest(await ctx.client(), kind, ident, wanted, dry_run=args.dry_run,
                                            reboot=args.reboot, timeout=args.timeout)
    if result.changes and not result.dry_run:
        from pmpc_tui.services.drift_notice import guest_change_notice

        result.notice = await guest_change_notice(ctx.session, result.guest.vmid)
    return Result(data=result.as_dict(), message=result.message)


async def _notice(ctx: CommandContext, result: disks.DiskResult) -> None:
    """Add the drift notice when the operation changed a guest the workspace manages."""
    if result.dry_run or not result.upid:
        return
    from pmpc_tui.services.drift_notice import guest_change_notice

    result.notice = await guest_change_notice(ctx.session, result.guest.vmid)
