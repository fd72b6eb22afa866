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

from pmpc_tui.nl.ground.lexicon import POWER_OF

IMPERATIVE, INTERROGATIVE, DECLARATIVE, CONDITIONAL, PURPOSE, NOMINAL, QUOTED, RETRACTED = (
    "imperative", "interrogative", "declarative", "conditional", "purpose", "nominal", "quoted", "retracted")
ORDERING = frozenset({IMPERATIVE, NOMINAL})  # a clause without any verb is an order's ellipsis ("vms on pve2")



def _set(words: str) -> frozenset[str]:
    """A word table written as one string."""
    return frozenset(words.split())


# base-form verbs an order starts with (English; other languages' verbs read as an ellipsis, see NOMINAL)
VERBS = _set(
    "start stop reboot restart shut shutdown power turn switch kill halt bounce cycle suspend pause resume unpause "
    "wake boot bring fire spin stand tear take put delete remove destroy wipe nuke purge drop rm get migrate move "
    "evacuate drain relocate snapshot snap back backup restore roll rollback revert clone copy duplicate resize grow "
    "extend expand shrink add give bump set change update upgrade increase decrease raise lower limit assign attach "
    "detach mount unmount create make build provision deploy apply plan destroy import sync refresh validate test "
    "check verify diff drift list show display print dump export describe count find search grep tell let look see "
    "open read fetch download upload pull push run execute do go convert template tag untag rename protect unprotect "
    "enable disable lock unlock cancel abort stop report file bundle write init adopt retire decommission "
    "install reinstall keep leave ignore skip include exclude free reclaim rebalance ping inspect audit review "
    "monitor watch tail need want help fix try grab pick choose use switch confirm mark note label merge "
    "erase clear reset flush hibernate freeze thaw evict archive have finish complete generate post send forget "
    "know save") | {w for w in POWER_OF if " " not in w}  # and the power verbs of other languages
AUX = _set("is are was were am do does did have has had can could should shall would will may might must "
                "isn't aren't wasn't weren't don't doesn't didn't haven't hasn't can't couldn't shouldn't won't "
                "wouldn't mustn't")
WH = _set("what which who whom whose where why how when what's how's who's where's whats hows")
SUBJECTS = _set("i we he she they you it someone somebody anyone anybody nobody everyone everybody one this "
                     "that there u y'all")
CONTRACTED = re.compile(r"^(?:i|we|he|she|they|you|it|that|there|who)'(?:ll|m|re|s|ve|d)\b|^(?:im|ive|ill|id|"
                        r"were|theyre|youre|its|thats|theres)\b")
# a finite verb after a noun phrase ("tom restarted", "the backup ran"): the clause tells, it does not order
FINITE = re.compile(r"^(?:is|are|was|were|has|have|had|will|would|can|could|should|must|might|may|did|does|do|"
                    r"got|gets|seems?|looks|keeps|kept|said|says|wants|needs|ran|went|took|broke|came|fell|hung|"
                    r"froze|died|made|gave|told|asked|thinks|thought|knew|done|'s|'ll|isn't|wasn't|doesn't|didn't|"
                    r"won't|can't|hasn't|haven't|ought)$")
# a politeness or address prefix before an order ("please", "could you", "go ahead and", "i need you to")
POLITE = re.compile(r"^(?:(?:please|pls|plz|kindly|just|quickly|now|then|also|and|so|ok(?:ay)?|hey|hi|yo|"
                    r"go\s+ahead\s+and|i\s+(?:need|want|would\s+like)\s+(?:you|u)\s+to|i'd\s+like\s+(?:you|u)\s+to|"
                    r"(?:would|do)\s+(?:you|u)\s+mind|(?:can|could|would|will)\s+(?:you|u|somebody|someone|"
                    r"anyone)|(?:can|could|may)\s+(?:we|i)\s+(?=get\b|have\b|see\b|view\b|look\b)|(?:can|could)\s+we|"
                    r"let'?s|let\s+us|bitte|por\s+favor|s'il\s+te\s+pla[iî]t|s'il\s+vous\s+pla[iî]t|per\s+favore|"
                    r"alsjeblieft|graag|"
                    r"(?:i|we)(?:\s+(?:really\s+)?(?:need|want|wanna|would\s+like)|'d\s+like)(?:\s+to)?|"
                    r"(?:you|u)\s+(?:can|may)(?:\s+now)?)\b[\s,]*)+")
POLITE_ASK = re.compile(r"^(?:(?:please|pls|just|so|ok(?:ay)?|hey|hi)\s+)*(?:(?:can|could|would|will)\s+(?:you|u|"
                        r"somebody|someone|anyone)|(?:would|do)\s+(?:you|u)\s+mind|(?:can|could|may)\s+(?:we|i)\s+"
                        r"(?:get|have|see|view|look)|(?:can|could)\s+we)\b")
