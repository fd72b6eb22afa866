"""Handlers for workspace and IaC commands (init, import, create): thin adapters over services/iac."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.guest_ref import parse_vmid

if TYPE_CHECKING:
    from pmpc_tui.services.iac import ImportResult


async def init(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.services.workspace_init import InitOptions, init_workspace

    if getattr(args, "cluster", None):
        return await init_clusters(ctx, args)
    profile = ctx.profile
    if profile is None:
        try:
            profile = ctx.store.get(ctx.profile_name)
        except ProfileError:
            if ctx.profile_name:
                raise
            profile = None  # no profiles yet: the workspace can name one later
    options = InitOptions(directory=Path(args.directory), profile=profile.name if profile else None, node=args.node,
                          storage=args.storage, bridge=args.bridge, ct_template=args.ct_template, gateway=args.gateway)
    result = init_workspace(options, profile)
    where = result.workspace.root
    lines = [f"created workspace {where}" + (f" (profile '{profile.name}')" if profile else " (no profile yet)")]
    lines += [f"  {path}" for path in result.created]
    if result.history:
        lines.append(result.history)
    lines.append(f"next: cd {where} && proxmox-mpc import")
    return Result(data=result.as_dict(), message="\n".join(lines))


async def init_clusters(ctx: CommandContext, args: argparse.Namespace) -> Result:
    """`init --cluster NAME --profile P` (repeatable): a workspace of several clusters, or clusters added to one."""
    from pmpc_tui.config.profiles import Profile
    from pmpc_tui.services.workspace_init import InitOptions, init_workspace

    names: list[str] = args.cluster
    given = getattr(args, "profiles", None) or getattr(args, "profile", None) or []
    profiles = [given] if isinstance(given, str) else list(given)  # the REPL leaves init's list as it is
    if len(profiles) != len(names):
        raise ValidationFailed("one profile per cluster", {
            "--profile": f"{len(names)} --cluster but {len(profiles)} --profile: give them in pairs, "
                         "e.g. --cluster lab --profile lab --cluster prod --profile prod"})
    pairs: list[tuple[str, Profile | None]] = [(name, ctx.store.get(profile))
                                               for name, profile in zip(names, profiles, strict=True)]
    options = InitOptions(directory=Path(args.directory), node=args.node, storage=args.storage, bridge=args.bridge,
                          ct_template=args.ct_template, gateway=args.gateway, clusters=pairs)
    result = init_workspace(options)
    where = result.workspace.root
    lines = [f"workspace {where}: " + ", ".join(f"cluster '{n}' (profile '{p.name if p else '?'}')" for n, p in pairs)]
    lines += [f"  {path}" for path in result.created]
    if result.history:
        lines.append(result.history)
    lines.append(f"next: cd {where} && proxmox-mpc import")
    return Result(data=result.as_dict(), message="\n".join(lines))


async def import_(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.commands.cluster_handlers import per_cluster
    from pmpc_tui.config.profiles import Profile, ProfileError
    from pmpc_tui.services.cluster_sync import sync_summary
    from pmpc_tui.services.iac import import_workspace, sync_and_import

    only = {parse_vmid(v, "--guest") for v in args.guest} if getattr(args, "guest", None) else None
    if (several := await per_cluster(ctx, args, import_)) is not None:
        return several
    ws = ctx.require_workspace()
    client = None
    synced = None
    if not args.offline:
        client = await ctx.client()
    profile: Profile | None
    try:
        profile = ctx.active_profile()
    except ProfileError:
        profile = ctx.console_profile()  # the console's own connection (e.g. the demo), never saved
        if profile is None and not args.offline:
            raise
        # offline without a profile: connection files are left as they are
    db = await ctx.db()
    addresses = getattr(args, "addresses", None)
    if client is not None:  # sync first; the guest agents (if asked) are asked while the sync writes
        sync_result, result = await sync_and_import(ws, db, client, profile, ctx.report, force=args.force,
                                                    dry_run=args.dry_run, merge=args.merge, only=only,
                                                    addresses=addresses)
        synced = sync_summary(sync_result)
    else:
        result = await import_workspace(ws, db, None, profile, force=args.force, dry_run=args.dry_run,
                                        merge=args.merge, only=only, addresses=addresses)
    counts = result.counts()
    verb = "would write" if args.dry_run else "wrote"
    lines = [f"{'dry run: ' if args.dry_run else ''}imported {result.vms} VMs and {result.containers} containers "
             f"into {ws.root}",
             f"{verb}: " + ", ".join(f"{n} {a}" for a, n in sorted(counts.items()))]
    if result.firewalls_read or result.firewalls_skipped:
        lines[0] += (f"; guest firewalls: {result.firewalls_read} read, {result.firewalls_skipped} skipped "
                     "(no network device with firewall=1)")
    if only is None:
        lines.insert(1, inventory_line(result))
    if synced is not None:
        lines.insert(0, synced)
    for f in result.files:
        if f.action == "conflict":
            lines.append(f"kept your edited {f.path}; the new generation is in {f.new_path}"
                         f"{'' if not args.dry_run else ' (not written: dry run)'} — diff:")
            lines.append(f.diff or "")
        elif f.action == "kept":
            lines.append(f"kept your edited {f.path} (nothing new to merge)")
        elif f.action == "deleted-by-user":
            lines.append(f"not recreated {f.path}: you deleted it (use --force to bring it back)")
        elif f.action == "merged":
            lines.append(f"merged the cluster's changes into your edited {f.path} (your version in {f.path}.bak)"
                         f"{' (not written: dry run)' if args.dry_run else ''}")
        elif f.action == "overwritten":
            lines.append(f"overwrote your edited {f.path} (--force; previous version in {f.path}.bak)")
    lines.extend(f"not written to code: {note}" for note in result.skipped)
    lines += result.notes
    for path in result.orphaned:
        lines.append(f"{path}: its guest no longer exists in the cluster; delete the file if that is intended")
    if result.conflicts:
        lines.append("merge the .new files into yours (`proxmox-mpc import --merge` does it where the changes do "
                     "not overlap), or run `proxmox-mpc import --force` to take ours")
    return Result(data=result.as_dict(), message="\n".join(lines),
                  exit_code=ExitCode.CONFLICT if result.conflicts else ExitCode.OK)


def inventory_line(result: ImportResult) -> str:
    """The summary's line on the Ansible inventory: its hosts, and the running guests whose agent was not asked."""
    line = f"inventory: {result.ansible_hosts} hosts, {result.hosts_with_ip} with ansible_host"
    counts = result.addresses
    if counts.not_asked:
        kept = f"{counts.kept} keep the address reported on an earlier run; " if counts.kept else ""
        line += (f"; {counts.not_asked} running guests without a static address were not asked ({kept}"
                 "import --addresses asks their guest agents)")
    return line


