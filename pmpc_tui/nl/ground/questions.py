"""A question about one guest is a read, never an action: "is minio running or has it been shut down?", "could
somebody check whether the windows VM is powered on or not", "how much RAM has k8s-worker-1 been given?" ask
for the guest's state or config (`describe`), whatever power or size words they contain.

The clause reader (`clauses.py`) says what is asked: only a request made of that question (and an order to check,
see or tell it, or a greeting) is read so; anything else beside it ("…, and if not start it") leaves the request to
the other rules and the guards. Here only the guest is found in the question.
"""

from __future__ import annotations

import re

from pmpc_tui.nl.ground import clauses
from pmpc_tui.nl.ground.clauses import INTERROGATIVE, NOMINAL, ORDERING

STATE = (r"(?:still\s+|currently\s+|actually\s+|even\s+|already\s+)?(?:running|up|on|online|stopped|off|down|offline|"
         r"powered\s+(?:on|off|up|down)|shut\s*down|started|alive|paused|suspended|booted|reachable)")
# what may follow the state in the same question: "or not", "or has it been shut down", "right now"
TAIL = (r"(?:\s*,?\s*(?:right\s+now|at\s+the\s+moment|now|currently))?"
        r"(?:\s*,?\s*or\s+(?:not|(?:has|is|was)\s+it\s+(?:been\s+)?\S+(?:\s+(?:down|off|up))?|"
        r"(?:is\s+it\s+|it'?s\s+)?(?:stopped|off|down|running|up|on|paused)))?\s*[?.!]*\s*$")
# the guest in each shape of question, its opener already read by the clause reader
IS_STATE = re.compile(rf"^(?:is|are|was)\s+(?P<g>.+?)\s+{STATE}{TAIL}")
WHETHER_STATE = re.compile(rf"^(?:whether|if)\s+(?P<g>.+?)\s+(?:is|was|'s)\s+{STATE}{TAIL}")
HAS_BEEN = re.compile(rf"^(?:has|have)\s+(?P<g>.+?)\s+been\s+(?:shut\s*down|stopped|started|rebooted|restarted|"
                      rf"powered\s+(?:on|off|down|up)|suspended|paused)(?:\s+(?:yet|already))?{TAIL}")
HOW_MUCH = re.compile(r"^how\s+(?:much|many)\s+(?:ram|memory|mem|cores?|v?cpus?|disk(?:\s+space)?|storage|space)\s+"
                      r"(?:has|does|did|is|got)\s+(?P<g>.+?)\s+(?:been\s+)?(?:given|got|get|have|has|using|use|"
                      r"allocated|assigned|configured\s+with|with)(?:\s+(?:right\s+now|at\s+the\s+moment|now|"
                      r"currently))?\s*[?.!]*\s*$")
WHAT_OF = re.compile(r"^what(?:'s|\s+is)\s+the\s+(?:state|status|power\s+state)\s+of\s+(?P<g>.+?)\s*[?.!]*\s*$")
# an order that only asks to find the answer out ("could somebody check", "do you know")
TO_CHECK = {"check", "see", "find", "tell", "confirm", "verify", "look", "know"}
# the phrase a guest is named by: a few words, none of them a verb of an order or a list
NOT_A_GUEST = re.compile(r"\b(?:all|every|everything|any|anything|which|what|there|vms|cts|containers|guests|"
                         r"machines|nodes|it|they|this|that|start|stop|reboot|delete|and|if|then)\b")
_OPENER = re.compile(r"^(?:(?:so|ok(?:ay)?|also|btw|and)\s+)+")


def as_describe(text: str) -> str | None:
    """"status of GUEST" (a describe) for a request that is only a question about one guest's state or size."""
    clean = text.strip().replace("\u2019", "'").lower()
    parts = clauses.read(clean)
    asked = [c for c in parts if c.mood == INTERROGATIVE]
    others = [c for c in parts if c.mood != INTERROGATIVE and not re.fullmatch(r"\W*or\s+not\W*", c.text)]
    if not asked or any(c.start > asked[0].start for c in others) or \
            not all(_opening(c) for c in others if c.start < asked[0].start):
        return None
    for clause in asked:  # "do you know | if pihole is running": the question may open after another
        question = _OPENER.sub("", clean[clause.start:].strip())
        for pattern in (IS_STATE, HAS_BEEN, HOW_MUCH, WHAT_OF, WHETHER_STATE):
            m = pattern.match(question)
            if m is None:
                continue
            guest = m.group("g").strip(" ,")
            if len(guest.split()) > 6 or NOT_A_GUEST.search(guest):
                return None
            return f"status of {guest}"
    return None


def _opening(clause: clauses.Clause) -> bool:
    """Whether a clause before the question only opens it: a greeting, or an order to check, see or tell."""
    if clause.mood in ORDERING and clauses.lead(clause.text) in TO_CHECK:
        return True
    return clause.mood == NOMINAL and len(clause.text.split()) <= 3 and not re.search(r"\d|-", clause.text)
