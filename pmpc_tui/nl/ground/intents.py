"""The model's intent, corrected where the request says another action in so many words.

Read after the classifier: a word that only one action uses ("vzdump", "evacuate … to pve2", "unprotect", "the notes
on web-02", "+5G", a backup archive's volume id, a download URL) outweighs a reading the words do not support.
Guests' names are masked first, so `backup-server` never says "back up". A correction never makes a request more
destructive than the model read it, and never overrides a refusal or "nothing".
"""

from __future__ import annotations

import difflib
import re

from pmpc_tui.nl.ground.lexicon import ABBREVIATED, DESTROYING, POWER_WORD, power_of
from pmpc_tui.nl.model.runtime import squash
from pmpc_tui.services.names import Names

KEEP = frozenset({"none", "refuse"})
OPENERS = r"(?:(?:pls|please|plz|can\s+(?:you|u)|could\s+(?:you|u)|go|ok|okay|hey|quickly|now|just|also|and)\s+)*"
BACKUP_VERB = re.compile(rf"^{OPENERS}(?:back\s*up|backup|bakcup|backpu|bkp|vzdump|sichere|sichern|respalda|"
                         r"sauvegarde)\b"
                         r"(?!\s+(?:list|jobs?|archives?|files?|storage|status|of|for\s+pve))|"
                         r"\b(?:back\s*up|backup|bakcup|vzdump)\s+(?:the|all|every|everything|my|<g>|vm|ct|vms|cts|"
                         r"containers?|guests?|prod|dev)\b|\bcopia\s+de\s+seguridad\b|\bsicherung\s+(?:von|der|des)\b|"
                         r"\b(?:une|la)\s+sauvegarde\s+(?:de|du|des)\b|\bsauvegarder\b")
RESTORE = re.compile(r"\b(restor\w*|wiederherstell\w*|restaur\w*)\b")
VOLID = re.compile(r"\b[a-z0-9][\w.-]*:backup/\S+")
URL = re.compile(r"\bhttps?://\S+")
FETCH = re.compile(r"\b(download|pull|fetch|get|grab|wget|curl|lade|descarga|t[ée]l[ée]charge)\w*\b")
MOVE = re.compile(r"\b(migr\w*|evacuat\w*|move|moving|send|shift|relocat\w*|transfer|vers?chieb\w*|mueve|"
                  r"d[ée]place)\b")
# running out of space or storage: the disk, never the memory (nl19)
SPACE = re.compile(r"\b(?:space|storage|room|disk\s+full|full\s+disk)\b")
DISK = re.compile(r"\b(disks?|disques?|discos?|platten?|festplatten?|volumes?|rootfs|(?:scsi|virtio|sata|ide|mp)\d+|"
                  r"unused\d+|drive)\b")
GROW = re.compile(r"(?<![\w])\+\s*\d+(?:\.\d+)?\s*(?:[gmt]b?|gib|tib|mib|gigs?)\b|\b(grow|resiz\w*|rezis\w*|resz\w*|"
                  r"extend|enlarge|expand|agrandi\w*|vergr[öo]ßer\w*|ampl[ií]a\w*)\b")
ROLLBACK = re.compile(r"\b(revert\w*|roll\s*back|rollback|rolled\s+back|roll\s+<g>\s+back|zur[üu]cksetz\w*|"
                      r"zur[üu]ckrollen|restaur\w*\s+(?:le\s+|el\s+)?snapshot|revenir|volver|revertir)\b")
SNAP_QUESTION = re.compile(r"\b(any|list|show|which|what|how\s+many)\b.*\b(snaps|snapshots)\b|\b(snaps|snapshots)\b"
                           r".*\b(are\s+there|exist)\b")
# an action word naming a list that is shown ("show me the kill list: …", "print the reboot candidates")
ACTION_AS_NOUN = re.compile(r"^\W*(?:(?:please|pls|can\s+you|could\s+you)\s+)?(?:show|list|display|print|give|get)\b"
                            r"(?:\s+(?:me|us))?\s+(?:the|my|our|a)\s+(?:kill|delete|deletion|reboot|restart|stop|shutdown|"
                            r"nuke)\s+(?:list|candidates|queue|report)\b(?!.*\b(?:and|then)\b)")
