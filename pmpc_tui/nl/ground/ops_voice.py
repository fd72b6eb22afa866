"""How an ops team writes a request, said the way the parser reads one (read before the guards and the parser).

Each step is a class of phrasing, never a sentence: ticket and change ids are dropped (`ticket_ids`), Italian and
Dutch words become English (`lexicon_it_nl`), numbers in words become digits (`numbers`), a question about one
guest is `describe` (`questions`), "X needs a reboot" / "X has to be backed up" / "X should get 8 cores" is the
order on X, "a snapshot called S on G … delete it" deletes that snapshot, and asides that are no condition or
time ("if possible", "when you get a chance", "I'll check later", "when the VPN dropped") are left out. A step
never removes a negation, a condition on the cluster or a time the order is to run at: a rewrite of the whole
request is only made when the guards would find none of them in it.
"""

from __future__ import annotations

import re

from pmpc_tui.nl.ground import clauses, conjuncts, lexicon_pl, pve_cli
from pmpc_tui.nl.ground.clauses import INTERROGATIVE
from pmpc_tui.nl.ground.lexicon_it_nl import in_english
from pmpc_tui.nl.ground.numbers import in_digits
from pmpc_tui.nl.ground.questions import as_describe
from pmpc_tui.nl.ground.ticket_ids import without_tickets
from pmpc_tui.services.names import Names

# asides that give leave or context, never a condition or a time of the order
ASIDES = re.compile(
    r"\s*,?\s*\b(?:(?:only\s+)?if\s+(?:at\s+all\s+)?possible|if\s+you\s+can|"
    r"when(?:ever)?\s+you\s+(?:get|have|find)\s+(?:a\s+)?(?:chance|minute|moment|sec(?:ond)?|min)|"
    r"nothing\s+fancy|"
    r"(?:i'?ll|i\s+will|we'?ll|we\s+will)\s+(?:check|look|see)\s+(?:on\s+it\s+|at\s+it\s+|back\s+)?later(?:\s+on)?|"
    # "…got interrupted when the VPN dropped": a past event, never a condition
    r"when\s+(?:the\s+|our\s+|my\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:dropped|died|crashed|failed|broke|hung|"
    r"went\s+(?:down|away)|"
    r"was\s+(?:down|rebooted|restarted)|timed\s+out|lost\s+\w+))\b", re.IGNORECASE)
# a polite request framed as a condition ("would be great if you could reboot X", "i'd appreciate it if you'd …",
# "if you could restart X, that'd be great"): an order, never a condition to wait for (nl19)
_PRAISE = r"(?:great|nice|awesome|good|helpful|lovely|ideal|cool|amazing|perfect|appreciated|super)"
POLITE_IF = re.compile(rf"^\s*(?:(?:it|that)(?:\s+would|'d|\s+will)|would)\s+be\s+(?:really\s+|very\s+|so\s+)?"
                       rf"{_PRAISE}\s+if\s+"
                       r"(?:you|u)\s+(?:could|can|would|'d)\s+|^\s*i'?d\s+(?:really\s+)?appreciate\s+it\s+if\s+(?:you|u)\s+"
                       r"(?:could|can|would|'d)\s+", re.IGNORECASE)
POLITE_IF_AFTER = re.compile(rf"^\s*if\s+(?:you|u)\s+(?:could|can|would)\s+(?P<order>.+?)\s*,?\s+(?:that|it)(?:'d|'ll|"
                             rf"\s+would|\s+will)\s+be\s+(?:really\s+|very\s+|so\s+)?{_PRAISE}\W*$", re.IGNORECASE)
# the confirmation is always asked: a wish to skip it is no negation of a harmless order, yet the guards refuse a
# destructive one said with it as a whole (nl17o: dropping it here once let a rollback through)
SKIP_ASIDE = re.compile(r"\s*,?\s*\bwithout\s+asking\s+(?:me\s+|us\s+)?(?:to\s+confirm|for\s+(?:a\s+|any\s+)?"
                        r"confirmation|first)\b", re.IGNORECASE)
INSTEAD = re.compile(r"\s*,?\s*\binstead\s+of\s+(?:the\s+)?(?:current\s+)?\d+(?:\.\d+)?\s*(?:[gmt]b?|gib|mib|"
                     r"gigs?|megs?|"
                     r"cores?)?\b", re.IGNORECASE)
# "X needs a reboot", "X has to be rebooted", "X needs to be backed up": the order on X
# (a question, "does db-01 need a reboot?", is never one of them: the clause reader says which is asked)
NEEDS = re.compile(r"^(?P<g>(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,4}?)\s+"
                   r"(?:really\s+|urgently\s+|now\s+)?(?:needs|"
                   r"need|has\s+to|"
                   r"have\s+to|must|should)\s+(?:a\s+|an\s+|to\s+be\s+|be\s+|to\s+get\s+|get\s+)?(?:quick\s+|fresh\s+|"
                   r"new\s+)?(?P<v>reboot(?:ed)?|restart(?:ed)?|back(?:ed)?[\s-]?up|backup|shut\s*down|stopped|started|"
                   r"snapshot(?:ted)?|migrated|moved|power[\s-]?cycled?)\b(?P<rest>.*)$", re.IGNORECASE)
