"""The one entry point for plain English, whichever front end asks (REPL, palette, `ask`, MCP, `nl.flow`):
guards → parser → a configured model when the parser did not understand → the safety checks.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from pathlib import Path

from pmpc_tui.nl import guards, safety
from pmpc_tui.nl.ground.evidence import unsaid
from pmpc_tui.nl.ground.languages import WHY_LANGUAGE, unread_language
from pmpc_tui.nl.ground.objects import deletes_inside
from pmpc_tui.nl.ground.ops_voice import normalise
from pmpc_tui.nl.ground.orders import asks_to_skip
from pmpc_tui.nl.ground.reversals import opposite
from pmpc_tui.nl.ground.wide_orders import destroys_everything, powers_a_node
from pmpc_tui.nl.parser import parse_request
from pmpc_tui.nl.proposal import Proposal, refused
from pmpc_tui.services.names import Names

Parser = Callable[[str, Names], Proposal]
Note = Callable[[str, str], None]  # (text, "info" | "warning")
_parser: list[Parser] = [parse_request]
log = logging.getLogger(__name__)


def use_parser(parser: Parser) -> None:
    """Replace the offline parser (a learned one, say); the guards and safety checks stay."""
    _parser[0] = parser


def _as_written(lines: list[str], text: str) -> list[str]:
    """Paths, URLs and task ids in the case the request wrote them (the guards read it lower-cased)."""
    out = []
    for line in lines:
        words = line.split()
        for i, word in enumerate(words):
            if re.search(r"[/:]", word) and word.lower() != word.upper():
                bare = word.strip("'\"")
                at = text.lower().find(bare.lower())
                if at >= 0 and bare:
                    words[i] = word.replace(bare, text[at:at + len(bare)])
        line = " ".join(words)
        for quoted in re.findall(r"'([^']+)'", line):  # a description or summary as the request wrote it
            at = text.lower().find(quoted.lower())
            if at >= 0:
                line = line.replace(f"'{quoted}'", f"'{text[at:at + len(quoted)]}'", 1)
        out.append(line)
    return out


def _finish(proposal: Proposal, reading: guards.Reading, text: str, names: Names) -> Proposal:
    proposal.commands = _as_written(proposal.commands, text)
    # what the request is about is read without its exception clause ("except the backup server" is no backup)
    checked = safety.check(proposal, names, reading.text if reading.excluded else text, reading.excluded)
    checked.blueprint = proposal.blueprint if checked.understood else None
    checked = guards.after(checked, reading)
    changed = [t["name"] for t in checked.targets] if checked.needs_confirmation else []
    why = (opposite(text, checked.commands, names, changed) or unsaid(text, checked.commands)
           or deletes_inside(text, checked.commands, names) or powers_a_node(text, checked.commands, names)
           or destroys_everything(checked.commands)) if checked.understood else None
    if why is not None:  # "undo the last apply" is never an apply, "evacuate pve1" never a move onto pve1
        hints = ["history", "list vms"] if "revert" in why else ["list vms"]  # an undo's next step is history
        return refused(why, hints, notes=[f"not proposed: {c}" for c in checked.commands])
    return checked


def _parse(text: str, names: Names, parser: Parser | None) -> Proposal:
    """A command line as written; a blueprint's lines for a multi-step request (nl/blueprints.py); else the
    parser's proposal."""
    from pmpc_tui.commands.registry import READ, risk_of_line
    from pmpc_tui.commands.repl import parse_line
    from pmpc_tui.nl.blueprints import blueprint_request

    try:
        proposal = blueprint_request(text, names) or (parser or _parser[0])(text, names)
    except Exception:  # a request the reader trips on is not understood: nothing is proposed, no traceback
        log.exception("plain English: the reader failed on a request")
        proposal = Proposal([], 0.0, "I could not read that request; say it another way or type the command",
                            suggestions=["/help"])
    line = text.strip()
    # a read-only command line means just that (`ask "snapshot list vm web-01"`); anything riskier is read by
    # the parser like any request, so a typed VMID out of range or a wide digit never becomes a target
    # (and so does a command line that is a dry run: `destroy --dry-run` changes nothing)
    if line.isascii() and (risk_of_line(line) == READ or "--dry-run" in line.split()) and \
            parse_line(line).kind == "command":
        said = line.split()[:2]
        if not proposal.understood or any(c.split()[:2] != said for c in proposal.commands):
            return Proposal([line], 1.0, "the command as written")
    return proposal


def _read(said: str, names: Names) -> tuple[str, guards.Reading]:
    """The request in the parser's words and what the guards read in it. A wish to skip the confirmation is
    looked for in the words as said too: the ops voice drops it before a harmless order, and a destructive line
    proposed beside it is refused whatever word named the action ("roll back X …, without asking for
    confirmation")."""
    text = normalise(said, names)  # ops voice: tickets, Italian/Dutch, numbers in words, questions (nl17i)
    reading = guards.read(text, names)
    reading.skips = reading.skips or asks_to_skip(guards.normalize(said))
    if reading.question is None and unread_language(said):
        reading.question = WHY_LANGUAGE  # a read may still answer; nothing that changes state is proposed
    return text, reading


def propose_offline(text: str, names: Names, parser: Parser | None = None) -> Proposal:
    """The proposal of the offline parser alone, after the guards and the safety checks."""
    text, reading = _read(text, names)
    if reading.refusal is not None:
        return reading.refusal
    return _finish(_parse(reading.text, names, parser), reading, text, names)


async def propose(text: str, names: Names, *, workspace_root: Path | None = None, note: Note | None = None,
                  parser: Parser | None = None) -> Proposal:
    """The proposal for `text`: the offline parser's, or a configured model's when the parser did not
    understand it — every one through the same guards and safety checks."""
    text, reading = _read(text, names)
    if reading.refusal is not None:
        return reading.refusal
    # in a worker thread: the first request loads the model (~0.1-0.2 s), and the event loop of a front end
    # (the console's REPL) must keep drawing and reading keys meanwhile
    proposal = await asyncio.to_thread(_parse, reading.text, names, parser)
    if not proposal.understood and reading.blocked is None:
        proposal = await _ask_model(text, workspace_root, note) or proposal
    return _finish(proposal, reading, text, names)


async def _ask_model(text: str, workspace_root: Path | None, note: Note | None) -> Proposal | None:
    """A configured model's raw proposal (None without one, or when it fails)."""
    from pmpc_tui.nl.backends import ask_model, load_config

    config = load_config(workspace_root)
    if config is None:
        return None
    if note is not None:
        note(f"asking the {config.backend} model…", "info")
    try:
        return await ask_model(config, text, note, workspace_root)
    except Exception as exc:  # a model back end must never take a front end down
        if note is not None:
            note(f"the model did not answer: {exc}", "warning")
        return None
