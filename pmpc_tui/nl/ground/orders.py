"""Whether the actions a request names are ordered (read by `nl/guards.py`; nl17k).

An action is proposed only when it is ordered. An action word said only as a report ("Tom already restarted
web-01"), the speaker's own intention ("I'll handle the reboot myself", "I'm about to plan a reboot"), a purpose
("so I can pick one to roll back to"), an evaluation ("evaluate whether web-02 can be decommissioned"), a quote
("the runbook says: "shutdown vm db-01""), a question asked in another language ("est-ce que je peux supprimer …"),
an order taken back ("…, so no", "no action yet") or an order after an event ("once the DBA signs off", "after the
freeze ends") changes nothing. Those parts are taken out of the text the parser reads, so a read asked beside them
("list the guests tagged prod, I'm about to plan a reboot") is what remains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pmpc_tui.nl.guard_words import DEFERRAL, SOFT_TIME

# words of an action that changes something (stems, English): what an unordered part may hide
ACTION = re.compile(r"\b(?:stop\w*|start\w*|reboot\w*|restart\w*|shut\w*|power\w*\s+(?:off|on|down|up)|turn\w*\s+off|"
                    r"kill\w*|halt\w*|bounce\w*|suspend\w*|paus\w*|resum\w*|delet\w*|remov\w*|destroy\w*|wip\w*|nuk\w*|"
                    r"decommission\w*|migrat\w*|mov\w*|roll\w*\s+(?:\S+\s+)?back|rollback\w*|revert\w*|snapshot\w*|back\w*\s+up|"
                    r"backup\w*|clon\w*|resiz\w*|grow\w*|apply\w*|deploy\w*|purg\w*|tear\w*\s+down|bring\w*\s+down|"
                    r"take\w*\s+(?:\w+\s+)?(?:down|offline))\b")

_DONE = (r"(?:stopped|started|rebooted|restarted|shut\s+down|powered\s+(?:off|on|down)|turned\s+off|killed|halted|"
         r"bounced|suspended|paused|resumed|deleted|removed|destroyed|wiped|nuked|decommissioned|migrated|moved|"
         r"rolled\s+back|reverted|snapshotted|backed\s+up|cloned|resized|applied|deployed|purged|took\s+\S+\s+down)")
# a report of something done: a subject, then the action in the past ("tom already restarted web-01")
_IMPERATIVE = (r"(?:list|show|display|get|give|find|describe|count|which|what|who|how|start|stop|reboot|restart|"
               r"delete|remove|check|see|print|tell|filter|select|only|all|any|the|those|these|every|and|but|migrate|"
               r"move|clone|resume|suspend|pause|back|snapshot|kill|shut|power|turn|wake|boot|destroy|wipe|purge|"
               r"please|just|now|then|also|so|are|is|were|was|any|no|not|my|our|your|its|their|dump|export|report)")
_ADVERB = r"(?:already|just|has|have|had|'ve|'d|also|again|recently|earlier)"
# "shut down" reads the same as an order: only after a pronoun or an adverb is it a report
_PAST = _DONE.replace(r"shut\s+down|", "")[:-1] + r"|did|handled|fixed|dealt\s+with|took\s+care\s+of)"
REPORT = re.compile(rf"(?:^|(?<=[,.;:!?]\s)|\b(?:and|but)\s+)"
                    rf"(?:(?:i|we|he|she|they|someone|somebody)\s+(?:{_ADVERB}\s+)*(?:been\s+)?(?:{_DONE}|{_PAST})|"
                    rf"(?!{_IMPERATIVE}\b|\w+ly\b)[a-z]+\s+(?:{_ADVERB}\s+)+(?:been\s+)?(?:{_DONE}|{_PAST})|"
                    rf"(?:the\s+|our\s+|my\s+|a\s+)?(?!{_IMPERATIVE}\b|\w+ly\b|\w*(?:thing|one|body)\b)[a-z]+\s+"
                    rf"{_PAST}(?=\s+\S))\b[^,.;!?]*")
# a report with a time in the past after any subject ("the on-call engineer shut down pihole last night")
REPORT_TIMED = re.compile(rf"(?<=[a-z]\s){_DONE}\b[^,.;!?]*?\b(?:ago|yesterday|last\s+(?:night|week|weekend|time|"
                          rf"month)|earlier\s+today|this\s+morning|over\s+the\s+weekend)\b[^,.;!?]*")
# what an order left after a report names as its target (a guest's name or VMID, a selection)
TARGET = re.compile(r"\b[a-z]+-[\w-]+|\b\d{3,}\b|\b(?:vms?|cts?|guests?|containers?|all|every\w*)\b")
# a report about an action said as a noun ("the backup of db-01 ran fine last night")
REPORT_NOUN = re.compile(r"(?:^|(?<=[,.;:!?]\s))(?:the|my|our|last|yesterday's|last\s+night's|this\s+morning's)\s+"
                         r"(?:\S+\s+)?(?:backup|reboot|restart|snapshot|migration|shutdown|deletion|rollback|clone)s?\b"
                         r"(?:\s+of\s+\S+)?\s+(?:ran|went|worked|finished|completed|failed|succeeded|took|was|were|"
                         r"is\s+done|has\s+(?:finished|completed|failed))\b[^,.;!?]*")
_ORDERING = frozenset({"please", "to", "and", "then", "you", "just", "now", "can", "could", "would", "also", "so",
                       "kindly", "pls", "plz", "ahead", "let's", "lets", "must", "should", "need"})
# a passive report ("web-01 was already restarted"): a read may filter by it ("the vms that were killed")
PASSIVE = re.compile(rf"\b(?:was|were|has\s+been|have\s+been|got|already)\s+(?:already\s+|just\s+)?{_DONE}\b[^,.;!?]*|"
                     r"\b(?:restart|reboot|backup|snapshot|migration|shutdown|deletion|rollback)s?\s+(?:was|were|has\s+"
                     r"been|have\s+been|got)\s+(?:already\s+)?(?:done|handled|taken\s+care\s+of|carried\s+out|"
                     r"performed)\b[^,.;!?]*|"
                     # reported speech: "jim said he will restart grafana", "the runbook step reads: stop vm db-01"
                     r"\b(?:says?|said|reads?|wrote|writes|mentioned|suggested|suggests|claims?|claimed)\b:?\s+"
                     r"(?:that\s+|to\s+)?[^.;!?]*")
# the speaker's own intention ("i'll handle …", "i'm about to …", "we plan to …", "i'm thinking of …")
INTENTION = re.compile(r"\b(?:i|we)(?:'ll|\s+will|'m|\s+am|'re|\s+are)?\s+(?:about\s+to|going\s+to|gonna|planning\s+"
                       r"(?:to|on)|plan\s+to|thinking\s+(?:of|about)|considering|intend\s+to|handle|take\s+care\s+of|"
                       r"do\s+(?:it|that|this|the\s+\w+)\s+myself|deal\s+with|might|may)\b[^,.;!?]*|"
                       r"\b(?:i|we)(?:'ll|\s+will)\s+(?!need\s+you|let\s+you|want\s+you)[^,.;!?]*|"
                       r"\b(?:the|my|our)\s+(?:plan|idea|intention|goal)\s+is\s+to\b[^,.;!?]*|"
                       # someone else's order or wish, relayed ("i was told to …", "the intern wants to …")
                       r"\b(?:i|we)\s+(?:was|were|have\s+been|'ve\s+been|got)\s+(?:told|asked)\s+to\b[^,.;!?]*|"
                       r"\b(?:asked|told)\s+(?:me|us)\s+to\b[^,.;!?]*|"
                       r"\b(?!i\b|we\b|you\b|it\b|that\b|which\b|plan\b|code\b|workspace\b|apply\b|diff\b|terraform\b)"
                       r"[a-z]+\s+wants?\s+(?:me\s+|us\s+)?to\b[^,.;!?]*")
# a purpose or evaluation: what the speaker wants to find out or decide, never an order
PURPOSE = re.compile(r"\b(?:so\s+(?:that\s+)?(?:i|we|you|they)\s+can|in\s+order\s+to\s+(?:decide|see|check|pick|choose|"
                     r"plan)|to\s+(?:decide|figure\s+out|see|judge)\s+(?:if|whether|which|what|how))\b[^.;!?]*")
EVALUATION = re.compile(r"\b(?:evaluate|assess|judge|consider|check|find\s+out|figure\s+out|investigate|determine|"
                        r"tell\s+me|let\s+me\s+know|ask(?:ing)?|decide|deciding|"
                        r"i\s+want\s+to\s+know|wondering)\s+(?:if|whether|how)\b[^.;!?]*?(?=\s*(?:,\s*|\s)(?:and|then)\s+"
                        r"(?:then\s+)?(?:please\s+)?(?:start|stop|reboot|restart|shut|delete|remove|migrate|move|"
                        r"snapshot|back|resume|suspend|pause|roll|clone)\b|[.;!?]|$)")
# a question about the past
PAST_QUESTION = re.compile(r"^(?:what|which|who|when|where|how)\s+(?:did|has|have|had|was|were)\b")
# the speaker endorses what was said before ("the ticket says reboot web-01, go ahead")
GO_AHEAD = re.compile(r"(?:^|[,.;:!-]\s*)(?:so\s+)?(?:please\s+)?(?:go\s+ahead|do\s+it|please\s+do(?:\s+it)?|do\s+that|"
                      r"make\s+it\s+so)(?:\s+now)?\s*$")
# quoted text: what someone wrote, never said to us
QUOTE = re.compile(r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|\u00ab[^\u00bb]*\u00bb|(?<![\w])'[^' ]+ [^']+'(?![\w])")
# a question asked in another language (or in English asking for permission): nothing is done
FOREIGN_QUESTION = re.compile(r"(?:^|[.!?¿]\s*)(?:est-ce\s+qu(?:e|')|faut-il|vaut-il|ça\s+vaut|sollten\s+wir|"
                              r"lohnt\s+es|vale\s+la\s+pena|merece\s+la\s+pena|dovremmo|deberíamos|devemos|moeten\s+we|"
                              r"zouden\s+we|puis-je|dois-je|peut-on|je\s+peux|on\s+peut|"
                              r"är\s+det|kan\s+jag|får\s+jag|ska\s+jag|bör\s+jag|"
                              r"darf\s+ich|kann\s+ich|soll\s+ich|sollte\s+ich|sollen\s+wir|ist\s+es\s+sicher|"
                              r"posso|devo|possiamo|dovrei|è\s+sicuro|é\s+seguro|puedo|debo|podemos|es\s+seguro|"
                              r"mag\s+ik|kan\s+ik|moet\s+ik|is\s+het\s+veilig|"
                              r"(should\s+(?:i|we)|am\s+i\s+allowed\s+to))\b")
# an order negated in another language, said first ("não desligue o db-01", "non spegnere", "nicht neustarten")
FOREIGN_NOT = re.compile(r"^(?:não|nao|niet|nicht|non|ne\s+\S+\s+pas)\s+\S+")
WHY_NOT = ("the request says not to do something, and plain English never turns that into an action: nothing was "
           "done")
# a choice asked between doing and not doing it
EITHER = re.compile(r"\b(?:stop|start|reboot|restart|shut\s+down|delete|remove|destroy|wipe|migrate|move|suspend|"
                    r"pause|resume|roll\s+back|rollback|kill)\s+(?:\S+\s+)?or\s+(?:keep|leave|not|don'?t|skip)\b")
# an order taken back
TAKEN_BACK = re.compile(r"(?:^|[,.;:!?-]\s*|\s)(?:so\s+no|so\s+don'?t|no\s+action(?:\s+\w+)?|never\s*mind|"
                        r"scratch\s+that|"
                        r"forget\s+(?:it|that|i\s+said\s+(?:it|that|anything))|actually\s+(?:no|don'?t)|on\s+second\s+"
                        r"thought|no\s+wait|nope|nah|no\s+thanks|don'?t\s+act\s+on\s+(?:it|that|this))\b")
# an order after an event someone else brings about ("once the dba signs off", "after the change freeze ends")
EVENT = re.compile(r"\b(?:once|after|when|until|as\s+soon\s+as|the\s+moment|whenever)\s+"
                   r"(?:the\s+|my\s+|our\s+|your\s+)?"
                   r"[\w' -]{1,40}?\s+(?:ends?|ended|is\s+over|are\s+over|is\s+done|are\s+done|finish(?:es|ed)?|"
                   r"signs?\s+"
                   r"off|says?\s+so|says?\s+(?:ok|okay|yes|go)|approves?|gives?\s+(?:the\s+|us\s+the\s+)?(?:go|ok|okay|"
                   r"green\s+light)|lifts?|(?:is|are|gets?)\s+lifted|confirms?|completes?|is\s+complete|agrees?|"
                   r"(?:is|are)\s+back|returns?|opens?|begins?|closes?|(?:is|are)\s+approved|gets?\s+approved|replies|answers|"
                   r"has\s+\w+ed)\b")
# orders that change nothing's power or existence, yet are orders ("set the description to '…'")
OTHER_ORDER = re.compile(r"\b(?:set|create|make|add|rename|tag|give|report|bundle|import|adopt|sync|template|convert|"
                         r"take|put|attach|detach|enable|disable|change|update|upgrade|open|file|write|init|validate)\b")
# a read asked for beside an unordered action ("list the guests tagged prod, I'm about to …")
READ_ASKED = re.compile(r"(?:^|[,.;:!?]\s*)(?:which|what|who|where)\b|"
                        r"\b(?:list|show|display|describe|how\s+(?:many|much)|tell\s+me|get|find|"
                        r"count|status|health|check|inspect|look|print|dump|export|logs?|tasks?|plan|diff|drift)\b")
# a request to skip the confirmation of something destructive: refused as a whole
SKIP_CONFIRM = re.compile(r"\bskip(?:ping)?\s+(?:the\s+)?confirm\w*|\bauto[- ]?approv\w*|\bwithout\s+(?:asking|"
                          r"confirm\w*|a\s+prompt)|\bbypass\s+(?:the\s+)?(?:confirm\w*|prompt)|"
                          r"\bno\s+questions(?:\s+asked)?\b|(?<!\S)(?:--yes|-y)(?!\S)")
DESTRUCTIVE = re.compile(r"\b(?:delet\w*|remov\w*|destroy\w*|wip\w*|nuk\w*|purg\w*|apply|rollback|roll\s+\S+\s+back)\b")

WHY_UNORDERED = ("that names an action without ordering it (a report, a plan of yours, a purpose, a quote, a question "
                 "or an order taken back): nothing was done — say it as an order, e.g. `reboot web-01`")
WHY_EVENT = ("proxmox-mpc cannot wait for someone's go-ahead or the end of an event: say the order when it may be "
             "carried out (nothing was done)")
WHY_TAKEN_BACK = "the request takes its own order back: nothing was done"
WHY_SKIP = ("the confirmation of a destructive request is never skipped, and plain English never asks to skip it: "
            "nothing was done (say the order alone; the confirmation lists every target)")


@dataclass
class Ordered:
    """The text left to parse, and why a change must not be proposed (None: nothing of that kind was said)."""

    text: str
    question: str | None = None  # a read may still answer
    blocked: str | None = None  # nothing may answer


def _strip(pattern: re.Pattern[str], text: str) -> tuple[str, bool]:
    """The text without the parts `pattern` finds that name an action, and whether any was taken out."""
    taken = False

    def cut(match: re.Match[str]) -> str:
        nonlocal taken
        if ACTION.search(match.group(0)):
            taken = True
            return " "
        return match.group(0)

    return pattern.sub(cut, text), taken


def _tidy(text: str) -> str:
    """One space, no dangling punctuation."""
    text = re.sub(r"\(\s*\)", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text))
    text = re.sub(r"([,.;:!?-])(?:\s*[,.;:!?-])+", r"\1", text)
    return text.strip(" ,.;:!?-")


def read_orders(clean: str, dry_run: bool = False) -> Ordered:
    """What is left of the request (lower case) once its unordered actions are taken out (see the docstring); a
    request read as a dry run already changes nothing."""
    if dry_run:
        return Ordered(clean)
    back = list(TAKEN_BACK.finditer(clean))
    if back and ACTION.search(clean[:back[-1].start()]) and not ACTION.search(clean[back[-1].end():]):
        after = clean[back[-1].end():].strip(" ,.;:!?-")  # "…, don't act on that, just tell me X": X alone is read
        return Ordered(after, question=WHY_TAKEN_BACK) if after else Ordered(clean, blocked=WHY_TAKEN_BACK)
    if EVENT.search(clean) and ACTION.search(clean):
        return Ordered(clean, blocked=WHY_EVENT)
    if FOREIGN_NOT.search(clean):
        return Ordered(clean, blocked=WHY_NOT)
    if EITHER.search(clean):  # "delete or keep dev-sandbox?": a read asked beside it may answer
        return Ordered(clean if READ_ASKED.search(clean) else "", question=WHY_UNORDERED)
    if PAST_QUESTION.search(clean):  # "what did the last apply do": a read may answer, never a change
        return Ordered(clean, question=WHY_UNORDERED)
    if GO_AHEAD.search(clean):
        return Ordered(clean)
    asked = FOREIGN_QUESTION.search(clean)
    if asked and asked.group(1):  # "should i shut down X to free ram?": a read asked beside it may answer
        return Ordered(clean if READ_ASKED.search(clean) else "", question=WHY_UNORDERED)
    if asked:  # in another language: a read may answer ("est-ce que web-01 tourne ?"), never a change
        return Ordered(clean, question=WHY_UNORDERED)
    text, cut_any = clean, False
    purpose = PURPOSE.search(text)
    timed = re.sub(r"\blater\b", " ", purpose.group(0)) if purpose else ""  # "restore it later" is the purpose's
    if purpose and (DEFERRAL.search(timed) or SOFT_TIME.search(timed)):
        purpose = None  # "reboot web-01 so i can patch it tonight": the time is still the order's
    if purpose and not (purpose.group(0).startswith("so") or ACTION.search(purpose.group(0))):
        purpose = None  # "i just want to see what it would do": only a purpose that names an action is cut
    if purpose and purpose.start() > 0:  # "back up db-01 so we can restore it later": the purpose is never an order
        text, cut_any = text[:purpose.start()] + text[purpose.end():], bool(ACTION.search(purpose.group(0)))
    for pattern in (EVALUATION, INTENTION):
        text, taken = _strip(pattern, text)
        cut_any = cut_any or taken
    told, reported = _reports(text)
    if reported and (ACTION.search(told) or OTHER_ORDER.search(told)) and not TARGET.search(told):
        told, reported = text, False  # "i rolled back web-01 …, take the cluster version": the order is about it
    text = _tidy(told) if cut_any or reported or purpose else clean
    # a quote or a passive report stays in the text (a description is quoted, a read may filter by "were killed")
    left, quoted = _strip(QUOTE, text)
    left, passive = _strip(PASSIVE, left)
    if not (cut_any or reported or quoted or passive) or ACTION.search(left) or OTHER_ORDER.search(left):
        return Ordered(text)  # an order said beside the unordered part stands
    if not READ_ASKED.search(left):  # nothing else is asked: nothing is proposed
        return Ordered("", question=WHY_UNORDERED)
    return Ordered(text, question=WHY_UNORDERED)


def _reports(text: str) -> tuple[str, bool]:
    """The text without its reports of what someone did ("tom already did web-01"), and whether there was one."""
    cut = REPORT_NOUN.sub(" ", REPORT.sub(" ", text))
    for match in reversed(list(REPORT_TIMED.finditer(cut))):
        said = cut[:match.start()].split()
        if said and said[-1] not in _ORDERING:
            cut = cut[:match.start()] + " " + cut[match.end():]
    return cut, cut != text

def skips_confirmation(clean: str) -> bool:
    """Whether the request (lower case) asks to skip the confirmation of something destructive ("delete X, and skip
    the confirmation", "destroy everything, auto approve"): refused as a whole, never carried out without it."""
    return bool(SKIP_CONFIRM.search(clean) and DESTRUCTIVE.search(clean))
