"""Command handlers: thin adapters from parsed arguments to services, returning a Result."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.pve.errors import ConfirmationRefused, ValidationFailed
from pmpc_tui.services.guest_ref import parse_guest_kind

GUEST_COLUMNS = [
    ("vmid", "VMID", ""), ("name", "NAME", ""), ("node", "NODE", ""), ("status", "STATUS", ""),
    ("cpus", "CPUS", ""), ("cpu", "CPU%", "pct"), ("mem", "MEM", "bytes"), ("maxmem", "MAXMEM", "bytes"),
    ("maxdisk", "DISK", "bytes"), ("uptime", "UPTIME", "duration"), ("tags", "TAGS", ""),
]


async def simulator(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.inputs import check_port, check_positive
    from pmpc_tui.simulator.server import SimulatorOptions, serve_forever

    check_port(args.port, allow_zero=True)
    if not 0 <= args.fault_rate <= 1:
        raise ValidationFailed("invalid option", {"--fault-rate": "must be between 0 and 1"})
    check_positive(args.latency_ms, "--latency-ms", allow_zero=True)
    check_positive(args.task_speed, "--task-speed")
    for flag in ("nodes", "vms", "cts"):
        if getattr(args, flag) is not None:
            check_positive(getattr(args, flag), f"--{flag}", allow_zero=flag != "nodes")
    if args.ticket_lifetime <= 0:
        raise ValidationFailed("invalid option", {"--ticket-lifetime": "must be more than 0 seconds"})
    options = SimulatorOptions(host=args.host, port=args.port, scenario=args.scenario, nodes=args.nodes,
                               vms=args.vms, cts=args.cts, latency_ms=args.latency_ms, fault_rate=args.fault_rate,
                               seed=args.seed, task_speed=args.task_speed, password=args.password,
                               ticket_lifetime=args.ticket_lifetime)

    def out(line: str) -> None:
        print(line, flush=True)

    await serve_forever(options, args.json, out)  # until Ctrl+C (exit 130)
    return Result()


async def connect(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.connection import test_connection as check
    from pmpc_tui.services.profiles import ConnectionForm, build_profile

    form = ConnectionForm(name=args.name, url=args.url, token_id=args.token_id, user=args.user,
                          fingerprint=args.fingerprint, ca_bundle=args.ca_bundle, insecure=args.insecure)
    if args.secret_env:
        form.secret_source, form.secret_ref = "env", args.secret_env
    elif args.secret_file:
        form.secret_source, form.secret_ref = "file", args.secret_file
    elif args.keyring:
        form.secret_source, form.secret_ref = "keyring", args.name
    elif args.secret_stdin:
        form.secret_source, form.secret_ref = "file", "-"  # replaced by the stored file below
    build_profile(form)  # reject bad input before reading stdin or writing a secret file
    if args.secret_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise ValidationFailed("no secret", {"--secret-stdin": "nothing was read from stdin"})
        form.secret_source, form.secret_ref = "file", str(ctx.store.store_secret_file(args.name, secret))
    profile = build_profile(form)
    url, user, source = profile.url, profile.user, profile.secret_source
    details: dict[str, Any] = {}
    if not args.no_test:
        details = await check(profile.settings())
    ctx.store.save(profile, activate=not args.no_activate)
    message = f"saved profile '{profile.name}' ({url}, {profile.token_id or user}, secret from {source})"
    if details:
        message += (f"; connected to PVE {details['version']} "
                    f"({details['nodes_online']}/{details['nodes']} nodes online)")
    return Result(data={"profile": profile.public_dict(), "test": details}, message=message)


async def profiles(ctx: CommandContext, args: argparse.Namespace) -> Result:
    active = ctx.store.active_name
    rows = [{"active": "*" if p.name == active else "", "name": p.name, "url": p.url,
             "auth": p.token_id or p.user, "secret": f"{p.secret_source}:{p.secret_ref}",
             "tls": "pinned" if p.fingerprint else ("verify" if p.verify_tls else "INSECURE")}
            for p in ctx.store.list()]
    if not rows:
        return Result(data=[], message="no profiles yet — create one with `proxmox-mpc connect`, "
                                       "or try `proxmox-mpc --demo`")
    return Result(data=rows, columns=[("active", "", ""), ("name", "NAME", ""), ("url", "URL", ""),
                                      ("auth", "AUTH", ""), ("secret", "SECRET FROM", ""), ("tls", "TLS", "")])


async def test_connection(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.connection import test_connection as check

    details = await check(ctx.connection_settings())
    return Result(data=details, message=(
        f"OK: {details['url']} as {details['auth_id']} — PVE {details['version']}, cluster "
        f"'{details['cluster']}', {details['nodes_online']}/{details['nodes']} nodes online, "
        f"{details['latency_ms']} ms, TLS {details['tls']}"))


async def sync(ctx: CommandContext, args: argparse.Namespace) -> Result:
    """Inside a workspace `sync` also regenerates its IaC (that is `import`); `--db-only` just reads the cluster."""
    if ctx.workspace() is not None and not getattr(args, "db_only", False):
        from pmpc_tui.commands.iac_handlers import import_

        return await import_(ctx, argparse.Namespace(offline=False, force=False, dry_run=False, merge=False))
    return await sync_database(ctx)


async def sync_database(ctx: CommandContext) -> Result:
    """Read the whole cluster into the state database."""
    from pmpc_tui.services.cluster_sync import sync_cluster, sync_summary

    result = await sync_cluster(await ctx.client(), await ctx.db(), ctx.report)
    return Result(data=result.as_dict(), message=sync_summary(result))


async def list_(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services import inventory

    kind = args.kind.rstrip("s") if args.kind != "storage" else "storage"
    if (kind == "storage" and (args.status or args.selector)) or (kind == "node" and args.selector):
        what = "--selector" if kind == "node" else "--status/--selector"
        raise ValidationFailed("invalid filter", {what: f"only apply to guests, not {args.kind}"})
    if kind != "storage" and args.storage:
        raise ValidationFailed("invalid filter", {"--storage": f"only applies to `list storage`, not {args.kind}"})
    if args.selector:
        inventory.parse_selector(args.selector)  # reject bad selectors before any API call
    if kind == "node":
        inventory.check_node_status(args.status)
    client = await ctx.client()
    if kind == "node":
        rows = await inventory.list_nodes(client, args.status)
        return Result(data=rows, columns=[
            ("node", "NODE", ""), ("status", "STATUS", ""), ("cpu", "CPU%", "pct"), ("maxcpu", "CPUS", ""),
            ("mem", "MEM", "bytes"), ("maxmem", "MAXMEM", "bytes"), ("uptime", "UPTIME", "duration")])
    if kind == "storage":
        rows = await inventory.list_storage(client, args.node, args.storage)
        return Result(data=rows, columns=[
            ("storage", "STORAGE", ""), ("node", "NODE", ""), ("type", "TYPE", ""), ("status", "STATUS", ""),
            ("used", "USED", "bytes"), ("total", "TOTAL", "bytes"), ("used_pct", "USE%", "")])
    rows = await inventory.list_guests(client, parse_guest_kind(kind), args.node, args.status, args.selector)
    if getattr(args, "sort", None):
        rows.sort(key=lambda r: (r.get(args.sort) is None, r.get(args.sort)), reverse=bool(args.desc))
    empty = None if rows else f"no {'VMs' if kind == 'vm' else 'containers'} match"
    return Result(data=rows, columns=GUEST_COLUMNS, message=empty)


async def describe(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.guest_ref import parse_guest_ident
    from pmpc_tui.services.inventory import describe_guest

    ident = parse_guest_ident(args.guest)
    data = await describe_guest(await ctx.client(), parse_guest_kind(args.kind), ident)
    return Result(data=data)


async def power(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.guest_ref import parse_guest_ident
    from pmpc_tui.services.guests import power_action
    from pmpc_tui.services.inputs import check_positive

    ident = parse_guest_ident(args.guest)
    check_positive(args.timeout, "--timeout")
    result = await power_action(await ctx.client(), parse_guest_kind(args.kind), ident, args.command, wait=args.wait,
                                dry_run=args.dry_run, timeout=args.timeout, on_progress=ctx.progress_printer())
    return Result(data=result.as_dict(), message=result.message)


async def delete(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.guest_ref import parse_guest_ident
    from pmpc_tui.services.guests import delete_guest
    from pmpc_tui.services.inputs import check_positive
    from pmpc_tui.services.inventory import find_guest

    ident = parse_guest_ident(args.guest)
    check_positive(args.timeout, "--timeout")
    kind = parse_guest_kind(args.kind)
    await ctx.session.refuse_delete_while_applying()  # finish or abandon that apply first
    client = await ctx.client()
    confirm: str | None = None
    if not args.yes and not args.dry_run:
        ref = await find_guest(client, kind, ident)
        answer = await ctx.confirm_by_typing(f"Delete {ref.label} and all its disks?", ref.name)
        if answer is None:
            raise ConfirmationRefused("deletion needs confirmation",
                                      "Run it in a terminal to confirm, or pass --yes to skip the question.")
        confirm = answer.strip()
    result = await delete_guest(client, kind, ident, purge=args.purge, wait=args.wait, dry_run=args.dry_run,
                                confirm_name=confirm, timeout=args.timeout, on_progress=ctx.progress_printer())
    return Result(data=result.as_dict(), message=result.message)


async def tasks(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.inventory import recent_tasks

    if args.action == "stop":
        from pmpc_tui.commands.storage_handlers import stop_task

        return await stop_task(ctx, args)
    if args.action == "log":
        if not args.upid:
            raise ValidationFailed("missing task id", {"upid": "usage: tasks log UPID"})
        from pmpc_tui.pve.upid import parse_upid
        from pmpc_tui.services.live import task_log

        try:
            parse_upid(args.upid)  # a malformed id stops before connecting
        except ValueError as exc:
            raise ValidationFailed("invalid task id", {"upid": str(exc)}) from None
        lines = await task_log(await ctx.client(), args.upid, limit=0)
        return Result(data=lines, message="\n".join(lines))
    from pmpc_tui.services.inputs import check_positive

    check_positive(args.limit, "--limit")
    rows = await recent_tasks(await ctx.client(), args.node, args.limit)
    return Result(data=rows, columns=[("starttime", "STARTED", "time"), ("node", "NODE", ""),
                                      ("type", "TYPE", ""), ("id", "ID", ""), ("user", "USER", ""),
                                      ("status", "STATUS", ""), ("upid", "UPID", "")],
                  message=None if rows else "no tasks yet")