async def create(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.commands.cluster_handlers import in_one_cluster
    from pmpc_tui.services.cluster_sync import sync_if_never_synced
    from pmpc_tui.services.guest_ref import parse_guest_kind, parse_vmid
    from pmpc_tui.services.iac import CreateSpec, create_guest

    if (one := await in_one_cluster(ctx, args, create)) is not None:
        return one
    ws = ctx.require_workspace()
    kind = parse_guest_kind(args.kind)
    vmid = parse_vmid(args.vmid, "--vmid") if args.vmid is not None else None
    spec = CreateSpec(kind=kind, name=args.name, node=args.node, cores=args.cores, memory=args.memory, disk=args.disk,
                      storage=args.storage, bridge=args.bridge, clone=args.clone,
                      ostemplate=getattr(args, "ostemplate", None), ip=args.ip, gw=args.gw, tags=args.tags,
                      vmid=vmid, description=args.description)
    if args.gw and not args.ip:
        raise ValidationFailed(f"cannot add '{args.name}':", {"--gw": "give --ip CIDR together with --gw"})
    db = await ctx.db()
    await sync_if_never_synced(db, ctx.client, ctx.report)
    result = await create_guest(ws, db, spec, dry_run=args.dry_run)
    what = "VM" if kind == "qemu" else "container"
    if args.dry_run:
        message = f"dry run: would add {what} {result.vmid} '{result.name}' on {result.node}:\n{result.text}"
    else:
        files = ", ".join(f"{f.path} ({f.action})" for f in result.files)
        message = (f"added {what} {result.vmid} '{result.name}' on {result.node} as {result.address}: {files}\n"
                   "nothing was sent to the cluster; `terraform plan` in terraform/ shows what apply will do")
    conflicts = [f for f in result.files if f.action == "conflict"]
    for f in conflicts:
        message += f"\nkept your edited {f.path}; the new version is in {f.new_path}"
    return Result(data=result.as_dict(), message=message, exit_code=ExitCode.CONFLICT if conflicts else ExitCode.OK)