VERB = {"reboot": "reboot", "rebooted": "reboot", "restart": "reboot", "restarted": "reboot", "backup": "back up",
        "shutdown": "shut down", "stopped": "stop", "started": "start", "snapshot": "snapshot",
        "snapshotted": "snapshot", "migrated": "move", "moved": "move", "powercycle": "reboot", "powercycled": "reboot"}
# "db-01 should get sixteen gigs of RAM", "pihole could do with 1 gig of RAM": give it that
GETS = re.compile(r"^(?P<g>(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}?)\s+"
                  r"(?:should|could|must|needs\s+to|has\s+to)\s+"
                  r"(?:get|have|be\s+given|do\s+with)\s+(?P<rest>(?:another\s+|more\s+|an?\s+extra\s+)?\d.*)$",
                  re.IGNORECASE)
# "a (stale) snapshot called S on G … (force) delete it": the snapshot is what "it" is
SNAPSHOT_IT = re.compile(r"(?:^(?:the\s+)?(?P<g2>[\w-]+)\s+(?:still\s+|now\s+)?(?:has|have|got)\b.*?)?"
                         r"\bsnap(?:shot)?\s+(?:called|named)\s+['\"]?(?P<s>[\w.-]+)['\"]?(?:\s+(?:on|of|for|from)\s+"
                         r"(?:the\s+)?(?P<g>[\w-]+)\b)?.*?\b(?P<v>(?:force[\s-]?)?(?:delete|remove|drop|get\s+rid\s+of|"
                         r"roll\s*back\s+to|revert\s+to)|rollback\s+to)\s+it\b", re.IGNORECASE)
# "before the schema migration tonight": the time is the other event's; the order is for now
BEFORE_EVENT = re.compile(r"\b(before\s+(?:the|our|this|tonight'?s|the\s+big)\s+(?:[\w-]+\s+){0,3}?[\w-]+)\s+"
                          r"(?:tonight|tomorrow(?:\s+morning)?|this\s+(?:evening|afternoon|weekend)|"
                          r"later(?:\s+today)?)\b",
                          re.IGNORECASE)
NO_BOOT = re.compile(r"^(?:please\s+)?(?:make\s+sure\s+|ensure\s+)(?P<g>.+?)\s+(?:doesn'?t|does\s+not|won'?t|"
                     r"will\s+not|"
                     r"isn'?t\s+set\s+to|never)\s+(?:auto-?)?start(?:s)?\s+(?:at|on)\s+boot\b(?P<rest>.*)$",
                     re.IGNORECASE)
# "keep X from starting at boot", "stop X from autostarting when the node boots": the order is to NOT autostart
# (nl17o: "stop" once read as the verb and the setting came out the opposite way)
KEPT_FROM_BOOT = re.compile(r"^(?:please\s+)?(?:stop|keep|prevent|block)\s+(?P<g>.+?)\s+from\s+(?:auto-?)?"
                            r"(?:start(?:ing)?|boot(?:ing)?|coming\s+up|powering\s+on)(?:\s+(?:up|automatically|by\s+itself))?\s+"
                            r"(?:at|on|with|after|when(?:ever)?)\s+(?:the\s+)?(?:(?:host|node|server|hypervisor|pve\d*)"
                            r"(?:'s)?\s+)?(?:re)?boot(?:s|ing|up)?\b(?P<rest>.*)$", re.IGNORECASE)
# "the new config broke everything": a reason after the order, never a selection
REASON = re.compile(r"\s*[,;]\s*(?:the\s+|a\s+|that\s+|this\s+|it\s+|[\w-]+\s+)?(?:[\w-]+\s+){0,3}?(?:broke|"
                    r"killed|ruined|"
                    r"messed\s+up|took\s+down|trashed)\s+(?:everything|it\s+all|all\s+of\s+it)\b[^,.;]*|"
                    # "…, someone wiped them": what happened, never a selection or an order
                    r"\s*[,;]\s*(?:someone|somebody)\s+(?:\w+ed|broke|took)\s+(?:them|it|those|these)\b[^,.;]*",
                    re.IGNORECASE)
# "…, we're decommissioning it next week", "…, it's being retired at the end of the month": context about another
# action (never the order's own verb, nor "doing it") with its own time
CONTEXT = re.compile(r"\s*[,;]\s*(?:we'?re|we\s+are|i'?m|i\s+am|it'?s|it\s+is|they'?re|they\s+are)\s+(?:being\s+|"
                     r"going\s+to\s+"
                     r"be\s+)?(?P<v>\w+(?:ing|ed))\b(?P<rest>[^,.;]*)$", re.IGNORECASE)
