"""Conditions on a guest's own state that its power action makes true anyway: carried out as the plain action.

"if dev-sandbox is off, start it", "restart pihole only if it's running", "is web-01 up? if so stop it": starting a
guest that already runs changes nothing, and neither does stopping a stopped one, so the condition asks for nothing
the action would not do. Every other condition (on another guest, on load, on time, on a backup …) stays refused by
the guards: proxmox-mpc cannot wait for or check a condition on the user's behalf.
"""

from __future__ import annotations

import re

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
_THEN = r"\s*,?\s*(?:then\s+|just\s+|please\s+|pls\s+|go\s+ahead\s+and\s+)*"
# "if dev-sandbox is off, start it", "only when minio is stopped, start minio"
FIRST = re.compile(rf"^(?:only\s+)?(?:if|when)\s+([\w.-]+){_BE}\s+{_STATE}{_THEN}{_VERB}(?:\s+{_OBJECT})?$")
# "restart pihole only if it's running", "stop web-01 if it is up"
AFTER = re.compile(rf"^(?:please\s+|pls\s+)?{_VERB}(?:\s+{_OBJECT})?\s*,?\s*(?:but\s+)?(?:only\s+)?(?:if|when)\s+"
                   rf"(it|they|[\w.-]+){_BE}\s+{_STATE}$")
# "is web-01 up? if so, stop it"
ASKED = re.compile(rf"^(?:is|are)\s+([\w.-]+)\s+{_STATE}\s*\??\s*,?\s*(?:if\s+so|if\s+yes|then|and\s+if\s+so)"
                   rf"{_THEN}{_VERB}(?:\s+{_OBJECT})?$")
# "minio is down, bring it up", "web-01 is hung - restart it": the guest's state said first, then the order
STATED = re.compile(rf"^([\w.-]+){_BE}\s+{_STATE}\s*(?:[,.;:!-]+|\s+so|\s+and)\s*(?:so\s+)?{_THEN}{_VERB}"
                    rf"(?:\s+{_OBJECT})?$")
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
    has no such condition (any other condition is the guards' to refuse)."""
    first = FIRST.match(text)
    after = AFTER.match(text) if not first else None
    asked = (ASKED.match(text) or STATED.match(text)) if not (first or after) else None
    if first or asked:
        m = first or asked
        subject, state, verb, obj = m.group(1), m.group(2), m.group(3), m.group(4)  # type: ignore[union-attr]
    elif after:
        verb, obj, subject, state = after.group(1), after.group(2), after.group(3), after.group(4)
    else:
        return None
    command, inner = _command(verb)
    obj = inner or obj
    if subject in _PRONOUNS and after:  # "restart pihole only if it's running": "it" is the guest named before
        subject = obj or ""
    guest = _guest(subject, names)
    if not command or guest is None or FROM_STATE.get(command) != STATE_WORDS[re.sub(r"\s+", " ", state)]:
        return None
    if obj is not None and obj not in _PRONOUNS and _guest(obj, names) != guest:
        return None  # "if web-01 is down, start web-02": a condition on another guest
    return f"{SPOKEN[command]} {guest}"
