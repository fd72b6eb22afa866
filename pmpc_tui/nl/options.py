"""Options a request says in words ("dry run", "as json", "and wait", "don't wait", "in stop mode", "with lzo",
"including the ram"), added to the proposed lines that take them (the registry's own parser decides which do)."""

from __future__ import annotations

import re
import shlex

from pmpc_tui.commands.registry import READ, risk_of_line
from pmpc_tui.commands.repl import parse_line

# (what the request says, the option); in the order they are appended to a line
SAID: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(stop|suspend|snapshot)[- ]mode\b|\bin (stop|suspend|snapshot) mode\b"), "--mode {}"),
    (re.compile(r"\b(zstd|lzo|gzip)\b"), "--compress {}"),
    (re.compile(r"\bno compression\b|\buncompressed\b|\bwithout compression\b"), "--compress 0"),
    (re.compile(r"\b(?:with|including|incl\.?|plus) (?:the |its )?(?:ram|memory|vm ?state)\b|\bvmstate\b"),
     "--vmstate"),
    (re.compile(r"\boffline\b|\bwithout (?:hitting|talking to|touching|calling|contacting|asking) (?:the )?"
                r"(?:api|cluster|proxmox|pve)\b"), "--offline"),
    (re.compile(r"\b(?:and|then)\s+reboot\b|\breboot (?:it )?(?:so|to|for) (?:it|that|the change)"), "--reboot"),
    (re.compile(r"\b(?:and|then) (?:delete|remove|drop) the (?:old|source|original)\b|\bdelete[- ]source\b"),
     "--delete-source"),
    (re.compile(r"(?<!abandon the )(?<!discard the )(?<!forget the )(?<!drop the )(?:\binterrupted\b|\bunfinished\b)|"
                r"\bresume the apply\b|\bfinish (?:it|the apply)\b"), "--resume"),
    (re.compile(r"\b(?:abandon|discard|forget|drop|throw away)\s+(?:the\s+|that\s+)?(?:half[- ]finished|interrupted|"
                r"unfinished|stuck|partial|broken)\s+apply\b"), "--abandon"),
    (re.compile(r"\b(?:last|latest|first)\s+(\d+)\s+(?:log\s+)?(?:lines|entries|logs|log lines|tasks|jobs)\b"),
     "--limit {}"),
    (re.compile(r"\b(sync|apply|plan|import|migrate|backup|drift|validate|restore)\s+(?:operation|op|errors?|"
                r"failures?|logs?|runs?)\b"), "--op {}"),
    (re.compile(r"\b(?:correlation|corr)[- ]?id\s*[:=]?\s*([0-9a-f]{6,})\b|\bcid\s*[:=]?\s*([0-9a-f]{6,})\b"),
     "--cid {}"),
    (re.compile(r"\bsync\s+(?:operation|op|errors?|logs?|runs?)\b|\blast\s+sync\b"), "--op sync"),
    (re.compile(r"\b(?:logs?|errors?|warnings?|lines?)\s+(?:for|of|from|about)\s+(?:the\s+|my\s+|last\s+)?(sync|apply|"
                r"plan|import|migrate|backup|drift|validate|restore)\b(?!\s+(?:operation|op|errors?|failures?|logs?|"
                r"runs?)\b)"), "--op {}"),
    (re.compile(r"\b(?:mentioning|containing|matching|grep(?:ping)?(?:\s+(?:the\s+|my\s+)?logs?)?(?: for)?)"
                r"\s+['\"]?([\w.-]+)"), "--grep {}"),
    (re.compile(r"\b(?:save|write|store|keep)\s+(?:it|(?:the|a)\s+plan)?\s*(?:to|as|in(?:to)?)\s+(\S+\.\w+)"),
     "--out {}"),
    (re.compile(r"\bwith (?:its |the )?local disks\b|\bwith-local-disks\b"), "--with-local-disks"),
    (re.compile(r"\bbridge\s+(vmbr\d+)\b|\bon\s+(vmbr\d+)\b"), "--bridge {}"),
    (re.compile(r"\b(?:ip|address|static(?:\s+ip)?)\s+(?:of\s+)?(dhcp|\d+\.\d+\.\d+\.\d+/\d+)|\b(dhcp)\b"), "--ip {}"),
    (re.compile(r"\b(?:gw|gateway)\s+(\d+\.\d+\.\d+\.\d+)\b"), "--gw {}"),
    (re.compile(r"\b(?:verify|check|checksum|with)\s+(?:the\s+|its\s+)?(?:checksum\s+)?(sha(?:1|224|256|384|512)|md5)"
                r"(?:\s+|:|\s*=\s*)([0-9a-f]{32,128})\b"), "--checksum {}:{}"),
    (re.compile(r"\b(?:last|past)\s+(\d{1,4})\s*(?:minutes?|mins?)\s+of\s+(?:the\s+)?logs?\b"), "--minutes {}"),
    (re.compile(r"\b(?:anonymi[sz]\w*|(?:host\s*names?|hosts|ips?)\s+(?:masked|hidden|redacted)|mask\w*\s+(?:the\s+)?"
                r"(?:host\s*names?|hosts|ips?))\b"), "--anonymize"),
    (re.compile(r"\band wait\b|"
                r"(?<!n't\s)(?<!not\s)(?<!dont\s)(?<!\bto\s)\bwait (?:for it|till|until|for the task)\b|"
                r"\bwatch the task\b|"
                r"\b(?:show|give)\s+me\s+(?:the\s+)?task(?:'s)?\s+(?:log|output|progress)\b"), "--wait"),
    (re.compile(r"\b(?:don'?t|do not|dont|no need to|not (?:necessary|needed) to|needn'?t) wait\b|\bno[- ]wait\b|"
                r"\b(?:sin\s+esperar|sans\s+attendre|ohne\s+(?:zu\s+)?warten|senza\s+aspettare|zonder\s+te\s+wachten)\b|"
                r"\bin the background\b|"
                r"\bwithout waiting\b"), "--no-wait"),
    (re.compile(r"\b(?:only|just)\s+check\b|\bwould\b.{1,60}\bwork\b|\bdry[- ]?run\b|"
                r"\bjust (?:show|check|tell|see)\b|\bwhat would\b.*\b(?:do|involve|write|remove|"
                r"delete|touch)\b|\bsimulate\b|\bpretend\b"), "--dry-run"),
    (re.compile(r"\b(?:as|in|to|into|output|give me|format) json\b|\bjson\b"), "-o json"),
    (re.compile(r"\bvm ?id\s*(?:of\s+|=\s*|:\s*)?(\d{3,9})\b"), "--vmid {}"),
    (re.compile(r"\b(?:wipe|clear|remove|delete|drop|empty|erase)\s+(?:the\s+|its\s+|all\s+)?(?:notes?|description|"
                r"comments?)\b"), "--description ''"),
    (re.compile(r"\bwith\s+(?:the\s+|a\s+)?(?:description|note|comment)\s+(?!['\"])([a-z0-9][^,;'\"]*?)\s*$"),
     "--description {}"),
    (re.compile(r"\b(?:description|desc|notes?|comment|describe it as)\s*(?:of\s+\S+\s+)?(?:to\s+|as\s+|=\s*|:\s*)?"
                r"['\"]([^'\"]*)['\"]"), "--description {}"),
    (re.compile(r"\b(?:for|of|only)\s+(?:the\s+)?(?:vm|ct|guest|container)\s+([\w.-]+)"), "--guest {}"),
    (re.compile(r"\b(?:as|in|to|into|output|format) yaml\b"), "-o yaml"),
    (re.compile(r"\b(?:as|in|to|into|output|format|show\s+(?:me\s+)?(?:it\s+as\s+)?)\s*markdown\b|\bmarkdown\s+"
                r"(?:format|output)\b"), "-o markdown"),
    (re.compile(r"\blinked\b"), "--linked"),
    (re.compile(r"\bpurge\b"), "--purge"),
    (re.compile(r"\b(?:(?:disabl\w*|turn off|switch off|no|without)\s+(?:the\s+)?(?:memory\s+)?balloon(?:ing)?|"
                r"balloon(?:ing)?\s+off)\b"), "--balloon 0"),
    (re.compile(r"\b(?:no|not|don'?t|dont|never|disable|turn off|stop)\s+(?:auto-?start\w*|start\w* (?:\w+ )?(?:at|on) "
                r"boot)|\bonboot\s+(?:no|off|0)\b"), "--onboot no"),
    (re.compile(r"\bauto-?start\w*|\b(?:at|on) boot\b|\bonboot\b|\bstart\w* (?:\S+ )?automatically\b"),
     "--onboot yes"),
    (re.compile(r"\bunprotect\w*|\b(?:remove|drop|disable|turn off|clear)\s+(?:the\s+)?protection\b|\bprotection\s+"
                r"(?:off|no)\b"), "--protection no"),
    (re.compile(r"\bprotect(?:ed|ion)?\b"), "--protection yes"),
    (re.compile(r"\bmerg(?:e|ed|ing)\b|\bkeep\s+(?:my|our|the|local)\s+(?:\w+\s+)?(?:edits|changes)\b"),
     "--merge"),
    (re.compile(r"\b(?:and|then)\s+(?:re)?start\s+(?:it|them|the\s+(?:vm|ct|guest|container))?\s*(?:after\w*|again|"
                r"back\s+up)?\s*$|\bstart\s+(?:it|them)\s+(?:after\w*|again)\b"), "--start"),
    (re.compile(r"\bforce(?:fully|d)?\b|\boverwrit\w*\b"), "--force"),
    (re.compile(r"\bdb[- ]only\b|\bonly (?:the )?(?:state )?(?:db|database)\b|\b(?:don'?t|dont|without) (?:touch\w*|"
                r"writ\w*|chang\w*) (?:my |the )?(?:terraform|tf|code|files)|\bleave (?:my |the )?(?:terraform |tf )?"
                r"(?:code|files) (?:alone|untouched)"), "--db-only"),
]
KEEP_CASE = ("--description",)  # the value as the request wrote it, quoted


