"""A selection's qualifier the grounding cannot read ("all the flux nodes", "every guest in the blue pool") is a
question, never dropped: dropping it would widen the request to every guest."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.slots import NotGrounded

HEAD = r"(?:vms?|cts?|containers?|guests?|machines?|servers?|nodes?|boxes|box|instances?|ones|hosts?|lxcs?)"
# "all the running linux vms": words that qualify a selection without picking guests by name
PLAIN = frozenset({"the", "my", "our", "your", "his", "her", "their", "those", "these", "of", "other", "remaining",
                   "current", "existing", "live", "running", "stopped", "paused", "suspended", "online", "offline",
                   "idle", "active", "inactive", "powered", "on", "off", "up", "down", "started", "virtual", "lxc",
                   "lxcs", "qemu", "kvm", "proxmox", "pve", "linux", "guest", "vm", "ct", "container"})
BEFORE = re.compile(rf"\b(?:all|every|each)\s+(?:of\s+)?((?:[\w.-]+\s+){{1,3}}?){HEAD}\b")
TAGGED = re.compile(r"\b(?:tagged|labell?ed|marked)\s+(?:with\s+|as\s+)?(?:the\s+)?(?:tags?\s+)?(?:['\"]\s*)?([\w.-]+)")
GROUPED = re.compile(r"\b(?:in|from|of|on|inside|within)\s+(?:the\s+)?([\w.-]+)\s+(cluster|pool|group|stack|"
                     r"environment|env|project|namespace|rack|site|datacenter|dc|zone|segment|vlan|team)\b")


def said_tag(words: list[str], tags: set[str]) -> str | None:
    """A known tag said after "tagged" that the tagger missed (quoted: "everything tagged 'monitoring'")."""
    found = TAGGED.search(" ".join(words))
    return found.group(1) if found and found.group(1) in tags else None


def check_qualifiers(words: list[str], known: set[str], parts: set[str], action: str, tag: str | None) -> list[str]:
    """The name parts a selection narrows by ("all the k8s worker vms": worker); NotGrounded when it says a
    qualifier that is no tag, node, state, kind or part of a guest's name."""
    text = " ".join(words)
    narrowing = []
    for m in BEFORE.finditer(text):
        said = [w for w in m.group(1).split() if w not in PLAIN and not w.isdigit()]
        unknown = [w for w in said if w not in known and w not in parts]
        if unknown:
            _ask(" ".join(unknown), action)
        narrowing += [w for w in said if w not in known]
    for m in TAGGED.finditer(text):  # "everything tagged 'prod db'": the tag said must be the one selected by
        if not tag or m.group(1) != tag.lower():
            _ask(m.group(1), action)
    for m in GROUPED.finditer(text):
        if m.group(1) not in known:
            _ask(f"{m.group(1)} {m.group(2)}", action)
    return narrowing


def _ask(phrase: str, action: str) -> None:
    raise NotGrounded(f"I don't know which guests '{phrase}' picks, so I would {action} more than you asked for: "
                      "name them, or select by tag, node or state",
                      [f"{action} vm NAME", "list vms -l tag=TAG", f"{action} every vm on NODE"])