CONNECTOR = re.compile(r"^(?:(?:and|but|then|so|also|plus|or|oh|well|btw|right|alright|sure|yes|yeah|ok(?:ay)?|"
                       r"now|anyway|actually)\b[\s,]*)+")
HEDGE = re.compile(r"^(?:maybe|perhaps|probably|possibly|ideally|hopefully|i\s+guess|i\s+suppose|i\s+think|"
                   r"i\s+reckon)\b")
# subordinators that open a condition or a time ("if", "once", "unless"; in other languages too)
CONDITIONAL_OPEN = re.compile(r"^(?:if|unless|once|whenever|as\s+soon\s+as|in\s+case|provided(?:\s+that)?|"
                              r"assuming|as\s+long\s+as|so\s+long\s+as|only\s+(?:if|when|once|after)|suppose|"
                              r"supposing|imagine|hypothetically|what\s+if|let'?s\s+say|say\s+(?:i|we)|"
                              r"otherwise|or\s+else|else|the\s+moment|wenn|falls|sobald|solange|sonst|ansonsten|"
                              r"cuando|si|se|quand|lorsque?|lorsqu'|d[èe]s\s+que|sinon|als|indien|zodra|"
                              r"a\s+menos\s+que|de\s+lo\s+contrario)\b")
TEMPORAL_OPEN = re.compile(r"^(?:after|until|till|when)\b")
PURPOSE_OPEN = re.compile(r"^(?:so\s+(?:that\s+)?(?:i|we|you|they|he|she)\b|in\s+order\s+to\b|so\s+as\s+to\b|"
                          r"to\s+(?:decide|figure\s+out|see|judge|check|find\s+out|know|learn)\s+"
                          r"(?:if|whether|which|what|how)\b)")
# "tell me / check / let me know if …": the "if" opens a question inside the order, not a condition
KNOWING = re.compile(r"\b(?:tell\s+me|let\s+(?:me|us)\s+know|check|see|ask(?:ing)?|wonder(?:ing)?|know|find\s+out|"
                     r"verify|confirm|decide|deciding|evaluate|assess|figure\s+out|investigate|determine)\s*$")
# an order asked politely in another language ("¿puedes reiniciar …?", "pourriez-vous …", "kannst du …")
POLITE_ABROAD = re.compile(r"^(?:puedes|podr[íi]as|puede|podr[íi]a|pourrais-tu|pourriez-vous|peux-tu|pouvez-vous|"
                           r"kannst\s+du|k[öo]nnen\s+sie|k[öo]nntest\s+du|k[öo]nnten\s+sie|kun\s+je|kunt\s+u|"
                           r"zou\s+je|puoi|potresti|pu[òo]i)\b")
PAST_TIME = re.compile(r"\b(?:ago|yesterday|last\s+(?:night|week|weekend|time|month)|earlier(?:\s+today)?|"
                       r"this\s+morning|over\s+the\s+weekend)\b")
DETERMINERS = _set("the my our your his her their its a an this that these those all every some any each no "
                        "yesterday's last")
REASON_OPEN = re.compile(r"^(?:because|since|as|cause|'cause|coz|cos|given\s+that|now\s+that)\b")
# foreign questions by structure: French inversion ("puis-je"), "est-ce que", "¿"; a modal before its subject
FOREIGN_ASK = re.compile(r"^(?:¿|est-ce\s+qu|\w+-(?:je|tu|il|elle|on|nous|vous|ils|elles)\b|"
                         r"(?:darf|kann|soll|sollte|sollten|sollen|muss|müssen|ist|sind|lohnt|gibt|kan|mag|moet|"
                         r"moeten|zou|zouden|kunnen|mogen|är|får|ska|bör)\s+(?:ich|wir|es|man|du|ik|we|wij|het|je|"
                         r"jag|vi|det)\b|"
                         r"(?:puedo|debo|podemos|debemos|deber[íi]amos|posso|devo|possiamo|dobbiamo|dovrei|"
                         r"dovremmo|devemos|podemos|é\s+seguro|è\s+sicuro|es\s+seguro|vale\s+la\s+pena|"
                         r"merece\s+la\s+pena|ça\s+vaut|faut-il|vaut-il)\b)")
RETRACTION = re.compile(r"^(?:never\s*mind|scratch\s+that|forget\s+(?:it|that|i\s+said\s+(?:it|that|anything))|"
                        r"actually\s+(?:no|don'?t)|on\s+second\s+thoughts?|no\s*,?\s*wait|nope|nah|no\s+thanks|"
                        r"so\s+no|no\s+action(?:\s+\w+)?|so\s+don'?t|don'?t\s+act\s+on\s+(?:it|that|this)|"
                        r"cancel\s+that|hold\s+off)\b")
