"""Plain English → a Proposal with the embedded model: intent classifier, slot tagger, then grounding."""

from __future__ import annotations

import re

from pmpc_tui.commands.registry import DESTRUCTIVE, READ, risk_of_line
from pmpc_tui.nl.ground.intents import corrected
from pmpc_tui.nl.grounding import NotGrounded, Slots, ground, safety
from pmpc_tui.nl.model import runtime
from pmpc_tui.nl.options import with_options
from pmpc_tui.nl.proposal import Proposal
from pmpc_tui.services.names import Names

REFUSE = ("I won't turn that into a command: it is negated, deferred or conditional (\"don't …\", \"in 10 "
          "minutes\", \"if …\"). Say what to do now, as a plain request")
NONE = "I did not understand that as a request for the cluster"
MAX_CHARS = 1000
# a destructive reading the classifier gives less than this probability is a question, never a proposal
SHAKY = 0.8
SUGGEST = ["list vms", "start vm NAME", "create vm --name NAME --node NODE", "/help"]


COMMAND_OF = {"storage_content": "storage", "backup_create": "backup", "backup_list": "backup",
              "backup_restore": "backup",
              "snapshot_create": "snapshot", "snapshot_list": "snapshot", "snapshot_rollback": "snapshot",
              "snapshot_delete": "snapshot", "disk_move": "disk", "disk_detach": "disk", "disk_delete": "disk"}
# a destructive intent is only taken when the request says so in some word for it (the model alone once read
# "show all the lxc containers" as a delete): otherwise the answer is a question, never the destructive action
CUES = {
    "delete": r"delet|remov|destroy|rid\b|nuke|wipe|trash|purg|eras|drop|decommission|blow\s+away|scrap|deprovision|"
              r"\brm\b|l[öo]sch|elimin|borr|supprim|entfern",
    "template": r"templat|vorlage|plantilla|mod[eè]le",
    "snapshot_rollback": r"roll|revert|restor|restaur|back to|reset|go back|undo|zur[üu]ck|revenir|volver",
    "snapshot_delete": r"delet|remov|destroy|rid\b|nuke|wipe|trash|purg|eras|drop",
    "disk_delete": r"delet|remov|destroy|rid\b|nuke|wipe|trash|purg|eras|drop",
    "disk_detach": r"detach|unplug|disconnect|unattach|remov",
    "destroy": r"destroy|tear|remov|delet|wipe|nuke|rid\b",
    "apply": r"appl|deploy|push|roll|ship|make it so|live|rollout",
    "migrate": r"migr|mov|\bmv\b|evacuat|shift|relocat|transfer|send|put|bring|vers?chieb|mueve|d[ée]place",
}
SETTINGS = r"\b(insecure|tls|certificates?|certs?|verif\w*|tokens?|secrets?|passwords?|profiles?|credentials?|login)\b"
RANGE_WORDS = frozenset({"to", "through", "thru", "-", "until"})
EXCEPT_WORDS = frozenset({"except", "but", "apart", "excluding", "besides", "save", "without", "leave", "not",
                          "other", "exclude", "skip", "sauf", "außer", "excepto", "menos"})


def _gazetteer(names: Names) -> runtime.Gazetteer:
    return runtime.Gazetteer.build(names.guests, names.nodes, names.storage)


