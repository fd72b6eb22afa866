"""The word tables of the guards (`nl/guards.py`): negation, deferral, conditions, questions, exceptions, small talk,
secrets and the reasons given when a request is refused. Lists of words only; how they are read is the guards'."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.lexicon import NOT

CAN_DO = ["list vms on pve2", "which vms use the most memory", "start web-01", "stop every vm tagged dev",
          "reboot db-01", "create a vm called web-03 with 2 cores and 4GB", "show the errors of the last hour",
          "is everything ok", "what changed outside the code"]
NEGATION = re.compile(r"\b(don'?t|do\s+not|does\s+not|doesn'?t|never|not|no\s+need|nothing|none\s+of|without|"
                      r"nicht|niemals|nie|keine?n?|pas|jamais|nunca|"
                    # Spanish "no apagues / no borres / no lo toques"
                    r"no\s+(?:lo\s+|la\s+|los\s+|las\s+|le\s+)?(?:apagu|borr|reinici|toqu|par[ae]s|deteng|elimin|hag|"
                    r"migr|muev|arranqu|inici|enciend|cre[ea]s|clon|suspend|apliqu|destru|quit)\w*|"
                    # a request taken back: "no, wait", "scratch that", "hold off", "on second thought"
                    r"no\s*,?\s*wait|wait\s*,?\s*no|scratch\s+that|cancel\s+that|hold\s+off|on\s+second\s+thoughts?|"
                    r"never\s*mind|forget\s+(?:it|that|about\s+it)|actually\s*,?\s*no\b|"
                    # an earlier order withdrawn: "belay that", "countermand my last order", "strike that", "rescind the
                    # request to …", "disregard my previous message" (nl19)
                    r"belay\w*|countermand\w*|rescind\w*|retract\w*|revok(?:e|ing)\s+(?:that|this|my|the)\b|"
                    r"(?:strike|scrap|scratch|disregard|ignore|drop|withdraw|take\s+back|cancel|undo|forget)\s+(?:my|the|"
                    r"your)\s+(?:last|previous|earlier)\s+(?:order|request|message|instruction|command|ask)s?\b|"
                    r"(?:strike|scrap|disregard|ignore|drop|withdraw|take\s+back)\s+(?:that|this|it|my|the)\s+(?:order|"
                    r"request|message|instruction|command|ask)s?\b|"
                    # a bare "strike that", never "drop it to 1536" (a lower size) (nl19)
                    r"(?:strike|scrap|disregard|withdraw|take\s+back)\s+(?:that|this|it)(?=\s*(?:[,;:.!—-]|$))|"
                    # … and in the other languages read: "laisse tomber", "vergiss es", "olvídalo", "lascia perdere"
                    r"laisse\s+tomber|oublie[sz]?\s*(?:[çc]a|le|la)?\b|annule\s+(?:[çc]a|tout)|vergiss\s+(?:es|das)|"
                    r"doch\s+nicht|lass\s+(?:es|das)\s+(?:sein|lieber)|olv[ií]d(?:a|alo|ate)|d[ée]jalo|"
                    r"lascia\s+(?:perdere|stare)|laat\s+maar|nieważne|niewazne|zapomnij|"
                    # "under no circumstances …", "db-01 must stay up": the opposite of an order
                    r"under\s+no\s+circumstances|(?:must|should|has\s+to|needs?\s+to)\s+(?:stay|remain)\s+(?:up|"
                    r"running|on|online|where\s+it\s+is)|"
                      # "we shouldn't restart web-01", "hands off db-01", "no reboots for db-01", "db-01 stays up"
                      r"shouldn'?t|should\s+not|mustn'?t|must\s+not|may\s+not|rather\s+(?:you\s+)?(?:not|didn'?t)|"
                      r"hands\s+off|no\s+(?:more\s+)?(?:reboots?|restarts?|stops?|shutdowns?|deletes?|deletions?|"
                      r"changes?|migrations?|downtime\s+for)|leave\s+\S+\s+be|(?:stays?|remains?)\s+(?:up|running|on|"
                      r"online|where\s+it\s+is|as\s+is|untouched|alone|off|down|stopped|paused)|"
                      # "block restarts of pihole", "I forbid stopping db-01", "under no condition", "no way you
                      # reboot", "db-01 isn't supposed to be stopped"
                      r"(?:prevent|forbid|disallow|prohibit)\w*|ban\s+\w+ing|block\s+(?:all\s+|any\s+)?(?:restarts?|"
                      r"reboots?|stops?|shutdowns?|deletions?|deletes?|changes?|migrations?)|under\s+no\s+conditions?|"
                      r"no\s+way|(?:isn'?t|is\s+not|aren'?t|are\s+not)\s+(?:supposed|allowed|meant|permitted)|"
                      # "leave minio stopped", "keep dev-sandbox off", "db-01 is off limits", "quit rebooting web-01":
                      # the state to keep, never the action that ends it
                      r"(?:leave|keep)\s+(?:\S+\s+){1,3}?(?:stopped|off|down|shut\s+down|powered\s+off|paused|suspended|"
                      r"offline)|off[- ]limits|untouchable|(?:quit|stop|cease)\s+(?:rebooting|restarting|starting|"
                      r"stopping|deleting|migrating|killing|touching|messing\s+with|shutting)|"
                      # taken back at the end: "stop db-01... nah", "stop db-01? no"
                      r"(?:\.{2,}|[?!,;]|\s[-—]+)\s*(?:nah|no+|nope|not\s+yet|wait|hmm+)\s*$|"
                      r"avoid|refrain|keep\s+\S+\s+(?:running|up|on|alone)|leave\s+(?:\S+\s+){0,3}?"
                      r"(?:running|up|on|alone|as\s+(?:it|they)\s+(?:is|are)))\b")
DEFERRAL = re.compile(
    r"\b(in\s+(?:\d+\s*|(?:a|an|one|two|three|five|ten|fifteen|twenty|thirty|a\s+few|a\s+couple\s+of)\s+)"
    r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|weeks?)|in\s+half\s+an\s+hour|"
    r"at\s+\d{1,2}(?::\d{2})?\s*(?:am|pm|h|o'?clock)?(?![\d%.,])|at\s+(?:noon|midnight|night)|tonight|tomorrow|"
    r"later(?:\s+today)?|this\s+(?:evening|afternoon|weekend|night)|over\s+the\s+weekend|next\s+(?:week|month|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)|on\s+(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday)|every\s+(?:day|night|hour|week|morning|evening|\d+\s*(?:minutes?|hours?))|daily|nightly|"
    r"hourly|weekly|schedule[ds]?|after\s+(?:midnight|lunch|hours|work)|before\s+(?:midnight|lunch|morning)|"
    r"wait\s+(?:\d+|a|an|one|two|five|ten|a\s+few)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)|after\s+the\s+"
    r"weekend|ma[ñn]ana|morgen|demain|heute\s+abend|ce\s+soir|esta\s+noche|sp[äa]ter|plus\s+tard|m[áa]s\s+tarde|"
    r"(?:next|during\s+the|in\s+the|at\s+the)\s+(?:next\s+)?(?:maintenance|patch|change)\s+(?:window|day|night)|"
    r"on\s+patch\s+day|(?:when(?:ever)?|once|as\s+soon\s+as)\s+(?:i'?m|we'?re|i\s+am|we\s+are)\s+(?:back|done|ready|"
    r"home|there|in)|^\d{1,2}:\d{2}|"
    # "at the end of the day", "next time", "every sunday", "each night", "overnight", "first thing"
    r"(?:at\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+|our\s+)?(?:day|week|month|business|sprint|quarter|year|release|"
    r"iteration|cycle|shift|term)|eod|next\s+time|overnight|"
    # a work cycle's time ("next sprint", "in the next release"): a plan, never an order for now (nl17o)
    r"(?:in\s+the\s+|during\s+the\s+)?next\s+(?:sprint|quarter|year|release|iteration|cycle|shift)|"
    r"first\s+thing|"
    # a quarter ("in q1", "for Q3 2027") and a plan told ("the plan for q1 is to …", "we plan to …"): later (nl19)
    r"(?:in|for|during|by|next|this|until|before|after|over|from)\s+(?:the\s+)?q[1-4]|q[1-4]\s*(?:'|20)\d\d|"
    r"plan\s+(?:for\s+(?:\S+\s+){1,3}?)?is\s+to|(?:we|i)\s+(?:plan|intend|(?:are|'re|am|'m)\s+planning)\s+to|"
    # an open time, and a note left for later ("someday", "eventually", "# TODO: …"): never an order for now
    r"some\s*day|one\s+day|eventually|at\s+some\s+point|sometime|(?:when(?:ever)?|if)\s+(?:i|we|you)\s+(?:get|have|find)"
    r"\s+(?:a\s+|the\s+|some\s+)?(?:chance|time|minute|moment)|fixme|(?:^|#\s*)(?:todo|to-do|note\s+to\s+self)\b|"
    r"(?:every|each)\s+(?:other\s+)?(?:day|night|hour|week|month|morning|evening|weekday|weekend|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?|"
    r"after\s+(?:the\s+)?\S+\s+(?:finish|complet|is\s+done|are\s+done|end)\w*|"
    # German, Spanish, French: "heute nacht", "in 10 Minuten", "um 22 Uhr", "en 10 minutos", "a las 22",
    # "esta tarde", "dans 10 minutes", "à 22h", "cette nuit"
    r"heute\s+nacht|diese\s+nacht|in\s+(?:\d+|einer|zwei|zehn)\s+(?:minuten|stunden?|tagen?)|um\s+\d{1,2}(?::\d{2})?"
    r"\s*uhr|en\s+(?:\d+|una|un|dos|diez)\s+(?:minutos?|horas?|d[íi]as?)|a\s+las?\s+\d{1,2}|esta\s+(?:tarde|"
    r"madrugada)|dans\s+(?:\d+|une|un|deux|dix)\s+(?:minutes?|heures?|jours?)|[àa]\s+\d{1,2}\s*h\d{0,2}|"
    r"cette\s+nuit|cet\s+apr[èe]s-midi|"
    # weekdays, midnight and weekends in German, Spanish and French; "during the night", "over christmas"; repeated
    # actions ("again and again", "every time it hangs", "keep restarting …") are a schedule too
    r"(?:lunes|martes|mi[ée]rcoles|jueves|viernes|s[áa]bado|domingo|montag|dienstag|mittwoch|donnerstag|freitag|"
    r"samstag|sonntag|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|medianoche|mitternacht|minuit|"
    r"wochenende|fin\s+de\s+semana|week-?end)|during\s+the\s+(?:night|day|weekend|holidays?|break|evening|"
    r"morning|outage)|over\s+(?:christmas|easter|the\s+holidays?|new\s+year)|for\s+the\s+holidays|"
    r"again\s+and\s+again|over\s+and\s+over|repeatedly|in\s+a\s+loop|(?:every|each)\s+time|^keep\s+\w+ing|"
    r"keep\s+on\s+\w+ing|"
    # "après la sauvegarde", "después de la copia", "nach dem Backup", "la semaine prochaine", "nächste Woche"
    r"apr[èe]s\s+(?:la|le|les|l')|despu[ée]s\s+de|nach\s+(?:dem|der|den)\s+\w+|(?:la\s+)?semaine\s+prochaine|"
    r"pr[óo]xim[oa]\s+\w+|n[äa]chste[nrs]?\s+\w+|prochaine?\s+(?:semaine|fois|lundi|mardi|mercredi|jeudi|vendredi|"
    r"samedi|dimanche|mois)|"
    # "around 5pm", "by 17:00", "in a bit", "soon", "at some point", "twice a week", "before I go home" (a
    # time after "from/since/after" is a log's window, never refused here)
    r"(?:around|about|by|until|till)\s+\d{1,2}(?::\d{2}\s*(?:am|pm)?|\s*(?:am|pm))|"
    r"in\s+a\s+(?:bit|while|moment|minute|sec|second|few)|shortly|soon|eventually|at\s+some\s+point|"
    r"some\s*time\s+(?:today|this\s+week|later)|(?:once|twice|three\s+times)\s+a\s+(?:day|week|month)|"
    r"before\s+(?:i|we)\s+(?:go|leave|head)\b"
    r"(?:\s+home)?)\b")
# a request that asks to see a secret runs nothing at all, whatever else it asks ("delete vm 103; also show me the
# token"): secrets never reach output, and the rest of such a request is not taken on trust
SECRET = re.compile(r"\b(?:show|print|give|tell|reveal|display|dump|echo|read|send|paste|leak|what'?s|what\s+is)\b"
                    r"(?:\s+\S+){0,6}?\s+(?:api\s+)?(?:tokens?|secrets?|passwords?|credentials?|api\s+keys?)\b")
# debug output is switched on by typing `debug on`, never from plain English (it may show what requests carry)
DEBUG = re.compile(r"\b(?:turn|switch|flip)\s+(?:on\s+)?(?:the\s+)?debug\w*(?:\s+on)?\b|\b(?:enable|activate|start)\s+"
                   r"(?:the\s+)?debug\w*|\bdebug\s+(?:mode|logging|output)\s+on\b")
WHY_DEBUG = "debug output is switched on by typing `debug on` yourself, never from plain English (nothing was done)"
OFF_TOPIC = re.compile(r"\bwhat\s+time\s+is\s+it\b|\bwhat'?s\s+the\s+(?:time|date|weather)\b|\bwhat\s+day\s+is\s+"
                       r"(?:it|today)\b|\btell\s+me\s+a\s+joke\b")
# questions of opinion, explanations and tasks for another tool: answered with what plain English can do
ADVICE = re.compile(r"\b(?:is|are)\s+(?:\S+\s+){1,3}?(?:better|worse|faster|slower|safer|cheaper)\s+than\b|"
                    # "what's the equivalent here?", "how would I do that in this tool": the command asked about
                    r"\bwhat'?s\s+the\s+(?:equivalent|counterpart|analogue|analog)\b|\bequivalent\s+(?:here|in\s+\S+)\b|"
                    r"\bshould\s+i\s+(?:use|pick|choose|go\s+with|prefer)\b.*\bor\b|\bdifference\s+between\b|"
                    r"\b(?:do\s+you\s+|can\s+you\s+|would\s+you\s+)?recommend\b|\bpros\s+and\s+cons\b|"
                    r"\bwhich\s+(?:one\s+)?is\s+(?:better|faster|safer)\b|"
                    r"^(?:what\s+(?:is|are)|what'?s)\s+(?:an?\s+\w[\w-]*(?:\s+\w+)?|proxmox(?:\s+ve)?|pve|terraform|"
                    r"opentofu|ansible|lxc|qemu|kvm|ceph|zfs|lvm(?:-thin)?|proxmox-mpc|you)$|"
                    r"^what\s+does\s+(?:the\s+)?`?(?:apply|plan|drift|sync|import|validate|destroy|test|migrate|clone|"
                    r"template|snapshot|backup|resize|suspend|delete|report-issue|--\S+)`?(?:\s+command)?\s+(?:do|mean)\b|"
                    r"\bhow\s+(?:does|do)\s+(?:the\s+)?\S+(?:\s+\S+)?\s+work\b|"
                    r"^(?:can\s+you\s+|could\s+you\s+|please\s+)?explain\s+(?:to\s+me\s+)?(?:what|how|why|the\s+"
                    r"difference)\b|"
                    r"\bwrite\s+(?:me\s+)?(?:a|an|some)\s+(?:\S+\s+){0,2}?(?:script|poem|song|story|essay|e-?mail|letter|"
                    r"program|function|playbook|code|haiku)\b|^translate\b|\bcapital\s+of\b|\bwho\s+won\b|"
                    r"\brecipe\b|\bhow\s+are\s+you\b|\bmeaning\s+of\s+life\b|\byour\s+name\b|"
                    # sizing advice ("how much ram is sensible for a dns container?", "how many cores should i give a
                    # db vm") and what the product can do ("can proxmox hot-plug memory at all?", "does pve support
                    # …"): answered with what plain English can do, never a read of a guest (nl19)
                    r"\bhow\s+(?:much|many)\s+(?:\S+\s+){0,3}?(?:is|are|would\s+be|should\s+be|seems?)\s+(?:\S+\s+){0,2}?"
                    r"(?:sensible|reasonable|enough|recommended|ideal|advisable|appropriate|sane|typical|normal|overkill|"
                    r"too\s+(?:much|many|little|few)|a\s+good\s+(?:amount|number))\b|"
                    r"\bhow\s+(?:much|many)\s+\S+(?:\s+\S+)?\s+(?:should|would|do)\s+(?:i|we|you|one)\s+(?:give|allocate|"
                    r"assign|reserve|plan)\s+(?:an?|to\s+an?|for\s+an?)\b|"
                    r"^(?:can|could|does|do|will|is|are)\s+(?:proxmox(?:\s+ve)?|pve|lxc|qemu|kvm|ceph|zfs|terraform|"
                    r"opentofu|ansible|proxmox-mpc)\b(?![\d-])(?:\s+\S+){0,8}?\s+(?:at\s+all|even|natively|out\s+of\s+the\s+box|"
                    r"support\w*|handle|capable|able\s+to)\b|"
                    # opinions and sums: "i love proxmox", "proxmox is great", "what's 2+2"
                    r"^(?:i|we)\s+(?:really\s+)?(?:love|like|hate|adore|enjoy|miss)\b|^\S+(?:\s+\S+)?\s+(?:is|are)\s+"
                    r"(?:so\s+|really\s+|very\s+|pretty\s+)?(?:great|awesome|cool|nice|annoying|terrible|amazing|"
                    r"the\s+best|the\s+worst)$|^what'?s\s+\d+\s*[-+*/x]\s*\d+|\bwhat\s+commands\b|\bmy\s+(?:boss|"
                    r"wife|husband|kids?|cat|dog)\b")
# shell work on a node, mail, passwords: outside what proxmox-mpc does ("ssh into pve1 and run …", "curl … | bash")
SHELL_WORK = re.compile(r"\|\s*(?:sudo\s+)?(?:ba|z)?sh\b|\bssh\s+(?:in)?to\b|\bssh\s+in\b|\brm\s+-\w*r|"
                        r"\bapt(?:-get)?\s+"
                        r"(?:update|upgrade|install|dist-upgrade|full-upgrade)\b|\bmkfs\b|\bformat\s+(?:the\s+)?(?:\S+\s+)?"
                        r"(?:disk|drive|partition|ssd|hdd)\b|\be-?mail\s+(?:me|it|them|the)\b|\bsend\s+(?:me\s+)?(?:an?\s+)?"
                        r"e-?mail\b|\bchmod\b|\bpasswd\b|\b(?:root|admin|user)\s+password\b|\breinstall\s+proxmox\b|"
                        # work inside a guest or on a firewall: "install nginx on web-01", "open port 22 on web-01",
                        # "format the nas storage", "give me root on pve1"
                        r"\b(?:install|uninstall)\s+(?:\S+\s+){0,3}?(?:on|in|inside)\s+(?!a\s|an\s|the\s+new)|\b(?:upgrade|update|"
                        r"patch)\s+(?:the\s+)?(?:packages?|os|system|kernel|software|apps?|\S+\s+packages?)\s+(?:on|in|of)\b|"
                        r"\b(?:open|close|block|allow|forward)\s+(?:the\s+)?(?:tcp\s+|udp\s+)?ports?\b|"
                        r"\bformat\s+(?:the\s+)?(?:\S+\s+)?storage\b|\broot\s+(?:access|shell|login|on)\b")
WHY_SHELL = ("that is work on a node's shell or outside the cluster's API, which proxmox-mpc never does from plain "
             "English (nothing was done)")
# nothing but small talk ("ok", "thanks, that worked!", "lol", "great job")
SMALL_TALK = re.compile(r"^(?:(?:ok(?:ay)?|k|cool|nice|great|thanks?|thank\s+you|thx|ty|lol|haha\w*|hehe\w*|wow|hm+|"
                        r"yes|no|yep|nope|yeah|nah|sure|bye|goodbye|good\s*night|cheers|awesome|perfect|"
                        r"good\s+(?:job|bot|work)|well\s+done|what'?s\s+up|sup|alright|fine|a\s+lot|so\s+much|"
                        r"very\s+much|again|too|(?:that|it)\s+worked|got\s+it|understood|:\)|:-\)|:d)[\s,!.:;)(-]*)+$")
WHY_SECRET = "secrets (tokens, passwords) are never shown, and nothing else in that request was done"
EXCEPTION = re.compile(r"(?:,\s*)?\b(except(?:\s+for)?|excluding|exclude|other\s+than|apart\s+from|aside\s+from|"
                       r"besides|save\s+for|but\s+not|all\s+but|but\s+leave|but\s+skip|but\s+keep(?!\s+(?:the\s+|my\s+|its\s+|their\s+|any\s+)?(?:old|original|source|edits?|changes?|copy|copies|data|config\w*|files?|local|manual)\b)|without\s+touching|"
                       r"leaving\s+out|leave\s+out|minus|barring|with\s+the\s+exception\s+of|not\s+counting|"
                       r"(?<=s\s)(?:bar|save)(?=\s)|w/o|sans)(?!\w)")
# after a selection ("all", "every", "everything"), a bare "but db-01", "skip db-01" or ", keep db-01 running"
# leaves db-01 out too
SELECTION_EXCEPTION = re.compile(r"\b(?:all|every|everything|everyone|each)\b(?!\s+(?:week|day|night|morning|evening|"
                                 r"month|year|weekend|along|the\s+time|of\s+a\s+sudden|good|fine|set|done|right)\b)"
                                 r".*?(?:,\s*|\s)((?:and\s+)?"
                                 r"(?:but|skip(?:ping)?|spare|sparing|bar|barring|not)|(?:and\s+)?(?:keep|leave)"
                                 r"(?=\s+\S+\s+(?:running|up|on|alone|out|be|where|in\s+place|as\s+is|untouched)\b))"
                                 r"\b")
# negative words that ask for an option, not against the action: "don't wait for it" (--no-wait), "without
# downtime" (--online), "without the ram", "without hitting the api" (--offline)
BENIGN = re.compile(rf"\b(?:{NOT}|no\s+need\s+to|(?:it\s+is\s+|it's\s+)?not\s+(?:necessary|needed)\s+to|needn'?t)\s+"
                    r"wait\b(?:\s+(?:for\s+(?:it|them|that|the\s+\w+)|around))?|"
                    # "just describe it, nothing else": the order is all that is asked, no negation of it
                    r",?\s*(?:and\s+)?nothing\s+(?:else|more)\b|\bthat'?s\s+all\b|"
                    r"\bwithout\s+waiting(?:\s+for\s+(?:it|them|that))?\b|"
                    r"\bwithout\s+(?:any\s+)?downtime\b|\bwithout\s+(?:the\s+|its\s+)?(?:ram|memory|vm\s?state)\b|"
                    r"\bwithout\s+(?:hitting|talking\s+to|touching|calling|contacting)\s+(?:the\s+)?(?:api|cluster|"
                    r"proxmox|pve)\b|\bwithout\s+compression\b|"
                    # a reason given after the request: "get rid of dev-sandbox, I don't use it anymore"
                    rf",?\s*(?:i|we)\s+(?:{NOT}|no\s+longer)\s+(?:use|need)\s+(?:it|them|that|this)"
                    r"(?:\s+\w+){0,3}?\s+(?:any\s?more|any\s+longer)\b|"
                    # a symptom, not an order: "hard stop vm 105, it does not answer anymore"
                    r"\b(?:it|that|which|he|she|they)\s+(?:does\s*not|doesn'?t|do\s+not|don'?t|is\s+not|isn'?t|won'?t|"
                    r"will\s+not|can'?t|cannot)\s+(?:answer|respond|react|work|boot|reachable|responding|answering|"
                    r"working|start|come\s+up)\w*\b|"
                    r"\bwithout\s+(?:a\s+)?reboot\w*(?:\s+it)?\b|"
                    # "migrate 103 but don't take it offline": --online, not a negated migration
                    rf"\b(?:{NOT}|without)\s+(?:tak(?:e|ing)|bring(?:ing)?|shut(?:ting)?)\s+(?:it|them|\S+)\s+(?:offline|"
                    r"down)\b|"
                    r"\bor\s+not\b|"
                    # a reason, not a negation (nl17k): "shut down X? it's not needed today", "don't put it off"
                    r"\b(?:it|he|she|they)(?:'s\s+not|\s+is\s+not|\s+isn'?t|'re\s+not|\s+are\s+not|\s+aren'?t)\s+"
                    r"(?:needed|used|in\s+use|being\s+used|"
                    r"important|doing\s+anything)\b|"
                    rf"\b{NOT}\s+(?:put\s+(?:it|this|that)\s+off|delay\s+(?:it|this|that)|postpone\s+(?:it|this|that))\b|"
                    # "reboot it if needed" allows the reboot; "don't autostart X at boot" is `--onboot no`
                    rf"\b(?:{NOT}|never)\s+(?:auto-?start\w*|start\s+(?:\S+\s+){{0,2}}?(?:at|on)\s+boot)\b")
# "reboot it if needed" gives leave to do it, it waits for nothing
IF_NEEDED = re.compile(r"\b(?:if|when|as)\s+(?:needed|necessary|required|need\s+be|appropriate)\b")
# "what would X do? don't actually do it": only a dry run may answer (every line must carry --dry-run)
DRY_RUN_ONLY = re.compile(rf"\b(?:but\s+)?{NOT}\s+(?:actually|really)\s+(?:do|run|apply|change|"
                          rf"touch|write)\s*(?:it|anything|that)?(?:\s+yet)?\b|\b(?:but\s+)?{NOT}\s+(?:do|run)\s+it\s+yet\b")
# "check if migrating X would work", "want to see if storage ok … dry run": asking whether, not a condition; only
# a dry run may answer
WHETHER = re.compile(r"\b(?:check|see|test|find\s+out|verify|tell\s+me)\s+(?:\w+\s+){0,2}?(?:if|whether)\b|"
                     r"\bwhat\s+would\s+happen\s+if\b")
# "show what apply would do without doing it", "what would destroy remove? just show": a dry run answers
WITHOUT_DOING = re.compile(r"\bwithout\s+(?:actually\s+|really\s+)?(?:doing|running|applying|changing|executing)\s+"
                           r"(?:it|anything|that|them)\b")
WHAT_WOULD = re.compile(r"^(?:so\s+)?what\s+would\s+(?:an?\s+|the\s+)?(?:apply|destroy|import|sync)\s+(?:do|remove|"
                        r"delete|destroy|change|write|create|touch|generate)\b")
# "show me what deleting X would do", "tell me what a reboot of web-01 would change": the action, as a dry run only
# (nl17m: it was once read as a list of what it names)
SHOW_WOULD = re.compile(r"^(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:show|tell)\s+(?:me\s+|us\s+)?what\s+"
                        r"(?!(?:an?\s+|the\s+)?(?:apply|applying|destroy|import|sync|plan)\b)(?P<act>(?:an?\s+|the\s+)?\S+.*?)\s+would\s+(?:do|change|happen|touch|affect)\b[?.!\s]*")
# "but don't touch my terraform files": for a sync the state database only (--db-only); for an import a dry run
FILES_UNTOUCHED = re.compile(rf"(?:,\s*|\s|^)(?:but\s+)?(?:{NOT}\s+(?:touch|writ|chang|overwrit)\w*\s+"
                             r"(?:my\s+|the\s+|any\s+)?(?:terraform\s+|tf\s+)?(?:files|code)\b|(?:and\s+)?leave\s+"
                             r"(?:my\s+|the\s+)?(?:terraform\s+|tf\s+)?(?:files|code)\s+(?:alone|untouched|as\s+(?:it|they)"
                             r"\s+(?:is|are)))")
# a file name is never a time ("tonight.plan"); "so I can apply it later" is the purpose, not the order's time
FILE_NAME = re.compile(r"(?<![\w/.-])[\w./-]+\.(?:plan|tfplan|json|ya?ml|tf|txt|md|log|csv)\b")
DRY_WORDS = re.compile(r"\bdry[- ]?run\b|\bwould\s+work\b|\bis\s+possible\b|\bwould\s+(?:it\s+)?(?:go|succeed)\b|"
                       rf"\b{NOT}\s+(?:do|run)\s+it\s+yet\b")
INJECTION = re.compile(r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|"
                       r"earlier|former)?\s*(?:instructions|rules|prompts?|guard\w*)\b|\bsystem\s+prompt\b|\bjailbreak\b|"
                       r"\byou\s+are\s+now\s+(?:in\s+)?(?:admin|developer|god|root|unrestricted)\b")
WHY_INJECTION = "that request tries to set aside how requests are read: nothing was done — say only what to do"
# "not up", "not running" describe a state (stopped), not a negated action: "which containers are not up"
NOT_RUNNING = re.compile(r"\b(?:are|is)\s+(?:not|n'?t)\s+(?:up|running|started)(?:\s+yet)?\b|\b(?:aren'?t|isn'?t)\s+"
                         r"(?:up|running|started)(?:\s+yet)?\b")
# "back up db-01 but don't stop it": the action before, never the one after (which must name a known action)
# (nl17k: also after a dash, "list stopped containers - don't start them", and ", no restarts")
BUT_NOT = re.compile(rf"(?:[,;.?]\s*(?:but\s+|and\s+)?|\s(?:--?|—)\s*(?:but\s+)?|\s\b(?:but|and)\s+)(?:please\s+)?"
                     rf"(?:{NOT}|never|no(?=\s+\w+s\b))\s+"
                     r"(.+)$")
# "i know it's 3am", "it's already midnight": the time now, told, never the order's time (nl17m)
PRESENT_TIME = re.compile(r"\b(?:i\s+know\s+)?it'?s\s+(?:already\s+|almost\s+|nearly\s+|past\s+)?"
                          r"(?:\d{1,2}:\d{2}(?![\d:])|\d{1,2}(?::\d{2})?\s*(?:am|pm|h)\b|midnight\b|noon\b)(?:\s+(?:here|now|already))?")
# "a snapshot called nightly", "named tonight": a name, never a time (nl17m)
NAMED_AS = re.compile(r"\b(called|named|name\s+it|as)\s+['\"]?[\w.-]+['\"]?")
# "<verb> nothing, i just want to know …": the verb negated, the rest a read (nl17m)
VERB_NOTHING = re.compile(r"^(?:please\s+)?(\w+(?:\s+(?:down|off|up))?)\s+nothing\b\s*(?=[,;:.-])")
# "…? just looking, not touching": a read only, said after it (nl17m)
JUST_LOOKING = re.compile(r"[\s,.;:-]*\b(?:i'?m\s+|i\s+am\s+)?(?:just|only)\s+(?:looking|checking|asking|curious)"
                          r"(?:\s*,?\s*(?:not|no)\s+(?:touching|changing)(?:\s+anything)?)?[.!]*\s*$")
# "i don't think we should import now, just …": the first order negated (nl17m)
DOUBT_FIRST = re.compile(r"^(?:i|we)\s+(?:don'?t|do\s+not)\s+think\s+(?:we|i|you)\s+should\s+")
# "reboot web-01, don't touch web-02": the guests after it are left out (nl17m)
HANDS_OFF = re.compile(r"(?:touch|mess\s+with|go\s+near|bother|disturb|affect)\s+(.+?)[.!]?$")
# "check the drift, don't fix anything": nothing may change, a read still answers (nl17m)
CHANGE_NOTHING = re.compile(r"(?:fix|change|touch|modify|alter|apply|write|do)\s+(?:anything|a\s+thing|it|them|that)"
                            r"(?:\s+(?:yet|now|else))?[.!]?$")
# "don't apply anything, just show me the plan", "no, don't stop it — only reboot it"
NEGATED_FIRST = re.compile(rf"^(?:no\s*,?\s*|please\s+)?(?:{NOT}|never)\s+(.+?)\s*(?:[,;:.]|--?|—)\s*(?:but\s+)?"
                           r"(?:(?:i|we)\s+)?(?:just|only|instead|rather)\s+(?:(?:please|pls)\s+)?(.+)$")
# "leave web-01 running, but restart web-02": the guests kept as they are, said before the order, are left out
LEAVE_FIRST = re.compile(r"^(?:please\s+)?(?:leave|keep)\s+(.+?)\s+(?:running|up|on|alone|untouched|as\s+(?:it|they)\s+"
                         r"(?:is|are)|where\s+(?:it|they)\s+(?:is|are))\s*[,;.:]\s*(?:(?:but|and|just|only)\s+)*(.+)$")
# "not that one, the stopped one: start minio": a pointer corrected, the order after it names the guest
NOT_THAT_ONE = re.compile(r"^(?:no\s*,?\s*)?not\s+(?:that|this)(?:\s+one)?\s*[,;:.]\s*"
                          r"(?:(?:the|that|this)\s+(?:\w+\s+)?one\s*[,;:.]\s*)?")
# "without stopping anything, show me …": the action said as a gerund is ruled out, the rest is the order
WITHOUT_FIRST = re.compile(r"^without\s+(\w+ing)\s+((?:anything|any\s+\w+|it|them)(?:\s+(?:down|off))?)\s*[,;:]\s*"
                           r"(.+)$")
# ", leave pihole where it is" after any action on several guests
LEAVE_OUT = re.compile(r"[,;.]\s*(?:but\s+|and\s+)?(leave|keep)(?=\s+(?!(?:the\s+|my\s+|our\s+)?(?:code|files?|repo\w*|"
                       r"workspace|config\w*|tf|terraform|settings|iac|manifests|yaml|plans?|state)\b)(?:\S+\s+){1,3}?"
                       r"(?:where|alone|untouched|in\s+place|as\s+is|out)\b)")
# a request to skip the confirmation is dropped (plain English always asks): "no questions", "i'm sure" ("don't ask
# me", "without asking" stay negations: refused)
NO_CONFIRM = re.compile(r",?\s*(?:and\s+|but\s+)?(?:no\s+(?:questions|confirmation|prompts?)(?:\s+asked)?|"
                        r"no\s+need\s+to\s+(?:ask|confirm|check\s+with)(?:\s+(?:me|us))?(?:\s+first)?|"
                        r"skip(?:ping)?\s+(?:the\s+)?(?:confirm\w*|prompts?|questions)|i'?m\s+(?:sure|certain)|"
                        r"(?:with\s+)?auto[- ]?approv\w*|(?:and\s+)?allow(?:ing)?\s+destroy)\b")
REMINDER = re.compile(rf"\b(?:(?:please\s+)?(?:{NOT}|never)\s+forget|remember)\s+to\s+")
NOT_FIRST = re.compile(r"^not\s+([\w.-]+(?:\s*(?:,|and|or)\s*[\w.-]+)*)\s*[,;:]\s*(.+)$")
# ", not web-01" after an order leaves that guest out (", not now" names none: refused as an exception nobody can tell)
NOT_GUEST = re.compile(r"\s*,\s*not\s+(?=\S)")
# an exception said after what it leaves out (", the windows one excepted", "grafana aside", "with db-01 excluded"):
# read as "except …" (nl18)
EXCEPTED_AFTER = re.compile(r"(?:\s*[,;(]\s*|\s+-+\s+|\s+with\s+)(?P<what>(?:the\s+|that\s+|those\s+|my\s+|our\s+)?"
                            r"(?:[\w.-]+\s+){0,3}?[\w.-]+)\s+(?:(?:is|are|being|gets?|getting)\s+)?(?:excepted|excluded|"
                            r"aside|exempt(?:ed)?|spared|left\s+out|omitted|not\s+included|set\s+aside|skipped|"
                            r"the\s+exception)\b\)?")
# the words of such an exception, left over when no guest could be read in it: no change is proposed
EXCEPTED_WORD = re.compile(r"\b(?:excepted|excluded|exempt(?:ed)?|spared|left\s+out|omitted|not\s+included)\b|"
                           r"\baside\b(?!\s+from)")
# ", db-01 stays up" / "and pihole remains where it is": that guest is left out
STAYS = re.compile(r"\s*(?:,|\band\b|;)\s*([\w.-]+)\s+(?:stays?|remains?|should\s+stay|must\s+stay|can\s+stay|keeps?\s+"
                   r"running)(?:\s+(?:up|running|on|online|alone|untouched|put|as\s+is|where\s+it\s+is|off|down|"
                   r"stopped))?(?=\s*(?:,|$))")
# times that may be a log's window or an order's time: a read answers ("errors after the backup"), a change is
# refused ("reboot web-01 after the backup", "stop grafana monday", "restart web-01 tmrw"); after any named event
MONTH = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|"
         r"nov(?:ember)?|dec(?:ember)?")
SOFT_TIME = re.compile(r"(?<!one\s)(?<!each\s)\bafter\s+(?:the|my|our|its|their|this|that)\s+(?!other\b|"
                       r"another\b)(?:\S+\s+)?[a-z]{3,}\b|"
                       r"(?<!since\s)(?<!from\s)(?<!last\s)(?<!of\s)\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|"
                       r"(?<!since\s)(?<!from\s)\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\bat\s+[0-2]\d[0-5]\d\b|"
                       r"\bon\s+(?:the\s+)?\d{1,2}(?:st|nd|rd|th)\b|\b(?:tmrw|tmr|tmw|2moro|2morrow|tomorow|tommorow|"
                       r"tomorrow|tonite|2nite|tonight)\b|\b(?:postpone|defer|delay|reschedul)\w*\b|"
                       r"(?<![\w:/.-])\d{1,2}:\d{2}(?![\w:])|\bfrom\s+now\b|\bafterwards\b|\beta\b|"
                       r"\bin\s+the\s+(?:morning|evening|afternoon|night)\b|"
                       # a calendar date ("on dec 24", "24th of december", "on 2027-01-05", "on 12/31", "christmas eve")
                       # (nl19); "since dec 1", "from 5 jan" stay a log's window
                       rf"(?<!since\s)(?<!from\s)(?<!after\s)\b(?:{MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?![:.]\d)|"
                       r"\bon\s+may\s+\d{1,2}(?:st|nd|rd|th)?\b|"
                       rf"(?<!since\s)(?<!from\s)(?<!after\s)\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH}|may)\b|"
                       r"\bon\s+(?:the\s+)?(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)(?![\w/.-])|"
                       r"\b(?:christmas|xmas|new\s+year'?s?)\s+(?:eve|day)\b|\bon\s+(?:christmas|xmas|thanksgiving|easter)\b|"
                       # a holiday or a part of a month as the order's time ("after easter", "before the holidays",
                       # "at the beginning of december", "in early march") (nl19)
                       r"\b(?:after|before|until|till|by|around|for)\s+(?:the\s+)?(?:christmas|xmas|easter|thanksgiving|"
                       r"new\s+year'?s?|holidays?|halloween|black\s+friday|long\s+weekend)\b|"
                       rf"\b(?:at|by|in|around|towards?)\s+the\s+(?:beginning|start|middle|end)\s+of\s+(?:next\s+|this\s+|"
                       rf"the\s+)?(?:{MONTH}|may|month|week|year|quarter)\b|\bin\s+(?:early|mid|late)[\s-]+(?:{MONTH}|may)\b|(?<!wait\s)\b(?:until|till|til)\b|\bby\s+(?:the\s+)?"
                       r"(?:end\s+of|eod|cob|morning|evening)\b")
GREETING = re.compile(r"^(hi|hello|hey|hiya|howdy|yo|good\s+(?:morning|afternoon|evening)|thanks|thank\s+you|"
                      r"greetings)\b[\s,!.]*")
CAPABILITY = re.compile(r"\b(what\s+(?:can|do)\s+you\s+do|what\s+are\s+you|who\s+are\s+you|how\s+do(?:es)?\s+"
                        r"(?:this|it|you)\s+work|what\s+can\s+i\s+(?:ask|say|do)|help\s+me\s*$|^help$|"
                        # about the assistant, not the cluster: "is this thing on?", "are you there?" (nl17m)
                        r"^(?:is|are)\s+(?:this\s+(?:thing|bot|tool|assistant|chat)|you|anyone|anybody)\s+(?:on|there|"
                        r"alive|awake|listening|working|online)\b|^(?:can|do)\s+you\s+(?:hear|read|see)\s+me\b|"
                        # the assistant's taste: "what's your favourite vm?", "which container do you like best?"
                        r"\byour\s+favou?rite\b|\bdo\s+you\s+(?:like|love|hate|prefer)\b)")
# an order said in jest ("delete web-01. just kidding", "stop grafana lol jk"): taken back, nothing is done
JOKING = re.compile(r"(?<!no\s)\b(?:just\s+)?kidding\b|(?<![\w-])jk(?![\w-])|\bj/k\b|"
                    r"\b(?:i'?m\s+|i\s+am\s+)?(?:just\s+)?joking\b|\bi\s+jest\b|\bjust\s+a\s+joke\b")
WHY_DEFERRAL = ("proxmox-mpc cannot schedule actions: run it at that time, or use a PVE backup job or cron "
                "(nothing was done)")
WHY_CONDITION = ("proxmox-mpc cannot wait for a condition: check it yourself (e.g. `list vms`), then say what to "
                 "do (nothing was done)")
# stopping something in progress ("cancel the reboot of web-01", "abort the migration"): a task's UPID is needed
CANCEL = re.compile(r"\b(?:cancel|abort|call\s+off|interrupt|kill)\s+"
                    r"(?:the\s+|that\s+|my\s+|this\s+|its\s+|running\s+)?(?:\w+\s+)?(?:reboots?|restarts?|migrations?|backups?|shutdowns?|snapshots?|clones?|deletions?|"
                    r"resizes?|tasks?|jobs?|applys?|syncs?|imports?|upgrades?|updates?)(?![\w-])")
UPID_SAID = re.compile(r"\bupid:\S+")
WHY_CANCEL = ("stopping an action in progress needs its task: `tasks` lists them, `tasks stop UPID` stops one "
              "(nothing was done)")
WHY_UNSAID = ("the request says to delete or wipe something, and the reading is an action that does not (it starts, "
              "stops or creates): nothing was proposed — name the guests and the action (e.g. `delete vm dev-sandbox`)")
POWER = frozenset({"start", "stop", "shutdown", "reboot", "suspend", "resume"})
CREATING = frozenset({"backup create", "snapshot create", "create vm", "create ct", "clone vm", "clone ct"})
WHY_NEGATION = ("the request says not to do something, and plain English never turns that into an action: "
                "say what should happen instead (nothing was done)")

# a line commented out ("# reboot web-01", "// stop db-01", "… <- commented out") is a note, not an order
COMMENTED = re.compile(r"^\s*(?:#|//|/\*|rem\s)|\bcommented[- ]out\b")
WHY_COMMENTED = "that line is commented out: a comment is a note, not an order, so I run nothing"
# a condition written as a playbook's or a pipeline's key ("when: disk_usage > 80", "only_if: …"): never carried out
CONDITION_KEY = re.compile(r"(?:^|[\n;,]|\s)(?:when|only_if|if|unless|until|condition)\s*:\s*\S")
# Polish verbs in the past tense, said by the speaker ("zrestartowałem web-01", "usunęliśmy dev-sandbox"): a report
PAST_PL = re.compile(r"\b\w+(?:łem|łam|łeś|łaś|liśmy|łyśmy|liście|łyście)\b")
