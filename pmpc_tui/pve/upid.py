"""Parsing of PVE task ids (UPIDs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

UPID_RE = re.compile(
    r"^UPID:(?P<node>[a-zA-Z0-9][a-zA-Z0-9\-.]*):(?P<pid>[0-9A-Fa-f]{8}):(?P<pstart>[0-9A-Fa-f]{8,9}):"
    r"(?P<starttime>[0-9A-Fa-f]{8}):(?P<type>[^:\s]+):(?P<id>[^:\s]*):(?P<user>[^:\s]+):$"
)


@dataclass(frozen=True)
class UPID:
    """The parts of `UPID:node:pid:pstart:starttime:type:id:user:`."""

    node: str
    pid: int
    pstart: int
    starttime: int
    type: str
    id: str
    user: str


def parse_upid(text: str) -> UPID:
    """Split a UPID into its fields; ValueError when it is not one."""
    match = UPID_RE.match(text.strip())
    if not match:
        raise ValueError(f"not a task id (UPID): {text!r}")
    g = match.groupdict()
    return UPID(g["node"], int(g["pid"], 16), int(g["pstart"], 16), int(g["starttime"], 16), g["type"],
                g["id"], g["user"])
