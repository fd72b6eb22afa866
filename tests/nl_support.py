"""Shared by the plain-English tests: the homelab scenario's names and the lines proposed for a request."""

from __future__ import annotations

import sys
from pathlib import Path

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


def lines(text: str) -> list[str]:
    """The command lines proposed for `text`, or [] when it was refused."""
    proposal = propose_offline(text, NAMES)
    return proposal.commands if proposal.understood else []
