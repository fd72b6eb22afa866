"""Whether the actions a request names are ordered, read from its clauses' moods (`nl/ground/clauses.py`).

An action is proposed only from an order: an imperative clause ("reboot web-01", "could you reboot web-01?") or
an order's ellipsis ("web-01 reboot please"). A clause that tells (a report, the speaker's intention), gives a
purpose, quotes, asks or takes an order back orders nothing: when it names an action it is taken out of the text
the parser reads, and a read asked beside it is what remains. A condition or a time opened by a subordinator
("if …", "once the DBA signs off") holds every order back.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pmpc_tui.nl.ground import clauses
from pmpc_tui.nl.ground.clause_words import CORRECTION, PREDICTION, PREDICTION_IF, QUOTE, RETRACTION
from pmpc_tui.nl.ground.clauses import (
    CONDITIONAL,
    DECLARATIVE,
    IMPERATIVE,
    INTERROGATIVE,
    ORDERING,
    PURPOSE,
    RETRACTED,
    Clause,
)
from pmpc_tui.nl.guard_words import DEFERRAL, SOFT_TIME, WHY_CONDITION

# words of an action that changes something (stems, English): what an unordered part may hide
ACTION = re.compile(r"\b(?:stop\w*|start\w*|reboot\w*|restart\w*|shut\w*|power\w*\s+(?:off|on|down|up)|turn\w*\s+off|"
                    r"kill\w*|halt\w*|bounce\w*|suspend\w*|paus\w*|resum\w*|delet\w*|remov\w*|destroy\w*|wip\w*|nuk\w*|"
                    r"decommission\w*|migrat\w*|mov\w*|roll\w*\s+(?:\S+\s+)?back|rollback\w*|revert\w*|snapshot\w*|back\w*\s+up|"
                    r"backup\w*|clon\w*|resiz\w*|grow\w*|apply\w*|deploy\w*|purg\w*|tear\w*\s+down|bring\w*\s+down|"
                    r"take\w*\s+(?:\w+\s+)?(?:down|offline))\b")

# what an order left after a report names as its target (a guest's name or VMID, a selection)
TARGET = re.compile(r"\b[a-z]+-[\w-]+|\b\d{3,}\b|\b(?:vms?|cts?|guests?|containers?|all|every\w*)\b")
# orders that change nothing's power or existence, yet are orders ("set the description to '…'")
OTHER_ORDER = re.compile(r"\b(?:set|create|make|add|rename|tag|give|report|bundle|import|adopt|sync|template|convert|"
                         r"take|put|attach|detach|enable|disable|change|update|upgrade|open|file|write|init|validate|"
                         r"protect\w*)\b")  # "protection on for X, so …" (nl18)
# a skip of the confirmation said as a flag, a setting or in so many words, in any language read ("--yes",
# "auto-confirm it", "skip the prompt", "yes to all", "ohne Nachfrage", "sin preguntar")
_SKIP_WORDS = (r"\bskip(?:ping)?\s+(?:the\s+)?confirm\w*|\bauto[- ]?(?:approv|confirm|accept)\w*|"
               r"\bwithout\s+(?:asking|confirm\w*|a\s+prompt)|\bbypass\s+(?:the\s+)?(?:confirm\w*|prompt)|"
               r"(?<!\S)(?:--yes|-y)(?!\S)|\bskip(?:ping)?\s+(?:the\s+)?(?:prompts?|questions?|dialog\w*)|"
               r"\bno\s+(?:confirm\w*|prompts?)\b|\bwithout\s+(?:a\s+|any\s+)?(?:prompt\w*|question\w*)|"
               r"\byes\s+to\s+(?:everything|all)\b|\b(?:answer(?:ing)?|assum(?:e|ing)|say(?:ing)?)\s+yes\b|"
               r"\bohne\s+(?:zu\s+)?(?:nach)?frag\w*|\bohne\s+best[äa]tigung|\bsin\s+(?:preguntar|confirma\w*)|"
               r"\bsans\s+(?:confirm\w*|demander)|\bsenza\s+(?:chiedere|conferma\w*)|"
               r"\bzonder\s+(?:te\s+)?(?:vragen|bevestig\w*)|\bbez\s+(?:pytania|potwierdz\w*)|"
               # the check a confirmation is ("skip the name check", "bypass the safety check", "no need to type the
               # name", "without double-checking"): the same wish (nl18)
               r"\bskip(?:ping)?\s+(?:the\s+|any\s+|all\s+(?:the\s+)?)?(?:name\s+|safety\s+|sanity\s+|typed\s+|"
               r"extra\s+|double[- ]?)?(?:checks?|verification|verify\w*|typing(?:\s+the\s+name)?)\b|"
               r"\bbypass\w*\s+(?:the\s+|any\s+)?(?:name\s+|safety\s+|sanity\s+)?(?:checks?|safety|verification|"
               r"guard\s*rails?)\b|\bwithout\s+(?:the\s+|a\s+|any\s+)?(?:name\s+|safety\s+|sanity\s+)?"
               r"(?:verification|double[- ]?check\w*|typing\s+(?:the\s+|its\s+)?name)\b|\bno\s+need\s+to\s+type\b|"
               r"\bdon'?t\s+make\s+me\s+(?:type|confirm)\b|\b(?:skip|bypass|without|no)\s+(?:the\s+|any\s+)?"
               r"(?:are[- ]you[- ]sure|y/n|yes/no)")
# a request to skip the confirmation of something destructive: refused as a whole (also the softer words)
SKIP_CONFIRM = re.compile(_SKIP_WORDS + r"|\bno\s+questions(?:\s+asked)?\b|\bno\s+need\s+to\s+(?:ask|confirm)\b")
# the skip alone, not the softer "no questions, i'm sure" (dropped before a harmless order)
SKIP_ASKED = re.compile(_SKIP_WORDS)
DESTRUCTIVE = re.compile(r"\b(?:delet\w*|remov\w*|destroy\w*|wip\w*|nuk\w*|purg\w*|apply|rollback|roll\s+\S+\s+back|"
                         r"restor\w*|overwrit\w*|templat\w*|l[öo]sch\w*|entfern\w*|borr\w*|elimin\w*|supprim\w*|"
                         r"d[ée]trui\w*|cancell\w*|verwijder\w*|usu[ńn]\w*|skasuj\w*|"
                         r"(?:kill|abort|cancel|stop)\w*\s+(?:\S+\s+){0,3}?(?:tasks?|jobs?))\b")  # `tasks stop` (nl18)
# "turn off the confirmation questions", "disable the prompts for good": the confirmation is not a setting plain
# English changes (nl17m: "turn off all …" once read as a stop of every guest)
CONFIRM_OFF = re.compile(r"\b(?:turn(?:ing)?|switch(?:ing)?|shut(?:ting)?)\s+(?:off|down)\s+(?:\S+\s+){0,3}?"
                         r"(?:confirm\w*|questions?|prompts?|warnings?|safety\s+checks?|guard\s*rails?)\b|"
                         r"\b(?:disabl|deactivat|remov|get\s+rid\s+of|silenc|suppress|stop\s+(?:the\s+)?ask)\w*\s+"
                         r"(?:\S+\s+){0,3}?(?:confirm\w*|questions?|prompts?|warnings?|safety\s+checks?|guard\s*rails?)\b")

# "…, or is there a way around it?", "is it worth it": advice, never a read that answers it
ADVICE_ASKED = re.compile(r"\b(?:a\s+way|another\s+way|better|worth|wise|safe|possible|ok(?:ay)?\s+to|a\s+good\s+idea|"
                          r"alternative|around\s+it|instead)\b")
# "suppose i deleted web-01", "imagine we stop it": a what-if, never a question to answer with a read
HYPOTHETICAL = re.compile(r"\b(?:suppose|supposing|imagine|what\s+if|hypothetically|say\s+(?:i|we)\b)")
WHY_PREDICTION = ("that asks what would happen, or what I would do, under a condition: I cannot predict it, and "
                  "nothing was done (ask for what you want to see, e.g. `list vms --node pve2`)")
WHY_UNORDERED = ("that names an action without ordering it (a report, a plan of yours, a purpose, a quote, a question "
                 "or an order taken back): nothing was done — say it as an order, e.g. `reboot web-01`")
WHY_EVENT = ("proxmox-mpc cannot wait for someone's go-ahead or the end of an event: say the order when it may be "
             "carried out (nothing was done)")
WHY_TAKEN_BACK = "the request takes its own order back: nothing was done"
WHY_SKIP = ("the confirmation of a destructive request is never skipped, and plain English never asks to skip it: "
            "nothing was done (say the order alone; the confirmation lists every target)")


# an order negated in another language, said first ("não desligue o db-01", "non spegnere", "nicht neustarten")
FOREIGN_NOT = re.compile(r"^(?:não|nao|niet|nicht|non|ne\s+\S+\s+pas)\s+\S+")
WHY_NOT = ("the request says not to do something, and plain English never turns that into an action: nothing was "
           "done")
# an order held back by an event someone else brings about ("once the DBA signs off"), not by a condition
EVENT_OPEN = re.compile(r"^\W*(?:once|after|until|till|as\s+soon\s+as|the\s+moment)\b")
# a state said of a guest ("it's stopped", "that one was rebooted"): context, never cut from the request
STATE = re.compile(r"^\W*(?:and\s+|but\s+)?(?:it|that|this|there)(?:'s|\s+is|\s+was|\s+has|\s+had)\b")
# a state said in a condition beside a read ("if pve2 went down"): what the condition supposes, never a filter
CONDITION_STATE = re.compile(r"\b(?:went|goes|go|is|was|were|are)\s+(?:down|offline|off)\b|\b(?:crashed|died|failed|"
                             r"lost\s+power|was\s+stopped|were\s+stopped)\b")
# how long a state told has lasted ("since this morning", "for two days now")
SINCE_TOLD = re.compile(r"\bsince\s+(?:this|last|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
                        r"\d|the\s+(?:morning|weekend|update|upgrade|reboot|outage))|\bfor\s+(?:\w+\s+)?(?:hours|days|"
                        r"minutes|weeks)\b")
# a report of something done without its verb ("tom already did web-01", "jim took care of it")
DONE = re.compile(r"\b(?:did|done|handled|fixed|dealt\s+with|took\s+care\s+of|sorted)\b")
NEGATED = re.compile(r"^\W*(?:and\s+|but\s+)?(?:please\s+)?(?:don'?t|do\s+not|dont|never)\b")
DRY_SAID = re.compile(r"\bdry[- ]?run\b|\b(?:just|only)\s+check\b|\bonly\s+check\b")
# orders that only report back what a condition finds ("check the plan and if it deletes something, tell me")
TELL_ME = re.compile(r"^\W*(?:and\s+)?(?:then\s+)?(?:please\s+)?(?:tell|let|warn|alert|notify|show)\s+(?:me|us)\b")


@dataclass
class Ordered:
    """The text left to parse, and why a change must not be proposed (None: nothing of that kind was said)."""

    text: str
    question: str | None = None  # a read may still answer
    blocked: str | None = None  # nothing may answer
    condition: str | None = None  # a condition or an event holds the order back (the guards say which first)
    dry_run: bool = False  # a dry run was asked of what is only asked about: every line must be one


def conditional(text: str) -> bool:
    """Whether a clause of the text (lower case) sets a condition or a time for the rest ("if …", "once …")."""
    return any(c.mood == CONDITIONAL for c in clauses.read(text))


def asks_to_read(text: str) -> bool:
    """Whether a clause of the text (lower case) asks something or orders a read ("what's its uptime")."""
    return any(c.mood == INTERROGATIVE or (c.mood in ORDERING and clauses.lead(c.text) in SHOWING)
               for c in clauses.read(text))


# the verbs of orders that show something
SHOWING = frozenset({"list", "show", "display", "print", "dump", "export", "describe", "count", "find", "search",
                     "grep", "tell", "let", "look", "see", "check", "verify", "diff", "drift", "plan", "read",
                     "inspect", "audit", "review", "monitor", "watch", "tail", "get", "give"})


def without_purpose(text: str) -> str:
    """The text without its purpose clauses ("so i can apply it later" is no time of the order's)."""
    parts = [c for c in clauses.read(text) if c.mood == PURPOSE]
    return _without(text, parts) if parts else text


def _changes(clause: Clause) -> bool:
    """Whether a clause names an action that changes something (an order whose verb is not a read's, or an action
    word)."""
    if clause.mood == IMPERATIVE and clauses.lead(clause.text) in clauses.VERBS - READS:
        return True
    return bool(ACTION.search(clause.text) or OTHER_ORDER.search(clause.text))


# the verbs of orders that only read ("list", "show", "check"): what they order changes nothing
READS = SHOWING | {"help", "ping", "have", "validate", "test", "confirm", "need", "want", "try", "use", "keep", "leave",
                   "ignore", "skip", "include", "exclude", "pick", "choose", "note", "mark", "label", "go", "do", "run"}


def _without(text: str, cut: list[Clause]) -> str:
    """The text without the clauses cut out, tidied."""
    for c in sorted(cut, key=lambda c: c.start, reverse=True):
        text = text[:c.start] + " " + text[c.end:]
    text = re.sub(r"\(\s*\)", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text))
    text = re.sub(r"([,.;:!?-])(?:\s*[,.;:!?-])+", r"\1", text)
    text = re.sub(r"^\s*(?:and|but|so|then)\b|\b(?:and|but|so|then)\s*$", " ", text.strip(" ,.;:!?-"))
    return text.strip(" ,.;:!?-")


