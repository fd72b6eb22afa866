"""`list` lines: what is listed (vms, cts, nodes, storage), with node, status, tag and sort said in words."""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.slots import Grounded, NotGrounded

STATES = {"up": "running", "on": "running", "powered on": "running", "online": "running", "live": "running",
          "started": "running", "alive": "running", "down": "stopped", "off": "stopped", "powered off": "stopped",
          "shut down": "stopped", "offline": "stopped", "dead": "stopped", "suspended": "paused", "frozen": "paused",
          # German, Spanish, French
          "laufen": "running", "laufende": "running", "laufenden": "running", "gestoppten": "stopped",
          "läuft": "running", "gestartet": "running", "aktiv": "running",
          "gestoppt": "stopped", "angehalten": "stopped", "aus": "stopped", "pausiert": "paused",
          "corriendo": "running", "encendidos": "running", "encendidas": "running", "activos": "running",
          "parados": "stopped", "paradas": "stopped", "parado": "stopped", "apagados": "stopped",
          "apagadas": "stopped", "detenidos": "stopped", "detenidas": "stopped", "pausados": "paused",
          "démarrées": "running", "démarrés": "running", "actives": "running", "arrêtées": "stopped",
          "arrêtés": "stopped", "arrêtée": "stopped", "arrêté": "stopped", "éteintes": "stopped", "éteints": "stopped",
          # the misspellings chat has ("shwo me stoped vms")
          "stoped": "stopped", "stopepd": "stopped", "sopped": "stopped", "runing": "running", "runnig": "running",
          "runnning": "running", "pasued": "paused"}
FOREIGN_STATES = "|".join(sorted((w for w in STATES if not w.isascii() or w in (
    "laufen", "laufende", "laufenden", "gestoppten",
    "gestartet", "gestoppt", "angehalten", "corriendo", "encendidos", "encendidas", "parados",
    "paradas", "apagados", "apagadas", "detenidos", "detenidas", "actives")), key=len, reverse=True))