def tidy(tokens: list[str], tags: list[str], intent: str) -> list[str]:
    """Fix what a per-token tagger gets wrong about whole phrases.

    `web-01 to web-03` tagged as two guests is one range; guests after "except/but (leave)/apart from" are
    exceptions; a bug report's summary runs to the end of the request."""
    tags = list(tags)
    words = [t.lower() for t in tokens]
    for i in range(len(tags) - 2):
        if tags[i] == "B-GUEST" and words[i + 1] in RANGE_WORDS and tags[i + 2] == "B-GUEST":
            tags[i:i + 3] = ["B-RANGE", "I-RANGE", "I-RANGE"]
    for i in range(len(tags) - 1):  # "back up db-01 to pbs": a range needs its end, else it is one guest
        if tags[i] == "B-RANGE" and tags[i + 1] == "I-RANGE" and words[i + 1] in RANGE_WORDS and \
                (i + 2 == len(tags) or tags[i + 2] != "I-RANGE"):
            tags[i:i + 2] = ["B-GUEST", "O"]
    for i, word in enumerate(words):  # one word tagged a range with nothing of a range in it is a name
        if tags[i] == "B-RANGE" and (i + 1 == len(tags) or tags[i + 1] != "I-RANGE") and \
                not re.search(r"\.\.|[\[{]", word):
            tags[i] = "B-NEWNAME" if intent in ("clone", "create") else "B-GUEST"
    for i in range(1, len(tags)):  # "with vmid 130": the new guest's VMID (an option), never a guest to act on
        if words[i - 1] in ("vmid", "id") and words[i].isdigit() and tags[i].endswith(("GUEST", "RANGE")):
            tags[i] = "O"
    excepting = False
    selector = any(t.endswith("-ALL") for t in tags) or bool({"all", "every", "everything", "each"} & set(words))
    for i, word in enumerate(words):
        if word in EXCEPT_WORDS and (word != "not" or (i > 0 and words[i - 1] == "but")):
            excepting = True
        if excepting and tags[i].endswith("GUEST"):
            tags[i] = tags[i][:2] + "EXCEPT"
        elif not excepting and not selector and tags[i].endswith("EXCEPT"):
            tags[i] = tags[i][:2] + "GUEST"  # "restart pihole and nginx-proxy": a list of names, nothing to except
    if intent == "report-issue" and "B-SUMMARY" in tags:
        start = tags.index("B-SUMMARY")
        end = len(tags) - (1 if words[-1] in (".", "!", "?") else 0)
        tags[start:end] = ["B-SUMMARY"] + ["I-SUMMARY"] * (end - start - 1)
    return tags


def analyse(text: str, names: Names) -> tuple[list[tuple[str, float]], list[str], list[str]]:
    """The model's raw view of a request: intents with probabilities, tokens, and a slot label per token."""
    model = runtime.load()
    tokens = runtime.tokenize(text)
    tags = model.tag(tokens, _gazetteer(names))
    intents = model.intents_of(tokens, tags)
    return intents, tokens, tidy(tokens, tags, intents[0][0])


# "snapshot web-01 then upgrade it", "sync, then show drift", "start A, and then B": one step after another
THEN = re.compile(r"\s*(?:,\s*)?\b(?:and\s+then|then|and\s+afterwards|after\s+that)\b\s*,?\s*", re.IGNORECASE)


