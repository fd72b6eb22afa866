"""From the model's intent and slot spans to registry command lines, checked against the known names.

Guests are resolved by name, VMID or a spelling that names one guest for certain (db01 → db-01); a close
misspelling is accepted only for actions that delete nothing. Nodes and storage must be known ones, sizes
become the registry's units (--memory MiB, --disk GiB), ranges and selectors expand to guests (templates and
guests already in the wanted state left out). What cannot be grounded is not understood, with suggestions.
"""

from __future__ import annotations

from pmpc_tui.commands import registry
from pmpc_tui.nl.ground.cluster import _cluster
from pmpc_tui.nl.ground.create import _create
from pmpc_tui.nl.ground.guest_ops import _guest_op, _set_tags
from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.lists import _list
from pmpc_tui.nl.ground.slots import POWER, Grounded, NotGrounded, Slots
from pmpc_tui.nl.ground.spans import tidy_spans
from pmpc_tui.nl.ground.units import disk_size, gibibytes, mebibytes, number, since
from pmpc_tui.services.names import Names

__all__ = [
    "Grounded",
    "Grounder",
    "NotGrounded",
    "Slots",
    "_set_tags",
    "disk_size",
    "gibibytes",
    "ground",
    "mebibytes",
    "number",
    "safety",
    "since",
]


def ground(intent: str, slots: Slots, names: Names) -> Grounded:
    """Command lines for an intent and its slots (raises NotGrounded)."""
    g = Grounder(names, slots)
    tidy_spans(g, intent)
    if intent == "list":
        out = _list(g)
    elif intent == "create":
        out = _create(g)
    elif intent in (*POWER, "delete", "backup_create", "backup_restore", "describe", "clone", "migrate",
                    "template", "resize",
                    "set") or intent.startswith(("snapshot_", "disk_")):
        out = _guest_op(intent, g)
    else:
        out = _cluster(intent, g)
    out.certainty = g.certainty
    if g.left_out and out.commands:
        out.explanation += "; skipped " + ", ".join(g.left_out)
    return out


def safety(commands: list[str]) -> str:
    """The highest risk class the registry gives the lines (`nl.safety` decides again, from the registry too)."""
    from pmpc_tui.nl.proposal import highest

    return highest([registry.risk_of_line(c) for c in commands if c.strip()])
