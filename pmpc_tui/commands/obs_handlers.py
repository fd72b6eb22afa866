"""Handlers for logs, debug, health and report-issue: thin adapters over observability and services."""

from __future__ import annotations

import argparse
import re
from typing import Any

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import ValidationFailed

LOG_COLUMNS = [("time", "TIME", ""), ("level", "LEVEL", ""), ("op", "OPERATION", ""), ("cid", "CID", ""),
               ("msg", "MESSAGE", "")]
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since(text: str | None) -> float | None:
    """`30m`, `2h`, `1d`, `90s` → seconds."""
    if not text:
        return None
    match = re.fullmatch(r"([0-9]{1,9})([smhd])", text.strip(), re.ASCII)
    if not match:
        raise ValidationFailed("invalid --since", {"--since": "use a number and s, m, h or d: 30m, 2h, 1d"})
    return int(match.group(1)) * UNITS[match.group(2)]


def _log_dir(ctx: CommandContext) -> Any:
    from pmpc_tui.observability.logfile import log_dir

    ws = ctx.workspace()
    return log_dir(ws.root if ws else None)


async def logs(ctx: CommandContext, args: argparse.Namespace) -> Result:
    import time

    from pmpc_tui.observability.logfile import read_entries

    if args.level and args.level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValidationFailed("invalid --level", {"--level": "debug, info, warning or error"})
    from pmpc_tui.services.inputs import check_positive

    check_positive(args.limit, "--limit")
    folder = _log_dir(ctx)
    entries = read_entries(folder, parse_since(args.since), args.level, args.op, args.cid, args.grep)[-args.limit:]
    for e in entries:
        e["time"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(e.get("ts", 0)))
    return Result(data=entries, columns=LOG_COLUMNS,
                  message=None if entries else f"no log entries match (logs are in {folder})")


async def debug(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.observability.logfile import set_debug

    folder = _log_dir(ctx)
    set_debug(folder, args.state == "on")
    return Result(data={"debug": args.state == "on", "logs": str(folder)},
                  message=f"debug logging {args.state}: " + ("every API call is written to the log files"
                                                             if args.state == "on" else "info and above only"))


async def health(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.health import overall, run_health

    client = None
    try:
        client = await ctx.client()
    except PVEError as exc:
        ctx.report(f"cannot connect: {exc}")
    ws = ctx.workspace()
    db, db_error = await ctx.session.db_or_error()
    checks = await run_health(client, db, ws.root if ws else None, db_error=db_error)
    status = overall(checks)
    return Result(data=[c.as_dict() for c in checks],
                  columns=[("check", "CHECK", ""), ("status", "STATUS", ""), ("detail", "DETAIL", ""),
                           ("next_step", "NEXT STEP", "")],
                  exit_code=ExitCode.ERROR if status == "critical" else ExitCode.OK)


async def report_issue(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.report import write_report

    written = await write_report(ctx.session, args.summary, args.minutes, args.anonymize, ctx.report)
    masked = ", hosts and IPs masked" if args.anonymize else ""
    return Result(data={"bundle": str(written.path), "prompt": written.prompt},
                  message=f"report written to {written.path} (secrets removed{masked})"
                          f"\nsuggested prompt for an AI assistant:\n  {written.prompt}")
