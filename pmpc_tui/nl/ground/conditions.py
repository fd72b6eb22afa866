"""Conditions on a guest's own state that its power action makes true anyway: carried out as the plain action.

"if dev-sandbox is off, start it", "restart pihole only if it's running", "is web-01 up? if so stop it": starting a
guest that already runs changes nothing, and neither does stopping a stopped one, so the condition asks for nothing
the action would not do. Every other condition (on another guest, on load, on time, on a backup …) stays refused by
the guards: proxmox-mpc cannot wait for or check a condition on the user's behalf.
"""

from __future__ import annotations

import re

from pmpc_tui.nl.ground import clauses
from pmpc_tui.nl.ground.clauses import CONDITIONAL, DECLARATIVE, IMPERATIVE, INTERROGATIVE
from pmpc_tui.nl.ground.lexicon import FROM_STATE, STATE_WORDS
from pmpc_tui.services.names import Names

# a power verb said with its object ("start it", "shut it down", "turn win11-desktop off") → the registry's command
VERBS = {"start": "start", "boot": "start", "bring back": "start", "bring back up": "start", "power on": "start",
         "turn on": "start", "switch on": "start", "bring up": "start", "fire up": "start", "stop": "stop",
         "kill": "stop", "halt": "stop", "power off": "stop", "turn off": "stop", "switch off": "stop",
         "shut down": "shutdown", "shutdown": "shutdown", "reboot": "reboot", "restart": "reboot", "bounce": "reboot",
         "resume": "resume", "unpause": "resume", "wake up": "resume", "suspend": "suspend", "pause": "suspend"}
SPOKEN = {"start": "start", "stop": "stop", "shutdown": "shut down", "reboot": "reboot", "resume": "resume",
          "suspend": "suspend"}
_VERB = r"(start|boot|stop|kill|halt|shutdown|reboot|restart|bounce|resume|unpause|suspend|pause|" \
        r"(?:power|turn|switch|shut|bring|fire|wake)(?:\s+(?:it|them|[\w.-]+))?\s+(?:on|off|down|up|back(?:\s+up)?))"
_STATE = r"(?:still\s+|currently\s+)?(" + "|".join(sorted((re.escape(s).replace(r"\ ", r"\s+") for s in STATE_WORDS),
                                                          key=len, reverse=True)) + r")"
_OBJECT = r"(it|them|[\w.-]+)"
_BE = r"(?:\s+is|\s+are|'s|s\b|\s+was)"
# the state said of a guest in a clause of its own: "if dev-sandbox is off", "is web-01 up", "minio is down"
STATE_SAID = re.compile(rf"^\W*(?:(?:only\s+)?(?:if|when)\s+)?(?:(?:is|are)\s+(?P<asked>[\w.-]+)|"
                        rf"(?P<g>[\w.-]+){_BE})\s+{_STATE}(?:\s+(?:yet|anymore|any\s+more|right\s+now|now|again))?\W*$")
# the power order in a clause of its own: "start it", "then just stop web-01", "if so, shut it down"
ORDER_SAID = re.compile(rf"^\W*(?:(?:then|just|please|pls|so|and|go\s+ahead\s+and|if\s+so|if\s+yes)\W+)*{_VERB}"
                        rf"(?:\s+{_OBJECT})?\W*$")
_PRONOUNS = ("it", "them", "they")


def _command(verb: str) -> tuple[str, str | None]:
    """(the registry's command, the object said inside the verb: "turn web-01 off" → web-01)."""
    parts = verb.split()
    if len(parts) >= 3 and parts[1] not in ("back", "on", "off", "down", "up"):  # "shut it down", "turn web-01 off"
        return VERBS.get(" ".join([parts[0], *parts[2:]]), ""), parts[1]
    return VERBS.get(" ".join(parts), ""), None


def _guest(word: str | None, names: Names) -> str | None:
    """The guest a word names (its name, or its VMID)."""
    if word is None:
        return None
    for name, facts in names.guests.items():
        if word == name.lower() or word == str(facts[1]):
            return name
    return None


def plain_order(text: str, names: Names) -> str | None:
    """The plain order a request's own-state condition stands for ("start dev-sandbox"), or None when the request
    has no such condition (any other condition is the guards' to refuse). The clause reader says which clause
    states and which orders: a condition and an order in either order ("if X is off, start it", "restart X only if
    it's running"), a question then "if so …" ("is X up? if so stop it"), or the state told first ("X is down,
    bring it back up")."""
    parts = clauses.read(text)
    if len(parts) != 2:
        return None
    first, second = parts
    if first.mood == CONDITIONAL and second.mood == IMPERATIVE:
        state, order, pronoun_is_state = first, second, False
    elif first.mood == IMPERATIVE and second.mood == CONDITIONAL:
        state, order, pronoun_is_state = second, first, True
    elif first.mood in (INTERROGATIVE, DECLARATIVE) and second.mood in (CONDITIONAL, IMPERATIVE) and \
            (first.mood == DECLARATIVE or re.match(r"\W*(?:if\s+(?:so|yes)|then|and\s+if\s+so)\b", second.text)):
        state, order, pronoun_is_state = first, second, False
    else:
        return None
    said, ordered = STATE_SAID.match(state.text), ORDER_SAID.match(order.text)
    if said is None or ordered is None:
        return None
    subject, verb, obj = said.group("asked") or said.group("g"), ordered.group(1), ordered.group(2)
    command, inner = _command(verb)
    obj = inner or obj
    if subject in _PRONOUNS and pronoun_is_state:  # "restart pihole only if it's running": "it" is the guest named
        subject = obj or ""
    guest = _guest(subject, names)
    if not command or guest is None or FROM_STATE.get(command) != STATE_WORDS[re.sub(r"\s+", " ", said.group(3))]:
        return None
    if obj is not None and obj not in _PRONOUNS and _guest(obj, names) != guest:
        return None  # "if web-01 is down, start web-02": a condition on another guest
    return f"{SPOKEN[command]} {guest}"