# a word, then a guest ("ripristina web-02", "revierte la vm 105"): a verb and its object, whatever the language
VERB_OBJECT = re.compile(r"^(?P<w>[^\W\d_]+)\s+(?:(?:the|la|le|el|il|lo|die|der|das|de|het)\s+)?(?:(?:vm|ct|lxc|"
                         r"container|conteneur|contenedor|m[áa]quina|maschine|macchina)\s+)?(?:[a-z]+-[\w-]+|\d{3,})\b")
# the nouns a read names before its guest ("status web-02", "config 105"): no verb
READ_NOUNS = frozenset({"status", "state", "config", "configuration", "logs", "log", "details", "info", "uptime",
                        "health", "disks", "disk", "snapshots", "backups", "tasks", "notes", "tags", "ip", "usage",
                        "memory", "ram", "cpu", "load", "estado", "statut", "zustand", "stato"})


def _unknown_verb(clause: Clause) -> bool:
    """Whether a verbless clause is an order in a verb the reader does not know ("revierte web-02"): under a condition
    it is held like any order, never answered by a read (nl17o)."""
    m = VERB_OBJECT.match(clause.text.strip().lower())
    return clause.mood not in (IMPERATIVE,) and m is not None and m.group("w") not in READ_NOUNS | SHOWING | READS


