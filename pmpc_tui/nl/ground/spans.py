"""What the tagger's spans say, tidied before grounding: a name inside quotes is a value (a description), not a
guest; a "range" that is no range ("206 -> 230") is the names in it."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.slots import NotGrounded

VALUE_INTENTS = frozenset({"set", "create", "clone", "snapshot_create", "report-issue"})  # take a quoted text


def tidy_spans(g: Grounder, intent: str) -> None:
    """Fix the spans of `g.slots` in place (see the module's docstring)."""
    spans = g.slots.spans
    if intent not in ("create", "clone") and spans.get("NEWNAME") and not spans.get("GUEST"):
        for name in list(spans["NEWNAME"]):  # "wake up win11": no new guest, but that one
            certainty = g.certainty
            try:
                if not re.search(r"\d", name):
                    continue  # a plain word is a snapshot's or a new guest's name
                g.guest(name, destructive=False)
            except NotGrounded:
                g.certainty = certainty
                continue
            spans["NEWNAME"].remove(name)
            spans.setdefault("GUEST", []).append(name)
    quoted = " | ".join(q for a, b in re.findall(r"'([^']*)'|\"([^\"]*)\"", g.slots.text or "")
                        for q in [a or b] if " " in q.strip()).lower()  # a phrase in quotes, not a quoted name
    # "set the description of minio to 'S3 for backups'": S3 is no guest. Only where a quoted phrase is a value:
    # elsewhere it is the selection ("stop all 'k8s nodes'"), and dropping it would widen the request to everything
    if quoted and intent in VALUE_INTENTS:
        for label in ("GUEST", "RANGE", "TAG"):
            if label in spans:
                spans[label] = [s for s in spans[label]
                                if not re.search(rf"(?<![\w-]){re.escape(s.lower())}(?![\w-])", quoted)]
    ranges = []
    for text in spans.get("RANGE", []):
        try:
            g.expand_range(text)
            ranges.append(text)
        except NotGrounded:  # "206 -> 230", "app-1 app-2": the names in it, each a guest (or a new name)
            words = [w for w in re.findall(r"[\w.-]+", text) if not re.fullmatch(r"-+|to|and|through|thru", w)]
            spans.setdefault("GUEST", []).extend(words)
    if "RANGE" in spans:
        spans["RANGE"] = ranges
    for found in spans.values():  # a quote mark the tagger labelled names nothing
        found[:] = [s for s in found if re.search(r"\w", s)]
    for label in [label for label, found in spans.items() if not found]:
        del spans[label]  # a label tidied down to nothing is no slot
