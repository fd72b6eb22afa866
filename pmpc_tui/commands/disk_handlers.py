"""Handlers of `resize`, `set` and `disk`: parse, confirm, call services/disks, guest_settings, disk_ops; show
progress and the drift notice."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.confirmation import Target, confirmation_for
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.progress import ProgressPrinter
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused
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


async def disk(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services import disk_ops

    kind = parse_guest_kind(args.kind)
    ident = parse_guest_ident(args.guest)
    key = disk_ops.check_any_disk(kind, args.disk)
    if args.action == "move":
        disk_ops.check_move_target(kind, key, args.storage, args.to_vmid, args.to_disk, args.delete_source)
        check_positive(args.timeout, "--timeout")
        printer = ProgressPrinter(ctx.report, tty=None if ctx.owns_session else False)  # no bar in the REPL
        try:
            result = await disk_ops.move_disk(await ctx.client(), kind, ident, key, storage=args.storage,
                                              to_vmid=args.to_vmid, to_disk=args.to_disk,
                                              delete_source=args.delete_source, dry_run=args.dry_run,
                                              wait=args.wait, timeout=args.timeout, on_update=printer.show)
        finally:
            printer.finish()
    elif args.action == "detach":
        result = await disk_ops.detach_disk(await ctx.client(), kind, ident, key, dry_run=args.dry_run)
    else:
        if not args.yes and not args.dry_run:
            await _confirm_delete(ctx, kind, ident, key)
        result = await disk_ops.delete_disk(await ctx.client(), kind, ident, key, dry_run=args.dry_run)
    await _notice(ctx, result)
    return Result(data=result.as_dict(), message=result.message)


async def _confirm_delete(ctx: CommandContext, kind: str, ident: int | str, key: str) -> None:
    """Ask to type the disk key before destroying it, naming the guest and the volume."""
    from pmpc_tui.services import disk_ops

    ref, key, volid = await disk_ops.describe_delete(await ctx.client(), kind, ident, key)
    asked = confirmation_for("disk", [Target(ref.label, key)], disk_ops.delete_question(ref, key, volid))
    if asked is None or asked.expected is None:
        return
    answer = await ctx.confirm_by_typing(asked.question, asked.expected)
    if answer is None:
        raise ConfirmationRefused("disk delete needs confirmation",
                                  "Run it in a terminal to confirm, or pass --yes to skip the question.")
    if answer.strip() != asked.expected:
        raise ConfirmationRefused(f"'{answer.strip()[:40]}' is not the disk's key '{key}': nothing was done",
                                  "Type the disk's exact key to confirm.")


async def _notice(ctx: CommandContext, result: disks.DiskResult) -> None:
    """Add the drift notice when the operation changed a guest the workspace manages."""
    if result.dry_run or not (result.upid or result.exitstatus):
        return
    from pmpc_tui.services.drift_notice import guest_change_notice

    result.notice = await guest_change_notice(ctx.session, result.guest.vmid)
