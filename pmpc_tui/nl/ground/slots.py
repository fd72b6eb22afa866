"""What grounding works with: the tagger's spans (Slots), its answer (Grounded), and why it cannot answer
(NotGrounded)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

POWER = ("start", "stop", "shutdown", "reboot", "suspend", "resume")
# a selector leaves out guests already in the state the action leads to
WANTED = {"start": ("stopped",), "resume": ("paused",), "stop": ("running", "paused"), "shutdown": ("running",),
          "reboot": ("running",), "suspend": ("running",)}
# intents whose guest names must match for certain: they delete or cannot be undone
EXACT_ONLY = frozenset({"delete", "template", "backup_restore", "snapshot_rollback", "snapshot_delete",
                        "disk_delete", "disk_detach",
                        "disk_move"})
WHAT = {"start": "start", "stop": "stop (hard)", "shutdown": "shut down", "reboot": "reboot", "suspend": "pause",
        "resume": "resume", "delete": "delete"}


RANGE = re.compile(r"\d\s*(?:\.\.|\bto\b|\bthrough\b|\bthru\b)\s*\S*\d")
SIZE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:gb|g|gigs?|gigas?|gigabytes?|gib|go|mb|mib|megs?|m)\b")

DISKKEY = re.compile(r"(?:scsi|virtio|sata|ide|efidisk|tpmstate|mp|unused)\d+")
UNIT = re.compile(r"gb|gigs?|gigas?|gigabytes?|gib|go|mb|mib|megs?|tb|tib")


class NotGrounded(Exception):
    """A slot names something the cluster does not have, or a required slot is missing."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass
class Slots:
    """The spans the tagger found, by label, in order."""

    spans: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    text: str = ""  # the request as written (a UPID keeps its case and its trailing colon)

    @classmethod
    def from_tags(cls, tokens: list[str], tags: list[str]) -> Slots:
        slots = cls(words=[t.lower() for t in tokens])
        tags = list(tags)
        for i in range(len(tokens) - 1):  # "the windows vm 100 gigs of ram": a number before a unit is a size
            if tags[i] == "B-GUEST" and tokens[i].isdigit() and tags[i + 1].startswith("B-") and \
                    UNIT.fullmatch(tokens[i + 1].lower()):
                tags[i], tags[i + 1] = tags[i + 1], "I-" + tags[i + 1][2:]
        for i, token in enumerate(tokens):  # "delete unused0 of dev-sandbox": a disk key is never a guest
            if tags[i] == "B-GUEST" and DISKKEY.fullmatch(token.lower()):
                tags[i] = "B-DISKKEY"
        current: list[str] = []
        label = ""
        for token, tag in [*zip(tokens, tags, strict=True), ("", "O")]:
            if tag.startswith("I-") and tag[2:] == label:
                current.append(token)
                continue
            if label:
                slots.spans.setdefault(label, []).append(" ".join(current))
            label, current = (tag[2:], [token]) if tag != "O" else ("", [])
        return slots

    def first(self, label: str) -> str | None:
        """The first span labelled `label` (None when tidying left none)."""
        found = self.spans.get(label)
        return found[0] if found else None

    def all(self, label: str) -> list[str]:
        return self.spans.get(label, [])


@dataclass
class Grounded:
    """Command lines and how sure the grounding is (1.0: every name matched exactly)."""

    commands: list[str]
    explanation: str
    certainty: float = 1.0
    suggestions: list[str] = field(default_factory=list)