# what follows an order taken back and only says which one it was ("…, the one to stop grafana", "…, about db-01")
APPOSITIVE = re.compile(r"^\W*(?:i\s+mean\s+)?(?:(?:the|that)\s+(?:one|bit|part|message|msg|request|order|thing)s?|"
                        r"about|re|regarding|concerning)\b")


def _condition(parts: list[Clause]) -> tuple[str | None, str | None]:
    """(why the orders are held back, why only a read may answer) for a request with a condition or a time."""
    conds = [c for c in parts if c.mood == CONDITIONAL]
    if not conds:
        return None, None
    orders = [c for c in parts if c.mood in ORDERING and (_changes(c) or _unknown_verb(c)) and
              not TELL_ME.match(c.text) and not NEGATED.match(c.text)]
    if not orders and any(c.mood in ORDERING or c.mood == INTERROGATIVE for c in parts):
        return None, WHY_CONDITION  # "what would change if i applied?", "… if it deletes something, tell me"
    event = any(EVENT_OPEN.match(c.text) for c in conds) and any(ACTION.search(c.text) for c in parts)
    return (WHY_EVENT if event else WHY_CONDITION), None


def read_orders(clean: str, dry_run: bool = False, asked: bool = False,
                names_guest: Callable[[str], bool] = lambda _text: False,
                names_node: Callable[[str], bool] = lambda _text: False) -> Ordered:
    """What is left of the request (lower case) once its unordered actions are taken out (see the docstring); a
    request read as a dry run already changes nothing. `asked`: the request ended with "?"; `names_guest`: whether
    a text names a known guest."""
    if dry_run:
        return Ordered(clean)
    parts = clauses.read(clean + ("?" if asked else ""))
    back = [i for i, c in enumerate(parts) if c.mood == RETRACTED]
    corrected = _corrected(clean, parts, back, names_guest)
    if corrected is not None:  # "stop 203. no sorry, i meant 202", "reboot X, scratch that, reboot Y instead"
        return read_orders(corrected, dry_run, asked, names_guest, names_node)
    if back and parts[back[-1] + 1:] and all(APPOSITIVE.match(c.text) for c in parts[back[-1] + 1:]):
        return Ordered(clean, blocked=WHY_TAKEN_BACK)  # "ignore that last order, the one to stop X": X is taken back
    if back and any(ACTION.search(c.text) for c in parts[:back[-1]]) and \
            not any(ACTION.search(c.text) for c in parts[back[-1] + 1:]):
        after = clean[parts[back[-1]].end:].strip(" ,.;:!?-")  # "…, don't act on that, just tell me X": X is read
        # but a remark after the take-back ("…, scratch that, wrong box", "…, forget it, the fix worked") asks nothing
        return Ordered(after, question=WHY_TAKEN_BACK) if after and asks_to_read(after) else \
            Ordered(clean, blocked=WHY_TAKEN_BACK)
    if FOREIGN_NOT.search(clean):
        return Ordered(clean, blocked=WHY_NOT)
    held, only_read = _condition(parts)
    if not any(c.mood in ORDERING for c in parts) and PREDICTION_IF.search(clean) and \
            any(c.mood == INTERROGATIVE and PREDICTION.search(c.text) for c in parts):
        return Ordered("", question=WHY_PREDICTION)  # "if we stopped pve2's guests, what would break?"
    reads = "" if held or only_read or HYPOTHETICAL.search(clean) or QUOTE.search(clean) else \
        _reads_asked(parts, names_guest)  # (a quoted order is someone else's: nothing of it is answered)
    if any(c.deliberative for c in parts) and not any(c.mood in ORDERING for c in parts):
        # "should i reboot web-01?", "…? should i?": nothing is asked for, but a read asked beside it answers (nl17m)
        return Ordered(reads, question=WHY_UNORDERED)
    told = [c for c in parts if _unordered(c)]
    orders = [c for c in parts if c.mood in ORDERING]
    if any(_names_its_own(c, names_guest, names_node) for c in orders):  # an order that names its own targets: the
        told += [c for c in parts if c.mood == DECLARATIVE and c not in told and names_guest(c.text)]  # guests told of
        told += [c for c in parts if c.mood == DECLARATIVE and c not in told and STATE.match(c.text) and
                 SINCE_TOLD.search(c.text)]  # "it is down since this morning": how long, told
        told += [c for i, c in enumerate(parts) if i and parts[i - 1] in told and c not in told and
                 c.mood == DECLARATIVE and re.match(r"\W*(?:which|who)\b", c.text)]  # and what is told of them
    kept = _without(clean, told) if told else clean
    if only_read and not held:  # "which guests would die if pve2 went down? list them": the node, not its state
        for c in (c for c in parts if c.mood == CONDITIONAL):
            kept = kept.replace(c.text, CONDITION_STATE.sub(" ", c.text), 1)
    ordered = " ".join(c.text for c in orders)
    if told and any(_changes(c) for c in orders) and not TARGET.search(ordered) and not names_guest(ordered):
        kept = clean  # "i rolled back web-01 …, take the cluster version": the order is about what was told
    elif told and not any(_changes(c) for c in orders) and TARGET.search(" ".join(c.text for c in told)) and \
            not TARGET.search(kept) and not re.search(r"\b(?:it|its|them|their)\b", kept):
        kept = clean  # "after last night's backup db-01 is locked. what's going on": a read about what was told
    if any(_changes(c) for c in orders):
        return Ordered(kept, question=only_read, condition=held)  # an order said beside the rest stands
    unordered = [c for c in parts if c.mood not in ORDERING and _changes(c)]
    if held and not orders:
        return Ordered(kept, question=WHY_UNORDERED, condition=held)
    if not orders and not any(c.mood == INTERROGATIVE for c in parts if c not in told) and \
            (told or unordered or any(c.mood == DECLARATIVE and clauses.said_by_someone(c.text) for c in parts)):
        return Ordered("", question=WHY_UNORDERED)  # nothing is ordered or asked (in any language): nothing
    if DRY_SAID.search(clean) and not told:  # "what would a backup of web-02 do (dry run)": a dry run answers
        return Ordered(kept, question=only_read, condition=held, dry_run=True)
    if reads and unordered and not held and not any(_changes(c) for c in orders):
        return Ordered(reads, question=only_read or WHY_UNORDERED)  # "deciding whether to stop X - what's on it?"
    if told or unordered or not orders:
        return Ordered(kept, question=only_read or WHY_UNORDERED, condition=held)
    return Ordered(kept, question=only_read, condition=held)