# the snapshots a rollback could go to, said in a relative clause ("the snapshots we could revert db-01 to")
ROLLED_TO = re.compile(r"\bsnap(?:shot)?s\s+(?:that\s+|which\s+)?(?:i|we|you)\s+(?:\w+\s+)?"
                       r"(?:roll|revert|restore|go)\b")
# "X needs to be started", "has to be powered on": the action said in the passive
BE_STARTED = re.compile(r"\b(?:needs?|has|have|ought|must|should|wants?)\s+(?:to\s+)?be\s+(?:started|booted|"
                        r"powered\s+(?:on|up)|turned\s+on|brought\s+(?:back\s+)?up|switched\s+on)\b")
# words only a guest's settings use
SETTING = re.compile(r"\b(balloon\w*|unprotect\w*|protection|protect|onboot|auto-?start\w*|(?:at|on)\s+boot|untag|"
                     r"descriptions?|notes?|comments?)\b|\b(?:add|remove|drop|clear|set|change|strip|wipe)\b.*\btags?\b|"
                     r"\btag\s+<g>")
SIZES = re.compile(r"\b(\d+\s*(?:v?cpus?|cores?|vcores?|threads?)|\d+(?:\.\d+)?\s*(?:gb|g|gigs?|gigas?|gib|mb|mib|m|"
                   r"megs?)\s*(?:of\s+)?(?:ram|memory|mem)?)\b")
CREATE_VERB = re.compile(r"\b(create|new|make|spin|provision|build|add\s+(?:a|an|another)|set\s+up|stand\s+up|"
                         r"deploy|erstell\w*|crea\w*|cr[ée]e\w*)\b")
STORAGE_TYPES = re.compile(r"\b(snippets?|isos?|iso\s+images?|rootdirs?|vztmpl|container\s+templates?|"
                           r"ct\s+templates?)\b")