# "If web-01 is off, start it": a condition that is the order's own precondition says nothing more than the order
# (a power state only: "if db-01 is down" is an outage to watch for, still a condition; and a start only — a
# disruptive order such as "if X is running, shut it down" stays refused)
PRECONDITION = re.compile(r"^(?:if|in\s+case)\s+(?P<g>(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?P<s>is\s+(?:still\s+)?"
                          r"(?:not\s+|n't\s+)?\w+|isn'?t\s+(?:running|up|on)|is\s+(?:powered|shut)\s+\w+)\s*,?\s*"
                          r"(?:then\s+)?(?:please\s+)?(?:go\s+ahead\s+and\s+)?(?P<v>start|boot|power\s+on|stop|"
                          r"shut\s*down|"
                          r"power\s+off|turn\s+off|turn\s+on)\s+(?:it|them)(?:\s+up|\s+down|\s+off|\s+on)?"
                          r"(?:\s+please)?\s*[.!]*\s*$", re.IGNORECASE)
OFF_STATES = re.compile(r"^(?:is\s+(?:still\s+)?(?:off|stopped|shut\s+down|powered\s+(?:off|down)|not\s+running|"
                        r"not\s+up|not\s+on)|isn'?t\s+(?:running|up|on))$", re.IGNORECASE)
ORDER_WORDS = re.compile(r"\b(start|stop|reboot|restart|shut|shutdown|delete|remove|destroy|migrate|move|snapshot|back|"
                         r"backup|apply|resize|grow|create|clone|suspend|pause|resume|do|doing|run|running|go|"
                         r"going)\w*",
                         re.IGNORECASE)
# "switch off protection on VM 109": unprotect (the guest), never protect it
UNPROTECT = re.compile(r"\b(?:switch|turn|take)\s+off\s+(?:the\s+)?protection\s+(?:on|for|of|from)\b|"
                       r"\b(?:disable|remove|drop|lift)\s+(?:the\s+)?protection\s+(?:on|for|of|from)\b", re.IGNORECASE)
# "every prod VM? web-01, web-02 and db-01.": a sentence of names only says which guests the selection meant
SELECTOR = re.compile(r"\b(?:every|all(?:\s+(?:of\s+)?(?:the|our|my))?|"
                      r"each(?:\s+of\s+the)?)\s+(?:[\w-]+\s+){0,2}?(?:vms?|cts?|"
                      r"containers?|guests?|servers?|boxes|machines)\b", re.IGNORECASE)
# "grep the logs for db-01": log lines that mention it
GREP_FOR = re.compile(r"\bgrep\s+(?:the\s+|our\s+|my\s+)?logs?\s+for\s+", re.IGNORECASE)
# "don't stop homeassistant, just show me what it's doing": only the read after "just/only" is asked for
JUST_READ = re.compile(r"^(?:please\s+)?(?:don'?t|do\s+not)\s+(?P<neg>[^,.;!]+)[,.;!]+\s*(?:please\s+)?(?:just|"
                       r"only|simply)\s+"
                       r"(?P<read>(?:show|list|tell|display|describe|give\s+me\s+the\s+status)\b.*)$", re.IGNORECASE)
# "web-02 has a snapshot called S, …": a snapshot that exists is told of, never asked for
EXISTS = re.compile(r"^[^,.;]*\b(?:there'?s|there\s+is|has|have|got|still\s+has)\s+(?:an?\s+|one\s+)?(?:\w+\s+){0,2}?"
                    r"snap(?:shot)?s?\s+(?:called|named)\s+[^,.;]*[,.;]\s*", re.IGNORECASE)
# phrasings of an option, said the way the options table reads it (each keeps the request's meaning)
OPTION_WORDS: list[tuple[re.Pattern[str], str]] = [
    # "take web-01 out of autostart": --onboot no (was read as yes)
    (re.compile(r"\b(?:take|remove|drop)\s+(?P<g>[\w-]+)\s+(?:out\s+of|from)\s+(?:the\s+)?(?:autostart|auto-start|"
                r"start\s*-?\s*on\s*-?\s*boot|boot\s+order)\b|\bdisable\s+(?:the\s+)?(?:autostart|auto-start|"
                r"start\s+on\s+boot)\s+(?:for|on|of)\s+(?P<g2>[\w-]+)", re.IGNORECASE), "don't autostart {g} at boot"),
    # "…, don't write anything": only a dry run may answer
    (re.compile(r"\s*,?\s*(?:but\s+)?(?:don'?t|do\s+not)\s+(?:write|change|touch|save|modify)\s+anything(?:\s+yet)?\b"
                r"(?!\s*[,.;!]?\s*(?:just|only|simply)\b)",
                re.IGNORECASE), ", don't actually do it"),
    # "import without syncing first": from the state database (--offline)
    (re.compile(r"\bwithout\s+(?:a\s+)?sync(?:ing)?(?:\s+(?:first|before))?\b", re.IGNORECASE),
     "without hitting the api"),
    # "plan only for web-01, I don't care about the rest": an aside, no negation
    (re.compile(r"\s*,?\s*(?:i|we)\s+don'?t\s+care\s+about\s+(?:the\s+rest|the\s+others|anything\s+else)"
                r"(?:\s+(?:right\s+now|for\s+now|at\s+the\s+moment))?\b", re.IGNORECASE), ""),
]
# "merge with my hand edits, don't clobber them": said twice, once as a negation
KEEP_EDITS = re.compile(r"\s*,?\s*(?:and\s+|but\s+)?(?:don'?t|do\s+not)\s+(?:clobber|overwrite|lose|"
                        r"trash)\s+(?:them|it|my\s+"
                        r"(?:hand\s+)?(?:edits|changes))\b", re.IGNORECASE)
