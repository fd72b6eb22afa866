"""A guest the request singles out by description ("the windows desktop VM", "the dev sandbox") is named, not picked
by a selector: the safety checks never skip it for being in the wanted state already (a question back is clearer
than "nothing to do" when the request named one guest)."""

from __future__ import annotations

import re

from pmpc_tui.services.names import Names

# words of a selection: a request with one of them picks guests, it does not name one
SELECTION = re.compile(r"\b(all|every|each|everything|tagged|any|ones|those|these|both|vms|cts|containers|guests|"
                       r"machines|servers|boxes|nodes|alle|todas?|todos|tous|toutes|tutte|tutti)\b", re.IGNORECASE)


def singled_out(request: str, commands: list[str], names: Names) -> set[str]:
    """The one guest every line acts on, when the request says no selection word (else nothing)."""
    from pmpc_tui.commands.repl import parse_line
    from pmpc_tui.nl.safety import targets_of

    if SELECTION.search(request) or not commands:
        return set()
    found: set[str] = set()
    for line in commands:
        parsed = parse_line(line)
        if parsed.kind != "command" or parsed.args is None:
            return set()
        found |= {str(t.get("name")) for t in targets_of(parsed.args, names) if t.get("name")}
    return found if len(found) == 1 else set()