def _steps(text: str, names: Names) -> Proposal | None:
    """Two requests in one ("X then Y"): each read on its own, one after another; None when it is not that.

    "it/them" in a later step are the guests the step before named; a step that is only names ("start A, then
    B") takes the verb of the step before. A step that is an option of the one before ("…, then reboot so it
    takes effect" after a `set`) is that option."""
    parts = [p for p in THEN.split(text) if p.strip()]
    if len(parts) != 2:
        return None
    first = parse_single(parts[0], names)
    if not first.understood:
        return None
    named = [n for n in names.guests if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", parts[0], re.IGNORECASE)]
    second_text = parts[1]
    if named:
        second_text = re.sub(r"\b(it|them|both|those)\b", " ".join(named), second_text, flags=re.IGNORECASE)
    second = parse_single(second_text, names)
    if re.fullmatch(r"[\w\s,.-]+", second_text.strip()) and all(
            w.lower() in {n.lower() for n in names.guests} or w.lower() in ("and", "the", "vm", "ct")
            for w in re.findall(r"[\w.-]+", second_text)):
        verb = first.commands[0].split()[0]
        second = parse_single(f"{verb} {second_text}", names)
    if not second.understood or second.commands == first.commands:
        return None
    if all(c.split()[0] == "set" for c in first.commands) and all(c.split()[0] == "reboot" for c in second.commands):
        first.commands = [f"{c} --reboot" if "--reboot" not in c.split() else c for c in first.commands]
        return first  # "give db-01 8 cores, then reboot": `set … --reboot`, said as an option
    return Proposal(first.commands + second.commands, round(min(first.confidence, second.confidence), 3),
                    f"{first.explanation}; then {second.explanation}", READ,
                    suggestions=first.suggestions + second.suggestions)


def parse_with_model(text: str, names: Names) -> Proposal:
    """The commands the model reads in `text`, grounded in `names`; not understood (with suggestions) otherwise."""
    if len(text) <= MAX_CHARS and THEN.search(text):
        steps = _steps(text, names)
        if steps is not None:
            steps.risk = safety(steps.commands)
            return steps
    return parse_single(text, names)


def _orders_a_read(text: str) -> bool:
    """Whether a clause of the request orders a read by its verb ("list every snapshot on web-01")."""
    from pmpc_tui.nl.ground import clauses
    from pmpc_tui.nl.ground.orders import SHOWING

    return any(c.mood == clauses.IMPERATIVE and clauses.lead(c.text) in SHOWING for c in clauses.read(text.lower()))


def parse_single(text: str, names: Names) -> Proposal:
    """One request's commands as the model reads them, grounded in `names`."""
    if len(text) > MAX_CHARS:
        return Proposal([], 0.0, f"that request is too long for me (at most {MAX_CHARS:,} characters)", READ,
                        suggestions=list(SUGGEST))
    intents, tokens, tags = analyse(text, names)
    intent, probability = intents[0]
    fixed = corrected(intent, text, names)  # a word only another action uses outweighs the classifier (nl17d)
    intent, probability = (intent, probability) if fixed == intent else (fixed, 0.8)
    if probability < 0.8 and corrected("?", text, names) == intent:  # the words say so too
        probability = 0.8
    if intent == "test-connection" and re.search(SETTINGS, text, re.IGNORECASE) and \
            not re.search(r"\b(test|check|reach\w*|ping|work\w*|valid\w*|up|connected)\b", text, re.IGNORECASE):
        intent = "none"  # changing how we connect ("make the connection insecure") is `connect`'s, never language's
    if not tokens or intent == "none":
        return Proposal([], round(min(0.3, 1 - probability), 3), NONE, READ, suggestions=list(SUGGEST))
    if intent in CUES and not re.search(CUES[intent], text, re.IGNORECASE):
        return Proposal([], 0.2, f"I am not sure you asked to {intent.replace('_', ' ')}; say it in so many words",
                        safety([COMMAND_OF.get(intent, intent)]), suggestions=list(SUGGEST))
    if intent == "refuse" and len(intents) > 1 and intents[1][0] not in ("none", "refuse") and \
            risk_of_line(intents[1][0].replace("_", " ")) == READ and _orders_a_read(text):
        intent, probability = intents[1][0], 0.8  # a read the guards let through ("list every snapshot …"): answered
    if intent == "refuse":
        return Proposal([], 0.0, REFUSE, READ, suggestions=["list vms", "/help"])
    if probability < SHAKY and safety([intent.replace("_", " ")]) == DESTRUCTIVE:
        return Proposal([], 0.2, f"I am not sure you asked to {intent.replace('_', ' ')} (a destructive action); "
                        "say it in so many words", DESTRUCTIVE, suggestions=list(SUGGEST))
    if intent == "list" and "B-CTYPE" in tags:  # a storage content type ("iso images") is only said of a storage
        intent = "storage_content"
    try:
        slots = Slots.from_tags(tokens, tags)
        slots.text = text
        grounded = ground(intent, slots, names)
    except NotGrounded as exc:  # a question back, as careful as the action it was about
        return Proposal([], 0.3, str(exc), safety([COMMAND_OF.get(intent, intent)]),
                        suggestions=exc.suggestions or list(SUGGEST))
    confidence = round(min(0.99, probability) * grounded.certainty, 3)
    commands = with_options(text, grounded.commands)
    return Proposal(commands, confidence, grounded.explanation, safety(commands), suggestions=grounded.suggestions)