# a sequence said with "once it's up", "… afterwards", "and shut it down": one step after the other ("then")
SEQUENCE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\s*,?\s*and\s+once\s+(?:it'?s|it\s+is|they'?re|they\s+are)\s+(?:up|running|started|done|finished|"
                r"back(?:\s+up)?)\s*,?\s*", re.IGNORECASE), ", then "),
    (re.compile(r"\s+and\s+(?P<y>(?:give|set|start|stop|reboot|snapshot|back\s+up)\b[^,.;]*?)\s+"
                r"(?:afterwards?|after\s+that)\b", re.IGNORECASE), r", then \g<y>"),
    # (not "and start it": after a rollback that is the rollback's own --start)
    (re.compile(r"\s+and\s+(?=(?:shut|stop|reboot|restart)\s+(?:it|them)\b)", re.IGNORECASE), ", then "),
    # a numbered runbook: "step 1: validate. step 2: plan." (nl17m)
    (re.compile(r"^\s*(?:step|stage)\s+(?:1|one)\s*[:.)-]\s*", re.IGNORECASE), ""),
    (re.compile(r"\s*[.;,]?\s*\b(?:step|stage)\s+(?:[2-9]|two|three|four|five)\s*[:.)-]\s*", re.IGNORECASE), ", then "),
]
# "all three k8s VMs": the count restates the selection
ALL_COUNT = re.compile(r"\b(all|both)\s+(?:of\s+)?(?:the\s+)?(?:two|three|four|five|six|seven|eight|nine|ten|"
                       r"\d{1,2})\s+"
                       r"(?!(?:v?cpus?|cores?|gigs?|gb|g|mb|hours?|minutes?)\b)", re.IGNORECASE)
# "can the windows desktop be given eight cores?": the change, said in the passive
PASSIVE_GIVE = re.compile(r"^(?:can|could)\s+(?P<g>(?:the\s+)?[\w-]+(?:\s+[\w-]+){0,3}?)\s+(?:be\s+given|get)\s+"
                          r"(?P<rest>\d[^?]*)\?", re.IGNORECASE)
# "draft a VM for …": write a new guest into the code
DRAFT = re.compile(r"\bdraft\s+(?=(?:me\s+)?(?:a|an|the|one)\s+(?:new\s+)?(?:vm|ct|container|lxc)\b)", re.IGNORECASE)
# a new guest's facts said the ops way: "VM 150 named mail-relay", "ct cache-01 at 192.168.1.71/24", "tags prod and web"
NEW_WITH_ID = re.compile(r"\b(?P<k>vm|ct|container)\s+(?P<id>\d{3,9})\s+(?:named|called)\s+(?P<n>[\w.-]+)",
                         re.IGNORECASE)
AT_ADDRESS = re.compile(r"\b(?:at|on)\s+(?=\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/\d{1,2}\b)", re.IGNORECASE)
TAGS_AND = re.compile(r"\b(tags?)\s+([\w-]+)\s+and\s+([\w-]+)\b(?!\s+(?:to|on|for|from)\b)", re.IGNORECASE)
# orders that interrupt a guest or remove something: a time said near them is never dropped as another event's
DISRUPTING = re.compile(r"\b(?:stop|shut|reboot|restart|kill|halt|power|turn\s+off|switch\s+off\s+(?!protection)|"
                        r"suspend|pause|delete|remove|destroy|wipe|migrate|move|roll\s*back|rollback|revert|restore|apply)\w*",
                        re.IGNORECASE)
# a guest's end of life, which no order waits for: "it's being retired at the end of the month"
END_OF_LIFE = re.compile(r"(?:decommission|retir|replac|rebuil|sunset|deprecat|scrapp|archiv)\w*", re.IGNORECASE)
# "(I) just need the name and status of everything": a read of the guests' state (the model once read it as start)
NEED_STATUS = re.compile(r"^(?:(?:i|we)\s+)?(?:just\s+|only\s+)?(?:need|want|would\s+like)\s+(?:to\s+(?:see|know)\s+)?"
                         r"(?:the\s+)?(?:names?\s+and\s+)?(?:status|state|states)\s+(?:and\s+names?\s+)?of\s+",
                         re.IGNORECASE)
# "list the guests tagged iot, both VMs and containers": guests already are both
# "turn web-02 off and on again" is a power cycle: read as a stop alone it would leave the guest off
POWER_CYCLE = re.compile(r"\b(?:turn|switch|power|flip|cycle)\s+(?P<g>[\w.-]+(?:\s+[\w.-]+){0,2}?)\s+(?:off|down)\s+"
                         r"and\s+(?:then\s+)?(?:back\s+)?(?:on|up)(?:\s+again)?\b", re.IGNORECASE)
