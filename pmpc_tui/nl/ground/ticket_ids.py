"""Ticket, change and incident ids are never guest names: "change CHG-2201 is approved", "Ticket #4411:", "INC0012345".

They are taken out of a request before it is read, with the words that introduce them ("ticket", "change",
"per", "ref"), so neither the tagger nor the grounding can take one for a guest, a VMID or a size.
"""

from __future__ import annotations

import re

from pmpc_tui.services.names import Names

# an id of a ticketing system: letters (upper case as written) and a number, or a bare "#number"
TICKET = re.compile(r"(?<![\w#/:.-])(?:[A-Z]{2,6}-?\d{2,}|#\d{2,}|(?:INC|CHG|RITM|REQ|PRB|TASK|SR|"
                    r"CR)\d+)(?![\w/-]|[.:]\w)")
INTRO = (r"(?:(?:our|the|this|per|ref\.?|re:?|see|for|under|as\s+per)\s+)?(?:(?:jira|servicenow|zendesk|support|"
         r"service|ops|change|incident|problem)\s+)?(?:ticket|change|incident|request|case|issue|cr|chg|inc)?\s*")
# "change CHG-2201 is approved", "ticket #4411 is open": the whole clause says nothing to the cluster
APPROVED = re.compile(r"\s*(?:is|was|has\s+been|got)\s+(?:approved|signed\s+off|open|opened|raised|logged|filed)\b",
                      re.IGNORECASE)


def without_tickets(text: str, names: Names) -> str:
    """`text` without the ticket, change and incident ids it quotes (a known guest's name is never one)."""
    known = {n.lower() for n in [*names.guests, *names.nodes, *names.storage]}
    known |= {str(g[1]) for g in names.guests.values()}  # "vm #103" is a VMID

    def drop(m: re.Match[str]) -> str:
        ident = m.group(0).split()[-1] if m.group(0).split() else m.group(0)
        if ident.lower() in known or ident.lstrip("#").lower() in known:
            return m.group(0)
        return " "

    out = re.sub(rf"(?i:{INTRO})(?:{TICKET.pattern})(?:{APPROVED.pattern})?", drop, text)
    if out == text:
        return text  # nothing taken out: the request as written ("gw .1", "./ubuntu.iso", a UPID's last colon)
    out = re.sub(r"\(\s*\)|\[\s*\]", " ", out)
    out = re.sub(r"\s+([,.:;!?])(?=\s|$)", r"\1", re.sub(r"\s{2,}", " ", out))
    return re.sub(r"^[\s,.:;-]+|([,;:])(?=[.!?]?\s*$)|,(?=[.!?])", "", out).strip()
