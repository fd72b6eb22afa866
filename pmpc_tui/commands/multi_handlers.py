"""Read commands on several clusters (`--profile a --profile b`, `--all-profiles`): each cluster runs the
command's own handler in its own session (services/multi_cluster.py); here the answers are put together."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import BY_NAME, Result
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.multi_cluster import ClusterOutcome, exit_code_of, read_clusters
from pmpc_tui.services.session import Session

# read commands that make sense on several clusters at once (`tasks log|stop` name one cluster's task)
MULTI_COMMANDS = ("list", "describe", "health", "tasks", "test-connection")
CLUSTER_COLUMN = ("cluster", "CLUSTER", "")


def check_multi(args: argparse.Namespace) -> None:
    """A usage error (exit 64, nothing sent) for a command that works on one cluster at a time."""
    if args.command not in MULTI_COMMANDS or (args.command == "tasks" and args.action != "list"):
        what = f"{args.command} {args.action}" if args.command == "tasks" else args.command
        raise ValidationFailed("one cluster at a time", {
            "--profile": f"`{what}` works on one cluster; several profiles work with "
                         f"{', '.join(MULTI_COMMANDS)} and `tasks list`"})


async def run_grouped(names: list[str], args: argparse.Namespace, report: Callable[[str], None],
                      timeout: float) -> Result:
    """Run the command on every cluster concurrently; the result is grouped by cluster."""
    check_multi(args)
    handler = BY_NAME[args.command].load()

    async def read(session: Session) -> Result:
        name = session.profile_name
        ctx = CommandContext(session=session, report=lambda line: report(f"[{name}] {line}"), owns_session=False)
        return await handler(ctx, args)

    outcomes = await read_clusters(names, read, timeout)
    return grouped(outcomes)


def grouped(outcomes: list[ClusterOutcome]) -> Result:
    """{"clusters": [...]} for JSON/YAML; for tables the rows of every cluster with a CLUSTER column, or each
    cluster's answer under its name, then one line per cluster that failed."""
    answers: list[Result] = [o.result for o in outcomes if o.ok]
    data = {"clusters": [o.as_dict(o.result.data if o.ok else None) for o in outcomes]}
    code = exit_code_of(outcomes, [r.exit_code for r in answers])
    failures = [f"{o.cluster}: error: {o.error['message']}" + (f"\n  → {o.error['next_step']}"
                                                               if o.error.get("next_step") else "")
                for o in outcomes if o.error is not None]
    columns = next((r.columns for r in answers if r.columns), None)
    if columns is not None and all(isinstance(r.data, list) for r in answers):
        rows: list[dict[str, Any]] = [{"cluster": o.cluster, **row} for o in outcomes if o.ok
                                      for row in o.result.data]
        empty = [f"{o.cluster}: {o.result.message}" for o in outcomes if o.ok and o.result.message]
        message = "\n".join(empty + failures) or None
        return Result(data=data, columns=[CLUSTER_COLUMN, *columns], message=message, exit_code=code,
                      table_data=rows)
    from pmpc_tui.commands.render import render

    parts = [f"== {o.cluster} ==\n{render(o.result, 'table')}" for o in outcomes if o.ok]
    return Result(data=data, message="\n".join(parts + failures), exit_code=code, table_data=[])