HARD_RESET = re.compile(r"\b(?:hard|power|cold)[- ]?reset\b", re.IGNORECASE)  # ends running, never a stop alone
BOTH_KINDS = re.compile(r"\s*,?\s*(?:both\s+)?(?:vms|virtual\s+machines)\s+and\s+(?:containers|cts|lxcs)\b",
                        re.IGNORECASE)
GERMAN = [(re.compile(r"\bfahr(?:e)?\s+(?:bitte\s+)?(?P<g>.+?)\s+(?:bitte\s+)?(?:herunter|runter)\b", re.IGNORECASE),
           r"shut down \g<g>"),
          # "lass X in Ruhe" (leave it alone), "lass X (weiter)laufen" (keep it running): never an order (nl17m)
          (re.compile(r"\blass(?:e|t)?\s+(?:bitte\s+)?(?P<g>.+?)\s+(?:bitte\s+)?in\s+ruhe\b", re.IGNORECASE),
           r"leave \g<g> alone"),
          (re.compile(r"\blass(?:e|t)?\s+(?:bitte\s+)?(?P<g>.+?)\s+(?:bitte\s+)?(?:weiter)?(?:laufen|an)\b",
                      re.IGNORECASE), r"leave \g<g> running"),
          # a name given in another language ("namens vor-patch", "llamado X", "nommé X"): "called X"
          (re.compile(r"\b(?:namens|genannt|mit\s+dem\s+namen|llamad[oa]|con\s+(?:el\s+)?nombre|nomm[ée]e?|"
                      r"appel[ée]e?)\s+(?=[\w.-]+)", re.IGNORECASE), "called "),
          # a state asked in German ("ist web-01 gerade an?"): whether it runs
          (re.compile(r"\b(ist|sind)\s+(?:der\s+|die\s+|das\s+)?(?P<g>[\w.-]+)\s+(?:gerade\s+|jetzt\s+|noch\s+|schon\s+)*"
                      r"(?P<s>an|aus|online|offline)\b", re.IGNORECASE), r"is \g<g> \g<s>"),
          # a causative order ("make the web-01 again start", "get grafana to restart"): the verb on the guest
          (re.compile(r"\b(?:make|get|have)\s+(?:the\s+)?(?P<g>(?!me\b|us\b|sure\b)[\w.-]+)\s+(?:to\s+)?"
                      r"(?:again\s+|once\s+more\s+)?(?P<v>start|stop|reboot|restart|shut\s*down|boot)\b",
                      re.IGNORECASE), r"\g<v> \g<g>"),
          # "web-02 -> pve1": to
          (re.compile(r"(?<=[\w.-])\s*->\s*(?=[\w.-])"), " to "),
          # "the prod-tagged vms": the vms tagged prod
          (re.compile(r"\b([a-z0-9_]+)-tagged\s+(vms?|cts?|containers?|guests?|machines?|ones)\b", re.IGNORECASE),
           r"\2 tagged \1")]


def _destroys(text: str) -> bool:
    """Whether the request names something destructive (the guards' own word list; imported late like theirs)."""
    from pmpc_tui.nl.ground.orders import DESTRUCTIVE

    return bool(DESTRUCTIVE.search(text.lower()))


def _guards_silent(text: str) -> bool:
    """Whether the guards see no negation, time or condition in `text` (imported late: they import grounding)."""
    from pmpc_tui.nl import guards
    from pmpc_tui.nl.ground.orders import conditional

    clean = guards.normalize(text)
    clean = guards.BENIGN.sub(" ", clean)
    return not (guards.NEGATION.search(clean) or guards.DEFERRAL.search(clean) or conditional(clean))


def _precondition(text: str) -> str | None:
    """"start GUEST" for "if GUEST is off, start it" (a start only: stopping stays refused behind a condition)."""
    text = re.sub(r"\b(shut|turn|power)\s+(it|them)\s+(down|off|on|up)\b", r"\1 \3 \2", text.strip(),
                  flags=re.IGNORECASE)
    m = PRECONDITION.match(text)
    if m is None:
        return None
    verb = re.sub(r"\s+", " ", m.group("v").lower())
    if verb not in ("start", "boot", "power on", "turn on"):
        return None  # "if X is running, shut it down": a disruptive order stays refused behind its condition
    state = re.sub(r"\s+", " ", m.group("s").lower())
    if OFF_STATES.match(state) is None:
        return None
    return f"{verb} {m.group('g')}"


def _context(text: str) -> str:
    """`text` without a trailing clause that tells of another action and its time (see CONTEXT)."""
    m = CONTEXT.search(text)
    if m is None:
        return text
    from pmpc_tui.nl import guards

    if not guards.DEFERRAL.search(guards.normalize(m.group(0))):
        return text  # "…, it's paused": a state, said to be kept
    head = text[:m.start()]
    if DISRUPTING.search(head) and not END_OF_LIFE.match(m.group("v")):
        return text  # "shut down db-01, we're patching it tonight": the time may be the order's
    said = {w.lower()[:4] for w in ORDER_WORDS.findall(head)}
    if re.match(r"(?:do|go|run)", m.group("v"), re.IGNORECASE) or m.group("v").lower()[:4] in said:
        return text
    return head


