"""Handlers for logs, debug, health and report-issue: thin adapters over observability and services."""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ValidationFailed

LOG_COLUMNS = [("time", "TIME", ""), ("level", "LEVEL", ""), ("op", "OPERATION", ""), ("cid", "CID", ""),
               ("msg", "MESSAGE", "")]
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_since(text: str | None) -> float | None:
    """`30m`, `2h`, `1d`, `90s` → seconds."""
    if not text:
        return None
    match = re.fullmatch(r"(\d+)([smhd])", text.strip())
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
    db, db_error = await open_state_db(ctx)
    checks = await run_health(client, db, ws.root if ws else None, db_error=db_error)
    status = overall(checks)
    return Result(data=[c.as_dict() for c in checks],
                  columns=[("check", "CHECK", ""), ("status", "STATUS", ""), ("detail", "DETAIL", ""),
                           ("next_step", "NEXT STEP", "")],
                  exit_code=1 if status == "critical" else 0)


async def open_state_db(ctx: CommandContext) -> tuple[Any, Any]:
    """The state database, or None and the StateDatabaseError that says why it cannot be used."""
    from pmpc_tui.state.errors import StateDatabaseError

    try:
        return await ctx.db(), None
    except StateDatabaseError as exc:
        return None, exc


async def _state_summary(ctx: CommandContext) -> Any:
    """`state check` for the report bundle (where the database is, its schema version and integrity)."""
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.state_admin import check_state

    try:
        return (await check_state(ctx.database_url())).as_dict()
    except PVEError as exc:
        return {"error": exc.message}


async def report_issue(ctx: CommandContext, args: argparse.Namespace) -> Result:
    import asyncio

    from pmpc_tui.observability.logfile import read_entries
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.health import run_health
    from pmpc_tui.services.inventory import recent_tasks
    from pmpc_tui.services.report import assistant_prompt, build_bundle, versions

    ws = ctx.workspace()
    folder = _log_dir(ctx)
    client = None
    try:
        client = await ctx.client()
    except PVEError as exc:
        ctx.report(f"cannot connect (the report says so): {exc}")
    db, db_error = await open_state_db(ctx)
    if db_error is not None:
        ctx.report(f"the state database cannot be used (the report says so): {db_error.message}")
    checks = await run_health(client, db, ws.root if ws else None, db_error=db_error)
    tasks: list[dict[str, Any]] = []
    hosts: set[str] = set()
    if client is not None:
        try:
            tasks = await recent_tasks(client, limit=30)
            hosts = {t["node"] for t in tasks}
            hosts |= {r["node"] for r in await client.get("/nodes")}
        except PVEError as exc:
            tasks = [{"error": str(exc)}]
    try:
        profile: dict[str, Any] = ctx.active_profile().public_dict()
        hosts.add(ctx.active_profile().settings().host if client else "")
    except Exception:  # demo or no profile
        profile = {"note": "no saved profile (demo or console connection)"}
    from pmpc_tui.observability.metrics import METRICS

    logs = read_entries(folder, since_seconds=args.minutes * 60)
    parts = {
        "health.json": [c.as_dict() for c in checks],
        "logs.jsonl": "\n".join(json.dumps(e) for e in logs),
        "config.json": {"profile": profile, "workspace": ws.config.to_dict() if ws else None},
        "tasks.json": tasks, "metrics.json": METRICS.summary(), "versions.json": versions(),
        "state.json": await _state_summary(ctx),
        "errors.txt": "\n".join(f"{e.get('msg')}\n{e.get('trace', '')}" for e in logs
                                if e.get("level") in ("ERROR", "WARNING")),
    }
    out = (ws.root / ".proxmox-mpc" / "reports") if ws else folder.parent / "reports"
    path = await asyncio.to_thread(build_bundle, out, args.summary, parts, args.anonymize, hosts)
    prompt = assistant_prompt(path, args.summary)
    masked = ", hosts and IPs masked" if args.anonymize else ""
    return Result(data={"bundle": str(path), "prompt": prompt},
                  message=f"report written to {path} (secrets removed{masked})"
                          f"\nsuggested prompt for an AI assistant:\n  {prompt}")
