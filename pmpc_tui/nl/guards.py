"""Reading the request itself, before and after any parser or model: what must never become an action.

Negation ("don't stop db-01"), deferral ("in 10 minutes", "tonight") and conditions ("if … then",
"when web-01 is down") make any proposal not understood, with the reason, and so does a question about
the past ("when did web-01 last reboot") for a proposal that would change something; an exception
("everything except db-01", "all but …", "but leave …") is taken out of the request and its guests are
left out of every target — or the request is refused when they cannot be told. Chit-chat gets a short list
of what plain English can do. None of this depends on how the request was parsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pmpc_tui.commands.registry import READ, risk_of_line
from pmpc_tui.nl.ground.conditions import plain_order
from pmpc_tui.nl.ground.lexicon import ACTION_STEMS, DESTROYING
from pmpc_tui.nl.ground.off_scope import why_out_of_scope
from pmpc_tui.nl.ground.orders import (
    WHY_SKIP,
    WHY_TAKEN_BACK,
    WHY_UNORDERED,
    asks_to_read,
    asks_to_skip,
    conditional,
    read_orders,
    skips_confirmation,
    without_purpose,
)
from pmpc_tui.nl.ground.written import WHY_WRITTEN, quoted_in_writing
from pmpc_tui.nl.guard_words import (
    ADVICE,
    BENIGN,
    BUT_NOT,
    CAN_DO,
    CANCEL,
    CAPABILITY,
    CHANGE_NOTHING,
    COMMENTED,
    CONDITION_KEY,
    CREATING,
    DEBUG,
    DEFERRAL,
    DOUBT_FIRST,
    DRY_RUN_ONLY,
    DRY_WORDS,
    EXCEPTED_AFTER,
    EXCEPTED_WORD,
    EXCEPTION,
    FILE_NAME,
    FILES_UNTOUCHED,
    GREETING,
    HANDS_OFF,
    IF_NEEDED,
    INJECTION,
    JOKING,
    JUST_LOOKING,
    LEAVE_FIRST,
    LEAVE_OUT,
    NAMED_AS,
    NEGATED_FIRST,
    NEGATION,
    NO_CONFIRM,
    NOT_FIRST,
    NOT_GUEST,
    NOT_RUNNING,
    NOT_THAT_ONE,
    OFF_TOPIC,
    PAST_PL,
    POWER,
    PRESENT_TIME,
    REMINDER,
    SECRET,
    SELECTION_EXCEPTION,
    SHELL_WORK,
    SHOW_WOULD,
    SMALL_TALK,
    SOFT_TIME,
    STAYS,
    UPID_SAID,
    VERB_NOTHING,
    WHAT_WOULD,
    WHETHER,
    WHY_CANCEL,
    WHY_COMMENTED,
    WHY_CONDITION,
    WHY_DEBUG,
    WHY_DEFERRAL,
    WHY_INJECTION,
    WHY_NEGATION,
    WHY_SECRET,
    WHY_SHELL,
    WHY_UNSAID,
    WITHOUT_DOING,
    WITHOUT_FIRST,
)
from pmpc_tui.nl.proposal import Proposal, refused
from pmpc_tui.services.names import Names


@dataclass
class Reading:
    """What the guards read in a request: the text for the parser, guests to leave out, and a reason to
    refuse a changing proposal (or a refusal outright)."""

    text: str
    excluded: set[str] = field(default_factory=set)  # guest names an exception leaves out
    blocked: str | None = None  # why any proposal is refused (negation, deferral, condition)
    question: str | None = None  # why a proposal that changes state is refused (the request asks, not orders)
    refusal: Proposal | None = None  # refused before any parsing
    forbidden: set[str] = field(default_factory=set)  # commands a "but don't …" clause rules out
    dry_run_only: bool = False  # "…, don't actually do it": every line must be a dry run
    destroys: bool = False  # the request says to delete, wipe or destroy something (never a power action alone)
    skips: bool = False  # the request asks to skip a confirmation: refused when anything proposed is destructive


# a cross or a no-entry sign after an order takes it back ("stop mqtt ❌"), like "cancel that" (nl18)
TAKE_BACK_SIGN = re.compile(r"\s*[\u274c\u274e\u2716\U0001f6ab\U0001f645]\ufe0f?\s*")


# "stop all vms lol no": an order laughed off at its end is taken back (nl18)
LAUGHED_OFF = re.compile(r"\s+(?:lol|lmao|rofl|haha\w*|hehe\w*)\W*\s+(?:no+|nope|nah|jk|kidding)\W*$", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lower case, one space, plain apostrophes, no trailing punctuation; a cross after words is "cancel that"."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = TAKE_BACK_SIGN.sub(lambda m: ", cancel that, " if text[:m.start()].strip() else " ", text)
    text = LAUGHED_OFF.sub(", cancel that", text)
    return re.sub(r"\s+", " ", text.strip().lower()).rstrip("?.! ")


def mentioned(text: str, names: Names) -> set[str]:
    """Guests the request names itself (by name, or by VMID as a word)."""
    clean = normalize(text)
    found = set()
    for name, (_k, vmid, _n, _s, _t) in names.guests.items():
        if re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", clean) or \
                re.search(rf"(?<![\w.-]){vmid}(?![\w.-])", clean, re.ASCII):
            found.add(name)
    return found


def _excluded(clause: str, names: Names) -> set[str]:
    """Guests an exception clause names: by name or VMID, by a tag ("those tagged prod", "the db vms"), by the end
    of a name ("worker-2" → k8s-worker-2), by what they are ("the backup server"), by state ("the stopped ones"),
    or the templates (which a selection leaves out anyway)."""
    from pmpc_tui.nl.ground.guests import ROLES, _name_parts

    found = mentioned(clause, names)
    tags = {t for g in names.guests.values() for t in g[4].split(";") if t}
    for word in re.findall(r"[a-z0-9_-]+", clause):
        if word in tags:
            found |= {n for n, g in names.guests.items() if word in g[4].split(";")}
        elif len(word) > 2 and re.search(r"[a-z]", word) and word not in STOP_WORDS:
            found |= {n for n in names.guests if re.search(rf"(?:^|-){re.escape(word)}$", n.lower())}
        if len(word) >= 2 and re.search(r"[a-z]", word) and word not in STOP_WORDS:  # "except cp": k8s-cp-1
            found |= {n for n in names.guests if {word, word.removesuffix("s")} & set(n.lower().split("-")[1:-1])}
    for pattern, fragments in ROLES:
        if re.search(pattern, clause):
            found |= {n for n in names.guests if set(_name_parts(n)) & set(fragments)}
    if re.search(r"\btemplates?\b", clause):
        found |= {n for n, g in names.guests.items() if g[3] == "template" or "template" in g[4].split(";")
                  or names.is_template(g[1])}
    return found


STOP_WORDS = frozenset({"the", "and", "ones", "one", "those", "that", "vms", "cts", "guests", "containers", "running",
                        "stopped", "tagged", "box", "boxes", "server", "servers"})
STATE_OF = {"stopped": "stopped", "off": "stopped", "down": "stopped", "running": "running", "up": "running",
            "on": "running", "paused": "paused", "suspended": "paused"}
OPPOSITE = {"stopped": "running", "running": "stopped"}
STATE_CLAUSE = re.compile(r"\b(stopped|off|down|running|up|on|paused|suspended)\s+(?:ones|vms|cts|guests|containers)\b|"
                          r"\b(?:ones|those|the\s+ones)\s+(?:that\s+are\s+|which\s+are\s+)?(stopped|running|paused)\b")


# the verbs of an order: a time in the same sentence as one of these is the order's time
ORDER = re.compile(r"\b(?:stop|start|reboot|restart|shut|shutdown|delete|remove|destroy|migrate|move|snapshot|"
                   r"back\s*up|backup|apply|resize|grow|create|clone|kill|suspend|pause|resume|wipe|rollback|roll|revert|sync|"
                   r"import|deploy|set|give|add|do|run|make)\b")
NOW = re.compile(r"\b(?:now|right\s+now|for\s+now|immediately|straight\s+away)\b")


def _now_elsewhere(text: str) -> bool:
    """Whether the time said belongs to another sentence than the order, which says "now": "upgrading postgres in
    10 min, take a snapshot now", "pve1 gets a new ssd tomorrow. for now just list what runs on it"."""
    clauses = [c for c in re.split(r"\.{2,}|[.;!?]\s|,\s", text) if c.strip()]
    timed = [c for c in clauses if DEFERRAL.search(c)]
    return bool(timed) and len(clauses) > 1 and any(NOW.search(c) and not DEFERRAL.search(c) for c in clauses) and \
        not any(NOW.search(c) or ORDER.search(c) for c in timed)