def _names_its_own(clause: Clause, names_guest: Callable[[str], bool], names_node: Callable[[str], bool]) -> bool:
    """Whether an order names its own targets (a guest, a node, a selection) and points back at nothing told before
    it ("snapshot k8s-cp-1", "show me what runs on pve2"; never "restart it")."""
    if re.search(r"\b(?:it|its|them|their|they|those|these|that\s+one|this\s+one)\b", clause.text):
        return False
    return names_guest(clause.text) or (clause.mood in ORDERING and (names_node(clause.text) or bool(
        re.search(r"\b(?:all|every|each)\s+(?:\w+\s+)?(?:vms?|cts?|guests?|containers?|machines?)\b|\beverything\b",
                  clause.text))))  # ("the container" points back at the guest told of)


def _corrected(clean: str, parts: list[Clause], back: list[int], names_guest: Callable[[str], bool]) -> str | None:
    """The request as corrected, when an order is taken back and another said after it: the clauses after the last
    retraction when they order an action ("changed my mind, start web-02"), or the order taken back on the targets
    its correction names ("restart web-01 and web-02... actually only web-02"); None when nothing is corrected."""
    if not back:
        return None
    last = parts[back[-1]]
    taken = [c for c in parts[:back[-1]] if c.mood in ORDERING and ACTION.search(c.text)]
    after = clean[last.end:].strip(" ,.;:!?-")
    if not taken:
        return None
    if any(c.mood in ORDERING and ACTION.search(c.text) for c in parts[back[-1] + 1:]):
        return after
    said = CONNECTOR_WORDS.sub("", last.text.strip().lower())
    words = CORRECTION.match(said) or RETRACTION.match(said)
    targets = said[words.end():].strip(" ,.;:!?-") if words else ""
    if targets and (TARGET.search(targets) or names_guest(targets)) and not ACTION.search(targets):
        verb = clauses.lead(taken[-1].text)
        return f"{verb} {targets}" + (f", {after}" if after else "")
    return None


