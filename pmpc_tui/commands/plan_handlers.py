"""Handlers for plan (and, later, apply/destroy): thin adapters over services/plan.py."""

from __future__ import annotations

import argparse
from pathlib import Path

from pmpc_tui.commands.cluster_handlers import cluster_label, in_one_cluster, per_cluster
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.exit_codes import ExitCode


async def plan(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.plan import make_plan, render_plan

    if (several := await per_cluster(ctx, args, plan)) is not None:
        return several
    if getattr(args, "against", None) is not None:  # a revision's code, in a temporary folder
        from pmpc_tui.commands.history_handlers import plan_against
        return await plan_against(ctx, args)
    ws = ctx.require_workspace()
    result = await make_plan(ws, await ctx.db(), await ctx.client(), set(args.target or []) or None)
    if args.out:
        out = Path(args.out)
        result.save(out)
    text = render_plan(result)
    from pmpc_tui.services.apply import unfinished_runs

    pending = await unfinished_runs(await ctx.db(), ws)
    if pending:
        text += (f"\nnote: apply #{pending[-1].id} did not finish ({pending[-1].status}) — "
                 "`proxmox-mpc apply --resume` finishes it, `--abandon` forgets it")
    if args.out:
        text += f"\nsaved to {args.out} — `proxmox-mpc apply {args.out}` applies exactly this plan"
    if getattr(args, "output", None) == "markdown":  # for a CI job summary or a merge-request note
        from pmpc_tui.services.plan_markdown import render_plan_markdown

        notes = [f"apply #{pending[-1].id} did not finish ({pending[-1].status})"] if pending else []
        text = render_plan_markdown(result, notes)
    code = ExitCode.ERROR if result.errors else ExitCode.CHANGES if result.has_changes else ExitCode.OK
    return Result(data=result.to_dict(unchanged=not _text_form(args)), message=text, exit_code=code)


def _text_form(args: argparse.Namespace) -> bool:
    """A text answer (table, markdown) prints its message: its data need not carry every unchanged guest, whose
    desired config would be worked out from its code only to be thrown away (~0.1 s at 1,500 guests)."""
    return getattr(args, "output", None) in ("table", "markdown")


async def apply(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.pve.errors import ConfirmationRefused
    from pmpc_tui.services.apply import (
        DestroyNotAllowed,
        apply_plan,
        check_plan,
        close_unfinished,
        refuse_if_unfinished,
        resume,
    )
    from pmpc_tui.services.plan import Plan, make_plan, render_plan

    if (several := await per_cluster(ctx, args, apply, concurrent=False)) is not None:
        return several  # one cluster after the other: each asks its own question
    ws = ctx.require_workspace()
    where = cluster_label(ws)
    saved = args.plan_file is not None
    loaded = Plan.load(Path(args.plan_file)) if saved else None  # a bad file stops here: nothing is sent
    db = await ctx.db()
    if args.abandon:
        count = await close_unfinished(db, ws, "abandoned")
        return Result(message=f"abandoned {count} unfinished apply(s); the cluster is as they left it — "
                              "`proxmox-mpc plan` shows what is still different")
    client = await ctx.client()
    if args.resume:
        result = await resume(ws, db, client, ctx.report, allow_destroy=args.allow_destroy)
        return Result(data={"run": result.run_id, "steps": [s.__dict__ for s in result.steps]},
                      message=result.summary(), exit_code=ExitCode.ERROR if result.failed else ExitCode.OK)
    await refuse_if_unfinished(db, ws)  # before planning and asking; apply_plan checks again
    plan = loaded if loaded is not None else await make_plan(ws, db, client)
    unchanged = not _text_form(args)  # a text answer's data leaves out the unchanged guests (see plan)
    if not plan.has_changes and not plan.errors:
        return Result(data=plan.to_dict(unchanged), message=render_plan(plan))
    if args.dry_run:
        return Result(data=plan.to_dict(unchanged), message=render_plan(plan) + "\n(dry run: nothing applied)",
                      exit_code=ExitCode.ERROR if plan.errors else ExitCode.OK)
    check_plan(plan, allow_destroy=True)  # errors stop here, before any question
    allow_destroy = args.allow_destroy
    if not args.auto_approve:
        from pmpc_tui.services.validate import require_valid

        await require_valid(ws, db, client)  # before asking: a yes would be refused anyway
        ctx.report(render_plan(plan))
        if plan.destructive and not allow_destroy:
            expected = str(len(plan.destructive))
            typed = await ctx.confirm_by_typing(
                f"{expected} destructive change(s){where}: "
                + "; ".join(r.what_is_destroyed() for r in plan.destructive)
                + ". Type how many destructive changes there are to apply them.", expected)
            if typed is None:
                raise DestroyNotAllowed("confirmation needed for destructive changes: no terminal to ask",
                                        "Pass --auto-approve --allow-destroy.")
            if typed.strip() != expected:
                raise ConfirmationRefused("cancelled — nothing was applied")
            allow_destroy = True
        else:
            answer = ctx.prompt(f"Apply these changes{where}? Type yes to go on: ")
            if answer is None:
                raise ConfirmationRefused("confirmation needed: no terminal to ask", "Pass --auto-approve (-y).")
            if answer.strip().lower() != "yes":
                raise ConfirmationRefused("cancelled — nothing was applied")
    result = await apply_plan(ws, db, client, plan, ctx.report, saved=saved, allow_destroy=allow_destroy)
    return Result(data={"run": result.run_id, "steps": [s.__dict__ for s in result.steps]},
                  message=result.summary(), exit_code=ExitCode.ERROR if result.failed else ExitCode.OK)


async def destroy(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.pve.errors import ConfirmationRefused
    from pmpc_tui.services.apply import apply_plan, check_deletable, check_plan
    from pmpc_tui.services.plan import make_destroy_plan, render_plan

    if (one := await in_one_cluster(ctx, args, destroy)) is not None:
        return one
    ws = ctx.require_workspace()
    db = await ctx.db()
    plan = await make_destroy_plan(ws, db, await ctx.client(), set(args.target or []) or None)
    if not plan.has_changes and not plan.errors:
        return Result(message="nothing to destroy: no guest of this workspace exists in the cluster")
    if args.dry_run:
        return Result(data=plan.to_dict(), message=render_plan(plan) + "\n(dry run: nothing destroyed)")
    name = ws.root.name
    check_plan(plan, allow_destroy=True)  # prevent_destroy: refused before any question
    await check_deletable(await ctx.client(), plan)  # protection, locks, nodes: before anything is stopped
    if not args.yes:
        ctx.report(render_plan(plan))
        typed = await ctx.confirm_by_typing(f"Destroy {len(plan.changes)} guest(s) of workspace '{name}' and "
                                            "their disks?", name)
        if typed is None:
            raise ConfirmationRefused("confirmation needed: no terminal to ask", "Pass --yes.")
        if typed.strip() != name:
            raise ConfirmationRefused("cancelled — nothing was destroyed")
    result = await apply_plan(ws, db, await ctx.client(), plan, ctx.report, allow_destroy=True)
    return Result(data={"run": result.run_id, "steps": [s.__dict__ for s in result.steps]},
                  message=result.summary(), exit_code=ExitCode.ERROR if result.failed else ExitCode.OK)


async def validate(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.validate import offline_has_cluster, offline_state_file, validate_workspace

    if (several := await per_cluster(ctx, args, validate)) is not None:
        return several
    ws = ctx.require_workspace()
    offline = getattr(args, "offline", False)
    state_file = offline_state_file(ws) if offline else None  # read directly: no database library to import
    db = None if offline and (state_file or not offline_has_cluster(ws)) else await ctx.db()
    findings = await validate_workspace(ws, db, None if offline else await ctx.client(), state_file=state_file)
    if not findings:
        return Result(data=[], message="valid: the code parses, every argument and value is accepted, names and "
                                       "VMIDs are unique, and every guest fits its node, storage and bridge")
    errors = any(f.severity == "error" for f in findings)
    return Result(data=[f.as_dict() for f in findings], columns=[("where", "WHERE", ""), ("severity", "", ""),
                                                                 ("message", "PROBLEM", "")],
                  exit_code=ExitCode.CHANGES if errors else ExitCode.OK)


async def drift(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.drift import detect_drift, render_drift

    if (several := await per_cluster(ctx, args, drift)) is not None:
        return several
    ws = ctx.require_workspace()
    report = await detect_drift(ws, await ctx.db(), await ctx.client())
    return Result(data=report.as_dict(), message=render_drift(report),
                  exit_code=ExitCode.CHANGES if report.count else ExitCode.OK)


async def test(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.workspace_tests import run_suite, suite_environment

    if (several := await per_cluster(ctx, args, test, concurrent=False)) is not None:
        return several
    ws = ctx.require_workspace()
    result = await run_suite(ws, suite_environment(ctx.connection_settings()))
    failures = [line for line in result.output.splitlines() if line.startswith(("FAILED", "E   "))]
    summary = (f"{result.passed} passed, {result.failed} failed — tests/test_infrastructure.py in {ws.root}"
               if result.passed or result.failed else result.output.strip()[-800:])
    message = "\n".join([*failures[:20], summary])
    return Result(data={"passed": result.passed, "failed": result.failed}, message=message,
                  exit_code=ExitCode.ERROR if result.exit_code else ExitCode.OK)
