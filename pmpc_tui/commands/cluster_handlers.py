"""Workspace commands in a workspace of several clusters (import, plan, apply, drift, validate, test): the
command's own handler runs once per cluster in that cluster's session (services/workspace_clusters.py); here
the answers are put together, grouped by cluster like the read commands on several profiles."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from pathlib import Path

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.multi_handlers import grouped
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.session import Session
from pmpc_tui.services.workspace_clusters import (
    chosen_clusters,
    cluster_of_plan,
    is_multi,
    refuse_cluster_option,
    run_clusters,
    worst_exit_code,
)
from pmpc_tui.workspace.config import Workspace

Handler = Callable[[CommandContext, argparse.Namespace], Awaitable[Result]]


def _names(ws: Workspace, args: argparse.Namespace) -> list[str]:
    """The clusters this invocation works on; a saved plan picks the cluster it was made in."""
    names = chosen_clusters(ws, getattr(args, "cluster", None) or None)
    plan_file = getattr(args, "plan_file", None)
    if plan_file is not None:
        from pmpc_tui.services.plan import Plan

        made_in = cluster_of_plan(ws, Plan.load(Path(plan_file)).workspace)
        if made_in is None or (getattr(args, "cluster", None) and made_in not in names):
            raise ValidationFailed("plan of another workspace", {
                plan_file: "it was not made in this workspace's clusters" if made_in is None else
                f"it was made for cluster '{made_in}', not {', '.join(names)}"})
        return [made_in]
    if getattr(args, "out", None) and len(names) > 1:
        raise ValidationFailed("one plan file per cluster", {"--out": "with several clusters, pick one with "
                                                                      "--cluster NAME"})
    return names


async def per_cluster(ctx: CommandContext, args: argparse.Namespace, handler: Handler,
                      concurrent: bool = True) -> Result | None:
    """In a workspace of several clusters, run `handler` on each chosen cluster and group the answers; None in
    a workspace of one cluster (the handler goes on as always)."""
    ws = ctx.workspace()
    refuse_cluster_option(ws, getattr(args, "cluster", None))
    if ws is None or not is_multi(ws):
        return None
    if not ctx.session.uses_saved_profiles:  # a web user: each cluster would be reached with a saved profile
        ws.require_one_cluster()
    names = _names(ws, args)

    async def run(cws: Workspace, session: Session) -> Result:
        name = cws.cluster

        def report(line: str) -> None:
            ctx.report(f"[{name}] {line}")
        sub = CommandContext(session=session, report=report, ask=ctx.ask, confirm_hook=ctx.confirm_hook,
                             owns_session=False)
        return await handler(sub, args)

    outcomes = await run_clusters(ws, names, run, concurrent=concurrent, read_only=ctx.session.read_only)
    result = grouped(outcomes)
    result.exit_code = worst_exit_code(outcomes, [o.result.exit_code for o in outcomes if o.ok])
    return result


async def in_one_cluster(ctx: CommandContext, args: argparse.Namespace, handler: Handler) -> Result | None:
    """Like `per_cluster` for a command that writes one cluster's code or deletes its guests (create, destroy):
    in a workspace of several it needs exactly one cluster — `--cluster NAME`, or the folder you are in."""
    ws = ctx.workspace()
    if ws is not None and is_multi(ws) and len(chosen_clusters(ws, getattr(args, "cluster", None) or None)) != 1:
        what = getattr(args, "command", "it")
        raise ValidationFailed("which cluster?", {"--cluster": f"`{what}` works on one cluster of "
                                                              f"{', '.join(ws.cluster_names())}: pass --cluster "
                                                              "NAME, or run it in clusters/NAME/"})
    return await per_cluster(ctx, args, handler, concurrent=False)


def cluster_label(ws: Workspace) -> str:
    """' on cluster NAME (profile P)' for a question asked in one cluster's folder; '' otherwise."""
    return f" on cluster '{ws.cluster}' (profile {ws.config.profile})" if ws.cluster else ""
