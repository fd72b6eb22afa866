"""The clause reader: a request split into clauses, and each clause's mood read from its structure (nl17l).

A clause orders (imperative: a base-form verb first, maybe after "please", "could you", "let's", a name and a
comma), asks (interrogative: an auxiliary before its subject, a question word first, a trailing "?"), tells
(declarative: a subject before its verb, "I'll", "Tom restarted"), sets a condition or a time ("if", "once",
"unless" + a clause), or gives a purpose ("so I can", "in order to"). Only an imperative clause orders an action;
an interrogative one may be answered by a read; the others order nothing. Words are read, never whole phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pmpc_tui.nl.ground.clause_words import (
    AFTER_AUX,
    AGAIN,
    ANNOUNCE,
    AUX,
    BREAK,
    CHOICE,
    CLAUSE,
    CONDITIONAL_OPEN,
    CONNECTOR,
    CONTRACTED,
    CORRECTION,
    DEONTIC,
    DESIRE,
    DETERMINERS,
    ENDORSE,
    FINITE,
    FOREIGN_ASK,
    HEDGE,
    IRREGULAR_PAST,
    KNOWING,
    OPINION_TAG,
    OTHERS_ORDER,
    PARTICIPLES,
    PAST_TIME,
    POLITE,
    POLITE_ABROAD,
    POLITE_ASK,
    PURPOSE_OPEN,
    QUOTE,
    REASON_OPEN,
    REPORTING,
    RETRACTION,
    SCENE_TOLD,
    SUBJECTS,
    SUBJECTS_ABROAD,
    TEMPORAL_OPEN,
    THIRD,
    VERBS,
    WH,
    WHETHER_TO,
)
from pmpc_tui.nl.ground.lexicon import STATE_WORDS

IMPERATIVE, INTERROGATIVE, DECLARATIVE, CONDITIONAL, PURPOSE, NOMINAL, QUOTED, RETRACTED = (
    "imperative", "interrogative", "declarative", "conditional", "purpose", "nominal", "quoted", "retracted")
ORDERING = frozenset({IMPERATIVE, NOMINAL})  # a clause without any verb is an order's ellipsis ("vms on pve2")


@dataclass(frozen=True)
class Clause:
    """One clause of a request: where it is, what it says, and its mood."""

    start: int
    end: int
    text: str
    mood: str
    polite: bool = False
    deliberative: bool = False  # it asks whether to act ("should i reboot it?"), never for the action


def split(text: str) -> list[tuple[int, int]]:
    """The spans of a request's clauses: sentence ends, ';', dashes, commas, 'and then', 'but', subordinators;
    a quote is one clause of its own."""
    spans, at = [], 0
    quotes = [(m.start(), m.end()) for m in QUOTE.finditer(text)]
    for m in BREAK.finditer(text):
        if any(a <= m.start() < b for a, b in quotes) or (m.group("verb") and m.group("verb") not in VERBS):
            continue  # "and" opens a clause only before an order's verb
        for a, b in quotes:
            if at <= a < m.start():
                spans += [(at, a), (a, b)]
                at = b
        spans.append((at, m.start()))
        at = m.end()
    for a, b in quotes:
        if at <= a:
            spans += [(at, a), (a, b)]
            at = b
    spans.append((at, len(text)))
    out = []
    for a, b in spans:
        again = next((m for m in AGAIN.finditer(text, a, b) if m.group(1) in VERBS and
                      not _has_subject(text[a:m.start()].split()[-1:])), None)
        told = mood_of(text[a:again.start(1)])[0] if again and again.start(1) > a else None
        if again and (told == DECLARATIVE or (told == CONDITIONAL and len(text[a:again.start(1)].split()) >= 3)):
            out += [(a, again.start(1)), (again.start(1), b)]  # "mqtt rootfs 4G is too small make it 8G"
        else:
            out.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and re.fullmatch(r"\W*(?:and|but|then|so|or|only|(?:and\s+)?if\s+(?:so|yes))\W*",
                                   text[merged[-1][0]:merged[-1][1]]):
            a = merged.pop()[0]  # ", and then reboot it": a connector alone opens the next clause
        merged.append((a, b))
    return [(a, b) for a, b in merged if text[a:b].strip(" ,.;:!?-\"'")]


def _has_subject(before: list[str]) -> bool:
    """Whether the word before a verb is its subject or an auxiliary ("i'll start it", "might fix it")."""
    word = before[0].lower() if before else ""
    return word in AFTER_AUX or word in SUBJECTS or bool(CONTRACTED.match(word))


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+|\?", text)


def mood_of(clause: str, asked: bool = False) -> tuple[str, bool]:
    """(the mood of one clause, whether it is a polite order); `asked`: the clause ended with "?"."""
    t = clause.strip().lower().replace("\u2019", "'")
    if QUOTE.fullmatch(t):
        return QUOTED, False
    if t.strip() and ANNOUNCE.fullmatch(t.strip()):
        return DECLARATIVE, False  # "@channel heads up": news follows, no order (nl17o)
    for opener in (None, CONNECTOR):
        t = opener.sub("", t).strip(" ,") if opener else t
        if RETRACTION.match(t) or CORRECTION.match(t):
            return RETRACTED, False
        if PURPOSE_OPEN.match(t):
            return PURPOSE, False
    if OTHERS_ORDER.match(t):
        return QUOTED, False  # "tell tom to restart pihole": someone else's order, relayed
    if POLITE_ABROAD.match(t):
        return IMPERATIVE, True
    if SUBJECTS_ABROAD.match(t):
        return (INTERROGATIVE if asked else DECLARATIVE), False
    if FOREIGN_ASK.match(t) or t.startswith("whether"):
        return INTERROGATIVE, False
    words = _words(t)
    if not words:
        return NOMINAL, False
    if words[0] == "when" and words[1:2] and words[1] in AUX:
        return INTERROGATIVE, False  # "when was db-01 last backed up?"
    if words[0] in ("when", "after", "once") and re.match(CLAUSE, t.split(None, 1)[-1]) and _past_tense(words[1:]):
        return DECLARATIVE, False  # "when the vpn dropped": what happened, no condition
    if (words[0] == "before" or REASON_OPEN.match(t) or (words[0] == "after" and words[1:2] and
                                                         re.match(r"(?:i|we)\b", words[1]))) and \
            re.match(CLAUSE, t.split(None, 1)[-1]):
        return DECLARATIVE, False  # "before i touch the config", "after we're done": the speaker's own work
    if CONDITIONAL_OPEN.match(t) or words[0] == "when" or \
            (TEMPORAL_OPEN.match(t) and re.match(CLAUSE, t.split(None, 1)[-1])):
        return CONDITIONAL, False
    if HEDGE.match(t) or (words[0].endswith("ing") and words[0] not in VERBS and words[0] not in STATE_WORDS and
                          not re.search(r"(?:thing|morning|evening|ping|ring)$", words[0])):
        return (INTERROGATIVE if asked else DECLARATIVE), False  # "maybe …", "thinking about …"
    polite = bool(POLITE_ASK.match(t))
    bare = POLITE.sub("", t).strip(" ,")
    stripped = bare != t
    words = _words(bare) or words
    first = words[0]
    if not stripped and (first in WH or t.startswith(("how about", "what about"))):
        return INTERROGATIVE, False
    if first in AUX and _order_after_aux(words):
        return IMPERATIVE, False  # "don't stop db-01": the guards read the negation; "do start grafana"
    if words[1:2] in (["me"], ["us"]) and first not in AUX and first not in WH and first not in SUBJECTS:
        return IMPERATIVE, polite  # a word before "me" is a verb, even misspelt ("shwo me the logs")
    if not stripped and first in AUX and len(words) > 1:
        if first in ("can", "could", "would", "will") and "be" in words[2:6] and \
                any(_past(w) for w in words[words.index("be", 2) + 1:][:2]):
            if words[1] in GENERIC or ("at" in words and words[words.index("at") + 1:][:1] == ["all"]):
                return INTERROGATIVE, False  # "can a vm be hot-plugged (at all)?": what can be done (nl18)
            return IMPERATIVE, True  # "can the two monitoring containers be rebooted?"
        return INTERROGATIVE, False
    if not stripped and (first in SUBJECTS or CONTRACTED.match(bare)):
        return (INTERROGATIVE if asked else DECLARATIVE), False
    if stripped and first.endswith("ing") and (first[:-3] in VERBS or first[:-3] + "e" in VERBS):
        first = first[:-3] if first[:-3] in VERBS else first[:-3] + "e"  # "would you mind suspending …"
    if first in VERBS and re.search(r"\b(?:maybe|perhaps|possibly)\b", bare):
        return (INTERROGATIVE if asked else DECLARATIVE), False  # "restart pihole maybe?": a suggestion
    if first in VERBS and CHOICE.match(bare):
        return INTERROGATIVE, False  # "delete or keep dev-sandbox?": a choice asked, not an order
    if first in VERBS:
        return IMPERATIVE, polite or asked  # "stop mqtt for me?" is asked politely
    if len(words) > 1 and first not in DETERMINERS and not first.endswith("'s") and words[1] in VERBS and \
            not finite(words[1]) and not PAST_TIME.search(bare) and _told(words[2:4]) != "finite":
        return (INTERROGATIVE if asked and not polite and first == "to" else NOMINAL), polite  # "web-01 reboot pls"
    if SCENE_TOLD.match(bare):
        return (INTERROGATIVE if asked else DECLARATIVE), False  # "in the last incident we had to kill db-01"
    told = _told(words[1:])
    if told == "deontic" or (stripped and DESIRE.match(t)):
        return NOMINAL, polite  # "pihole needs 1 gig ram", "db-01 should be backed up": an order in the ops voice
    if told or (PAST_TIME.search(bare) and any(w in VERBS for w in words[1:7])):
        return (INTERROGATIVE if asked else DECLARATIVE), False  # "the backup ran fine", "tom shut it down last night"
    return (INTERROGATIVE if asked and not polite else NOMINAL), polite


# a kind said in general ("a container", "vms", "any guest"): a question about what can be done, never an order (nl18)
GENERIC = frozenset({"a", "an", "any", "vms", "cts", "containers", "guests", "lxcs", "templates", "snapshots", "disks",
                     "nodes", "machines"})


def said_by_someone(clause: str) -> bool:
    """Whether a clause opens with its subject, a pronoun in any language ("i've …", "j'ai …", "ich habe …")."""
    t = CONNECTOR.sub("", clause.strip().lower()).strip(" ,")
    first = (_words(t) or [""])[0]
    return first in SUBJECTS or bool(CONTRACTED.match(t) or SUBJECTS_ABROAD.match(t))


def lead(clause: str) -> str:
    """The first word of a clause after its connectors and politeness ("could you please restart …" → restart)."""
    t = CONNECTOR.sub("", clause.strip().lower()).strip(" ,")
    words = _words(POLITE.sub("", t)) or [""]
    return words[1] if words[0] in ("do", "don't", "dont") and len(words) > 1 else words[0]


def _told(words: list[str]) -> str | None:
    """"deontic" when a noun phrase is followed by needs/should/must/has to/gets, "finite" when by another finite
    verb (the clause tells), else None; a relative clause's verb ("backups that pve3 can see") is no clause's own."""
    for i, w in enumerate(words[:6]):
        if w in ("that", "which", "who", "whose", "where"):
            return None
        after = words[i + 1] if i + 1 < len(words) else ""
        if w in DEONTIC or (w in ("has", "have", "had") and after == "to") or (w == "could" and after == "use") or \
                (w in ("is", "are") and after in ("required", "needed", "necessary")):
            return "deontic"
        if finite(w):
            return "finite"
    return None


def finite(word: str) -> bool:
    """Whether a word is a finite verb (an auxiliary, a past tense, a third person)."""
    return bool(FINITE.match(word)) or _past(word) or _third_person(word)


def _past(word: str) -> bool:
    """Whether a word is the past of an order's verb ("restarted", "stopped"), not a name's participle ("tagged")."""
    word = word.rsplit("-", 1)[-1]  # "power-cycled"
    return word.endswith("ed") and word not in PARTICIPLES and \
        any(stem in VERBS for stem in (word[:-2], word[:-1], word[:-3]))


def _past_tense(words: list[str]) -> bool:
    """Whether the words after "when"/"after" tell of the past ("the vpn dropped"), not of a moment to come."""
    present = {"is", "are", "has", "have", "gets", "get", "'s", "'re", "will", "'ll"}
    return not any(w in present or w.endswith(("'s", "'re", "'ll")) for w in words[:6]) and \
        any(w in IRREGULAR_PAST or (w.endswith("ed") and w not in PARTICIPLES) for w in words[:6])


def _third_person(word: str) -> bool:
    """Whether a word is a verb's third person ("reads", "hangs", "crashes") rather than a plural noun."""
    return word.endswith("s") and (word[:-1] in VERBS or word[:-2] in VERBS or word in THIRD)