def _masked(text: str, names: Names) -> str:
    """The request lower-cased with every known guest name as `<g>` (longest first)."""
    out = text.lower()
    for name in sorted(names.guests, key=len, reverse=True):
        out = re.sub(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", "<g>", out)
    for facts in names.guests.values():
        # "disk 100", "100 gb", "ram 2048": a size, not a VMID
        out = re.sub(rf"(?<!disk )(?<!disks )(?<!size )(?<!ram )(?<!mem )(?<!memory )(?<![\w.:/-]){facts[1]}"
                     rf"(?![\w.:/-])(?!\s*(?:gb|g|gib|mb|mib|m|tb|gigs?|megs?)\b)", "<g>", out)
    squashed = {squash(n) for n in names.guests}
    return re.sub(r"(?<![\w<-])[a-z][\w.-]*\d[\w.-]*",  # "web1", "db01": a spelling of one guest
                  lambda m: "<g>" if squash(m.group(0)) in squashed else m.group(0), out)


def _after_to(text: str, known: list[str]) -> bool:
    """Whether a known name follows "to/onto/into" (a migration's target node, a disk's target storage)."""
    return any(re.search(rf"\b(?:to|onto|into|nach|auf|a|vers|en)\s+(?:the\s+)?(?:node\s+|host\s+)?"
                         rf"(?:\S+\s+){{0,3}}?\(?"
                         rf"{re.escape(k.lower())}\b", text) for k in known)


POWER_VERB = re.compile(rf"^(?:(?:pls|please|plz|can\s+you|go|ok|now|hard)\s+)*({POWER_WORD})\b")
MEMORY = re.compile(r"\b(memory|ram|mem|m[ée]moire|speicher|arbeitsspeicher|memoria)\b")
UPID = re.compile(r"\bupid:\S+")
SELECTION = re.compile(r"\b(all|every|everything|tagged)\b")
QUESTION = re.compile(r"^(?:which|what|welche|was|qu[eé]|cu[aá]les|quels?|quelles?)\b")


def _unfounded_refusal(text: str, names: Names, t: str) -> bool:
    """Whether the classifier's refusal has nothing behind it: the guards find no negation, deferral, condition or
    question, no word of any language says "not", and the request changes a named guest's settings or backs it up
    (never more than a change)."""
    from pmpc_tui.nl import guards

    if "<g>" not in t or re.search(r"\b(no|ne|nie|non|nein|nicht|kein\w*|nunca|jamais|pas|never|not|don'?t|dont)\b",
                                   guards.BENIGN.sub(" ", t)):
        return False
    if not ((SETTING.search(t) and not re.search(r"\btags?\b", t)) or BACKUP_VERB.search(t) or _asks_state(t)):
        return False
    reading = guards.read(text, names)
    return reading.blocked is None and reading.question is None and reading.refusal is None


def _guards_find_nothing(text: str, names: Names) -> bool:
    """Whether the guards find no negation, deferral, condition, question or refusal in the request (imported late:
    the guards import the grounding)."""
    from pmpc_tui.nl import guards

    reading = guards.read(text, names)
    return reading.blocked is None and reading.question is None and reading.refusal is None


def _strong(t: str, names: Names) -> str | None:
    """The action a request with no reading says in a verb only that action uses (a backup, a move to a node, a
    disk growth, an abbreviated power verb)."""
    if BACKUP_VERB.search(t):
        return "backup_create"
    if MOVE.search(t) and _after_to(t, names.nodes) and not DISK.search(t):
        return "migrate"
    if GROW.search(t) and DISK.search(t):
        return "resize"
    if re.search(r"\b\d{1,3}\s*(?:v?cpus?|cores?|n[úu]cleos|kerne|c(?:œ|oe)urs)\b", t):
        return "set"  # "dale 4 núcleos a web-01"
    power = POWER_VERB.search(t)
    return power_of(power.group(1)) if power else None


# a manner that asks for a clean shutdown, never a hard stop: "cleanly", "proprement", "ordenadamente", "sauber"
GRACEFUL = re.compile(r"\b(?:graceful(?:ly)?|cleanly|properly|politely|softly|safely|nicely|"
                      r"proprement|correctement|doucement|ordenadamente|limpiamente|correctamente|suavemente|"
                      r"sauber|ordentlich|sanft|netjes|correttamente|delicatamente)\b")


READ_WORDS = ("health", "plan", "drift", "validate", "tasks", "logs")


def _one_word_read(t: str) -> str | None:
    """The read-only command a one-word request misspells ("helth" → health), or None."""
    word = t.strip(" ?!.")
    if not re.fullmatch(r"[a-z]{4,9}", word) or word in READ_WORDS:
        return None
    close = difflib.get_close_matches(word, READ_WORDS, n=1, cutoff=0.75)
    return close[0] if close else None


def _asks_state(t: str) -> bool:
    """A question about one guest's state ("is grafana running or not", "¿está corriendo db-01?")."""
    return bool(re.match(r"(?:is|are|was|what|how|which|where|est-ce|ist|l[äa]uft|est[aá]|qu[eé])\b", t) or
                re.search(r"\bor\s+not\s*\W*$", t)) and \
        bool(STATUS_QUESTION.search(t)) and t.count("<g>") == 1


STATUS_QUESTION = re.compile(r"\b(status|state|running|tourne|l[äa]uft|corre|up|sitting|lives?|where|ram|memory|disk|"
                             r"how\s+big|how\s+much|cu[aá]nt\w*|config\w*)\b")


def corrected(intent: str, text: str, names: Names) -> str:
    """The intent the request's own words support (the model's, unless a word says otherwise)."""
    t = _masked(text, names)
    if intent == "none" and re.search(r"^\W*(?:qu[eé]|which|what|welche|quel(?:le)?s?|cu[aá]les)\b.*\b(m[áa]quinas|vms|"
                                      r"contenedores|container|conteneurs|guests|maschinen)\b", t):
        return "list"  # "¿qué máquinas hay en pve2?"
    if intent not in ("report-issue", "none", "refuse") and re.search(
            r"\b(?:issue|bug)\s+(?:report|bundle)|\breport\s+(?:a|an|the)\s+(?:bug|issue|problem)\b", t):
        return "report-issue"  # "make an issue report for … with the last 15 minutes of logs"
    if intent == "none" and UPID.search(t):
        return "tasks"  # a task's id: its log (or stopping it, when said)
    if intent in ("stop", "shutdown", "reboot", "delete", "suspend") and ACTION_AS_NOUN.search(t):
        return "list"  # "show me the kill list: every stopped vm": the action word names a list
    if intent == "delete" and "<g>" not in t and re.search(r"\b(?:a|the|an?|that)\s+destroy\b", t) and \
            re.search(r"\bdry[- ]?run\b|\bwould\b", t):
        return "destroy"  # "which guests would a destroy remove? a dry run only": the workspace's destroy, asked about
    if intent == "none" and "<g>" in t and SETTING.search(t) and not re.search(r"\btags?\b", t):
        return "set"  # "enable onboot for grafana"
    if intent == "refuse" and _unfounded_refusal(text, names, t):
        return "set" if SETTING.search(t) else "backup_create" if BACKUP_VERB.search(t) else "describe"
    if intent == "none" and "<g>" in t and not re.search(r"^(?:did|has|have|was|were|when|why|who|how)\b", t):
        strong = _strong(t, names)
        if strong:
            return strong
    if intent not in ("logs", "refuse") and re.search(r"\b(?:correlation|corr)[- ]?id\s*[:=]?\s*[0-9a-f]{6,}\b", t):
        return "logs"  # "find log lines for correlation id 3f2a9c1e"
    if intent in KEEP and re.match(rf"^{OPENERS}(plan|validate|drift)\b(?!\s+(?:to|on|a|an|my|the)\b)", t) and \
            _guards_find_nothing(text, names):
        return re.match(rf"^{OPENERS}(plan|validate|drift)\b", t).group(1)  # type: ignore[union-attr]
    typo = _one_word_read(t)
    if intent in KEEP and typo and _guards_find_nothing(text, names):
        return typo  # "helth", "plna": one word, one letter off a read-only command
    if intent in KEEP:
        return intent
    if intent in ("apply", "destroy", "sync", "import", "plan") and re.search(
            r"\b(?:apply|sync|import|plan|destroy)\s+(?:errors?|warnings?|failures?|logs?)\b", t) and \
            re.search(r"\b(?:show|see|list|give|read|print|display|any|why|what)\b", t):
        return "logs"  # "why did my apply fail? show me apply errors": the log lines, nothing applied
    if intent == "plan" and re.search(r"\bwhat\s+(?:an?\s+|the\s+)?apply\s+would\b|\bwhat\s+would\s+(?:an?\s+|the\s+)?"
                                      r"apply\s+do\b", t) and re.search(r"\bdry\s+run\s*$", t):
        return "apply"  # "show what apply would do without doing it": apply's own dry run (the guards allow no other)
    if intent in ("delete", "plan") and "<g>" not in t and re.search(
            r"^(?:so\s+)?what\s+would\s+(?:the\s+|a\s+)?destroy\b", t):
        return "destroy"  # "what would destroy remove?": the workspace's destroy, as a dry run
    guest = "<g>" in t
    if intent == "backup_create" and re.search(r"\bbackups?\s+(?:list|archives)\b|\blist\s+(?:the\s+|my\s+)?backups\b",
                                               t):
        return "backup_list"
    if intent in ("none", "delete", "shutdown", "describe") and guest and POWER_VERB.search(t) and \
            POWER_VERB.search(t).group(1) in ABBREVIATED:  # type: ignore[union-attr]
        return power_of(POWER_VERB.search(t).group(1))  # type: ignore[union-attr]  # "stp 105 asap"
    if intent not in ("clone", "create", "template") and guest and re.search(r"\bclon(?:e|es|ing)\b|\bcopy\s+<g>\s+"
                                                                             r"(?:into|to|as)\b", t) and \
            not DESTROYING.search(t):
        return "clone"
    if intent == "health" and guest and not re.search(r"\b(?:cluster|nodes?|everything|all|pve\d*|storage)\b", t):
        return "describe"  # "is pihole healthy?": one guest's state, not the cluster's checks (nl17m)
    if intent == "clone" and re.search(r"\b(?:snap\w*|checkpoints?)\s+(?:of|for|on)\s+<g>", t) and \
            not re.search(r"\bclon\w*|\bcop(?:y|ies)\b", t):
        return "snapshot_create"  # "get a snapshot of X called Y": a name for the snapshot, never a clone (nl17m)
    if intent in ("stop", "shutdown", "suspend", "reboot") and (BE_STARTED.search(t) or re.match(
            rf"^{OPENERS}(?:start|boot|power\s+on|turn\s+on)\s+(?:the\s+)?<g>", t)):
        return "start"  # "X needs to be started, it was left off": the action said, not the state told (nl17m)
    if intent == "create" and not CREATE_VERB.search(t) and re.search(
            r"\b(?:vms|cts|containers|guests|machines)\s+(?:whose\s+names?|with\s+names?|named\s+\S*\*)", t):
        return "list"  # "vms whose name starts with web": a selection asked for, no new guest (nl17o)
    if intent == "set" and "<g>" in t and re.search(r"\b(?:storage|disk\s+space|space)\b", t) and \
            not re.search(r"\b(?:ram|memory|mem|swap|balloon)\b", t) and \
            re.search(r"\b(?:by|with|another|extra|more|\+)\s*\d+(?:\.\d+)?\s*(?:g|gb|gigs?|gib|t|tb)\b", t):
        return "resize"  # "bump X's storage by 16 gb": a guest's storage is its disk, never its memory (nl17o)
    if intent == "set" and "<g>" in t and DISK.search(t) and not re.search(r"\b(?:ram|memory|mem|swap|balloon|cores?|"
                                                                           r"v?cpus?)\b", t) and \
            re.search(r"\d+(?:\.\d+)?\s*(?:g|gb|gigs?|gib|t|tb|tib)\b", t):
        return "resize"  # "bump X's C: drive up to 200GB": a size said of a disk or drive is its size (nl19)
    if intent == "stop" and GRACEFUL.search(t):
        return "shutdown"  # a stop said with a manner that asks for the guest's own shutdown, in any language (nl17o)
    if intent not in ("plan",) and re.match(rf"^{OPENERS}(?:(?:run|do|make|show)\s+(?:me\s+)?(?:the\s+|a\s+)?)?plan\s+"
                                            r"(?:(?:just|only)\s+)?(?:for\s+)?(?:(?:just|only)\s+)?<g>", t) and \
            not DESTROYING.search(t):
        return "plan"  # "plan web-01 and web-02 only": the plan of those guests' resources (nl17m)
    if intent in ("create", "clone") and re.match(rf"^{OPENERS}(?:snap\w*|snpashot\w*)\s", t) and \
            not CREATE_VERB.search(t) and ("<g>" in t or re.search(r"\b(?:both|all|every|each)\b|\b(?:vms|cts|"
                                                                   r"containers|servers|boxes)\b", t)):
        return "snapshot_create"  # "snapshot mqtt, name it X", "snapshto web-02 as test1": a new name is the snapshot's
    if intent in ("list", "storage_content", "describe", "none") and not guest and re.match(
            r"^(?:new\s+|another\s+)?(?:vm|ct|container|lxc)\s+['\"]?[a-z][\w-]*['\"]?\s", t) and SIZES.search(t):
        return "create"  # "vm 'pbs-test' with 64 GB disk on nas": a guest the cluster lacks, with its sizes
    if intent == "create" and re.search(r"\blinked\s+clones?\b|\bclones\s+of\b", t):
        return "clone"  # "new vm from the debian template, linked clone": a clone of the template
    if intent == "describe" and guest and MEMORY.search(t) and re.search(r"\d", t) and \
            not re.search(r"^(?:show|describe|what|how|display|tell|print|get|which|is|are)\b", t):
        return "set"  # "mem 2g for mqtt"
    if intent in ("list", "health", "tasks", "none") and guest and STATUS_QUESTION.search(t) and \
            not POWER_VERB.search(t) and not SETTING.search(t) and \
            not re.search(r"\b(vms|cts|containers|guests|all|every|nodes|logs?|tasks?)\b", t.replace("<g>", "")):
        return "describe"  # "est-ce que web-01 tourne ?", "which node is homeassistant sitting on?"
    if intent == "storage_content" and re.search(r"\b(?:backups?|backup\s+archives?|archives?|datastore)\b", t) and \
            not re.search(r"\b(?:iso|isos|images?|templates?|snippets?|rootdir|vztmpl)\b", t) and \
            not any(re.search(rf"\b{re.escape(n.lower())}\b", t) for n in names.nodes):
        # "what's on the pbs datastore", "backup archives on the nas": the backups it holds (a node's own storage,
        # "local on pve1", is that node's storage content)
        return "backup_list"
    if intent == "storage_content" and re.search(r"\b(space|full|free|left|usage|capacity|used)\b", t) and \
            not STORAGE_TYPES.search(t) and not re.search(r"\b(backups?|images?|disks?|volumes?|files?)\b", t):
        return "list"  # "how full is the nas storage?": the storage's row, not what it holds
    if intent.startswith("backup_") and guest and re.search(r"\b(?:wake|bring|boot|power|start|get)\s+(?:\S+\s+){0,2}?"
                                                           r"back\s+up\b", t):
        intent = "start"  # "wake homeassistant back up": power, never a backup (a paused guest is resumed)
    if intent == "start" and guest and re.search(r"\b(?:it'?s|is|was|it\s+is|they'?re|are)\s+(?:paused|suspended|"
                                                 r"frozen|hibernated)\b", t):
        return "resume"  # "wake X back up (it's paused)": the request says it is paused
    if intent == "create" and not CREATE_VERB.search(t) and re.match(
            rf"^{OPENERS}(?:find|search|look\s+for|show|list|which|any|are\s+there)\b", t):
        return "list"  # "find vms named web-*": a search, nothing created
    if intent == "backup_create" and not guest and re.search(r"\b(?:errors?|warnings?|log\s+lines?|logs?|messages?)\b.*"
                                                             r"\b(?:mentioning|containing|matching|about)\s+\S", t):
        return "logs"  # "errors since 6 hours ago mentioning vzdump": lines that say the word, nothing backed up
    if intent == "backup_create" and re.search(r"^(?:any|are\s+there|is\s+there|do\s+(?:i|we)\s+have|which|what|how\s+"
                                               r"many|list|show|where)\b.*\bbackups\b", t):
        return "backup_list"  # "any backups of nginx-proxy on the nas?": a question, nothing backed up
    if intent == "create" and re.search(r"\bclon(?:e|ing)\s+<g>", t) and not CREATE_VERB.search(t):
        return "clone"  # "check if cloning db-01 to db-02 is possible": the guest named is the source
    if intent == "describe" and guest and re.search(r"\bin\s+the\s+logs?\b|\blogs?\s+(?:about|for|of|mentioning|on)\b",
                                                   t):
        return "logs"  # "anything in the logs about db-01 today?"
    if intent in ("sync", "list", "describe") and not guest and re.search(r"\b(?:sant[ée]|gesundheit|salud)\b", t):
        return "health"  # "état de santé du cluster"
    if intent == "snapshot_create" and re.search(r"\bsnapshots?\s+list\b|\blist\b.*\bsnapshots\b", t):
        return "snapshot_list"
    if intent not in ("create", "clone") and re.search(r"\b(?:need|want)\s+(?:a|an|\d+|two|three|four)\s+(?:new\s+)?"
                                                       r"(?:\w+\s+)?(?:vms?|cts?|containers?)\b", t):
        return "create"
    if intent == "tasks" and guest and POWER_VERB.search(t) and \
            re.search(r"\band\s+(?:then\s+)?(?:show|give)\b.*\btask", t):
        return power_of(POWER_VERB.search(t).group(1))  # type: ignore[union-attr]  # "start minio and show the task log"
    if intent == "list" and POWER_VERB.search(t):  # "start the containers that are stopped": an order, not a list
        verb = POWER_VERB.search(t).group(1)  # type: ignore[union-attr]
        return power_of(verb)
    if intent in ("apply", "destroy") and re.search(r"\b(?:show|see|preview|give)\s+(?:me\s+)?(?:the\s+|a\s+)?plan\b",
                                                    t):
        return "plan"  # "apply but only show me the plan first": the plan, nothing applied
    if intent == "logs" and re.search(r"\btasks?\b", t) and not re.search(r"\blogs?\b", t):
        return "tasks"  # "tasks from the last 2 hours"
    if intent == "tasks" and not re.search(r"\b(tasks?|jobs?|upid|running\s+(?:now\s+)?on)\b", t) and \
            re.search(r"\b(running|stopped|up|down|paused)\s*$", t):
        return "list"  # "what's running": guests, not tasks
    if intent == "reboot" and guest and (re.search(r"\d\s*(?:v?cpus?|cores?|gb|g|gigs?|mb|mib|gib)\b", t) or (
            MEMORY.search(t) and re.search(r"\d", t))) and \
            re.search(r"\b(?:and|then)\s+(?:please\s+)?(?:reboot|restart)\b", t):
        return "set"  # "6 cores for web-02 and reboot it": the change, with --reboot
    if intent == "create" and not CREATE_VERB.search(t) and QUESTION.search(t):
        return "list"  # "welche Container laufen auf pve1?": a question, nothing to create
    if intent == "template" and re.search(r"\bclon\w*", t):
        return "clone"  # "3 linked clones of the debian template": a clone from it, never a conversion
    if VOLID.search(t) and RESTORE.search(t):
        return "backup_restore"
    if URL.search(t) and FETCH.search(t) and intent not in ("upload", "download"):
        return "download"
    if (not intent.startswith("backup_") or intent == "backup_list") and BACKUP_VERB.search(t) and \
            not RESTORE.search(t) and not re.search(r"\b(list|show|which|what|any)\b", t):
        return "backup_create"
    if intent not in ("migrate", "disk_move") and MOVE.search(t):
        if DISK.search(t) and _after_to(t, names.storage) and guest:
            return "disk_move"
        if _after_to(t, names.nodes) and not DISK.search(t) and (guest or re.search(r"\b(vms?|cts?|containers?|"
                                                                                    r"guests?|everything)\b", t)):
            return "migrate"
    if intent == "delete" and guest and re.search(r"\b(?:scsi|virtio|sata|ide|mp|unused)\d+\s+(?:of|from|on)\s+<g>", t):
        return "disk_delete"  # "delete unused0 of dev-sandbox": the disk, never the guest
    if intent in ("disk_delete", "disk_detach") and DISK.search(t) and MOVE.search(t) and _after_to(t, names.storage):
        return "disk_move"
    if intent == "resize" and not DISK.search(t) and not GROW.search(t) and not SPACE.search(t) and \
            re.search(r"(?:\d|\b(?:a|an|one|two|three|four|eight))\s*(?:gigs?|gb|g|mb|mib|gib|megs?|gigas?)\b", t):
        return "set"  # "give mqtt half a gig": memory, unless a disk is said
    if intent not in ("resize", "create") and GROW.search(t) and guest and not DESTROYING.search(t) and \
            not re.search(r"\b(ram|memory|mem|cores?|cpus?)\b", t):
        return "resize"
    if intent in ("snapshot_rollback", "snapshot_list") and SNAP_QUESTION.search(t) and ROLLED_TO.search(t):
        return "snapshot_list"  # "list the snapshots i could roll pihole back to": the rollback is the snapshots' use
    if intent not in ("snapshot_rollback",) and ROLLBACK.search(t) and guest and not DESTROYING.search(t):
        return "snapshot_rollback"
    if intent == "snapshot_delete" and SNAP_QUESTION.search(t) and not DESTROYING.search(t):
        return "snapshot_list"
    if intent != "set" and (guest or SELECTION.search(t)) and not CREATE_VERB.search(t) and \
            intent not in ("clone", "migrate") and not (intent in ("describe", "list") and re.search(
                r"^(?:show|describe|what|how|display|tell|print|get|list|which|are|is|any)\b", t)) and \
            not intent.startswith(("snapshot_", "backup_")) and \
            (SETTING.search(t) or (intent == "create" and SIZES.search(t))):
        return "set"
    if intent not in ("storage_content", "backup_list", "download", "upload") and not guest and \
            STORAGE_TYPES.search(t) and not URL.search(t) and not re.search(r"\bupload\w*|\S/\S", t) and \
            any(re.search(rf"\b{re.escape(s.lower())}\b", t) for s in names.storage):
        return "storage_content"
    if intent == "list" and re.search(r"\bwhat'?s?\s+(?:is\s+)?(?:in|on)\s+(?:the\s+)?(\S+)", t) and any(
            re.search(rf"\bwhat'?s?\s+(?:is\s+)?(?:in|on)\s+(?:the\s+)?{re.escape(s.lower())}\b", t)
            for s in names.storage):
        return "storage_content"
    return intent
