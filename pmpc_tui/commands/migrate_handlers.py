"""`migrate`, `clone`, `template`: thin adapters over services/migrate, clone and templates, with progress."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.confirmation import Target, confirmation_for
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.progress import ProgressPrinter, show_progress
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused
from pmpc_tui.services import clone as clones
from pmpc_tui.services import migrate as migrations
from pmpc_tui.services import templates
from pmpc_tui.services.drift_notice import guest_change_notice
from pmpc_tui.services.guest_ref import parse_guest_ident, parse_guest_kind
from pmpc_tui.services.inputs import check_positive


def _printer(ctx: CommandContext) -> ProgressPrinter:
    """A bar on the CLI's terminal; plain lines in a pipe and in the console's REPL."""
    return ProgressPrinter(ctx.report, tty=None if ctx.owns_session else False)


async def migrate(ctx: CommandContext, args: argparse.Namespace) -> Result:
    check_positive(args.timeout, "--timeout")
    migrations.check_migrate_inputs(args.kind, args.guest, args.node, args.target_storage, args.online,
                                    args.with_local_disks)  # before connecting
    client = await ctx.client()
    plan = await migrations.plan_migrate(client, args.kind, args.guest, args.node, online=args.online,
                                         with_local_disks=args.with_local_disks,
                                         target_storage=args.target_storage)
    if args.dry_run:
        plan.dry_run = True
        return Result(data=plan.as_dict(), message=plan.message)
    await migrations.start_migrate(client, plan)
    if args.wait:
        await show_progress(migrations.follow_migrate(client, plan, timeout=args.timeout), _printer(ctx))
        plan.notice = await guest_change_notice(ctx.session, plan.guest.vmid)  # node_name in the code differs
    return Result(data=plan.as_dict(), message=plan.message)


async def clone(ctx: CommandContext, args: argparse.Namespace) -> Result:
    check_positive(args.timeout, "--timeout")
    clones.check_clone_inputs(args.kind, args.guest, args.name, args.vmid, args.node, args.storage, args.linked)
    client = await ctx.client()
    plan = await clones.plan_clone(client, args.kind, args.guest, args.name, vmid=args.vmid, node=args.node,
                                   storage=args.storage, linked=args.linked)
    if args.dry_run:
        plan.dry_run = True
        return Result(data=plan.as_dict(), message=plan.message)
    await clones.start_clone(client, plan)
    if args.wait:
        await show_progress(clones.follow_clone(client, plan, timeout=args.timeout), _printer(ctx))
    return Result(data=plan.as_dict(), message=plan.message)


async def template(ctx: CommandContext, args: argparse.Namespace) -> Result:
    check_positive(args.timeout, "--timeout")
    parse_guest_kind(args.kind)
    parse_guest_ident(args.guest)  # before connecting
    client = await ctx.client()
    plan = await templates.plan_template(client, args.kind, args.guest)
    if args.dry_run:
        plan.dry_run = True
        return Result(data=plan.as_dict(), message=plan.message)
    if not args.yes:
        asked = confirmation_for("template", [Target(plan.guest.label, plan.expected)], plan.question)
        if asked is not None and asked.expected is not None:
            answer = await ctx.confirm_by_typing(asked.question, asked.expected)
            if answer is None:
                raise ConfirmationRefused("converting to a template needs confirmation",
                                          "Run it in a terminal to type the guest's name, or pass --yes.")
            if answer.strip() != asked.expected:
                raise ConfirmationRefused(f"'{answer.strip()[:40]}' is not the guest's name '{asked.expected}': "
                                          "nothing was done", "Type the guest's exact name to confirm.")
    await templates.convert(client, plan, timeout=args.timeout)
    plan.notice = await guest_change_notice(ctx.session, plan.guest.vmid)
    return Result(data=plan.as_dict(), message=plan.message)
