"""Carrying out a blueprint: write its guests into the workspace → validate → plan → one confirmation → apply
(progress streamed) → the workspace's tests.

Every step is a service the CLI uses too (`iac.create_guest`, `validate`, `plan`, `apply`,
`workspace_tests`). Declined, or failed before anything was sent, the files it wrote are removed again
and the workspace is as before. Front ends supply only how to show a line, how to ask, and where progress goes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.commands.confirmation import TYPED, YES_NO, Confirmation
from pmpc_tui.nl.blueprints import BlueprintProposal, place_by_memory, render_file
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.managed import MANAGED_FILE

if TYPE_CHECKING:
    from pmpc_tui.services.iac import CreateSpec
    from pmpc_tui.services.plan import Plan
    from pmpc_tui.services.session import Session
    from pmpc_tui.state.db import Database
    from pmpc_tui.workspace.config import Workspace

Show = Callable[[str], None]
Ask = Callable[[Confirmation], Awaitable[bool]]  # yes/no, or typed when `kind` is TYPED (type `expected`)


@dataclass
class WorkspaceUndo:
    """The workspace's files before a blueprint wrote into it: new files are removed, changed ones restored."""

    root: Path
    saved: dict[Path, bytes] = field(default_factory=dict)  # small files create/inventory rewrite
    present: set[Path] = field(default_factory=set)
    folders: set[Path] = field(default_factory=set)

    @classmethod
    def take(cls, ws: Workspace) -> WorkspaceUndo:
        """Remember the file names under terraform/, ansible/ and the generated records, and the contents
        of the files a create rewrites (the inventory, its records and data, the managed record)."""
        undo = cls(ws.root)
        for top in (ws.terraform_dir, ws.ansible_dir, ws.generated_dir):
            for path in top.rglob("*") if top.is_dir() else []:
                (undo.present if path.is_file() else undo.folders).add(path)
            undo.folders.add(top)
        rewritten = [p for p in undo.present if "terraform" not in p.relative_to(ws.root).parts
                     or p.name == MANAGED_FILE]  # the tracked managed record is rewritten by create
        if ws.inventory_data_path.is_file():
            undo.present.add(ws.inventory_data_path)
            rewritten.append(ws.inventory_data_path)
        undo.saved = {p: p.read_bytes() for p in rewritten}
        return undo

    def restore(self, ws: Workspace) -> None:
        """Put the workspace back: remove what is new, write back what changed."""
        for top in (ws.terraform_dir, ws.ansible_dir, ws.generated_dir):
            paths = sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True) if top.is_dir() else []
            for path in paths:
                if path.is_file() and path not in self.present:
                    path.unlink()
                elif path.is_dir() and path not in self.folders and not any(path.iterdir()):
                    path.rmdir()
        if ws.inventory_data_path.is_file() and ws.inventory_data_path not in self.present:
            ws.inventory_data_path.unlink()
        for path, data in self.saved.items():
            if not path.is_file() or path.read_bytes() != data:
                path.write_bytes(data)


def create_spec(line: str) -> CreateSpec:
    """The `create vm|ct …` line as the create service's input, read by the registry's own parser."""
    from pmpc_tui.commands.repl import parse_line
    from pmpc_tui.pve.errors import ValidationFailed
    from pmpc_tui.services.guest_ref import parse_guest_kind, parse_vmid
    from pmpc_tui.services.iac import CreateSpec

    parsed = parse_line(line)
    if parsed.kind != "command" or parsed.command is None or parsed.args is None or parsed.command.name != "create":
        raise ValidationFailed("not a create line:", {line: parsed.text or "expected create vm|ct"})
    a = parsed.args
    return CreateSpec(kind=parse_guest_kind(a.kind), name=a.name, node=a.node, cores=a.cores, memory=a.memory,
                      disk=a.disk, storage=a.storage, bridge=a.bridge, clone=a.clone, ostemplate=a.ostemplate,
                      ip=a.ip, gw=a.gw, tags=a.tags, vmid=parse_vmid(a.vmid, "--vmid") if a.vmid else None,
                      description=a.description)


async def backend_addresses(ws: Workspace, db: Database, names: list[str]) -> list[dict[str, str]]:
    """Each backend's name and IPv4 address: static config first, then what the inventory last learned."""
    from pmpc_tui.services.iac import load_guests, static_ips

    guests = {g.name: g for g in await load_guests(db)}
    try:
        learned = {h["name"]: h.get("ips") or [] for h in json.loads(ws.inventory_data_path.read_text())
                   if isinstance(h, dict)}
    except (OSError, ValueError):
        learned = {}
    servers = []
    for name in names:
        guest = guests.get(name)
        ips = (static_ips(guest) if guest is not None else []) or learned.get(name, [])
        servers.append({"name": name, "address": ips[0] if ips else name})
    return servers


