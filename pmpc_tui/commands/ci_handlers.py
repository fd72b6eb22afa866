"""Handler for `ci init`: a thin adapter over services/ci_pipeline.py."""

from __future__ import annotations

import argparse

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result


async def ci(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.ci_pipeline import render_pipeline, write_pipeline

    ws = ctx.require_workspace()
    pipeline = render_pipeline(args.provider, ws, ctx.active_profile(), args.branch, args.allow_destroy)
    secrets = [v.name for v in pipeline.variables]
    data = {"provider": pipeline.provider, "path": str(pipeline.path), "secrets": secrets}
    needs = ("add " + ", ".join(secrets) + " to the CI's secret store (docs/ci.md says which PVE privileges the "
             "token needs)")
    if args.dry_run:
        action = pipeline.action
        shown = pipeline.diff() or (pipeline.text if action == "created" else "")
        refusal = " (refused without --force)" if action == "overwritten" and not args.force else ""
        return Result(data={**data, "action": action, "dry_run": True},
                      message=f"{shown.rstrip()}\n(dry run: {pipeline.relative} would be {action}{refusal}; "
                              "nothing written)".lstrip())
    action = write_pipeline(pipeline, force=args.force)
    lines = [pipeline.diff().rstrip()] if action == "overwritten" else []
    lines.append(f"{pipeline.relative}: {action}" + ("" if action == "unchanged" else f" — {needs}"))
    return Result(data={**data, "action": action}, message="\n".join(line for line in lines if line))