CONNECTOR_WORDS = re.compile(r"^(?:(?:and|but|then|so|oh|well|actually)\b[\s,]*)+(?=no\b|sorry\b|i\s+mean|make\s+that)")


def _reads_asked(parts: list[Clause], names_guest: Callable[[str], bool]) -> str:
    """The questions about a guest that change nothing ("what's on it?", "how much memory does web-01 use?"),
    beside an action only wondered about (nl17m)."""
    return " ".join(c.text.strip() for c in parts if c.mood == INTERROGATIVE and not c.deliberative and
                    not _changes(c) and not ACTION.search(c.text) and
                    (names_guest(c.text) or re.search(r"\b(?:it|its)\b", c.text)) and
                    not re.match(r"\s*(?:or|and|but)\b", c.text) and not ADVICE_ASKED.search(c.text))


def _unordered(clause: Clause) -> bool:
    """Whether a clause names an action it does not order and is taken out of the text the parser reads: a report
    ("tom already did web-01"), an intention, a question whether to act, a purpose (always, unless it has its own
    time), an order taken back; never a state ("it's stopped") or a report about a thing ("the apply got
    interrupted")."""
    if clause.mood == PURPOSE:
        return not _timed(clause.text)
    if not (clause.mood in (DECLARATIVE, RETRACTED) or clause.deliberative):
        return False
    return bool(ACTION.search(clause.text) or DONE.search(clause.text)) and not STATE.match(clause.text) and \
        not _about_a_thing(clause)


