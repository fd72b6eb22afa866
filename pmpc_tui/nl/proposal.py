"""What plain English proposes: command lines, their targets, the risk from the registry, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pmpc_tui.commands.registry import CHANGE, DESTRUCTIVE, DISRUPTIVE, READ

if TYPE_CHECKING:
    from pmpc_tui.nl.blueprints import BlueprintProposal

RISK_ORDER = (READ, CHANGE, DISRUPTIVE, DESTRUCTIVE)  # a proposal's risk is the highest of its lines'
Target = dict[str, Any]  # {"kind": "vm"|"ct", "vmid": int|None, "name": str, "node": str}


def highest(risks: list[str]) -> str:
    """The highest risk class of `risks` (read when empty)."""
    return max(risks, key=RISK_ORDER.index, default=READ)


@dataclass
class Proposal:
    """Command lines a request stands for, with a confidence and an explanation; after the safety checks
    (`nl.safety`) also its targets and the risk class the registry gives its lines."""

    commands: list[str]
    confidence: float
    explanation: str
    risk: str = READ
    suggestions: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the safety checks dropped or left out, and why
    blueprint: BlueprintProposal | None = None  # a multi-step request: nl/blueprint_flow.py carries it out

    @property
    def safety(self) -> str:
        """The risk class (the name older callers use)."""
        return self.risk

    @property
    def needs_confirmation(self) -> bool:
        """True when anything in it changes state: the user is asked first."""
        return self.risk != READ

    @property
    def understood(self) -> bool:
        return bool(self.commands) and self.confidence >= 0.5

    def as_json(self) -> dict[str, Any]:
        """The proposal as `ask --explain` and the MCP tool show it."""
        return {"understood": self.understood, "commands": list(self.commands) if self.understood else [],
                "targets": [dict(t) for t in self.targets] if self.understood else [],
                "risk": self.risk if self.understood else READ,
                "needs_confirmation": self.needs_confirmation if self.understood else False,
                "confidence": round(self.confidence, 2), "explanation": self.explanation}


def refused(explanation: str, suggestions: list[str] | None = None, notes: list[str] | None = None) -> Proposal:
    """A proposal that carries nothing out, saying why."""
    return Proposal([], 0.0, explanation, READ, suggestions=suggestions or [], notes=notes or [])