ACTION_VERB = (r"(start|stop|reboot|restart|shut\s*down|shutdown|suspend|pause|resume|snapshot|back\s*up|backup|"
               r"migrate|delete|remove|clone)")
TWO_ORDERS = re.compile(rf"^\s*{ACTION_VERB}\b(.+?)\s*,?\s+and\s+(?:then\s+)?{ACTION_VERB}\b(.+)$")


def _verb(word: str) -> str:
    """One spelling per action ("restart" is reboot, "shut down" is shutdown)."""
    word = re.sub(r"\s+", "", word)
    return {"restart": "reboot", "pause": "suspend", "backup": "backup", "remove": "delete"}.get(word, word)


def _unnamed(text: str, names: Names) -> str:
    """The request without guests' names (`backup-server`, a guest called `wipe-test` say nothing)."""
    for name in sorted(names.guests, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", " ", text)
    return text


def read(text: str, names: Names) -> Reading:
    """What the request says beyond its commands (see the module's docstring)."""
    clean = normalize(text)
    greeting = GREETING.match(clean)
    if greeting:
        clean = clean[greeting.end():].strip()
    if CAPABILITY.search(clean) or not clean:
        return Reading(clean, refusal=refused("I turn requests about your Proxmox VE cluster into proxmox-mpc "
                                              "commands, for example: " + "; ".join(CAN_DO), CAN_DO[:4]))
    if SECRET.search(clean):
        return Reading(clean, refusal=refused(WHY_SECRET, ["test-connection"]))
    if DEBUG.search(clean):
        return Reading(clean, refusal=refused(WHY_DEBUG, ["debug on"]))
    if OFF_TOPIC.search(clean):
        return Reading(clean, refusal=refused("I turn requests about your Proxmox VE cluster into proxmox-mpc "
                                              "commands, for example: " + "; ".join(CAN_DO), CAN_DO[:4]))
    if ADVICE.search(clean) or SMALL_TALK.match(clean):
        return Reading(clean, refusal=refused("I turn requests about your Proxmox VE cluster into proxmox-mpc "
                                              "commands, for example: " + "; ".join(CAN_DO), CAN_DO[:4]))
    if SHELL_WORK.search(clean):
        return Reading(clean, refusal=refused(WHY_SHELL, ["list nodes"]))
    if quoted_in_writing(clean):  # 'write in the postmortem that "stop all vms" was wrong' (nl18)
        return Reading(clean, refusal=refused(WHY_WRITTEN, ["list vms"]))
    if why_out_of_scope(clean, names.storage):  # hardware orders (nl17i), firmware, formatting storage (nl18)
        return Reading(clean, refusal=refused(str(why_out_of_scope(clean, names.storage)), ["list nodes"]))
    if JOKING.search(clean):
        return Reading(clean, refusal=refused(WHY_TAKEN_BACK, ["list vms"]))
    if COMMENTED.search(clean):
        return Reading(clean, refusal=refused(WHY_COMMENTED, ["list vms"]))
    if CONDITION_KEY.search(text.lower()):
        return Reading(clean, refusal=refused(WHY_CONDITION, ["list vms"]))
    if PAST_PL.search(text.lower()):
        return Reading(clean, refusal=refused(WHY_UNORDERED, ["list vms", "tasks"]))
    if INJECTION.search(clean):
        return Reading(clean, refusal=refused(WHY_INJECTION, ["list vms"]))
    if skips_confirmation(clean):
        return Reading(clean, refusal=refused(WHY_SKIP, ["list vms"]))
    clean = PRESENT_TIME.sub(" ", clean).strip(" ,")  # "i know it's 3am, but …": the time now, not the order's
    looking = JUST_LOOKING.search(clean)
    looking = looking if looking and clean[:looking.start()].strip() else None
    if looking:
        clean = clean[:looking.start()].strip()  # "any snapshots on db-01? just looking, not touching": the read
    clean = DOUBT_FIRST.sub("don't ", clean)
    nothing = VERB_NOTHING.match(clean)
    if nothing:  # "stop nothing, i just want to know …": the verb is negated
        clean = f"don't {nothing.group(1)} anything{clean[nothing.end():]}"
    skips = asks_to_skip(clean)
    stopped = NOT_RUNNING.sub("are stopped", clean)  # "if X isn't running yet, power it on": X's own state
    clean = plain_order(clean, names) or plain_order(stopped, names) or stopped
    clean = re.sub(r"\s+(?:--yes|-y|--auto-approve)\b", "", clean)  # a typed --yes is dropped: language always asks
    clean = NO_CONFIRM.sub("", clean).strip(" ,")  # and so is "don't ask me", "no questions": the confirmation stays
    clean = REMINDER.sub("", clean)  # "don't forget to back up db-01" asks for the backup
    leading = NOT_FIRST.match(clean)
    if leading and mentioned(leading.group(1), names) and not re.search(r"\b(?:vm|ct|container|guest)\b",
                                                                        leading.group(1)):
        clean = f"{leading.group(2)} except {leading.group(1)}"  # "not web-01, stop web-02": web-01 is left out
    kept = LEAVE_FIRST.match(clean)
    if kept and mentioned(kept.group(1), names) and _only_names(kept.group(1), names) and \
            not re.fullmatch(r"(?:please|pls|thanks?|thank\s+you|ok(?:ay)?|for\s+now)\W*", kept.group(2)):
        clean = f"{kept.group(2)} except {kept.group(1)}"  # "leave web-01 running, but restart web-02"
    deictic = NOT_THAT_ONE.match(clean)
    if deictic and mentioned(clean[deictic.end():], names):
        clean = clean[deictic.end():]  # "not that one, the stopped one: start minio": the order says which
    without = WITHOUT_FIRST.match(clean)
    if without and _base_form(without.group(1)) != without.group(1):
        clean = f"don't {_base_form(without.group(1))} {without.group(2)}, just {without.group(3)}"
    clean = EXCEPTED_AFTER.sub(r", except \g<what>", clean)  # "…, the windows one excepted": except it (nl18)
    clean = NOT_GUEST.sub(", but not ", clean)  # "shut down web-02, not web-01": web-01 is left out
    clean = STAYS.sub(r", but leave \1 alone", clean)  # "stop all vms, db-01 stays up": db-01 is left out
    reading = Reading(clean)
    set_aside = ""
    exception = EXCEPTION.search(clean) or SELECTION_EXCEPTION.search(clean) or LEAVE_OUT.search(clean)
    if exception:
        start = exception.start() if exception.re is EXCEPTION else exception.start(1)
        rest = clean[exception.end():]
        clause, _, after = rest.partition(",")
        excluded = _excluded(re.sub(r"\b(running|up|on|alone|out|be|where|it|is|in|place|as|untouched)\b", "", clause),
                             names)
        state = STATE_CLAUSE.search(clause)  # "but not the stopped ones": the guests in that state
        if state:
            excluded |= {n for n, g in names.guests.items() if g[3] == STATE_OF[state.group(1) or state.group(2)]}
        if not excluded:
            return Reading(clean, refusal=refused(
                f"I could not tell which guests '{exception.group(1)}{clause}' leaves out, so nothing was "
                "proposed: name them (e.g. `stop every vm tagged dev`, or each guest)", ["list vms"]))
        before = clean[:start].strip().rstrip(",") + (" all" if exception.group(1).startswith("all") else "")
        state = STATE_CLAUSE.search(clause)
        said_state = state and (state.group(1) or state.group(2))
        if said_state and STATE_OF[said_state] in OPPOSITE and not re.search(
                r"\b(running|stopped|paused|up|down)\b", before):  # "containers, but not the stopped ones"
            before += f" that are {OPPOSITE[STATE_OF[said_state]]}"
        reading = Reading(f"{before} {after.strip()}".strip(), excluded=excluded)
        set_aside = clause  # "stop everything except db-01 in 5 min": the time is still the order's
    reading.skips = skips
    if not reading.excluded and EXCEPTED_WORD.search(clean):  # an exception nobody could read: no change (nl18)
        reading.question = WHY_EXCEPTION
    two = TWO_ORDERS.match(reading.text)
    if two and _verb(two.group(1)) != _verb(two.group(3)):  # "stop web-01 and start web-02": one after the other
        reading.text = f"{two.group(1)}{two.group(2)}, then {two.group(3)}{two.group(4)}"
    rest = reading.text
    untouched = FILES_UNTOUCHED.search(rest)
    if untouched and re.search(r"\bimport\w*\b|\bre-?import\b", rest):
        reading.dry_run_only = True
        reading.text = rest = FILES_UNTOUCHED.sub(" ", rest).strip() + " dry run"
    shown = SHOW_WOULD.match(rest)
    if shown:
        reading.dry_run_only = True
        reading.text = rest = f"{_base_form(shown.group('act'))} {rest[shown.end():]}".strip() + " dry run"
    if WITHOUT_DOING.search(rest) or WHAT_WOULD.search(rest):
        reading.dry_run_only = True
        rest = WITHOUT_DOING.sub(" ", rest).strip(" ,")
        reading.text = rest = rest if rest.endswith(" dry run") else rest + " dry run"
    if DRY_RUN_ONLY.search(rest) or (WHETHER.search(rest) and DRY_WORDS.search(rest)):
        reading.dry_run_only = True
        reading.text = rest = DRY_RUN_ONLY.sub(" ", WHETHER.sub(" ", rest)).strip() + " dry run"
    # an action is proposed only from an order (nl/ground/clauses.py reads each clause's mood; nl17l)
    ordered = read_orders(rest, reading.dry_run_only, asked=text.rstrip().endswith("?"),
                          names_guest=lambda said: bool(mentioned(said, names)),
                          names_node=lambda said: any(re.search(rf"(?<![\w-]){re.escape(n.lower())}(?![\w-])", said)
                                                      for n in names.nodes))
    if ordered.blocked or not ordered.text:
        return Reading(rest, refusal=refused(ordered.blocked or str(ordered.question), ["list vms"]))
    named = mentioned(rest, names)
    if ordered.text != rest and len(named) == 1 and asks_to_read(ordered.text) and \
            not mentioned(ordered.text, names):  # "… asked me to reboot web-01, what's its uptime": its guest
        ordered.text = re.sub(r"\b(?:its|it)\b", next(iter(named)), ordered.text, count=1)
    reading.text = rest = ordered.text
    reading.dry_run_only = reading.dry_run_only or ordered.dry_run
    but_not = BUT_NOT.search(rest)
    if but_not and rest[:but_not.start()].strip():
        clause = but_not.group(1)
        ruled_out = _ruled_out(clause)
        head = rest[:but_not.start()].strip()
        if reading.dry_run_only and rest.endswith(" dry run") and not head.endswith(" dry run"):
            head += " dry run"  # "what would the apply change? don't apply anything": still the dry run
        others = mentioned(clause, names) - mentioned(head, names)
        hands_off = HANDS_OFF.match(clause)
        if (ruled_out or (hands_off and _only_names(hands_off.group(1), names))) and others and \
                not NEGATION.search(BENIGN.sub(" ", head)):
            reading.text, rest = head, head  # "reboot grafana, don't reboot prometheus": prometheus is left out
            reading.excluded |= others
        elif ruled_out and not NEGATION.search(BENIGN.sub(" ", head)):
            reading.text, reading.forbidden, rest = head, ruled_out, head
        elif CHANGE_NOTHING.match(clause) and asks_to_read(head) and not NEGATION.search(BENIGN.sub(" ", head)):
            reading.text, rest = head, head  # "check the drift, don't fix anything": only a read may answer
            reading.question = WHY_NEGATION
    instead = NEGATED_FIRST.match(rest)
    if instead and not NEGATION.search(BENIGN.sub(" ", instead.group(2))):
        # "don't apply anything, just show me the plan": the second order, never the negated one
        ruled_out = _ruled_out(instead.group(1))
        said = sorted(mentioned(instead.group(1), names))
        second = instead.group(2)
        if len(said) == 1 and not mentioned(second, names):  # "…, just show me its config": the guest said before
            second = re.sub(r"\b(?:its|it|them|their)\b", said[0], second, count=1)
        reading.text = rest = second
        reading.forbidden |= ruled_out
        if not ruled_out:
            reading.question = WHY_NEGATION  # "don't touch anything, just …": nothing but a read may answer
    if reading.question is None:
        reading.question = ordered.question or (WHY_NEGATION if looking else None)  # "…, just looking": reads only
    # quoted text is data (a summary, a description), never a time, condition or negation said to us
    rest = IF_NEEDED.sub(" ", re.sub(r"(?<![\w])'[^']+'(?![\w])|\"[^\"]+\"", " ", rest))
    rest = without_purpose(FILE_NAME.sub(" ", FILES_UNTOUCHED.sub(" ", rest)))  # "so i can apply it later"
    rest = NAMED_AS.sub(r"\1 x", rest)  # "a snapshot called nightly": a name, never a time
    reading.destroys = bool(DESTROYING.search(re.sub(r"\b(?:before|after|once)\s+(?:i|we|you)\b.*", " ",
                                                    _unnamed(rest, names))))
    if CANCEL.search(_unnamed(rest, names)) and not UPID_SAID.search(rest):
        reading.blocked = WHY_CANCEL  # "cancel the reboot of web-01" is never a reboot
    elif DEFERRAL.search(set_aside) or conditional(set_aside):
        reading.blocked = WHY_DEFERRAL if DEFERRAL.search(set_aside) else WHY_CONDITION
    elif SOFT_TIME.search(rest) and not _now_elsewhere(rest) and reading.question is None:
        reading.question = WHY_DEFERRAL  # "reboot web-01 after the backup": a read may answer, nothing else
    if reading.blocked is None and DEFERRAL.search(rest) and not _now_elsewhere(rest):
        reading.blocked = WHY_DEFERRAL
    elif ordered.condition:
        reading.blocked = ordered.condition  # "if web-01 hangs, reboot it", "once the dba signs off, …"
    elif NEGATION.search(BENIGN.sub(" ", rest)):
        reading.blocked = WHY_NEGATION
    return reading


WHY_EXCEPTION = ("the request leaves something out that I could not tell, so nothing that changes state was "
                 "proposed: name the guests to leave out (e.g. `stop every vm except db-01`)")


def _ruled_out(clause: str) -> set[str]:
    """The commands a negated clause names by its verbs, one or several ("plan or apply", "stop, nor delete")."""
    out: set[str] = set()
    for part in re.split(r"\s*(?:,|\bor\b|\bnor\b|\band\b)\s*", clause):
        said = {command for command, words in ACTION_STEMS.items() if re.match(rf"(?:{words})", part)}
        if not said:
            break
        out |= said
    return out


def _base_form(act: str) -> str:
    """An action said as a gerund in its base form ("deleting dev-sandbox" → "delete dev-sandbox")."""
    from pmpc_tui.nl.ground.clause_words import VERBS

    first, _, rest = act.partition(" ")
    if first.endswith("ing"):
        stem = first[:-3]
        base = next((v for v in (stem, stem + "e", stem[:-1]) if v in VERBS and len(v) > 2), None)
        if base:
            return f"{base} {rest}".strip()
    return act


def _only_names(said: str, names: Names) -> bool:
    """Whether `said` is nothing but guests' names (and "the", "vm", "and", commas): "web-02 and pihole"."""
    rest = said
    for name in sorted(mentioned(said, names), key=len, reverse=True):
        rest = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", rest)
    return not re.sub(r"\b(?:the|vm|ct|container|guest|and|or|either|please)\b|[,.!]", " ", rest).strip()


def after(proposal: Proposal, reading: Reading) -> Proposal:
    """The checked proposal, or a refusal when the request was negated, deferred or conditional: even a
    read would answer another question ("which vms are not running" is not `list vms --status running`)."""
    why = reading.blocked or (reading.question if proposal.needs_confirmation else None)
    if reading.forbidden and any(c.split()[0] in reading.forbidden for c in proposal.commands):
        why = WHY_NEGATION
    if reading.destroys and proposal.commands and all(c.split()[0] in POWER or " ".join(c.split()[:2]) in CREATING
                                                      for c in proposal.commands):
        why = WHY_UNSAID  # "nuke everything and start over" is never a reboot of everything
    if reading.dry_run_only and any("--dry-run" not in c.split() and risk_of_line(c) != READ
                                    for c in proposal.commands):
        why = WHY_NEGATION
    if reading.skips and any(risk_of_line(c) == "destructive" for c in proposal.commands):
        why = WHY_SKIP  # "rm ct X --yes", "template X -y": a destructive line is never proposed beside a skip asked
    if why is None:
        return proposal
    return refused(why, ["list vms"], notes=[f"not proposed: {c}" for c in proposal.commands])
