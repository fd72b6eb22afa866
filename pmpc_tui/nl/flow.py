"""Plain English end to end: parse (the offline parser, then a configured model), confirm, run.

Front ends supply only the conversation: how to show a note, how to ask yes/no, how to run one command.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.nl.parser import Proposal, parse_request
from pmpc_tui.services.names import Names

if TYPE_CHECKING:
    from pmpc_tui.services.session import Session

Note = Callable[[str, str], None]  # (text, "info" | "warning")


async def understand(text: str, names: Names, workspace_root: Path | None, note: Note) -> Proposal:
    """The offline parser's proposal; when it does not understand, a configured model's (checked) instead."""
    from pmpc_tui.nl.blueprints import blueprint_request

    if (blueprint := blueprint_request(text, names)) is not None:  # a multi-step request (nl/blueprints.py)
        return blueprint
    proposal = parse_request(text, names)
    if proposal.understood:
        return proposal
    from pmpc_tui.nl.backends import ask_model, load_config

    config = load_config(workspace_root)
    if config is None:
        return proposal
    note(f"asking the {config.backend} model…", "info")
    try:
        return await ask_model(config, text, note, workspace_root)
    except Exception as exc:  # a model back end must never take a front end down
        note(f"the model did not answer: {exc}", "warning")
        return proposal


def question(proposal: Proposal) -> str | None:
    """The yes/no question before a proposal that changes something (every command when one is destructive)."""
    from pmpc_tui.commands.confirmation import NONE, TYPED, confirmation_kind

    kinds = {confirmation_kind(c.strip().split()[0]) for c in proposal.commands if c.strip()}
    if not proposal.needs_confirmation and kinds <= {NONE}:
        return None
    shown = proposal.commands if TYPED in kinds else proposal.commands[:5]  # destructive: every target
    return f"Run {len(proposal.commands)} command(s)? " + "; ".join(shown)


async def carry_out(proposal: Proposal, confirm: Callable[[str], Awaitable[bool]],
                    run: Callable[[str, bool], Awaitable[None]], *, session: Session | None = None,
                    show: Callable[[str], None] | None = None) -> bool:
    """Ask once when the proposal changes something, then run its commands in order; False when declined.

    `run(command, ask)` runs one command line; `ask` is False when the user already agreed to all of them.
    A blueprint's proposal is written, validated, planned and applied in `session` (nl/blueprint_flow.py)."""
    if proposal.blueprint is not None:
        from pmpc_tui.nl.blueprint_flow import carry_out_in_front_end
        return await carry_out_in_front_end(proposal.blueprint, session, confirm, show)
    asked = question(proposal)
    if asked is not None and not await confirm(asked):
        return False
    for command in proposal.commands:
        await run(command, asked is None)
    return True