def _order_after_aux(words: list[str]) -> bool:
    """Whether an auxiliary first is a negated order ("don't stop db-01", "do not reboot"), not a question."""
    return words[0] in ("don't", "dont") or (words[0] == "do" and len(words) > 1 and
                                             (words[1] == "not" or words[1] in VERBS))


def read(text: str) -> list[Clause]:
    """The request's clauses with their moods, each read against its neighbours (see `_in_context`)."""
    spans = split(text)
    out: list[Clause] = []
    for i, (a, b) in enumerate(spans):
        piece = text[a:b]
        tail = text[b:spans[i + 1][0]] if i + 1 < len(spans) else text[b:]
        mood, polite = mood_of(piece, "?" in tail)
        if out and REPORTING.search(text[out[-1].start:out[-1].end]) and text[out[-1].end:a].strip() == ":":
            mood = QUOTED if mood in ORDERING else mood  # "the runbook step reads: stop vm db-01"
        out.append(Clause(a, b, piece, mood, polite, mood == INTERROGATIVE and _whether_to(piece)))
    for i in range(len(out)):
        _in_context(out, i, text)
    if len(out) > 1 and ENDORSE.match(out[-1].text.strip().lower()):
        out = [replace(c, mood=IMPERATIVE) if c.mood in (DECLARATIVE, QUOTED) else c for c in out]
    return out


