"""A command quoted inside something the user writes or passes on (a postmortem, a ticket note, an email) is text,
never an order: 'in the postmortem, write that "stop all vms" was the wrong call' runs nothing (nl18)."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.clause_words import QUOTE
from pmpc_tui.nl.ground.orders import ACTION

# verbs that write, note or pass text on
WRITING = re.compile(r"\b(?:write|wrote|writ\w*|note|notes|jot\w*|document\w*|record\w*|log|logs|add|put|post\w*|"
                     r"e-?mail\w*|mail|send|tell|say|said|mention\w*|quote|paste|cite|comment\w*|reply|replies|"
                     r"answer|tweet|message|append|insert|draft\w*|type\s+up|update\s+the\s+(?:ticket|wiki|doc\w*|"
                     r"notes|runbook|postmortem|changelog))\b")
# a quoted text shaped like an order: its first word is an action ("stop all vms", 'reboot web-01 fixed it')
QUOTED_ORDER = re.compile(r"^\W*(?:please\s+)?(?:" + ACTION.pattern + r")\s+\S")
# a command that takes the quote as its own text (an issue report's summary, a guest's description): not refused here
OWN_TEXT = re.compile(r"\b(?:issue|bug|support|bundle|report-issue|summary|description|desc|title)\b")
WHY_WRITTEN = ("the quoted command is text you are writing or passing on, not an order: nothing was run (notes, "
               "tickets and messages are not written by proxmox-mpc; to run it, say the command on its own)")


def quoted_in_writing(clean: str) -> bool:
    """Whether the request (lower case) quotes an order inside something it writes, with no order outside it."""
    quotes = [m for m in QUOTE.finditer(clean) if QUOTED_ORDER.search(m.group(0).strip("\"'\u201c\u201d\u00ab\u00bb"))]
    if not quotes:
        return False
    outside = QUOTE.sub(" ", clean)
    return bool(WRITING.search(outside)) and not ACTION.search(outside) and not OWN_TEXT.search(outside)