async def node_free_memory(db: Database) -> dict[str, int]:
    """MiB each online node has left for guests: its memory minus what its running guests are given."""
    from sqlmodel import select

    from pmpc_tui.services.iac import load_guests
    from pmpc_tui.state.models import Node

    async with db.session() as session:
        nodes = (await session.exec(select(Node).where(Node.removed_at == None))).all()  # noqa: E711
    free = {n.name: n.maxmem // 2**20 for n in nodes if n.status == "online"}
    for guest in await load_guests(db):
        if guest.node in free and guest.status == "running":
            try:
                free[guest.node] -= int(str(guest.config.get("memory", 512)))
            except ValueError:
                continue
    return free


def confirmation(plan: Plan, proposal: BlueprintProposal) -> Confirmation:
    """The one question before applying: typed (the count) when the plan destroys something, else yes/no."""
    if plan.destructive:
        count = str(len(plan.destructive))
        return Confirmation(TYPED, f"{count} destructive change(s) in this plan: "
                            + "; ".join(r.what_is_destroyed() for r in plan.destructive)
                            + f". Type {count} to apply them.", count)
    return Confirmation(YES_NO, f"Apply {proposal.title}: create {len(plan.changes)} guest(s) "
                        f"({', '.join(r.name for r in plan.changes)})?")


async def _write(ws: Workspace, db: Database, proposal: BlueprintProposal, lines: list[str],
                 show: Show) -> list[str]:
    """Write the guests and the blueprint's files; returns the resources' addresses."""
    from pmpc_tui.config.files import atomic_write
    from pmpc_tui.services.iac import create_guest

    addresses = []
    for line in lines:
        result = await create_guest(ws, db, create_spec(line))
        addresses.append(result.address)
        show(f"+ {result.address}: {'VM' if result.kind == 'qemu' else 'CT'} {result.vmid} '{result.name}' "
             f"on {result.node}")
    if proposal.files:
        servers = await backend_addresses(ws, db, proposal.backends)
        for rel, template in proposal.files.items():
            text = render_file(proposal, template, servers)
            atomic_write(ws.root / rel, text, backup=False)
            show(f"+ {rel}:\n" + "\n".join(f"    {line}" for line in text.splitlines()))
    return addresses


async def carry_out_blueprint(proposal: BlueprintProposal, *, session: Session, confirm: Ask, show: Show,
                              progress: Show, test: bool = True) -> bool:
    """Write → validate → plan → ask once → apply (progress streamed) → test. False when declined or it failed;
    before anything is sent a failure leaves the workspace as it was."""
    from pmpc_tui.services.apply import apply_plan, check_plan, refuse_if_unfinished
    from pmpc_tui.services.cluster_sync import sync_if_never_synced
    from pmpc_tui.services.plan import make_plan, render_plan
    from pmpc_tui.services.validate import require_valid

    if not proposal.understood:
        show(f"cannot carry out {proposal.title}: {proposal.problem or 'nothing to create'}")
        return False
    try:
        ws = session.require_workspace()
        db = await session.db()
        client = await session.client()
        await sync_if_never_synced(db, session.client, progress)
        await refuse_if_unfinished(db, ws)
    except PVEError as exc:
        show(f"nothing was done: {exc}")
        return False
    undo = await asyncio.to_thread(WorkspaceUndo.take, ws)  # file reads: off the event loop
    try:
        lines = proposal.commands
        if not proposal.parameters.get("node"):  # placed by the blueprint: where the memory is free now
            lines = place_by_memory(lines, await node_free_memory(db))
            if lines != proposal.commands:
                show("placed where the nodes have memory free now (the lines below are the ones written)")
        show(f"writing {len(lines)} guest(s) into {ws.root}:")
        for line in lines:
            show(f"  {line}")
        addresses = await _write(ws, db, proposal, lines, show)
        show("validating the workspace's code…")
        await require_valid(ws, db, client)
        plan = await make_plan(ws, db, client, targets=set(addresses))
        show(render_plan(plan))
        check_plan(plan, allow_destroy=True)  # errors stop here, before the question
        question = confirmation(plan, proposal)
        agreed = await confirm(question)
    except asyncio.CancelledError:  # interrupted (ctrl+c) before apply: nothing was sent
        undo.restore(ws)
        raise
    except PVEError as exc:
        await asyncio.to_thread(undo.restore, ws)
        show(f"stopped before anything was sent; the workspace is as before: {exc}")
        return False
    if not agreed:
        await asyncio.to_thread(undo.restore, ws)
        show("cancelled — nothing was applied and the workspace is as before")
        return False
    try:
        result = await apply_plan(ws, db, client, plan, progress, allow_destroy=question.kind == TYPED)
    except PVEError as exc:  # apply's own checks refused before sending (an unfinished apply, validate)
        await asyncio.to_thread(undo.restore, ws)
        show(f"stopped before anything was sent; the workspace is as before: {exc}")
        return False
    show(result.summary())
    if test and not result.failed:
        await _test(ws, session, show)
    return not result.failed


async def _test(ws: Workspace, session: Session, show: Show) -> None:
    """The workspace's infrastructure tests against the cluster, after the apply."""
    from pmpc_tui.services.workspace_tests import run_suite, suite_environment

    show("testing the cluster against the code…")
    try:
        outcome = await run_suite(ws, suite_environment(session.connection_settings()))
    except (PVEError, OSError) as exc:
        show(f"the tests did not run: {exc}")
        return
    show(f"tests: {outcome.passed} passed, {outcome.failed} failed")


async def carry_out_in_front_end(proposal: BlueprintProposal, session: Session | None,
                                 confirm: Callable[[Confirmation], Awaitable[bool]], show: Show | None) -> bool:
    """`nl.flow.carry_out` for a blueprint: the front end's dialog asks the one question (typed or yes/no)."""
    say = show or (lambda line: None)
    if session is None:
        say("a blueprint needs the console's session (a workspace and a cluster); nothing was done")
        return False
    return await carry_out_blueprint(proposal, session=session, confirm=confirm, show=say, progress=say)
