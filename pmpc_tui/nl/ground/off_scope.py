"""Requests no registry command answers, refused before any parsing (read by `nl/guards.py`).

Buying or ordering hardware ("order more RAM for pve3 from the supplier") is no cluster command, and command-line
flags that skip the confirmation ("… --yes", "-y") are never taken from plain English: the confirmation that lists
every target is always asked.
"""

from __future__ import annotations

import re

PURCHASE = re.compile(r"\b(?:order|buy|purchase|procure|requisition)\s+(?:(?:some|more|new|a|an|another|extra|of|"
                      r"\d+(?:\s*(?:gb|g|tb|t|gigs?))?)\s+)*(?:ram|memory|dimms?|disks?|drives?|ssds?|nvmes?|hdds?|hardware|servers?|nodes?|"
                      r"licen[cs]es?|subscriptions?|cpus?|nics?|switch(?:es)?)\b")
SKIP_CONFIRMATION = re.compile(r"(?:^|\s)(?:--yes|--assume-yes|-y|--force-yes|--no-confirm)(?=\s|$|[,.;!?])")
WHY_PURCHASE = "buying or ordering hardware is nothing proxmox-mpc does (nothing was done)"
WHY_FLAGS = ("plain English never skips the confirmation: flags such as --yes are not taken from a request; say what "
             "to do and confirm it (nothing was done)")


def why_out_of_scope(clean: str) -> str | None:
    """Why the request (lower case) is refused before parsing, or None."""
    if PURCHASE.search(clean):
        return WHY_PURCHASE
    if SKIP_CONFIRMATION.search(clean):
        return WHY_FLAGS
    return None