def _listed(text: str, names: Names) -> str:
    """A selection restated by a sentence of names ("… every prod VM? web-01, web-02 and db-01.") as those names."""
    known = {n.lower() for n in names.guests}
    parts = re.split(r"(?<=[?.!:;])\s+", text.strip())
    for i, part in enumerate(parts):
        words = [w for w in re.split(r"[\s,]+|\band\b", part.strip(" ?.!:;").lower()) if w]
        if i and len(words) >= 2 and all(w in known for w in words):
            head = " ".join(parts[:i])
            if len(SELECTOR.findall(head)) == 1:
                return " ".join([SELECTOR.sub(part.strip(" ?.!:;"), head).rstrip(" ?.!:;"), *parts[i + 1:]])
    return text


def _just_read(text: str, names: Names) -> str:
    """"don't X GUEST, just show …" → the read, with "it" as the guest the negated part named."""
    m = JUST_READ.match(text.strip())
    if m is None:
        return text
    named = [n for n in names.guests if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", m.group("neg"), re.IGNORECASE)]
    read = m.group("read")
    if len(named) == 1:
        read = re.sub(r"\bit'?s\b", f"{named[0]} is", read, flags=re.IGNORECASE)
        read = re.sub(r"\b(it|its)\b", named[0], read, flags=re.IGNORECASE)
    return read


def _new_guest(text: str, names: Names) -> str:
    """A new guest's VMID, address and tags in the words `create` reads (see NEW_WITH_ID)."""
    if not re.search(r"\b(?:create|new|add|make|spin|provision|deploy|set\s+up)\b", text, re.IGNORECASE):
        return text
    m = NEW_WITH_ID.search(text)
    if m and int(m.group("id")) not in {g[1] for g in names.guests.values()}:
        text = NEW_WITH_ID.sub(lambda x: f"{x.group('k')} named {x.group('n')} with vmid {x.group('id')}", text,
                               count=1)
    text = AT_ADDRESS.sub("with ip ", text)
    return TAGS_AND.sub(r"\1 \2,\3", text)


def _its_after_then(text: str, names: Names) -> str:
    """"snapshot db-01 …, then show me its snapshots": "its" is the one guest the first step named."""
    parts = re.split(r"(\bthen\b)", text, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) != 3:
        return text
    named = [n for n in names.guests if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", parts[0], re.IGNORECASE)]
    if len(named) != 1:
        return text
    return parts[0] + parts[1] + re.sub(r"\bits\b", f"{named[0]}'s", parts[2], flags=re.IGNORECASE)


def _whole(text: str, names: Names) -> str:
    """A rewrite of the whole request (question, "needs a …", a snapshot named earlier), or the request as it is."""
    question = as_describe(text)
    if question is not None:
        return question
    ordered = _precondition(text)
    if ordered is not None:
        return ordered
    if not _guards_silent(text):
        told = EXISTS.sub("", text)  # "web-02 has a snapshot called S, don't delete it": only the negation is left
        return told if told.strip() else text
    asked = clauses.read(text.strip().lower())[:1]
    m = NEEDS.match(text.strip()) if not asked or asked[0].mood != INTERROGATIVE else None
    if m:
        verb = VERB.get(re.sub(r"[\s-]", "", m.group("v").lower()), "")
        if not verb and re.match(r"back", m.group("v"), re.IGNORECASE):
            verb = "back up"
        if verb:  # a reason after it ("after the PBS update") is no part of the order
            rest = re.split(r"\b(?:after|because|since|due\s+to|following|as\s+part\s+of)\b", m.group("rest"))[0]
            return f"{verb} {m.group('g')}{rest}".rstrip(" ,;")
    m = GETS.match(text.strip()) if not asked or asked[0].mood != INTERROGATIVE else None
    if m:
        return f"give {m.group('g')} {m.group('rest')}"
    m = SNAPSHOT_IT.search(text.strip())
    guest = m and (m.group("g") or m.group("g2"))
    if m and guest and guest.lower() in {n.lower() for n in names.guests}:
        verb = re.sub(r"force[\s-]?", "", m.group("v").lower())
        force = " --force" if re.match(r"force", m.group("v"), re.IGNORECASE) or re.search(r"\bforce\b", text,
                                                                                           re.IGNORECASE) else ""
        if re.match(r"roll|revert", verb):
            return f"roll back {guest} to snapshot {m.group('s')}"
        return f"delete the snapshot {m.group('s')} of {guest}{force}"
    return text


# a chat addressee before the request ("@ops-bot", "hey @pmpc,"): who is asked, never a guest's name (nl18)
ADDRESSEE = re.compile(r"^\s*(?:(?:hey|hi|hello|yo|ok|okay)\s+)?(?:@\w[\w.-]*[\s,:]*)+")
# guests picked by a label or a tag after a read's verb ("get nodes with label tag=k8s", "find the machines having
# the tag prod"): a filter, never a tag to set (nl18); machines, boxes, servers and k8s nodes with tags are VMs
TAG_FILTER = re.compile(r"^(?P<v>(?:please\s+)?(?:get|fetch|find|show(?:\s+me)?|display|give\s+me|list))\s+(?:all\s+)?"
                        r"(?:the\s+)?(?P<k>nodes|machines|servers|boxes|instances|guests|vms|cts|containers)\s+"
                        r"(?:with|having|carrying|that\s+have|which\s+have|where)\s+(?:the\s+|a\s+)?(?:label|tag)s?"
                        r"\s*(?::|=|of)?\s*(?:tag\s*=\s*|label\s*=\s*)?(?P<t>[\w.-]+)", re.IGNORECASE)
KIND_OF = {"guests": "guests", "cts": "cts", "containers": "cts"}


# Kubernetes words for power ("scale the workers down to zero", "scale up the sandbox"): a guest scaled down is shut
# down, scaled up is started — never when a resource is what is scaled ("scale up web-01's memory") (nl18)
SCALE_DOWN = re.compile(r"\bscale\s+(?:(?P<obj>(?:(?!\b(?:up|down)\b)[^,.;])+?)\s+)?(?:down|in)"
                        r"(?:\s+to\s+(?:zero|0|nothing))?\b|\bscale\s+(?P<obj2>[^,.;]+?)\s+to\s+(?:zero|0)\b",
                        re.IGNORECASE)
SCALE_UP = re.compile(r"\bscale\s+(?:(?P<obj>(?:(?!\b(?:up|down)\b)[^,.;])+?)\s+)?(?:up|out)(?:\s+again)?\b"
                      r"(?:\s+(?:from|to)\s+(?:zero|0|one|1))?", re.IGNORECASE)
RESOURCE = re.compile(r"\b(?:memory|ram|cpus?|cores?|vcpus?|disks?|storage|volumes?|replicas?|gigs?|\d+\s*g)\b",
                      re.IGNORECASE)


def _scaled(text: str) -> str:
    """Scaling a guest down or up in power words ("scale down X" → "shut down X", "scale X up" → "start X")."""
    if RESOURCE.search(text):
        return text
    text = SCALE_DOWN.sub(lambda m: f"shut down {m.group('obj') or m.group('obj2') or ''}".rstrip(), text)
    return SCALE_UP.sub(lambda m: f"start {m.group('obj') or ''}".rstrip(), text)


def _guest_nodes(text: str, names: Names) -> str:
    """Kubernetes nodes named by a part of guests' names ("the worker nodes", "the sandbox node", "k8s nodes") are
    those guests, never Proxmox VE nodes: read as VMs (nl18)."""
    parts = {p for n in names.guests for p in n.lower().split("-") if len(p) > 1 and not p.isdigit()}
    parts -= {n.lower() for n in names.nodes} | {"vm", "ct", "node", "nodes", "server", "template"}
    return re.sub(r"\b([a-z0-9]+)\s+node(s?)\b", lambda m: f"{m.group(1)} vm{m.group(2)}"
                  if m.group(1).lower() in parts else m.group(0), text, flags=re.IGNORECASE)


# a requirement relayed from someone the work is done for ("the client wants X to have 4 GB", "management asked us to
# add a core to X", "the customer would like X started again"): the order itself, said the ops way (nl18); never a
# question they have ("the client wants to know whether …")
RELAYED = re.compile(r"^\W*(?:(?:the|our|my)\s+)?(?:client|customer|boss|manager|management|team\s+lead|lead|cto|ceo|"
                     r"product\s+owner|dev\s+team|devs|developers|security\s+team|finance|business|stakeholders?|"
                     r"owner)(?:\s+(?:team|folks|people|department|dept|side))?\s+(?:(?:has\s+)?asked\s+(?:us|me)\s+to|wants\s+(?:us|me)\s+to|would\s+like\s+(?:us|me)\s+to|"
                     r"(?P<want>wants|would\s+like|needs|requested|requests))\s+(?!to\s+know|to\s+see|to\s+check|to\s+find)",
                     re.IGNORECASE)
# a question beside the relayed order ("…, what's its uptime"): what is asked is the read
ASKED_TOO = re.compile(r"[,;:]\s*(?:what|how|which|when|who|is|are|does|can)\b", re.IGNORECASE)
# "X is to be backed up": an order in the passive, like "X should be backed up"
IS_TO_BE = re.compile(r"\b(?:is|are)\s+to\s+be\b", re.IGNORECASE)


def _relayed(text: str) -> str:
    """A relayed requirement as the ops voice says it: "X to have Y" → "X should have Y", "X started" → "X should be
    started"; an order relayed ("asked us to add …") as it is."""
    text = IS_TO_BE.sub("should be", text)
    m = RELAYED.match(text)
    if m is None or "?" in text or ASKED_TOO.search(text):
        return text  # "my manager asked me to reboot X, what's its uptime?": the read asked beside it answers
    rest = text[m.end():]
    if m.group("want"):
        rest = re.sub(r"^(.+?)\s+to\s+(?=have\b|be\b|get\b)", r"\1 should ", rest, count=1, flags=re.IGNORECASE)
        rest = re.sub(r"^((?:(?!\bshould\b)[^,.;])+?)\s+(\w+ed|shut\s+down|backed\s+up|set\s+up)\b", r"\1 should be \2",
                      rest, count=1, flags=re.IGNORECASE)
    return rest


def _named_in_brackets(text: str, names: Names) -> str:
    """A guest described and then named in brackets ("their object storage (minio)") is that guest (nl18)."""
    known = {n.lower() for n in names.guests}
    return re.sub(r"\b(?:the|their|our|my|its|his|her)\s+(?:[\w-]+\s+){0,3}?\(\s*([\w.-]+)\s*\)",
                  lambda m: m.group(1) if m.group(1).lower() in known else m.group(0), text, flags=re.IGNORECASE)


# "(2 cores, 4 GiB) cloned from the debian template": the participle after a bracket qualifies the new guest, it is no
# report of a clone (nl18)
AFTER_BRACKET = re.compile(r"\)\s+(?=(?:cloned|copied|built|based|made|created)\s+(?:from|on|off|of)\b)",
                           re.IGNORECASE)


# an action said as a noun, opening the request ("Suspension of X while …", "Resumption of X requested", "a restart of
# X, please"): the order in its verb (nl18); deletions are never read from a noun
NOMINAL_ACTION = re.compile(r"^\W*(?:a\s+|the\s+)?(?P<n>suspension|resumption|restart|reboot|shutdown|shut-down|"
                            r"start-?up|power-?on)\s+of\s+(?P<g>[\w.-]+)(?![\w.-])(?:\s+(?:is\s+)?(?:requested|needed|required|"
                            r"wanted|asap|please|pls))?(?!\s+(?:would|could|might|may|is|was|will|has|had|sounds|seems|"
                            r"did|went|took|failed|ran|worked)\b)", re.IGNORECASE)  # not "a reboot of X would be nice"
NOMINAL_VERB = {"suspension": "suspend", "resumption": "resume", "restart": "restart", "reboot": "reboot",
                "shutdown": "shut down", "shut-down": "shut down", "startup": "start", "start-up": "start",
                "power-on": "start", "poweron": "start"}


def _addressed(text: str) -> str:
    """The request without a chat addressee before it."""
    m = ADDRESSEE.match(text)
    return text[m.end():] if m and text[m.end():].strip() else text


def _tag_filter(text: str) -> str:
    """A read of guests picked by a label or tag, in the words the parser reads ("list vms tagged k8s")."""
    return TAG_FILTER.sub(lambda m: f"list {KIND_OF.get(m.group('k').lower(), 'vms')} tagged {m.group('t')}", text)


def normalise(text: str, names: Names) -> str:
    """The request in the words the guards and the parser read (see the module's docstring)."""
    out = NOMINAL_ACTION.sub(lambda m: f"{NOMINAL_VERB[m.group('n').lower()]} {m.group('g')}", _addressed(text))
    out = _relayed(_named_in_brackets(AFTER_BRACKET.sub("), ", out), names))
    out = _scaled(pve_cli.in_words(_tag_filter(_guest_nodes(out, names))))
    out = conjuncts.named_in_lists(out, names)
    out = without_tickets(out, names)
    out = lexicon_pl.in_english(in_english(out), names)
    for pattern, english in GERMAN:
        out = pattern.sub(english, out)
    out = in_digits(out)
    out = POWER_CYCLE.sub(r"reboot \g<g>", out)
    out = HARD_RESET.sub("reboot", out)
    out = ASIDES.sub("", out)
    out = POLITE_IF_AFTER.sub(r"please \g<order>", POLITE_IF.sub("please ", out))
    if not _destroys(out):
        out = SKIP_ASIDE.sub("", out)
    out = INSTEAD.sub("", out)
    if not DISRUPTING.search(out):  # "back up db-01 before the migration tonight" (never "shut down … before …")
        out = BEFORE_EVENT.sub(r"\1", out)
    out = REASON.sub("", out)
    for pattern, then in SEQUENCE:
        out = pattern.sub(then, out)
    out = ALL_COUNT.sub(lambda m: f"{m.group(1)} the ", out)
    out = PASSIVE_GIVE.sub(r"set \g<g> to \g<rest>.", out)
    out = DRAFT.sub("create ", out)
    out = NEED_STATUS.sub("show me the status of ", out)
    if re.search(r"\bguests\b", out, re.IGNORECASE):
        out = BOTH_KINDS.sub("", out)
    out = _new_guest(out, names)
    out = _its_after_then(out, names)
    for pattern, english in OPTION_WORDS:
        out = pattern.sub(lambda m, e=english: e.format(g=next((g for g in m.groups() if g), "")), out)  # type: ignore[misc]
    if re.search(r"\bmerg", out, re.IGNORECASE):
        out = KEEP_EDITS.sub("", out)
    out = GREP_FOR.sub("show the logs mentioning ", out)
    out = _listed(out, names)
    out = _just_read(out, names)
    out = UNPROTECT.sub("unprotect", out)
    out = _context(out)
    m = NO_BOOT.match(out.strip()) or KEPT_FROM_BOOT.match(out.strip())
    if m:
        out = f"don't autostart {m.group('g')} at boot{m.group('rest')}"
    return _whole(out, names)
