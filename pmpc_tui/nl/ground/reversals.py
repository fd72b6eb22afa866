"""Readings that would do the opposite of what was asked, refused whatever the model said: undoing an apply is no
apply, a node being emptied is where guests leave (never where they go), and nodes are never powered off."""

from __future__ import annotations

import re

from pmpc_tui.services.names import Names

UNDO = re.compile(r"\b(?:revert|undo|un-?do|roll\s*back|rollback|back\s*out|reverse|take\s+back)\b")
APPLIED = re.compile(r"\b(?:appl(?:y|ied)|deploy\w*|rollout|roll-out|release|commit|changes?|last\s+run|"
                     r"what\s+(?:you|i|we)\s+(?:just\s+)?(?:did|applied|changed|deployed|pushed))\b")
PREVIOUS = re.compile(r"\b(?:previous|earlier|older|prior|old|last\s+(?:good|known|working|known[- ]good))\s+"
                      r"(?:version|revision|commit|state|code|config\w*)\b|\b(?:yesterday|last\s+week)'?s?\s+"
                      r"(?:version|revision|commit|state|code|config\w*)\b")
EMPTYING = r"(?:evacuat\w*|drain\w*|empty\w*|clear\w*|vacat\w*|maintenance)"
MOVING = re.compile(r"\b(?:mov\w*|migrat\w*|shift\w*|get|take|evacuat\w*|drain\w*|empty\w*|clear\w*|relocat\w*)\b")
NODES_TOO = re.compile(r"\b(?:including|incl\.?|and(?:\s+then)?|then|plus|as\s+well\s+as|also)\s+(?:the\s+|all\s+|"
                       r"both\s+|every\s+)?(?:physical\s+|proxmox\s+|pve\s+)?(?:nodes|hosts|hypervisors|host|node)\b"
                       r"(?!\s*(?:pve|\d))")
BEFORE_NAME = (r"(?:except(?:\s+for)?|excluding|exclude|but\s+not|not|apart\s+from|aside\s+from|besides|"
               r"other\s+than|(?<=(?:,|s|l|g)\s)save|minus|not\s+including|spare|sparing|leave\s+out|leaving\s+out|leave|leaving|skip|skipping|"
               r"without|bar|barring|omit|omitting|ignore|ignoring)\s+(?:the\s+)?(?:vm\s+|ct\s+|guest\s+)?")
AFTER_NAME = (r"\s*(?:\(?\s*(?:is\s+|being\s+)?(?:excluded|not\s+included|aside|left\s+out|stays?|remains?|"
              r"keeps?\s+running|untouched|alone|exempt(?:ed)?|spared|skipped|omitted))\b")
RENAME = re.compile(r"\brenam\w*|\bchange\s+(?:the\s+)?name\b|\bcall\s+it\s+\S+\s+instead\b")
COPY = re.compile(r"\b(?:clon\w*|cop(?:y|ies)|duplicat\w*|replica\w*)\b")
NEW_DISK = re.compile(r"\b(?:add\w*|attach\w*|plug\w*|create\w*|give\s+\S+)\s+(?:it\s+)?(?:a|an|another|one|two|"
                      r"a\s+second|second|new|extra|additional|a\s+new|an\s+extra|an\s+additional)\s+(?:(?:new|extra|second|"
                      r"\d+(?:\.\d+)?\s*\w*|ssd|nvme|data|empty|blank|scsi|virtio|sata)\s+){0,3}(?:disk|drive|volume)s?\b")
WHY_RENAME = ("renaming a guest is an edit of its `name` in the workspace's code, then `plan` and `apply`: plain "
              "English never answers it with a clone (a second guest)")
WHY_NEW_DISK = ("adding a disk is an edit of the guest's `disk` blocks in the workspace's code, then `plan` and "
                "`apply`; `resize` only grows a disk the guest has")
POWER = ("start", "stop", "shutdown", "reboot", "suspend", "resume")
WHY_UNDO = ("undoing an apply is `revert REV`, typed as a command: it restores the code of an earlier revision and "
            "shows its plan (see `history`); plain English never proposes it, and never answers an undo with an apply")
WHY_NODE_POWER = "proxmox-mpc never powers off, reboots or shuts down nodes, only guests: name the guests"


def _nodes_left(text: str, names: Names) -> set[str]:
    """Nodes the request empties: "evacuate pve1", "pve3 into maintenance", "move everything off pve3"."""
    left = set()
    for node in names.nodes:
        n = re.escape(node.lower())
        if re.search(rf"\b{EMPTYING}\s+(?:(?:the\s+)?node\s+)?{n}\b|\b{n}\b(?:\s+\w+){{0,3}}\s+(?:in)?to\s+"
                     rf"(?:\w+\s+)?maintenance|\b(?:off|off\s+of|away\s+from|out\s+of)\s+(?:(?:the\s+)?node\s+)?{n}\b",
                     text):
            left.add(node)
    return left


def _excluded(text: str, names: Names) -> list[str]:
    """Guests the request leaves out in so many words: "except web-02", "web-02 excluded", "save web-02"."""
    out = []
    for name in names.guests:
        n = re.escape(name.lower())
        if re.search(rf"\b{BEFORE_NAME}{n}(?![\w-])|(?<![\w-]){n}{AFTER_NAME}", text):
            out.append(name)
    return out


def opposite(text: str, commands: list[str], names: Names, targets: list[str] | None = None) -> str | None:
    """Why the proposed lines would do the opposite of the request (None when they would not)."""
    verbs = [c.split()[0] for c in commands]
    said = text.lower()
    spared = [n for n in _excluded(said, names) if n in (targets or [])]  # targets of a change, not of a read
    if spared:
        return (f"the request leaves {', '.join(spared)} out, but the reading would act on "
                f"{'it' if len(spared) == 1 else 'them'}: name the guests to act on")
    if "apply" in verbs and "snapshot" not in said and ((UNDO.search(said) and APPLIED.search(said))
                                                        or PREVIOUS.search(said)):
        return WHY_UNDO
    if "clone" in verbs and RENAME.search(said) and not COPY.search(said):
        return WHY_RENAME
    if "resize" in verbs and NEW_DISK.search(said):
        return WHY_NEW_DISK
    named = [n for n in names.guests if re.search(rf"(?<![\w-]){re.escape(n.lower())}(?![\w-])", said)]
    if named and any(v in ("apply", "destroy") for v in verbs):  # the whole workspace, not the guest named
        return (f"`{verbs[0]}` acts on the whole workspace, not only {', '.join(named)}: to change only "
                f"{named[0]}, save a plan for it and apply that — `plan --target {named[0]} --out {named[0]}.plan`, "
                f"then `apply {named[0]}.plan`")
    left = _nodes_left(said, names)
    if left:
        into = [c for c in commands if c.split()[0] == "migrate" and c.split()[3:4] and c.split()[3] in left]
        if into or (MOVING.search(said) and any(v in POWER for v in verbs)):
            nodes = ", ".join(sorted(left))
            return (f"{nodes} is the node the guests should leave: say where each goes (`migrate vm NAME NODE`), "
                    "or list them first (`list vms --node " + sorted(left)[0] + "`)")
    if any(v in POWER for v in verbs) and NODES_TOO.search(said):
        return WHY_NODE_POWER
    return None