ENDORSE = re.compile(r"^(?:(?:so|ok(?:ay)?|yes|then)\s+)?(?:please\s+)?(?:go\s+ahead|do\s+it|please\s+do(?:\s+it)?|"
                     r"do\s+that|make\s+it\s+so)(?:\s+(?:now|please))?$")
REPORTING = re.compile(r"\b(?:says?|said|reads?|wrote|writes|mentioned|suggest(?:s|ed)?|claims?|claimed|"
                       r"asks?|asked|told\s+(?:me|us)|plan|idea|thought|proposal|suggestion|intention)\s*$")

QUOTE = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|(?<![\w])'[^']+ [^']+'(?![\w])")
# a clause after a subordinator: a pronoun subject, or a noun phrase and its finite verb ("the freeze ends")
_CLAUSE = (r"(?:(?:i|we|you|he|she|they|it)\b|(?:i|we|you|they|it)'|(?:(?:the|my|our|your|a|an)\s+)?(?:[\w-]+\s+){0,3}?"
           r"(?:is|are|was|were|has|have|had|gets?|ends?|finish(?:es)?|signs?|says?|approves?|completes?|opens?|"
           r"closes?|returns?|lifts?|comes?|goes?|\w+ed)\b)")
# where one clause ends and the next begins (a separator is no clause's text; a subordinator opens the next)
BREAK = re.compile(r"\.{2,}|[.!?]+(?=\s|$)|[;¿]|\s[-\u2013\u2014]+\s|\u2014|(?<=\w):\s|,\s*|"
                   r"\s+(?=(?:and\s+then|then|but|whether|unless|otherwise|because|so\s+(?:that\s+)?(?:i|we|you|they)"
                   r"\s|in\s+order\s+to|so\s+as\s+to|as\s+soon\s+as|in\s+case|provided\s+that|once\s+" + _CLAUSE +
                   r"|(?<!wait\s)(?:after|before|until|till|when)\s+" + _CLAUSE +
                   r"|should\s+(?:it|they|he|she|\S+-\d+)\s+\w+|"
                   r"only\s+(?:if|when|once|after)\s|(?<!what\s)(?<!even\s)(?<!only\s)if\s+(?!(?:needed|necessary|required|need\s+be|appropriate|possible|so|"
                   r"not|any)\b)|"
                   r"to\s+(?:decide|figure\s+out|judge|find\s+out)\s+(?:if|whether|which|what|how)|"
                   r"and\s+(?:please\s+|also\s+|just\s+)?(?P<verb>[a-z]+)\b)\b)")


# an order on "it/them" inside a clause that told something first: the order's clause begins there
AGAIN = re.compile(r"\s([a-z]+)\s+(?:it|them)\b")
AFTER_AUX = AUX | {"to", "ll", "'ll"}
# a question whether to act ("should i …", "is it safe to …"): what it names is asked about, not asked for
CHOICE = re.compile(r"^\W*(?:please\s+)?(\w+)\b.*\bor\s+(?:keep|leave|not|don'?t|skip)\b")
WHETHER_TO = re.compile(r"\b(?:should|shall|ought\s+to|can|could|may|must)\s+(?:i|we)\b|^(?:do|does)\s+(?:i|we)\s+"
                        r"(?:need|have)\s+to\b|\b(?:safe|wise|ok|okay|fine|good\s+idea|bad\s+idea|worth|risky|"
                        r"dangerous|a\s+problem|smart|better)\s+to\b")


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
                      text[a:m.start()].split()[-1:] not in ([w] for w in AFTER_AUX)), None)
        if again and again.start(1) > a and mood_of(text[a:again.start(1)])[0] == DECLARATIVE:
            out += [(a, again.start(1)), (again.start(1), b)]  # "mqtt rootfs 4G is too small make it 8G"
        else:
            out.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and re.fullmatch(r"\W*(?:and|but|then|so|or)\W*", text[merged[-1][0]:merged[-1][1]]):
            a = merged.pop()[0]  # ", and then reboot it": a connector alone opens the next clause
        merged.append((a, b))
    return [(a, b) for a, b in merged if text[a:b].strip(" ,.;:!?-\"'")]


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'-]+|\?", text)