def _whether_to(clause: str) -> bool:
    """Whether a question asks whether to act ("should i …", "is it safe to …", "delete or keep X?")."""
    choice = CHOICE.match(clause.lower())
    return bool(WHETHER_TO.search(clause.lower()) or (choice and choice.group(1) in VERBS))


def _in_context(out: list[Clause], i: int, text: str) -> None:
    """Clause `i` read against the one before it: "tell me if …" asks; "…, should i?" and "what do you think, stop
    X?" ask whether to act; "… so i can decide whether to …" stays the purpose; "is X up? then stop it" and
    "should cpu stay above 80%, add a core" are conditions."""
    c, before = out[i], out[i - 1] if i else None
    low = c.text.lower().lstrip()
    words = _words(low)
    between = text[before.end:c.start] if before else ""
    if before and c.mood in (CONDITIONAL, INTERROGATIVE) and re.match(r"(?:if|whether)\b", low) and \
            KNOWING.search(before.text.lower()):  # "tell me if minio is used", "i can decide whether to …"
        mood = before.mood if before.mood in (DECLARATIVE, PURPOSE) else INTERROGATIVE
        out[i] = replace(c, mood=mood, deliberative=mood == INTERROGATIVE and _whether_to(c.text))
    elif before and c.mood == INTERROGATIVE and 1 <= len(words) <= 2 and words[0] in AUX and \
            before.mood in ORDERING:  # "delete it, should i?"
        out[i - 1] = replace(before, mood=INTERROGATIVE, deliberative=True)
    elif before and before.mood in ORDERING and OPINION_TAG.match(low) and "?" in text[c.end:c.end + 2]:
        out[i - 1] = replace(before, mood=INTERROGATIVE, deliberative=True)  # "mv X -> pve1, good idea or bad idea?"
        out[i] = replace(c, mood=INTERROGATIVE)
    elif before and c.mood in ORDERING and before.mood == INTERROGATIVE and "?" in between and \
            re.match(r"(?:then|so|if\s+so|and\s+if\s+so)\b", low):  # "db-01 has 8G? then set it to 16G"
        out[i] = replace(c, mood=CONDITIONAL)
    elif before and c.mood in ORDERING and before.mood == INTERROGATIVE and between.strip() == "," and \
            "?" in text[c.end:c.end + 2]:  # "what do you think, stop pihole for the update?"
        out[i] = replace(c, mood=INTERROGATIVE, deliberative=True)
    elif before and c.mood == INTERROGATIVE and words[:1] in (["which"], ["who"]) and between.strip() == "," and \
            len(words) > 1 and (words[1] in AUX or finite(words[1])) and \
            "?" not in text[c.end:c.end + 2] and before.mood in (DECLARATIVE, NOMINAL):
        out[i] = replace(c, mood=DECLARATIVE, deliberative=False)  # "minio is off, which is how i want it": it tells
    elif c.mood == INTERROGATIVE and re.match(r"(?:should|were|had)\b", low) and "?" not in text[c.end:c.end + 2] and \
            ((i + 1 < len(out) and out[i + 1].mood in ORDERING) or (before and before.mood in ORDERING)):
        out[i] = replace(c, mood=CONDITIONAL, deliberative=False)  # "should cpu stay above 80%, add a core"
