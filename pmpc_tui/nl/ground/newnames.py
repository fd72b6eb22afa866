"""Names and VMIDs for guests that do not exist yet (create, clone): lists ("app-1 app-2 app-3", "lab-1, lab-2 and
lab-3"), ranges, quoted names, "called/named/for X", and the words the tagger took for guests the cluster lacks."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.slots import NotGrounded
from pmpc_tui.nl.model.runtime import squash

NAME = re.compile(r"[a-z][a-z0-9-]*[a-z0-9]|[a-z]")
NOT_NAMES = frozenset({"a", "an", "the", "it", "vm", "ct", "vms", "cts", "and", "or", "with", "on", "to", "from",
                       "new", "one", "two", "three", "json", "yaml", "well", "container", "containers", "template",
                       "clone", "clones", "linked", "full", "node", "storage", "disk", "named", "called", "as"})


def is_known(g: Grounder, word: str) -> bool:
    """Whether a span names a guest the cluster has (name, VMID or a certain respelling)."""
    w = re.sub(r"^(?:vm|ct|container|the)\s+", "", word.strip().lower()).strip("'\".,;:!?")
    return w in g.lower or w in g.by_vmid or len(g.by_squash.get(squash(w), [])) == 1


def is_name(g: Grounder, word: str) -> bool:
    """Whether a word can be a new guest's name (not a bridge, node, storage or a plain word)."""
    return bool(NAME.fullmatch(word)) and word not in NOT_NAMES and not re.fullmatch(r"vmbr\d+|(?:scsi|virtio|mp)\d+",
                                                                                     word) \
        and word not in {n.lower() for n in [*g.names.nodes, *g.names.storage]}


def listed(g: Grounder, text: str) -> list[str]:
    """A range, or a list of names ("app-1 app-2 app-3", "lab-1, lab-2 and lab-3"), as names."""
    try:
        return g.expand_range(text)
    except NotGrounded:
        parts = [p.strip("'\".:;") for p in re.split(r"[,\s]+|\band\b", text.lower()) if p.strip("'\".:;")]
        return [p for p in parts if is_name(g, p)]


def unknown_guests(g: Grounder, keep_first: bool) -> tuple[list[str], list[str]]:
    """GUEST spans that name nothing the cluster has: (new names, new VMIDs); taken out of the slots.

    `keep_first`: the first span stays a guest (a clone's source, even misspelled, answers for itself)."""
    spans = g.slots.spans.get("GUEST", [])
    keep: list[str] = []
    names: list[str] = []
    vmids: list[str] = []
    for i, span in enumerate(spans):
        word = span.strip().lower()
        bare = re.sub(r"^(?:vm|ct)\s+", "", word)
        if (keep_first and i == 0 and not keep) or is_known(g, span):
            keep.append(span)
        elif bare.isdigit() and 100 <= int(bare) <= 999_999_999:
            vmids.append(bare)
        elif is_name(g, bare):
            names.append(bare)
        else:
            keep.append(span)
    g.slots.spans["GUEST"] = keep
    return names, vmids


def said_name(g: Grounder) -> str | None:
    """A name said in so many words the tagger missed: 'quoted', "called X", "name it X", "for X:", "name: X"."""
    quoted = re.search(r"['\"]([a-z][a-z0-9-]*[a-z0-9])['\"]", (g.slots.text or "").lower())
    if quoted and quoted.group(1) not in g.guests:
        return quoted.group(1)
    words = " ".join(g.slots.words)
    kind = re.search(r"\b(?:create|new|make|add|spin\s+up|set\s+up|provision)\s+(?:me\s+)?(?:a\s+|an\s+)?(?:new\s+)?"
                     r"(?:vm|ct|container|lxc|virtual\s+machine)\s+([a-z][a-z0-9._-]*)", words)
    if kind and is_name(g, kind.group(1)) and not is_known(g, kind.group(1)) and kind.group(1) not in (
            "for", "from", "with", "using", "like", "based", "running", "that", "which"):
        return kind.group(1)  # "create a container jellyfin on nas"
    m = re.search(r"\b(?:called|named|name it|call it|name\s*:|label(?:led)? it|as|for|(?:host)?name)\s+['\"]?"
                  r"([a-z][a-z0-9._-]*)(?:\s*:|\s*,|\s*$|\s+(?:with|on|using|from|and|\d))", words)
    if not m or m.group(1) in g.guests or m.group(1) in NOT_NAMES or m.group(1) in ("me", "us", "backups", "testing"):
        return None
    return m.group(1)


def new_vmid(g: Grounder) -> str | None:
    """A VMID for the new guest: "as vm 140", "-> ct 230", "into 151", "with id 150" (a number no guest has)."""
    words = " ".join(g.slots.words)
    m = re.search(r"(?:\bas|->|\binto|\bto|\bvmid|\bid)\s+(?:vm\s+|ct\s+|vmid\s+|id\s+)?(\d{3,9})\b", words)
    return m.group(1) if m and m.group(1) not in g.by_vmid else None
