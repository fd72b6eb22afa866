"""A power action is proposed only when the request says it in some word for it, whichever reader proposed it (the
model, a model back end): a reading with no such word is a question, never the action."""

from __future__ import annotations

import difflib
import re
import unicodedata

_ON = r"start|boot|power(?:ed)?\s*(?:it\s+|them\s+)?(?:on|up)|turn\w*\s+(?:\S+\s+){0,3}?on|" \
      r"switch\w*\s+(?:\S+\s+){0,3}?on|\bup\b|wake|spin\w*\s+(?:\S+\s+){0,3}?up|fire\s+(?:\S+\s+){0,3}?up|launch|run|online|resume|going|alive|"
_OFF = r"stop|kill|halt|power\w*\s*(?:it\s+|them\s+)?(?:off|down)|(?:turn|switch)\w*\s+(?:\S+\s+){0,3}?off|" \
       r"\boff\b(?!\s+(?:the|of|from|my|our|a|an|this|that|its|their)\b)|\bdown\b|shut|terminat|" \
       r"plug|hard|force|abort|"
_CYCLE = r"reboot|re-?start|bounc|cycl|reset|kick|recycl|"
_ON_FOREIGN = r"hochfahr|einschalt|anschalt|arranc|inici|enciend|levant|d[ée]marr|lanc|allum|avvi|accend|opstart|" \
              r"aanzet|uruchom|w[łl][aą]cz|startuj"
_OFF_FOREIGN = r"stopp|anhalt|ausschalt|beend|herunterfahr|runterfahr|abschalt|par[ae]|deten|apag|arr[êe]t|[ée]tein|" \
               r"coup|ferm|spegn|uitzet|afsluit|zatrzym|wy[łl][aą]cz|zamknij"
_CYCLE_FOREIGN = r"neu\s*start|reinici|red[ée]marr|riavvi|herstart|zrestartuj|ponownie"
_PAUSE = r"suspend|paus|freez|hibernat|sleep|sospend|pausier|"
_UNPAUSE = r"resum|unpaus|un-?suspend|unfreez|continu|wake|thaw|reanud|repren|ripren|fortsetz|hervat|wzn[oó]w|"
EVIDENCE = {
    "start": _ON + _CYCLE + _UNPAUSE + _ON_FOREIGN + "|" + _CYCLE_FOREIGN,
    "stop": _OFF + _CYCLE + _OFF_FOREIGN,
    "shutdown": _OFF + _CYCLE + _OFF_FOREIGN,
    "reboot": _CYCLE + _ON + _OFF + _CYCLE_FOREIGN + "|" + _ON_FOREIGN + "|" + _OFF_FOREIGN,
    "suspend": _PAUSE + _OFF + _OFF_FOREIGN,
    "resume": _UNPAUSE + _ON + _ON_FOREIGN,
}
EVIDENCE |= {  # the changes a guest keeps a copy of: said as a copy, never inferred ("take care of minio")
    "backup create": r"back\s*-?\s*up|vzdump|dump|archiv|sav|cop(?:y|ie|ia)|sicher|respald|sauvegard|kopi|zabezpiecz|"
                     r"salva|protect|pbs",
    "snapshot create": r"snap|checkpoint|sav|point|instantan|schnappschu|istantane|migawk|freez|before|pre-",
    "clone": r"clon|cop(?:y|ie)|duplic|replic|kopier|copia|kopi|sklonuj|another|second|same\s+as|like\b|from",
}
_FOUND = {verb: re.compile(words, re.IGNORECASE) for verb, words in EVIDENCE.items()}
# the verbs themselves, for typos the words above miss ("strat", "rebot", "shtudown") and their consonants ("rbt")
VERBS = {"start": ("start", "boot", "restart", "reboot"), "stop": ("stop", "halt", "kill", "shutdown", "reboot"),
         "shutdown": ("shutdown", "stop", "halt", "reboot"), "reboot": ("reboot", "restart", "start", "stop"),
         "suspend": ("suspend", "pause"), "resume": ("resume", "unpause", "start"), "backup create": ("backup",),
         "snapshot create": ("snapshot",), "clone": ("clone",)}
WHAT = {"backup create": "back up", "snapshot create": "take a snapshot of", "clone": "clone", "start": "start",
        "stop": "stop", "shutdown": "shut down", "reboot": "reboot", "suspend": "pause", "resume": "resume"}


# a request led by a read's verb ("get …", "which …"): its tags are a filter, never tags to set (nl18)
READ_LEAD = re.compile(r"^\W*(?:@\S+\s+)?(?:please\s+|pls\s+)?(?:get|list|show|find|fetch|display|which|what|count)\b")


def _skeleton(word: str) -> str:
    return re.sub(r"[aeiou]", "", word)


def _misspelt(text: str, verb: str) -> bool:
    """Whether a word of `text` is one of `verb`'s verbs misspelt or without its vowels."""
    words = re.findall(r"[a-z]+", text.lower())
    return any(difflib.SequenceMatcher(None, w, v).ratio() >= 0.75 or (len(w) >= 3 and w == _skeleton(v))
               for w in words for v in VERBS[verb])


def unsaid(text: str, commands: list[str]) -> str | None:
    """Why a proposed power action has no word for it in the request (None when every one has)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = f"{text} {plain}"  # "detén", "arrête", "wyłącz" as written and without their accents
    for line in commands:
        words = line.split()
        if words[:1] == ["set"] and "--tags" in words and READ_LEAD.match(text.lower()):
            return "I am not sure you asked to change tags (a read's tags pick guests); say it in so many words"
        verb = " ".join(words[:2]) if " ".join(words[:2]) in _FOUND else words[0]
        if verb in _FOUND and not _FOUND[verb].search(text) and not _misspelt(text, verb):
            return f"I am not sure you asked to {WHAT[verb]} anything; say it in so many words"
    return None
