"""Proxmox VE's own command-line tools said in a request ("pct list", "qm clone 100 120 --name X"), in the words the
parser reads: `qm` is about VMs, `pct` about containers, and `qm clone SOURCE NEWID` names the new VMID (nl18)."""

from __future__ import annotations

import re

KIND = {"qm": "vms", "pct": "cts"}
LISTING = re.compile(r"\b(?P<tool>qm|pct)\s+(?:list|ls)\b", re.IGNORECASE)
CLONING = re.compile(r"\b(?P<tool>qm|pct)\s+clone\s+(?P<src>\d{3,9})\s+(?P<new>\d{3,9})\b", re.IGNORECASE)


def in_words(text: str) -> str:
    """The request with `qm`/`pct` listings and clones in plain words."""
    text = LISTING.sub(lambda m: f"list {KIND[m.group('tool').lower()]}", text)
    return CLONING.sub(lambda m: f"clone {KIND[m.group('tool').lower()][:-1]} {m.group('src')} with vmid "
                                 f"{m.group('new')}", text)
