"""`proxmox-mpc ask "REQUEST"`: plain English from a shell, through `nl.propose` like every front end.

`--explain` runs nothing and prints the proposal as one JSON object (exit 0 understood, 1 not). Without it
the proposal is shown, asked once when it changes state (y/N, or the count typed — `--yes` never skips a
destructive one), and each line runs through its own command handler.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import DESTRUCTIVE, Result
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.nl.proposal import Proposal
from pmpc_tui.pve.errors import ConfirmationRefused, ValidationFailed
from pmpc_tui.services.names import Names


def _read_stdin(question: str) -> str | None:
    """Ask on stderr, read one line from stdin (a terminal or a pipe); None at its end."""
    print(question, end="", file=sys.stderr, flush=True)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if sys.stdin is None or not sys.stdin.isatty():  # a piped answer is not echoed: end the prompt's line
        print(file=sys.stderr)
    return line.rstrip("\n") if line else None


async def _names(ctx: CommandContext, args: argparse.Namespace) -> Names:
    """The demo cluster's names, or the state database's (read from the cluster only if never synced)."""
    from pmpc_tui.services.names import demo_names, names_from_file, names_from_state

    if getattr(args, "demo", False):
        return demo_names()
    quick = names_from_file(ctx.session.database_url()) if ctx.session.connected_db is None else None
    if quick is not None:  # a current, synced SQLite file: read without loading the database layer (start-up)
        return quick
    from pmpc_tui.services.cluster_sync import sync_if_never_synced

    db = await ctx.db()
    await sync_if_never_synced(db, ctx.client, ctx.report)
    return await names_from_state(db)


async def ask(ctx: CommandContext, args: argparse.Namespace) -> Result:
    """The `ask` command's handler."""
    from pmpc_tui.nl.propose import propose

    text = " ".join(args.request).strip()
    if not text:
        raise ValidationFailed("the request is empty", {"request": 'say what to do, e.g. "list vms"'})
    workspace = ctx.workspace()
    proposal = await propose(text, await _names(ctx, args), workspace_root=workspace.root if workspace else None,
                             note=lambda line, _level: ctx.report(line))
    if args.explain:
        data = proposal.as_json()
        return Result(data=data, message=json.dumps(data), exit_code=ExitCode.OK if proposal.understood
                      else ExitCode.ERROR)
    if not proposal.understood:
        tries = f" Try: {' · '.join(proposal.suggestions)}" if proposal.suggestions else ""
        return Result(data=proposal.as_json(), message=f"not understood: {proposal.explanation}.{tries}",
                      exit_code=ExitCode.ERROR)
    ctx.report(f"≈ {proposal.explanation} (confidence {proposal.confidence:.0%}, {proposal.risk})")
    _confirm(ctx, args, proposal)
    return await _run(ctx, args, proposal)


def _confirm(ctx: CommandContext, args: argparse.Namespace, proposal: Proposal) -> None:
    """Ask once before a proposal that changes state; raise ConfirmationRefused when not agreed."""
    from pmpc_tui.commands.confirmation import TYPED
    from pmpc_tui.nl.flow import question

    asked = question(proposal)
    if asked is None:
        return
    if args.yes and proposal.risk != DESTRUCTIVE:
        return
    if args.yes:
        raise ConfirmationRefused("--yes is refused for a destructive proposal: nothing was done",
                                  "Run it without --yes and type what it asks, or run the commands yourself.")
    ask_user = ctx.ask or _read_stdin
    typed = asked.kind == TYPED
    answer = ask_user(f"{asked.question}\n" + (f"Type {asked.expected} to run them: " if typed else "Run? [y/N] "))
    if answer is None:
        raise ConfirmationRefused("this request changes state and needs a confirmation: nothing was done",
                                  "Run it where it can ask, or pass --yes (never for destructive proposals).")
    if typed and answer.strip() != asked.expected:
        raise ConfirmationRefused(f"'{answer.strip()}' does not match {asked.expected}: nothing was done",
                                  f"Type {asked.expected} exactly to confirm.")
    if not typed and answer.strip().lower() not in ("y", "yes"):
        raise ConfirmationRefused("cancelled — nothing was done")


async def _run(ctx: CommandContext, args: argparse.Namespace, proposal: Proposal) -> Result:
    """Each line through its command's handler; stops at the first that fails."""
    from pmpc_tui.commands.render import render
    from pmpc_tui.commands.repl import parse_line

    agreed = {str(t.get("name")) for t in proposal.targets if t.get("name")} if proposal.needs_confirmation \
        else set()
    asker = ctx.ask or _read_stdin

    async def confirm_hook(question: str, expected: str) -> str | None:
        # the user already typed the count for these guests: a handler's own "type the name" is answered
        return expected if expected in agreed else asker(f"{question} Type {expected} to confirm: ")

    ctx.confirm_hook = ctx.confirm_hook or confirm_hook
    texts: list[str] = []
    results: list[dict[str, Any]] = []
    code = 0
    for line in proposal.commands:
        parsed = parse_line(line)
        assert parsed.command is not None and parsed.args is not None  # checked by nl.safety
        ctx.report(f"› {line}")
        result = await parsed.command.load()(ctx, parsed.args)
        text = render(result, "table")
        if text:
            texts.append(text)
        results.append({"command": line, "data": result.data, "exit_code": result.exit_code})
        code = result.exit_code
        if code:
            break
    # -o json/yaml: one line's data as that command gives it; several lines' data each with its line
    data = results[0]["data"] if len(proposal.commands) == 1 else results
    return Result(data=data, message="\n".join(texts), exit_code=code)
