"""A question about one guest is a read, never an action: "is minio running or has it been shut down?", "could
somebody check whether the windows VM is powered on or not", "how much RAM has k8s-worker-1 been given?" ask
for the guest's state or config (`describe`), whatever power or size words they contain.

Only a request that is the question and nothing more is read so: anything after it ("…, and if not start it")
leaves the request to the other rules (and the guards).
"""

from __future__ import annotations

import re

GREETING = r"(?:(?:hey|hi|quick\s+question|question|q|sorry|just\s+checking|btw|also|so|ok|okay)\s*[,:-]?\s+)*"
CHECK = (r"(?:(?:could|can|would|will)\s+(?:you|somebody|someone|anyone|u)\s+(?:please\s+|pls\s+|quickly\s+)?"
          r"(?:check|see|find\s+out|tell\s+me|confirm|verify|look)\s+(?:whether|if)\s+|"
          r"(?:please\s+|pls\s+)?(?:check|see|find\s+out|tell\s+me|confirm|verify)\s+(?:whether|if)\s+|"
          r"(?:do\s+you\s+know|any\s+idea)\s+(?:whether|if)\s+)")
OPENER = rf"{GREETING}{CHECK}?"
STATE = (r"(?:still\s+|currently\s+|actually\s+|even\s+|already\s+)?(?:running|up|on|online|stopped|off|down|offline|"
         r"powered\s+(?:on|off|up|down)|shut\s*down|started|alive|paused|suspended|booted|reachable)")
# what may follow the state in the same question: "or not", "or has it been shut down", "right now"
TAIL = (r"(?:\s*,?\s*(?:right\s+now|at\s+the\s+moment|now|currently))?"
        r"(?:\s*,?\s*or\s+(?:not|(?:has|is|was)\s+it\s+(?:been\s+)?\S+(?:\s+(?:down|off|up))?|"
        r"(?:is\s+it\s+|it'?s\s+)?(?:stopped|off|down|running|up|on|paused)))?\s*[?.!]*\s*$")
IS_STATE = re.compile(rf"^{OPENER}(?:is|are|was)\s+(?P<g>.+?)\s+{STATE}{TAIL}", re.IGNORECASE)
WHETHER_STATE = re.compile(rf"^{GREETING}{CHECK}(?P<g>.+?)\s+(?:is|was|'s)\s+{STATE}{TAIL}", re.IGNORECASE)
HAS_BEEN = re.compile(rf"^{OPENER}(?:has|have)\s+(?P<g>.+?)\s+been\s+(?:shut\s*down|stopped|started|rebooted|"
                      rf"restarted|powered\s+(?:on|off|down|up)|suspended|paused)(?:\s+(?:yet|already))?{TAIL}",
                      re.IGNORECASE)
HOW_MUCH = re.compile(r"^(?:so\s+)?how\s+(?:much|many)\s+(?:ram|memory|mem|cores?|v?cpus?|disk(?:\s+space)?|storage|"
                      r"space)\s+(?:has|does|did|is|got)\s+(?P<g>.+?)\s+(?:been\s+)?(?:given|got|get|have|has|using|"
                      r"use|allocated|assigned|configured\s+with|with)(?:\s+(?:right\s+now|at\s+the\s+moment|now|"
                      r"currently))?\s*[?.!]*\s*$", re.IGNORECASE)
WHAT_OF = re.compile(r"^(?:so\s+)?what(?:'s|\s+is)\s+the\s+(?:state|status|"
                     r"power\s+state)\s+of\s+(?P<g>.+?)\s*[?.!]*\s*$",
                     re.IGNORECASE)
# the phrase a guest is named by: a few words, none of them a verb of an order or a list
NOT_A_GUEST = re.compile(r"\b(?:all|every|everything|any|anything|which|what|there|vms|cts|containers|guests|"
                         r"machines|nodes|it|they|this|that|start|stop|reboot|delete|and|if|then)\b", re.IGNORECASE)


def as_describe(text: str) -> str | None:
    """"status of GUEST" (a describe) for a request that is only a question about one guest's state or size."""
    clean = text.strip().replace("\u2019", "'")
    for pattern in (IS_STATE, HAS_BEEN, HOW_MUCH, WHAT_OF, WHETHER_STATE):
        m = pattern.match(clean)
        if m is None:
            continue
        guest = m.group("g").strip(" ,")
        if len(guest.split()) > 6 or NOT_A_GUEST.search(guest):
            return None
        return f"status of {guest}"
    return None
