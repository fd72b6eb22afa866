"""Handler of `snapshot create|list|rollback|delete`: parse, confirm, call services/snapshots, show."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.confirmation import Target, confirmation_for
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused
from pmpc_tui.services import snapshots
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind
from pmpc_tui.services.inputs import check_positive

LIST_COLUMNS = [("tree", "SNAPSHOT", ""), ("snaptime", "TAKEN", "time"), ("vmstate", "RAM", ""),
                ("description", "DESCRIPTION", "")]


async def snapshot(ctx: CommandContext, args: argparse.Namespace) -> Result:
    kind = parse_guest_kind(args.kind)
    ident = parse_guest_ident(args.guest)
    if args.action == "list":
        listing = await snapshots.list_snapshots(await ctx.client(), kind, ident)
        message = None if listing.names else f"{listing.guest.label} has no snapshots yet"
        return Result(data=listing.rows(), columns=LIST_COLUMNS, message=message)
    name = snapshots.check_snapshot_name(args.name)
    check_positive(args.timeout, "--timeout")
    client = await ctx.client()
    common = {"dry_run": args.dry_run, "wait": args.wait, "timeout": args.timeout,
              "on_progress": ctx.progress_printer()}
    if args.action == "create":
        result = await snapshots.create_snapshot(client, kind, ident, name, vmstate=args.vmstate,
                                                 description=args.description, **common)
        return Result(data=result.as_dict(), message=result.message)
    if not args.yes and not args.dry_run:
        await _confirm(ctx, args.action, kind, ident, name, getattr(args, "start", False))
    if args.action == "rollback":
        result = await snapshots.rollback_snapshot(client, kind, ident, name, start=args.start, **common)
        data = result.as_dict()
        if not result.dry_run:
            from pmpc_tui.services.drift_notice import guest_change_notice

            notice = await guest_change_notice(ctx.session, result.guest.vmid)
            data["notice"] = notice
            if notice:
                result.notes.append(notice)
        return Result(data=data, message=result.message)
    result = await snapshots.delete_snapshot(client, kind, ident, name, force=args.force, **common)
    return Result(data=result.as_dict(), message=result.message)


async def _confirm(ctx: CommandContext, action: str, kind: str, ident: int | str, name: str, start: bool) -> None:
    """Ask to type the snapshot's name before a rollback or delete (both destructive), naming the guest."""
    from pmpc_tui.services.inventory import find_guest

    ref = await find_guest(await ctx.client(), kind, ident)
    question = (snapshots.rollback_question(ref, name, start) if action == "rollback"
                else snapshots.delete_question(ref, name))
    asked = confirmation_for("snapshot", [Target(ref.label, name)], question)
    if asked is None or asked.expected is None:
        return
    answer = await ctx.confirm_by_typing(asked.question, asked.expected)
    if answer is None:
        raise ConfirmationRefused(f"snapshot {action} needs confirmation",
                                  "Run it in a terminal to confirm, or pass --yes to skip the question.")
    if answer.strip() != asked.expected:
        raise ConfirmationRefused(f"'{answer.strip()[:40]}' is not the snapshot's name '{name}': nothing was done",
                                  "Type the snapshot's exact name to confirm.")
