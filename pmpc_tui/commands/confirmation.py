"""Whether a command needs a confirmation, and of which kind, decided from its risk class alone.

Every front end asks this module (console keys, the REPL, MCP, plain English): read and change run at once,
disruptive asks yes/no, destructive lists every target and asks to type the name (one target) or the count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pmpc_tui.commands.registry import CHANGE, DESTRUCTIVE, DISRUPTIVE, READ, risk_of_line

NONE, YES_NO, TYPED = "none", "yes/no", "typed"
_KINDS = {READ: NONE, CHANGE: NONE, DISRUPTIVE: YES_NO, DESTRUCTIVE: TYPED}


@dataclass(frozen=True)
class Target:
    """One thing a command acts on: a guest's VMID and name, or a resource's address."""

    ident: str
    name: str = ""

    @property
    def label(self) -> str:
        return f"{self.ident} ({self.name})" if self.name else self.ident


@dataclass(frozen=True)
class Confirmation:
    """The question to ask before a command: its kind, its text, and what to type for a typed one."""

    kind: str
    question: str
    expected: str | None = None


def confirmation_kind(command: str) -> str:
    """NONE, YES_NO or TYPED for the command `command` — a name, or a whole line whose action decides
    (`snapshot create …` runs at once, `snapshot delete …` is typed) — from its risk class (unknown: NONE)."""
    return _KINDS.get(risk_of_line(command), NONE)


def needs_confirmation(command: str) -> bool:
    """True when `command` must not run before the user agreed (disruptive or destructive)."""
    return confirmation_kind(command) != NONE


def target_list(targets: Sequence[Target]) -> str:
    """Every target, one per line, as a destructive question shows them."""
    return "\n".join(f"  • {t.label}" for t in targets)


def confirmation_for(command: str, targets: Sequence[Target], question: str | None = None) -> Confirmation | None:
    """The confirmation before `command` on `targets`, or None when it runs at once.

    `question` is the front end's wording naming one target (such as "Stop VM 101 (web) now?"); with several
    targets every one is listed below it; a typed answer is the name (one target) or the count (several)."""
    kind = confirmation_kind(command)
    if kind == NONE:
        return None
    one = len(targets) == 1
    text = question or (f"{command.capitalize()} {targets[0].label}?" if one
                        else f"{command.capitalize()} these {len(targets)}?")
    if not one:  # the question names a single target itself
        text = f"{text}\n{target_list(targets)}"
    if kind == YES_NO:
        return Confirmation(YES_NO, text)
    return Confirmation(TYPED, text, (targets[0].name or targets[0].ident) if one else str(len(targets)))


def refusal(command: str, targets: Sequence[Target]) -> str | None:
    """Why a front end without a dialog (MCP) refuses `command` without confirm=true, naming every target."""
    kind = confirmation_kind(command)
    if kind == NONE:
        return None
    what = "interrupts" if kind == YES_NO else "can delete"
    names = "; ".join(t.label for t in targets) or "nothing in the cluster now"
    return (f"{command} {what} {names}: show this to the user, then call again with confirm=true "
            "after the user agreed")