def mood_of(clause: str, asked: bool = False) -> tuple[str, bool]:
    """(the mood of one clause, whether it is a polite order); `asked`: the clause ended with "?"."""
    t = clause.strip().lower().replace("\u2019", "'")
    if QUOTE.fullmatch(t):
        return QUOTED, False
    for opener in (None, CONNECTOR):
        t = opener.sub("", t).strip(" ,") if opener else t
        if RETRACTION.match(t):
            return RETRACTED, False
        if PURPOSE_OPEN.match(t):
            return PURPOSE, False
    if POLITE_ABROAD.match(t):
        return IMPERATIVE, True
    if FOREIGN_ASK.match(t) or t.startswith("whether"):
        return INTERROGATIVE, False
    words = _words(t)
    if not words:
        return NOMINAL, False
    if words[0] == "when" and words[1:2] and words[1] in AUX:
        return INTERROGATIVE, False  # "when was db-01 last backed up?"
    if words[0] in ("when", "after", "once") and re.match(_CLAUSE, t.split(None, 1)[-1]) and _past_tense(words[1:]):
        return DECLARATIVE, False  # "when the vpn dropped": what happened, no condition
    if (words[0] == "before" or REASON_OPEN.match(t) or (words[0] == "after" and words[1:2] and
                                                         re.match(r"(?:i|we)\b", words[1]))) and \
            re.match(_CLAUSE, t.split(None, 1)[-1]):
        return DECLARATIVE, False  # "before i touch the config", "after we're done": the speaker's own work
    if CONDITIONAL_OPEN.match(t) or words[0] == "when" or \
            (TEMPORAL_OPEN.match(t) and re.match(_CLAUSE, t.split(None, 1)[-1])):
        return CONDITIONAL, False
    if HEDGE.match(t) or (words[0].endswith("ing") and words[0] not in VERBS and
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
    told = _told(words[1:])
    if told == "deontic":
        return NOMINAL, polite  # "pihole needs 1 gig ram", "db-01 should be backed up": an order in the ops voice
    if told or (PAST_TIME.search(bare) and any(w in VERBS for w in words[1:7])):
        return (INTERROGATIVE if asked else DECLARATIVE), False  # "the backup ran fine", "tom shut it down last night"
    return (INTERROGATIVE if asked and not polite else NOMINAL), polite


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
        if w in DEONTIC or (w in ("has", "have", "had") and after == "to") or \
                (w in ("is", "are") and after in ("required", "needed", "necessary")):
            return "deontic"
        if finite(w):
            return "finite"
    return None


DEONTIC = _set("needs need should must gets")


def finite(word: str) -> bool:
    """Whether a word is a finite verb (an auxiliary, a past tense, a third person)."""
    return bool(FINITE.match(word)) or _past(word) or _third_person(word)


def _past(word: str) -> bool:
    """Whether a word is the past of an order's verb ("restarted", "stopped"), not a name's participle ("tagged")."""
    word = word.rsplit("-", 1)[-1]  # "power-cycled"
    return word.endswith("ed") and word not in PARTICIPLES and \
        any(stem in VERBS for stem in (word[:-2], word[:-1], word[:-3]))


PARTICIPLES = _set("tagged named called labelled labeled used attached listed")


def _past_tense(words: list[str]) -> bool:
    """Whether the words after "when"/"after" tell of the past ("the vpn dropped"), not of a moment to come."""
    present = {"is", "are", "has", "have", "gets", "get", "'s", "'re", "will", "'ll"}
    return not any(w in present or w.endswith(("'s", "'re", "'ll")) for w in words[:6]) and \
        any(w in IRREGULAR_PAST or (w.endswith("ed") and w not in PARTICIPLES) for w in words[:6])


IRREGULAR_PAST = _set("was were had did got ran went took broke came fell hung froze died made gave told said")


def _third_person(word: str) -> bool:
    """Whether a word is a verb's third person ("reads", "hangs", "crashes") rather than a plural noun."""
    return word.endswith("s") and (word[:-1] in VERBS or word[:-2] in VERBS or word in THIRD)


THIRD = _set("hangs crashes fails works signs ends finishes approves runs uses looks seems lives sits belongs holds "
             "says reads")


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
    elif before and c.mood in ORDERING and before.mood == INTERROGATIVE and "?" in between and \
            re.match(r"(?:then|so|if\s+so|and\s+if\s+so)\b", low):  # "db-01 has 8G? then set it to 16G"
        out[i] = replace(c, mood=CONDITIONAL)
    elif before and c.mood in ORDERING and before.mood == INTERROGATIVE and between.strip() == "," and \
            "?" in text[c.end:c.end + 2]:  # "what do you think, stop pihole for the update?"
        out[i] = replace(c, mood=INTERROGATIVE, deliberative=True)
    elif c.mood == INTERROGATIVE and re.match(r"(?:should|were|had)\b", low) and "?" not in text[c.end:c.end + 2] and \
            ((i + 1 < len(out) and out[i + 1].mood in ORDERING) or (before and before.mood in ORDERING)):
        out[i] = replace(c, mood=CONDITIONAL, deliberative=False)  # "should cpu stay above 80%, add a core"
