"""Lines about the cluster or the workspace rather than one guest: logs, tasks, storage content, backup lists,
downloads, issue reports, and the workspace verbs."""

from __future__ import annotations

import re
import shlex

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.lists import _storage_type
from pmpc_tui.nl.ground.newnames import is_name
from pmpc_tui.nl.ground.slots import Grounded, NotGrounded
from pmpc_tui.nl.ground.units import since

# a counted window of time in German, Spanish, French or Italian ("der letzten 30 Minuten", "des 2 dernières heures")
FOREIGN_SPAN = re.compile(r"\b(?:letzten|[úu]ltim[oa]s|derni[èe]re?s|ultim[ie])\s+(?P<n>\d+)\s+(?P<u>minut\w*|stunden|"
                          r"horas|heures|ore|tage\w*|d[íi]as|jours|giorni)\b|\b(?P<n2>\d+)\s+derni[èe]re?s\s+"
                          r"(?P<u2>minutes|heures|jours)\b")
FOREIGN_UNIT = {"min": "minutes", "stu": "hours", "hor": "hours", "heu": "hours", "ore": "hours", "tag": "days",
                "día": "days", "dia": "days", "jou": "days", "gio": "days"}


def _cluster(intent: str, g: Grounder) -> Grounded:
    if intent == "logs":
        cmd = ["logs"]
        said = re.search(r"\b(today|yesterday|(?:last|past)\s+(?:\d+\s*)?(?:hours?|minutes?|mins?|hrs?|days?|weeks?|"
                         r"[mhd])|\d+\s*"
                         r"(?:hours?|minutes?|mins?|days?)\s+ago)\b", " ".join(g.slots.words))
        words = " ".join(g.slots.words)
        foreign = re.search(r"\b(letzten\s+stunde|[úu]ltima\s+hora|derni[èe]re\s+heure|heute|hoy|aujourd'?hui)\b",
                            words)
        half = re.search(r"\b(?:demi-heure|half\s+an\s+hour|halbe[n]?\s+stunde|media\s+hora)\b", words)
        counted = FOREIGN_SPAN.search(words)  # "der letzten 30 Minuten", "los últimos 30 minutos" (nl18)
        window = None
        if counted:
            n, unit = counted.group("n") or counted.group("n2"), counted.group("u") or counted.group("u2")
            window = f"last {n} {FOREIGN_UNIT[unit[:3]]}"
        slot = g.slots.first("SINCE")
        if slot and said and not re.search(r"\d", slot) and re.search(r"\d", said.group(1)):
            slot = None  # "6 hours ago" tagged as a count and "hours": the number belongs to the time
        when = slot or (said.group(1) if said else window) or ("30 minutes" if half else None) or (
            "1h" if foreign and re.search(r"stunde|hora|heure", foreign.group(1)) else "today" if foreign else None)
        try:
            cmd += ["--since", since(when)] if when else []
        except NotGrounded:
            pass  # "the last sync" is no time: the operation says which entries
        # a level the tagger missed, said in so many words ("errors from the last hour")
        level = (g.slots.first("LEVEL") or next((w for w in g.slots.words if re.fullmatch(
            r"errors?|errs?|failures?|failed|warnings?|warn|fehler\w*|errores|erreurs?|warnungen", w)), "")).lower()
        if re.search(r"err|fail|fehler", level):
            cmd += ["--level", "error"]
        elif "warn" in level:
            cmd += ["--level", "warning"]
        named = [n for n in g.guests if re.search(rf"(?<![\w-]){re.escape(n.lower())}(?![\w-])", words)]
        if len(named) == 1 and not re.search(r"\b(?:grep|mentioning|containing|matching)\b", words):
            cmd += ["--grep", named[0]]  # "anything in the logs about db-01 today?"
        return Grounded([" ".join(cmd)], "read the log files")
    if intent == "tasks":
        upid = re.search(r"\bupid:[^\s,;?!]+", g.slots.text, re.IGNORECASE)
        if upid:  # one task: stop it when the request says so, else its log
            asked = " ".join(g.slots.words)
            action = "stop" if re.search(r"\b(stop|cancel|kill|abort|terminate|end)\b", asked) else "log"
            parts = upid.group(0).split(":")  # UPID:node:PID:PSTART:STARTTIME:type:id:user: (hex in capitals)
            parts = ["UPID", *[p.upper() if 2 <= i <= 4 else p for i, p in enumerate(parts) if i]]
            return Grounded([f"tasks {action} {':'.join(parts)}"], f"{action} one task")
        node = g.node()
        return Grounded(["tasks" + (f" --node {node}" if node else "")], "recent tasks")
    if intent == "storage_content":
        ctype = _storage_type(g.slots.first("CTYPE") or " ".join(w for w in g.slots.words if w != "storage"))
        # ISO images and container templates live on `local` unless a storage is named (PVE's default)
        storage = g.storage() or ("local" if ctype in ("iso", "vztmpl") and "local" in g.names.storage else None)
        if not storage:
            raise NotGrounded("which storage?", ["storage content local --node NODE"])
        line = f"storage content {storage} --node {g.default_node()}" + (f" --type {ctype}" if ctype else "")
        return Grounded([line], f"what {storage} holds")
    if intent == "backup_list":
        listing = "backup list"
        if g.slots.all("GUEST"):
            listing += f" --guest {g.vmid_of(g.guest(g.slots.all('GUEST')[0], destructive=False))}"
        storage, node = g.storage(), g.node()
        listing += (f" --node {node}" if node else "") + (f" --storage {storage}" if storage else "")
        return Grounded([listing], "backup archives")
    if intent in ("download", "upload"):
        source = g.slots.first("URL" if intent == "download" else "FILE")
        said = re.search(r"\bhttps?://[^\s'\"]+" if intent == "download" else r"(?<!\S)(?:\.{0,2}/|~/)[^\s'\"]+",
                         g.slots.text or "")
        source = source or (said.group(0).rstrip(".,;") if said else None)  # a URL or path the tagger missed
        if not source:
            raise NotGrounded(f"what should I {intent}?", [f"{intent} SOURCE --node NODE --storage local"])
        storage = g.storage() or "local"
        return Grounded([shlex.join([intent, source]) + f" --node {g.default_node()} --storage {storage}"],
                        f"{intent} {source} to {storage}")
    if intent == "report-issue":
        quoted = re.search(r"(?<![\w])'([^']+)'(?![\w])|\"([^\"]+)\"", g.slots.text or "")
        summary = (quoted and (quoted.group(1) or quoted.group(2))) or g.slots.first("SUMMARY") or \
            "reported from a plain-English request"  # a quoted summary as written
        return Grounded([shlex.join(["report-issue", summary])], "bundle logs, health and config for a bug report")
    explain = {"health": "run the health checks", "plan": "show what applying the code would change",
               "apply": "apply the workspace's code to the cluster", "destroy": "delete every guest the workspace's "
               "code declares", "drift": "compare the cluster with the code", "validate": "check the workspace's code",
               "import": "write the cluster as Terraform and Ansible",
               "sync": "read the cluster into the state database",
               "test": "run the workspace's infrastructure tests", "test-connection": "check the cluster is reachable"}
    words = " ".join(g.slots.words)
    named = [n for n in g.guests if re.search(rf"(?<![\w-]){re.escape(n.lower())}(?![\w-])", words)] + \
        [n for n, f in g.guests.items() if re.search(rf"(?<![\w.-]){f[1]}(?![\w.-])", words)]
    named = list(dict.fromkeys(named))
    if intent == "import" and named:  # "import only 101 and 102": those guests' code
        return Grounded(["import " + " ".join(f"--guest {g.guests[n][1]}" for n in named)], explain[intent])
    if intent == "destroy":  # "tear down web-03 from the workspace": that guest only, never every guest (nl19)
        spans = [re.sub(r"^(?:vm|ct)\s+", "", s.strip().lower()) for s in g.slots.spans.get("GUEST", [])]
        spans += re.findall(r"(?<![\w.-])[a-z][a-z0-9]*-[a-z0-9-]*\d[a-z0-9-]*(?![\w.-])", words)  # untagged "web-03"
        targets = list(dict.fromkeys([*named, *(s for s in spans if is_name(g, s))]))
        if targets:
            return Grounded(["destroy " + " ".join(f"--target {n}" for n in targets)], f"destroy {', '.join(targets)}"
                            " (the workspace's code and the cluster)")
    if intent == "plan" and named and re.search(r"\b(only|just)\b", words):  # "plan only for web-01"
        return Grounded(["plan " + " ".join(f"--target {n}" for n in named)], explain[intent])
    return Grounded([intent], explain[intent])

