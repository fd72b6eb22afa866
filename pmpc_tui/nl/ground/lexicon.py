"""The word tables the guards and the intent corrections share: one home for each (verbs of an action, "not").

`guards.py` reads them to tell what a request forbids or makes conditional, `ground/intents.py` to tell which
action a request says in so many words; both read the same table, so a verb added here counts for both.
"""

from __future__ import annotations

import re

# "don't", "do not", "dont": the negated imperative, in every spelling a chat message uses
NOT = r"(?:don'?t|do\s+not|dont)"

# the stems of each action's verbs (English), matched at the start of a word: "don't reboot …", "if X is off, start it"
ACTION_STEMS = {"stop": r"stop|kill|halt|power\s+off|turn\s+off|shut", "shutdown": r"shut|stop|power\s+off|turn\s+off",
                "reboot": r"reboot|restart|bounce|cycle", "start": r"start|boot|power\s+on|turn\s+on",
                "resume": r"resume|unpause|wake", "suspend": r"suspend|pause",
                "delete": r"delet|remov|destroy|wipe|nuke", "migrate": r"migrat|move", "resize": r"resiz|grow|shrink",
                "apply": r"apply|deploy", "plan": r"plan", "destroy": r"destroy|nuke|wipe", "sync": r"sync",
                "import": r"import", "snapshot": r"snapshot|snap", "backup": r"back\s*up|backup",
                "clone": r"clon"}

# words that destroy something (a guest, a disk, a snapshot, the workspace's resources)
DESTROYING = re.compile(r"\b(delet\w*|remov\w*|destroy\w*|drop\w*|nuke|purg\w*|wipe|rm)\b")

# a power verb as written (English, abbreviated, German, Spanish, French) → the registry's command
POWER_OF = {"start": "start", "stop": "stop", "shutdown": "shutdown", "shut down": "shutdown", "reboot": "reboot",
            "restart": "reboot", "suspend": "suspend", "pause": "suspend", "resume": "resume",
            "strt": "start", "stp": "stop", "rbt": "reboot", "rboot": "reboot", "rebot": "reboot", "restrat": "reboot",
            "stoppe": "stop", "stopp": "stop", "halte": "stop", "starte": "start", "apaga": "shutdown",
            "detén": "stop", "deten": "stop", "arranca": "start", "enciende": "start", "reinicia": "reboot",
            "arrête": "stop", "arrete": "stop", "démarre": "start", "demarre": "start", "redémarre": "reboot",
            "redemarre": "reboot", "éteins": "shutdown", "eteins": "shutdown"}
POWER_WORD = r"(?:" + "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in POWER_OF), key=len,
                                      reverse=True)) + r")"
ABBREVIATED = frozenset({"strt", "stp", "rbt", "rboot", "rebot", "restrat"})

# the state a power action leaves a guest in is no surprise when the guest is in this one first: "if X is off,
# start it" is "start X" (a running X stays running), "restart pihole only if it's running" is "reboot pihole"
FROM_STATE = {"start": "stopped", "resume": "paused", "stop": "running", "shutdown": "running", "reboot": "running",
              "suspend": "running"}
STATE_WORDS = {"stopped": "stopped", "off": "stopped", "down": "stopped", "shut down": "stopped",
               "powered off": "stopped", "not running": "stopped", "offline": "stopped",
               "running": "running", "up": "running", "on": "running", "online": "running", "started": "running",
               "still running": "running", "paused": "paused", "suspended": "paused", "frozen": "paused"}


def power_of(word: str) -> str:
    """The registry's command for a power verb as written ("shut  down" → shutdown)."""
    word = re.sub(r"\s+", " ", word)
    return POWER_OF.get(word, word)