def _storage_type(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    return ("vztmpl" if "templ" in t else "iso" if "iso" in t else "backup" if "backup" in t
            else "snippets" if "snippet" in t else "rootdir" if "rootdir" in t
            else "images" if re.search(r"disk|image", t) else None)


def _list(g: Grounder) -> Grounded:
    kind_text = " ".join(g.slots.all("KIND")).lower()
    words = " ".join(g.slots.words)
    if re.search(r"\bthe\b", words) and not re.search(r"\b(vms|cts|containers|boxes|guests|servers|machines|nodes|all|"
                                                    r"every|which|any|ones)\b", words):
        try:
            one = g.by_role()
        except NotGrounded:
            one = []
        if len(one) == 1:  # "show me the windows vm": that guest
            return Grounded([f"describe {g.ref(one[0])}"], f"show {one[0]}'s config and status")
    if re.search(r"\b(nodes?|hosts?|hypervisors?|servers in the cluster)\b", kind_text or words) \
            and not re.search(r"\b(vms?|containers?|cts?)\b", kind_text):
        what = "nodes"
    elif re.search(r"\b(storages?|datastores?)\b", kind_text or words) or (
            g.slots.first("STORAGE") and re.search(r"\b(space|full|free|left|usage|capacity)\b", words)):
        what = "storage"
    else:
        kind = g.kind_filter() or ("ct" if re.search(r"\b(containers?|cts?|lxcs?|conteneurs?|contenedores?)\b", words)
                                   else None)  # a kind word the tagger missed ("¿qué contenedores están parados?")
        what = "cts" if kind == "ct" else "vms"
    cmd = ["list", what]
    if what == "storage" and g.storage():  # "how full is the nas": that storage's row
        cmd += ["--storage", g.storage() or ""]
    node = g.node()
    if node and what != "nodes":
        cmd += ["--node", node]
    status = next((s for s in g.slots.all("STATUS") if s.lower() in STATES or s.lower() in (
        "running", "stopped", "paused", "online", "offline")), None)  # "liste des vms arrêtées": never "des"
    if not status and what == "nodes":  # "are any nodes down", "which hosts are up"
        said = re.search(r"\b(up|down|online|offline|dead|alive|unreachable|reachable)\b", words)
        status = {"up": "online", "alive": "online", "reachable": "online", "down": "offline", "dead": "offline",
                  "unreachable": "offline"}.get(said.group(1), said.group(1)) if said else None
    if not status and what in ("vms", "cts"):  # "any of my boxes on pve2 up right now?", "what's down?"
        said = re.search(rf"\b(running|stopped|paused|up|down|offline|online|stoped|runing|{FOREIGN_STATES})(?!\w)"
                         r"(?!\s+(?:to|from|by)\b)", words)
        status = said.group(1) if said else None
    if status:
        status = status.lower()
        if what in ("vms", "cts"):  # "what's up", "which vms are down": the words people use for the states
            status = STATES.get(status, status)
        if (what == "nodes" and status in ("online", "offline")) or (what in ("vms",
                                                                              "cts") and status in ("running",
                                                                              "stopped", "paused")):
            cmd += ["--status", status]
    tag = g.slots.first("TAG")
    role = re.search(r"\b(?:the|my|all|our|every|each)\s+([a-z][\w-]*)\s+(servers?|box(?:es)?|machines?|guests?|vms?|"
                     r"cts?|containers?)\b", words)
    known = {t for f in g.names.facts.values() for t in str(f[4]).split(";") if t}
    role_word = role.group(1) if role else ""
    if role and role_word not in known:  # "every kubernetes vm": the tag k8s, its numeronym (nl17m)
        role_word = next((t for t in known if _numeronym(t, role_word)), role_word)
    if not tag and role and role_word in known and what in ("vms", "cts"):
        if not g.kind_filter() and re.match(r"server|box|machine|guest", role.group(2)):
            # "show me the web servers": the guests tagged web, VMs and containers both
            line = " ".join([*cmd, "-l", f"tag={role_word}"])
            return Grounded([line, line.replace("list vms", "list cts", 1)], f"list the guests tagged {role_word}")
        tag = role_word  # "show me the web vms"
    pattern = _name_pattern(words, g.names.guests) if what in ("vms", "cts") else None
    if pattern:
        cmd += ["-l", f"name={pattern}"]  # "vms whose name starts with web": the names, never a tag (nl17o)
    elif tag and what in ("vms", "cts"):
        cmd += ["-l", f"tag={tag.lower()}"]
    sort = g.slots.first("SORT")
    if not sort and re.search(r"\b(most|least|highest|lowest|biggest|largest|smallest|top|longest|fewest)\b", words):
        found = re.search(r"\b(memory|ram|mem|cpu|load|disks?|disk space|uptime|longest)\b", words)
        sort = found.group(1) if found else None  # a sort the tagger missed, said in so many words
        if sort == "longest":
            sort = "uptime"
    if sort and what in ("vms", "cts"):
        s = sort.lower()
        key = ("maxmem" if re.search(r"mem|ram", s) else "cpu" if re.search(r"cpu|load|processor", s)
               else "maxdisk" if re.search(r"disk|storage|space", s) else "uptime" if "up" in s else None)
        if key:
            order = (g.slots.first("ORDER") or (re.search(r"\b(least|lowest|smallest|fewest)\b", words) and "least")
                     or "").lower()
            # largest first when the request says so ("most", "top", "hogs", "eating"); "list vms by uptime" is
            # the column's own order
            desc = bool(order) or bool(re.search(r"\b(most|top|highest|biggest|largest|heaviest|hogs?|hogging|eat"
                                                 r"\w*|using|uses|use|desc\w*|first|longest)\b", words))
            cmd += ["--sort", key] + (["--desc"] if desc and not re.search(r"least|lowest|smallest|fewest", order)
                                      else [])
    if what == "vms" and not g.kind_filter() and re.search(
            r"\b(guests?|m[áa]quinas|maschinen|machines|workloads?|everything|what\s+runs|what\s+is\s+running|"
            r"what\s*(?:'\s*s|s|\s+is|\s+are)\s+(?:running|up|stopped|down|paused)|"  # "whats running" (nl18)
            r"vms\s+and\s+(?:cts|containers)|(?:cts|containers)\s+and\s+vms)\b", words) and \
            not re.search(r"\bvirtual\s+machines?\b|\bvms?\b(?!\s+and)", words.replace("vms and cts", "")):
        # "what guests are on pve2": VMs and containers both
        return Grounded([" ".join(cmd), " ".join(["list", "cts", *cmd[2:]])], "list vms and cts " + " ".join(cmd[2:]))
    return Grounded([" ".join(cmd)], "list " + " ".join(cmd[1:]))


def _name_pattern(words: str, guests: dict[str, Any]) -> str | None:
    """The name filter a request says ("names starting with web" → web-* when every such guest goes on with "-",
    "ending in 01" → *01, "containing k8s" → *k8s*), or None."""
    m = re.search(r"\bnames?\s+(?:that\s+|which\s+)?(?:(?P<s>start|starts|starting|begin|begins|beginning)\s+with|"
                  r"(?P<e>end|ends|ending)\s+(?:with|in)|(?P<c>contain|contains|containing|including|with))\s+"
                  r"['\"]?(?P<x>[a-z0-9][\w.-]*)", words)
    if not m:
        return None
    x = m.group("x")
    if m.group("s"):
        starting = [n.lower() for n in guests if n.lower().startswith(x)]
        dash = not x.endswith("-") and starting and all(n[len(x):].startswith("-") for n in starting)
        return f"{x}-*" if dash else f"{x}*"
    return f"*{x}" if m.group("e") else f"*{x}*"


def _numeronym(short: str, word: str) -> bool:
    """Whether `short` abbreviates `word` by its letter count ("k8s" of "kubernetes")."""
    m = re.fullmatch(r"([a-z])(\d+)([a-z])", short)
    return bool(m and len(word) > 3 and word[0] == m.group(1) and word[-1] == m.group(3) and
                len(word) - 2 == int(m.group(2)))
