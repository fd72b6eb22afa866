"""Requests no registry command answers, refused before any parsing (read by `nl/guards.py`).

Buying or ordering hardware ("order more RAM for pve3 from the supplier") is no cluster command. (A typed "--yes" is
not refused here: the confirmation that lists every target is asked anyway.)
"""

from __future__ import annotations

import re

PURCHASE = re.compile(r"\b(?:order|buy|purchase|procure|requisition)\s+(?:(?:some|more|new|a|an|another|extra|of|"
                      r"\d+(?:\s*(?:gb|g|tb|t|gigs?))?)\s+)*(?:ram|memory|dimms?|disks?|drives?|ssds?|nvmes?|hdds?|"
                      r"hardware|servers?|nodes?|licen[cs]es?|subscriptions?|cpus?|nics?|switch(?:es)?)\b(?!\s+by\b)")
WHY_PURCHASE = "buying or ordering hardware is nothing proxmox-mpc does (nothing was done)"


def why_out_of_scope(clean: str) -> str | None:
    """Why the request (lower case) is refused before parsing, or None."""
    if PURCHASE.search(clean):
        return WHY_PURCHASE
    return None