def _about_a_thing(clause: Clause) -> bool:
    """Whether a clause that tells names its action only in its subject ("the last apply got interrupted"): context
    about a thing, kept for the parser (nothing in it is ordered)."""
    if clause.mood != DECLARATIVE:
        return False
    words = re.findall(r"[\w'-]+", clause.text)
    if not words or words[0] not in ("the", "my", "our", "this", "that", "last", "yesterday's"):
        return False
    verb = next((i for i, w in enumerate(words) if clauses.finite(w)), len(words))
    return not ACTION.search(" ".join(words[verb:]))


def _timed(text: str) -> bool:
    """Whether a purpose carries its own time ("so i can patch it tonight": still the order's time)."""
    text = re.sub(r"\blater\b", " ", text)
    return bool(DEFERRAL.search(text) or SOFT_TIME.search(text))


def asks_to_skip(clean: str) -> bool:
    """Whether the request (lower case) asks to skip a confirmation at all ("-y", "auto-confirm it"): refused later
    when what is proposed is destructive, whatever words said it ("rm ct X --yes", "template X -y")."""
    return bool(SKIP_ASKED.search(clean))


def skips_confirmation(clean: str) -> bool:
    """Whether the request (lower case) asks to skip the confirmation of something destructive ("delete X, and skip
    the confirmation", "destroy everything, auto approve"): refused as a whole, never carried out without it."""
    return bool(SKIP_CONFIRM.search(clean) and DESTRUCTIVE.search(clean)) or bool(CONFIRM_OFF.search(clean))
