"""What a deletion deletes: the guest itself ("delete dev-sandbox", "get rid of the old test vm", "nuke it"), never
something inside or about it ("drop the tables in db-01", "wipe the cache of grafana", "remove web-01 from the load
balancer") — proxmox-mpc cannot do those, and deleting the guest instead would be the worst reading."""

from __future__ import annotations

import re

from pmpc_tui.services.names import Names

CUE = re.compile(r"\b(?:delet\w*|remov\w*|wip\w*|eras\w*|drop\w*|purg\w*|get\s+rid\s+of|getting\s+rid\s+of|nuk\w*|"
                 r"trash\w*|destroy\w*|scrap\w*|decommission\w*|blow\s+away|rm)\b")
# words that may stand between the verb and the guest it deletes
PLAIN = frozenset({
    "the", "a", "an", "this", "that", "these", "those", "my", "our", "your", "old", "unused", "stale", "test", "dev",
    "temporary", "temp", "broken", "dead", "orphaned", "leftover", "spare", "extra", "useless", "entire", "whole",
    "both", "all", "every", "each", "of", "vm", "vms", "ct", "cts", "container", "containers", "guest", "guests",
    "machine", "machines", "box", "boxes", "server", "servers", "instance", "instances", "lxc", "lxcs", "qemu",
    "virtual", "called", "named", "it", "them", "please", "pls", "now", "completely", "permanently", "for", "good",
    "entirely", "also", "too", "just", "again", "then", "sandbox", "one", "ones", "other", "kvm", "i", "mean", "and",
    "forever", "right", "away", "asap", "already"})
CLAUSE_END = re.compile(r"[,;.!?:]|\b(?:and\s+then|then|but|because|since|so)\b")
FROM_PLACE = re.compile(r"^\s*(?:from|out\s+of|off)\s+(?:(?:the|my|our)\s+)?(\w+)")
WHOLE = frozenset({"cluster", "proxmox", "pve", "homelab", "lab", "server", "host", "node", "datacenter", "disk",
                   "storage", "inventory"})  # "remove dev-sandbox from the cluster" deletes it
PREPOSITIONS = frozenset({"on", "in", "inside", "from", "of", "within", "at", "for", "off", "out"})
WHY = ("that deletes something inside or about {guest} ({what}), which proxmox-mpc cannot do from plain English — "
       "deleting {guest} itself would be `delete {kind} {guest}`, said in so many words")


def _said(text: str, names: Names) -> list[tuple[int, int, str]]:
    """Where the request names guests: (start, end, name)."""
    found = []
    for name, facts in names.guests.items():
        for ident in (name.lower(), str(facts[1])):
            found += [(m.start(), m.end(), name) for m in re.finditer(rf"(?<![\w-]){re.escape(ident)}(?![\w-])", text)]
    return sorted(found)


def deletes_inside(text: str, commands: list[str], names: Names) -> str | None:
    """Why a `delete` line deletes the guest where the request deletes something in it (None when it does not)."""
    lines = [c for c in commands if c.split()[:1] == ["delete"]]
    if not lines:
        return None
    said = text.lower()
    if any("--purge" in c.split() for c in lines):  # "purge it from backup jobs": what --purge does
        said = re.sub(r"\b(?:from|of|in|out\s+of)\s+(?:the\s+|all\s+|any\s+)?(?:backup\s+)?(?:jobs?|replication|ha)\b",
                      " ", said)
    guests = _said(said, names)
    for cue in CUE.finditer(said):
        after = [g for g in guests if g[0] >= cue.end()]
        end = CLAUSE_END.search(said, cue.end())
        stop = min([after[0][0]] if after else [], default=end.start() if end else len(said))
        if end and end.start() < stop:
            stop = end.start()
        between = [w for w in re.findall(r"[a-z][a-z'-]*", said[cue.end():stop]) if w not in PLAIN]
        guest = (after[0][2] if after else (guests[-1][2] if guests else "the guest"))
        kind = next((c.split()[1] for c in lines), "vm")
        if between:
            what = " ".join(w for w in between if w not in PREPOSITIONS)[:40] or " ".join(between)
            return WHY.format(guest=guest, what=what, kind=kind)
        if after:
            owned = re.match(r"^(?:'s|s'|’s)\s+([a-z][\w-]*)", said[after[0][1]:])  # "delete dev-sandbox's cache"
            if owned and owned.group(1) not in PLAIN:
                return WHY.format(guest=guest, what=owned.group(1), kind=kind)
            place = FROM_PLACE.match(said[after[0][1]:])
            if place and place.group(1) not in WHOLE and not re.fullmatch(r"pve\d*|node\d*", place.group(1)):
                return WHY.format(guest=guest, what=f"from {place.group(1)}", kind=kind)
    return None
