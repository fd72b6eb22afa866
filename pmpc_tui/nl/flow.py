"""Plain English end to end: propose (`nl.propose`), confirm once, run.

Front ends supply only the conversation: how to show a note, how to ask (yes/no, or type what the
confirmation expects), how to run one command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.commands.confirmation import TYPED, YES_NO, Confirmation
from pmpc_tui.commands.registry import DESTRUCTIVE, DISRUPTIVE, READ, risk_of_line
from pmpc_tui.nl.proposal import Proposal, Target, highest
from pmpc_tui.nl.propose import Note, propose
from pmpc_tui.services.names import Names

if TYPE_CHECKING:
    from pmpc_tui.services.session import Session

__all__ = ["Note", "carry_out", "question", "target_label", "understand"]


async def understand(text: str, names: Names, workspace_root: Path | None, note: Note) -> Proposal:
    """The proposal for `text` (see `nl.propose.propose`)."""
    return await propose(text, names, workspace_root=workspace_root, note=note)


def target_label(target: Target) -> str:
    """`VM 101 (web-01) on pve1`."""
    what = "VM" if target.get("kind") == "vm" else "CT"
    ident = target.get("vmid") or ""
    name = target.get("name") or ""
    label = f"{what} {ident} ({name})" if ident and name else f"{what} {ident or name}"
    return f"{label} on {target['node']}" if target.get("node") else label


def question(proposal: Proposal) -> Confirmation | None:
    """The one confirmation before a proposal that changes state (None: it only reads), listing every command
    and every target. The risk is the registry's for its lines, whatever the proposal says of itself.
    Destructive: type the guest's name (one) or the count (several); disruptive on several guests: type the
    count; otherwise yes/no."""
    if not proposal.understood:
        return None
    risk = highest([risk_of_line(c) for c in proposal.commands] + [proposal.risk])
    if risk == READ:
        return None
    guests = list(proposal.targets)
    lines = [f"Run {len(proposal.commands)} command(s) ({risk})?", *(f"  {c}" for c in proposal.commands)]
    if guests:
        lines += [f"on {len(guests)} guest(s):", *(f"  • {target_label(t)}" for t in guests)]
    text = "\n".join(lines)
    count = len(guests) or len(proposal.commands)
    if risk == DESTRUCTIVE and len(guests) == 1:
        return Confirmation(TYPED, text, str(guests[0].get("name") or guests[0].get("vmid")))
    if risk in (DESTRUCTIVE, DISRUPTIVE) and count > 1:
        return Confirmation(TYPED, text, str(count))
    return Confirmation(YES_NO, text)


async def carry_out(proposal: Proposal, confirm: Callable[[Confirmation], Awaitable[bool]],
                    run: Callable[[str, bool], Awaitable[None]], *, session: Session | None = None,
                    show: Callable[[str], None] | None = None) -> bool:
    """Ask once when the proposal changes something, then run its commands in order; False when declined.

    `confirm(asked)` shows the question (typed ones check the answer); `run(command, ask)` runs one line,
    `ask` False when the user already agreed to all of them. A blueprint's proposal is written, validated,
    planned and applied in `session` behind one confirmation (nl/blueprint_flow.py)."""
    if not proposal.understood:
        return False
    if proposal.blueprint is not None:
        from pmpc_tui.nl.blueprint_flow import carry_out_in_front_end
        return await carry_out_in_front_end(proposal.blueprint, session, confirm, show)
    asked = question(proposal)
    if asked is not None and not await confirm(asked):
        return False
    for command in proposal.commands:
        await run(command, asked is None)
    return True