def said(text: str) -> list[str]:
    """The options `text` asks for in words, in the order lines carry them."""
    lowered = text.lower()
    found: list[str] = []
    for pattern, option in SAID:
        m = pattern.search(lowered)
        if not m or option.split()[0] in (f.split()[0] for f in found):
            continue
        if option.split()[0] in KEEP_CASE and "{}" in option:
            at = next(i for i, x in enumerate(m.groups(), 1) if x is not None)
            value = text[m.start(at):m.end(at)] if len(lowered) == len(text) else m.group(at)
            found.append(f"{option.split()[0]} {shlex.quote(value)}")
        elif option.count("{}") > 1:
            found.append(option.format(*m.groups()))
        elif "{}" in option:
            found.append(option.format(next((x for x in m.groups() if x), "")))
        else:
            found.append(option)
    ip = next((f.split()[1] for f in found if f.startswith("--ip ") and "/" in f), None)
    short_gw = re.search(r"\b(?:gw|gateway)\s+\.(\d{1,3})\b", lowered)
    if ip and short_gw and not any(f.startswith("--gw ") for f in found):  # "ip 192.168.1.54/24, gw .1"
        found.append(f"--gw {'.'.join(ip.split('/')[0].split('.')[:3])}.{short_gw.group(1)}")
    return found


def with_options(text: str, lines: list[str]) -> list[str]:
    """Each line with the options the request says that its command takes (`-o json` on reads only)."""
    options = said(text)
    out = []
    plan_file = re.search(r"(?<![\w/.-])([\w./-]+\.(?:plan|tfplan))\b", text)
    for line in lines:
        if line == "apply" and plan_file:  # "apply web.plan": the saved plan is apply's argument
            line = f"apply {plan_file.group(1)}"
        for option in options:
            if option.split()[0] in line.split() or (option.startswith("-o ") and risk_of_line(line) != READ) or \
                    (option == "--dry-run" and risk_of_line(line) == READ):  # "just show me the tasks": a read
                continue
            longer = f"{line} {option}"
            name = re.search(r" --name \S+", line)
            if option.startswith("--vmid") and name:  # beside the name it is for: `clone … --name X --vmid 120`
                longer = f"{line[:name.end()]} {option}{line[name.end():]}"
            if parse_line(longer).kind == "command":
                line = longer
        out.append(line)
    return out
