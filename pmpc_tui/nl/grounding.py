"""From the model's intent and slot spans to registry command lines, checked against the known names.

Guests are resolved by name, VMID or a spelling that names one guest for certain (db01 → db-01); a close
misspelling is accepted only for actions that delete nothing. Nodes and storage must be known ones, sizes
become the registry's units (--memory MiB, --disk GiB), ranges and selectors expand to guests (templates and
guests already in the wanted state left out). What cannot be grounded is not understood, with suggestions.
"""

from __future__ import annotations

import difflib
import re
import shlex
from dataclasses import dataclass, field

from pmpc_tui.commands import registry
from pmpc_tui.nl.model.runtime import squash
from pmpc_tui.services.names import Names

POWER = ("start", "stop", "shutdown", "reboot", "suspend", "resume")
# a selector leaves out guests already in the state the action leads to
WANTED = {"start": ("stopped",), "resume": ("paused",), "stop": ("running", "paused"), "shutdown": ("running",),
          "reboot": ("running",), "suspend": ("running",)}
# intents whose guest names must match for certain: they delete or cannot be undone
EXACT_ONLY = frozenset({"delete", "template", "backup_restore", "snapshot_rollback", "snapshot_delete",
                        "disk_delete", "disk_detach",
                        "disk_move"})
WORDS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "half": 0.5, "single": 1}
STATES = {"up": "running", "on": "running", "powered on": "running", "online": "running", "live": "running",
          "started": "running", "alive": "running", "down": "stopped", "off": "stopped", "powered off": "stopped",
          "shut down": "stopped", "offline": "stopped", "dead": "stopped", "suspended": "paused", "frozen": "paused",
          # German, Spanish, French
          "laufen": "running", "laufende": "running", "läuft": "running", "gestartet": "running", "aktiv": "running",
          "gestoppt": "stopped", "angehalten": "stopped", "aus": "stopped", "pausiert": "paused",
          "corriendo": "running", "encendidos": "running", "encendidas": "running", "activos": "running",
          "parados": "stopped", "paradas": "stopped", "parado": "stopped", "apagados": "stopped",
          "apagadas": "stopped", "detenidos": "stopped", "detenidas": "stopped", "pausados": "paused",
          "démarrées": "running", "démarrés": "running", "actives": "running", "arrêtées": "stopped",
          "arrêtés": "stopped", "arrêtée": "stopped", "arrêté": "stopped", "éteintes": "stopped", "éteints": "stopped"}
FOREIGN_STATES = "|".join(sorted((w for w in STATES if not w.isascii() or w in (
    "laufen", "laufende", "gestartet", "gestoppt", "angehalten", "corriendo", "encendidos", "encendidas", "parados",
    "paradas", "apagados", "apagadas", "detenidos", "detenidas", "actives")), key=len, reverse=True))
WHAT = {"start": "start", "stop": "stop (hard)", "shutdown": "shut down", "reboot": "reboot", "suspend": "pause",
        "resume": "resume", "delete": "delete"}


RANGE = re.compile(r"\d\s*(?:\.\.|\bto\b|\bthrough\b|\bthru\b)\s*\S*\d")
SIZE = re.compile(r"\b\d+(?:\.\d+)?\s*(?:gb|g|gigs?|gigabytes?|gib|mb|mib|megs?|m)\b")


class NotGrounded(Exception):
    """A slot names something the cluster does not have, or a required slot is missing."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.suggestions = suggestions or []


@dataclass
class Slots:
    """The spans the tagger found, by label, in order."""

    spans: dict[str, list[str]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    text: str = ""  # the request as written (a UPID keeps its case and its trailing colon)

    @classmethod
    def from_tags(cls, tokens: list[str], tags: list[str]) -> Slots:
        slots = cls(words=[t.lower() for t in tokens])
        current: list[str] = []
        label = ""
        for token, tag in [*zip(tokens, tags, strict=True), ("", "O")]:
            if tag.startswith("I-") and tag[2:] == label:
                current.append(token)
                continue
            if label:
                slots.spans.setdefault(label, []).append(" ".join(current))
            label, current = (tag[2:], [token]) if tag != "O" else ("", [])
        return slots

    def first(self, label: str) -> str | None:
        return self.spans.get(label, [None])[0]

    def all(self, label: str) -> list[str]:
        return self.spans.get(label, [])


@dataclass
class Grounded:
    """Command lines and how sure the grounding is (1.0: every name matched exactly)."""

    commands: list[str]
    explanation: str
    certainty: float = 1.0
    suggestions: list[str] = field(default_factory=list)


def is_template(facts: tuple[str, int, str, str, str], name: str) -> bool:
    """Templates never join a selector (the state database marks them with the `template` tag or status)."""
    return facts[3] == "template" or "template" in facts[4].split(";")


Index = tuple[dict[str, tuple[str, int, str, str, str]], dict[str, str], dict[str, str], dict[str, list[str]]]


def _index(names: Names) -> Index:
    """Guests by name, lower-case name, VMID and separator-free spelling (rebuilt per request: statuses change)."""
    guests = names.guests
    by_squash: dict[str, list[str]] = {}
    for n in guests:
        by_squash.setdefault(squash(n), []).append(n)
    return guests, {n.lower(): n for n in guests}, {str(g[1]): n for n, g in guests.items()}, by_squash


class Grounder:
    """Resolves one request's slots against the names the state database knows."""

    def __init__(self, names: Names, slots: Slots) -> None:
        self.names = names
        self.guests, self.lower, self.by_vmid, self.by_squash = _index(names)
        self.slots = slots
        self.certainty = 1.0
        self.unknown: dict[str, str] = {}  # guests taken as written (the state knows none): name → kind
        self.left_out: list[str] = []  # guests a selector skipped, and why ("db-01: already stopped")
        self.typed: dict[str, str] = {}  # guests the request named by VMID: name → the VMID as written

    # ---- names -----------------------------------------------------------------------------------------
    def guest(self, text: str, destructive: bool) -> str:
        """The guest a span names: exact, VMID, unambiguous spelling, or (non-destructive) closest name."""
        word = re.sub(r"^(?:vm|ct|container|the)\s+", "", text.strip().lower()).strip("'\".,;:!?")
        word = re.sub(r"'s$", "", word)
        lower = self.lower
        if word in lower:
            return lower[word]
        if word in self.by_vmid:
            self.typed[self.by_vmid[word]] = word  # the line names it as the request did: `start vm 109`
            return self.by_vmid[word]
        if not self.guests and re.fullmatch(r"[0-9]{3,9}|[a-z0-9][a-z0-9.-]{0,62}", word):
            self.certainty = min(self.certainty, 0.8)  # no state read yet: the word as written, never a guess
            self.unknown[word] = self.kind_filter() or "vm"
            return word
        same = self.by_squash.get(squash(word), [])
        if len(same) == 1:
            self.certainty = min(self.certainty, 0.95)
            return same[0]
        close = difflib.get_close_matches(word, list(lower), n=3, cutoff=0.75)
        if close and not destructive and (len(close) == 1 or difflib.SequenceMatcher(None, word, close[0]).ratio()
                                          - difflib.SequenceMatcher(None, word, close[1]).ratio() > 0.05):
            self.certainty = min(self.certainty, 0.85)
            return lower[close[0]]
        hint = f" — did you mean {', '.join(lower[c] for c in close)}?" if close else ""
        raise NotGrounded(f"no guest called {text!r}{hint}", [lower[c] for c in close])

    def known(self, text: str, known: list[str], what: str) -> str:
        """A node or storage the cluster has (any name when the state database knows none yet)."""
        word = text.strip().lower()
        if not known:
            return word
        lower = {k.lower(): k for k in known}
        if word in lower:
            return lower[word]
        close = difflib.get_close_matches(word, list(lower), n=1, cutoff=0.8)
        if close:
            self.certainty = min(self.certainty, 0.85)
            return lower[close[0]]
        raise NotGrounded(f"there is no {what} {text!r} (known: {', '.join(known)})", list(known))

    def node(self) -> str | None:
        text = self.slots.first("NODE")
        return self.known(text, self.names.nodes, "node") if text else None

    def storage(self) -> str | None:
        text = self.slots.first("STORAGE")
        return self.known(text, self.names.storage, "storage") if text else None

    def default_node(self) -> str:
        return self.node() or (sorted(self.names.nodes)[0] if self.names.nodes else "pve1")

    def expand_range(self, text: str) -> list[str]:
        """`web-01 to web-03`, `k8s-1..3`, `web-01 - web-03` → each name."""
        m = re.fullmatch(r"(\S*?)(\d+)\s*(?:\.\.|to|through|thru|-|up to|until)\s*(\S*?)(\d+)", text.strip().lower())
        if not m or int(m.group(4)) < int(m.group(2)) or int(m.group(4)) - int(m.group(2)) > 200:
            raise NotGrounded(f"cannot read the range {text!r}", ["web-01 to web-03", "k8s-1..3"])
        width = len(m.group(2)) if m.group(2).startswith("0") else 0
        return [f"{m.group(1)}{str(i).zfill(width)}" for i in range(int(m.group(2)), int(m.group(4)) + 1)]

    def kind_filter(self) -> str | None:
        text = " ".join(self.slots.all("KIND")).lower()
        if re.search(r"\b(containers?|cts?|lxcs?|conteneurs?|contenedores?)\b", text):
            return "ct"
        if re.search(r"\b(vms?|virtual|maschinen|máquinas|machines virtuelles)\b", text):
            return "vm"
        return None

    def targets(self, action: str, destructive: bool) -> list[str]:
        """Named guests (names, VMIDs, ranges), or the guests a selector picks."""
        named = [self.guest(t, destructive) for t in self.slots.all("GUEST") if not RANGE.search(t)]
        for text in [*self.slots.all("RANGE"), *(t for t in self.slots.all("GUEST") if RANGE.search(t))]:
            named += [self.guest(n, destructive) for n in self.expand_range(text)]
        everything = bool(self.slots.all("ALL")) or bool(re.search(
            r"\b(every|all)\s+(the\s+)?(vms?|cts?|containers?|guests?|machines?|servers?)\b|\beverything\b(?!\s+about)",
            " ".join(self.slots.words)))
        if named and everything and action != "backup":  # "stop all vms, db-01 stays up": never the named one alone
            raise NotGrounded(f"that names {', '.join(named)} and a whole selection: which one do you mean?",
                              [f"{action} vm {named[0]}", f"{action} every vm except {named[0]}"])
        if named:
            return list(dict.fromkeys(named))
        described = self.described()
        if described and not everything:
            return [described]
        if not everything and not (self.node() or self.slots.first("STATUS")):
            role = self.by_role(self.slots.first("TAG"))
            if role:
                return role
        tag, node, status = self.slots.first("TAG"), self.node(), self.slots.first("STATUS")
        if not (self.slots.all("ALL") or tag or node or status or self.slots.all("EXCEPT")
                or re.search(r"\b(everything|all|every)\b", " ".join(self.slots.words))):
            return []
        excepted = {self.guest(t, destructive=False) for t in self.slots.all("EXCEPT")}
        kind = self.kind_filter()
        picked = []
        for name, facts in sorted(self.guests.items(), key=lambda kv: kv[1][1]):
            k, vmid, gnode, gstatus, gtags = facts
            if name in excepted or (kind and k != kind):
                continue
            if (tag and tag.lower() not in gtags.lower().split(";")) or (node and gnode != node):
                continue
            if status and gstatus != status.lower():
                continue
            if is_template(facts, name) or self.names.is_template(vmid):
                self.left_out.append(f"{name}: a template")
            elif action in WANTED and gstatus not in WANTED[action]:
                self.left_out.append(f"{name}: already {gstatus or 'in that state'}")
            else:
                picked.append(name)
        if not picked:
            raise NotGrounded("no guest matches that selection (templates and guests already in that state are "
                              "left out)", [f"list vms{' -l tag=' + tag if tag else ''}"])
        return picked

    def described(self, template: bool = False) -> str | None:
        """The one guest a request names without its exact name: "the home assistant box", "pi-hole", or (for a
        template) "the debian template"."""
        words = [w for w in self.slots.words if re.match(r"[a-z0-9]", w)]
        found = set()
        for i, word in enumerate(words):
            for key in (squash(word), squash(word + (words[i + 1] if i + 1 < len(words) else ""))):
                if len(key) > 3 and len(self.by_squash.get(key, [])) == 1:
                    found.add(self.by_squash[key][0])
        if template:
            plain = [w for w in words if len(w) > 3 and w not in ("template", "templates", "from", "clone", "with")]
            found |= {n for n, f in self.guests.items() if is_template(f, n) and any(w in n.lower() for w in plain)}
            found = {n for n in found if is_template(self.guests[n], n)}
        return found.pop() if len(found) == 1 else None

    def by_role(self, tag: str | None = None) -> list[str]:
        """The guests a request describes by what they are ("the windows vm", "the dns container", "both web
        servers"): matched on names first, then tags; several only when the request says so ("both", "servers"),
        else a question listing them, never a guess."""
        new = {w.lower() for n in self.slots.all("NEWNAME") for w in n.split()}  # a new guest's name describes none
        text = " ".join(w for w in self.slots.words if w.lower() not in new).lower()
        said = [(m.group(0), frags) for pattern, frags in ROLES for m in [re.search(pattern, text)] if m]
        if not said or (tag and not any(tag.lower() in phrase.split() for phrase, _ in said)):
            return []  # a tag said on its own ("the k8s ones") is a selection by tag
        fragments = [f for _, frags in said for f in frags]
        kind = self.kind_filter()
        usable = {n: f for n, f in self.guests.items() if not is_template(f, n) and not self.names.is_template(f[1])
                  and (not kind or f[0] == kind)}
        found = [n for n in usable if any(part == fr or (len(fr) > 3 and part.startswith(fr)) for fr in fragments
                                          for part in _name_parts(n))] or \
            [n for n, f in usable.items() if set(fragments) & set(str(f[4]).lower().split(";"))]
        if len(found) > 1 and not re.search(r"\b(both|all|every|each|ones|\w+(?:er|e|x|m)s|boxes|vms|cts|"
                                            r"containers|machines|guests|nodes)\b", text):
            raise NotGrounded(f"that could be {', '.join(found)}: which one?", [f"describe {self.ref(found[0])}"])
        if re.search(r"\bboth\b", text) and len(found) != 2:
            raise NotGrounded(f"'both' — but {len(found)} guests fit: {', '.join(found) or 'none'}; name them",
                              ["list vms"])
        return found

    def one_guest(self, destructive: bool, verb: str) -> str:
        targets = self.targets(verb, destructive)
        if not targets and verb == "clone":
            targets = [t for t in [self.described(template=True)] if t]
        if len(targets) != 1:
            raise NotGrounded(f"which guest? name one guest to {verb}", [f"{verb} vm NAME"])
        return targets[0]

    def vmid_of(self, name: str) -> str:
        return str(self.guests[name][1]) if name in self.guests else name

    def kind_of(self, name: str) -> str:
        return self.guests[name][0] if name in self.guests else self.unknown.get(name, "vm")

    def ident(self, name: str) -> str:
        """How a command line names the guest: by VMID when the request did, else by name."""
        return self.typed.get(name, name)

    def ref(self, name: str) -> str:
        return f"{self.kind_of(name)} {self.ident(name)}"


def _name_parts(name: str) -> list[str]:
    """A name's words without their numbers: `win11-desktop` → win, desktop; `k8s-worker-1` → k8s, worker."""
    return [p.rstrip("0123456789") for p in re.split(r"[-_.]", name.lower())]


# what a guest is, said in words → the fragments of names (or tags) such guests carry
ROLES: list[tuple[str, tuple[str, ...]]] = [
    (r"\b(windows|win\d*|win11|win10)\b", ("win", "windows")),
    (r"\breverse[- ]?proxy\b|\bproxy\b|\bnginx\b|\btraefik\b|\bcaddy\b", ("proxy", "nginx", "traefik", "caddy",
                                                                               "haproxy")),
    (r"\bdns\b|\bad[- ]?block\w*\b|\bpi[- ]?hole\b", ("dns", "pihole", "adguard", "unbound", "bind")),
    (r"\bweb\s*(?:servers?|boxes|vms?|machines?|nodes?|frontends?|hosts?)\b|\bwebservers?\b", ("web",)),
    (r"\b(databases?|db|dbs|postgres\w*|mysql|mariadb|sql)\b", ("db", "postgres", "pg", "mysql", "mariadb", "sql")),
    (r"\b(smart ?home|home ?automation|hass|home assistant)\b", ("homeassistant", "hass", "home")),
    (r"\b(monitoring|dashboards?|metrics)\b", ("grafana", "prometheus", "monitoring")),
    (r"\b(s3|object (?:storage|store))\b", ("minio", "s3")),
    (r"\b(mqtt|broker|mosquitto)\b", ("mqtt", "mosquitto")),
    (r"\b(kubernetes|k8s) (?:workers?|worker nodes?)\b|\bk8s workers\b", ("worker",)),
    (r"\b(control[- ]?plane|k8s master|kube master)\b", ("cp", "control", "master")),
    (r"\b(backup (?:server|box|vm)|pbs box)\b", ("backup",)),
    (r"\b(sandbox|scratch (?:vm|box))\b", ("sandbox",)),
    (r"\b(desktop|workstation)\b", ("desktop",)),
]


def mebibytes(text: str) -> int:
    """`8 gigs`, `8GB`, `512 MiB`, `half a gig`, `1.5G` → MiB."""
    t = text.lower().replace(",", ".")
    m = re.search(r"(\d+(?:\.\d+)?)|\b(half|one|two|three|four|eight|a|an)\b", t)
    if not m:
        raise NotGrounded(f"cannot read the size {text!r}")
    value = float(m.group(1)) if m.group(1) else float(WORDS[m.group(2)])
    unit = t[m.end():].strip()
    if re.match(r"(m|mb|mib|meg|megs|megabytes?)\b", unit):
        return int(value)
    if re.match(r"(t|tb|tib|tera|terabytes?)\b", unit):
        return int(value * 1024 * 1024)
    if not unit and value >= 128:
        return int(value)  # a bare 4096 is MiB already
    return int(value * 1024)


def gibibytes(text: str) -> int:
    """`32GB`, `1 TB`, `100 gigs` → GiB."""
    mib = mebibytes(text)
    return max(1, mib // 1024) if mib >= 1024 or re.search(r"[gt]", text.lower()) else max(1, mib)


def disk_size(text: str) -> str:
    """A disk size as PVE takes it, in the unit the request used when whole: `1T`, `512M`, else GiB (`2.5 TB` →
    `2560G`)."""
    m = re.fullmatch(r"\s*(\d+)\s*(t|tb|tib|tera\w*|m|mb|mib|megs?|megabytes?)\s*", text.lower())
    if m:
        return f"{m.group(1)}{m.group(2)[0].upper()}"
    return f"{gibibytes(text)}G"


def number(text: str) -> str:
    t = text.strip().lower()
    if t.isdigit():
        return t
    if t in WORDS and t != "half":
        return str(int(WORDS[t]))
    raise NotGrounded(f"cannot read the number {text!r}")


def since(text: str) -> str:
    """`the last hour` → 1h, `30 minutes` → 30m, `today` → 1d, `the last week` → 7d."""
    t = text.lower()
    if re.search(r"\b(today|yesterday|day)\b", t) and not re.search(r"\d", t):
        return "1d"
    if re.search(r"\bweek\b", t) and not re.search(r"\d", t):
        return "7d"
    m = re.search(r"(\d+)?\s*(m|min|mins|minutes?|h|hrs?|hours?|d|days?|w|weeks?)\b", t)
    if not m:
        raise NotGrounded(f"cannot read the time {text!r}", ["logs --since 1h", "logs --since 30m"])
    count = int(m.group(1) or 1)
    unit = m.group(2)[0]
    return f"{count * 7}d" if unit == "w" else f"{count}{unit}"


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
    status = g.slots.first("STATUS")
    if not status and what in ("vms", "cts"):  # "any of my boxes on pve2 up right now?", "what's down?"
        said = re.search(rf"\b(running|stopped|paused|up|down|offline|online|{FOREIGN_STATES})(?!\w)"
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
    if tag and what in ("vms", "cts"):
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
    return Grounded([" ".join(cmd)], "list " + " ".join(cmd[1:]))


def _create(g: Grounder) -> Grounded:
    kind = g.kind_filter() or "vm"
    names: list[str] = []
    for text in g.slots.all("RANGE"):
        names += g.expand_range(text)
    for text in g.slots.all("NEWNAME"):  # a range the tagger took for one name
        names += g.expand_range(text) if RANGE.search(text) else [text.lower()]
    if not names:
        raise NotGrounded("what should the new guest be called?", [f"create {kind} --name NAME --node NODE"])
    count = g.slots.first("COUNT")
    if count and len(names) == 1 and int(number(count)) > 1:
        names = [f"{names[0]}-{i}" for i in range(1, int(number(count)) + 1)]
    taken = [n for n in names if n in g.guests]
    if taken:
        raise NotGrounded(f"a guest called {taken[0]} exists already", [f"describe {g.ref(taken[0])}"])
    opts: list[str] = []
    node = g.node()
    if node:
        opts += ["--node", node]
    if g.slots.first("CORES"):
        opts += ["--cores", number(g.slots.first("CORES") or "")]
    memory, disk = g.slots.first("MEM"), g.slots.first("DISK")
    words = " ".join(g.slots.words).lower()
    sizes = [m.group(0) for m in SIZE.finditer(words)]
    said_disk = re.search(r"(\d+(?:\.\d+)?\s*(?:gb|g|gigs?|gib|tb|t|tib))\s+(?:of\s+)?(?:disk|storage|root|ssd|hdd|"
                          r"drive)\b", words)
    if said_disk and len(sizes) >= 2 and not (memory and disk and said_disk.group(1).replace(" ", "") ==
                                              disk.lower().replace(" ", "")):
        # "2 cores 4g 32g disk": the size before the disk word is the disk, the first other one the memory
        disk = said_disk.group(1)
        memory = memory if memory and memory.lower().replace(" ", "") != disk.replace(" ", "") else next(
            (x for x in sizes if x != disk), memory)
    if memory:
        opts += ["--memory", str(mebibytes(memory))]
    if disk:
        opts += ["--disk", str(gibibytes(disk))]
    template = g.slots.first("TEMPLATE")
    if template and kind == "vm":
        opts += ["--clone", g.guest(template, destructive=False)]
    elif kind == "vm" and re.search(r"\btemplate\b", " ".join(g.slots.words)) and g.described(template=True):
        opts += ["--clone", g.described(template=True) or ""]
    if g.slots.all("TAG"):
        opts += ["--tags", ",".join(t.lower() for t in g.slots.all("TAG"))]
    if g.storage():  # "a 100 gig disk on the nas"
        opts += ["--storage", g.storage() or ""]
    what = "VM" if kind == "vm" else "container"
    return Grounded([" ".join(["create", kind, "--name", n, *opts]) for n in names],
                    f"add {len(names)} {what}(s) to the workspace's code ({', '.join(names)}); nothing reaches "
                    "the cluster until apply")


def _guest_op(intent: str, g: Grounder) -> Grounded:
    destructive = intent in EXACT_ONLY
    if intent == "delete" and not (g.slots.all("GUEST") or g.slots.all("RANGE")):
        # never a deletion by selector ("delete all my vms", "wipe everything on pve1"): each guest by name
        raise NotGrounded("I delete guests only when each is named: say which ones (e.g. `delete vm NAME`)",
                          ["list vms"])
    if intent in ("stop", "shutdown") and not (g.slots.all("GUEST") or g.slots.all("RANGE") or g.slots.all("EXCEPT")
                                               or g.slots.first("TAG") or g.node()) \
            and re.search(r"\b(?:every|all|each)\s+(?:the\s+|of\s+the\s+)?(?:nodes?|hosts?|servers?)\b|"
                          r"\b(?:whole|entire)\s+(?:cluster|homelab|lab|datacenter)\b|\beverywhere\b",
                          g.slots.text or ""):
        # never the whole cluster off by one selector ("stop every guest on every node"): say which node or tag
        raise NotGrounded(f"I {WHAT[intent]} the whole cluster only guest by guest: name a node, a tag or the "
                          "guests", [f"{intent} every vm on NODE", f"{intent} every vm tagged TAG"])
    if intent in (*POWER, "delete"):
        targets = g.targets(intent, destructive)
        if not targets:
            raise NotGrounded(f"which guest should I {WHAT[intent]}?", [f"{intent} vm NAME",
                                                                        f"{intent} every vm tagged TAG"])
        return Grounded([f"{intent} {g.ref(n)}" for n in targets], f"{WHAT[intent]} {', '.join(targets)}")
    if intent == "backup_create":
        targets = g.targets("backup", destructive=False)
        if not targets:
            raise NotGrounded("which guests should I back up?", ["backup create vm NAME"])
        storage = g.storage()
        extra = f" --storage {storage}" if storage else ""
        lines = []
        for kind in ("vm", "ct"):
            mine = [n for n in targets if g.kind_of(n) == kind]
            if mine:
                lines.append(f"backup create {kind} {' '.join(g.ident(n) for n in mine)}{extra}")
        return Grounded(lines, f"back up {', '.join(targets)}")
    verb = intent.replace("_", " ")
    if intent in SEVERAL:  # "snapshot both web vms", "move the pve1 containers to pve2": one line per guest
        targets = g.targets(verb, destructive)
        if len(targets) > 1:
            parts = [_one_guest(intent, g, n) for n in targets]
            return Grounded([c for p in parts for c in p.commands], "; ".join(p.explanation for p in parts))
    name = g.one_guest(destructive, verb)
    if intent == "backup_restore":  # an archive has to be chosen first: show them (a read)
        return Grounded([f"backup list --guest {g.vmid_of(name)}"],
                        f"{name}'s backup archives: restoring needs one — then `backup restore VOLID --vmid N`")
    return _one_guest(intent, g, name)


def _said_name(g: Grounder) -> str | None:
    """A name given in so many words the tagger missed: "called X", "name it X", "as X", "name: X"."""
    m = re.search(r"\b(?:called|named|name it|call it|name:|label(?:led)? it|as)\s+['\"]?([a-z0-9][a-z0-9._-]*)",
                  " ".join(g.slots.words))
    if not m or m.group(1) in g.guests or m.group(1) in ("a", "an", "the", "it", "well", "json"):
        return None
    return m.group(1)


SEVERAL = ("snapshot_create", "snapshot_rollback", "snapshot_delete", "set", "migrate")


def _set_tags(g: Grounder, name: str) -> str | None:
    """`set --tags` replaces a guest's tags: "add the tag prod" keeps the ones it has, "remove/untag" drops the
    named ones, "clear the tags" empties them; otherwise the tags said (None when none are)."""
    words = " ".join(g.slots.words).lower()
    said = [t.lower() for t in g.slots.all("TAG")]
    facts = g.names.facts.get(name)
    have = [t for t in (str(facts[4]) if facts else "").split(";") if t]
    if re.search(r"\b(clear|wipe|remove|drop|delete|strip)\b (?:all )?(?:the |its |of )?(?:all )?tags\b|\bno tags\b",
                 words) and not said:
        return "''"
    if not said or (re.search(r"\b(tagged|with the tags?|with tags?)\b", words) and not re.search(
            r"\b(untag|add|remove|also|another|extra|append)\b", words)):
        return None  # "everything tagged k8s gets 6 cores": the tag selects the guests
    if re.search(r"\b(untag|remove|drop|delete|strip|take)\b", words):
        return "'" + ";".join(t for t in have if t not in said) + "'"
    if re.search(r"\b(add|also|another|extra|append|plus)\b", words):
        said = have + [t for t in said if t not in have]
    return "'" + ";".join(said) + "'" if len(said) > 1 else said[0]


def _one_guest(intent: str, g: Grounder, name: str) -> Grounded:
    """The line of a guest operation on one guest."""
    ref = g.ref(name)
    kind = g.kind_of(name)
    snap = g.slots.first("SNAP")
    if intent == "describe":
        return Grounded([f"describe {ref}"], f"show {name}'s config and status")
    if intent == "snapshot_list":
        return Grounded([f"snapshot list {ref}"], f"{name}'s snapshots")
    if intent == "snapshot_create":
        if kind == "ct" and re.search(r"\b(ram|memory|vmstate)\b", " ".join(g.slots.words)) and \
                not re.search(r"\bwithout\b", " ".join(g.slots.words)):
            raise NotGrounded("a container's snapshot cannot include its RAM (only a VM's can)",
                              [f"snapshot create {ref} NAME"])
        label = snap or _said_name(g) or "manual"
        return Grounded([f"snapshot create {ref} {label}"], f"snapshot {name} as {label}")
    if intent in ("snapshot_rollback", "snapshot_delete"):
        if not snap:
            raise NotGrounded(f"which snapshot of {name}?", [f"snapshot list {ref}"])
        action = intent.split("_")[1]
        return Grounded([f"snapshot {action} {ref} {snap}"], f"{action} snapshot {snap} of {name}")
    if intent == "clone":
        new = g.slots.first("NEWNAME")
        if not new:
            raise NotGrounded("what should the clone be called?", [f"clone {ref} --name NEW-NAME"])
        linked = " --linked" if re.search(r"\blinked\b", " ".join(g.slots.words)) else ""
        on = (f" --node {g.node()}" if g.node() else "") + (f" --storage {g.storage()}" if g.storage() else "")
        return Grounded([f"clone {ref} --name {new.lower()}{on}{linked}"], f"clone {name} as {new.lower()}")
    if intent == "migrate":
        after_to = [m.group(1) for m in re.finditer(r"\b(?:to|onto|into|->)\s+(?:node\s+|host\s+)?([a-z0-9-]+)",
                                                     " ".join(g.slots.words)) if m.group(1) in g.names.nodes]
        node = after_to[0] if after_to else g.node()
        stores = g.slots.all("STORAGE")  # the last one named: "with local disks onto local-lvm"
        storage = g.known(stores[-1], g.names.storage, "storage") if stores else None
        if not node:
            raise NotGrounded(f"to which node should {name} move?", [f"migrate {ref} NODE"])
        running = name in g.guests and g.guests[name][3] == "running"  # PVE moves a running VM only online
        online = kind == "vm" and (running or bool(re.search(r"\b(live|online|without downtime)\b",
                                                             " ".join(g.slots.words))))
        line = f"migrate {ref} {node}" + (" --online" if online else "") + \
            (f" --target-storage {storage}" if storage else "")
        return Grounded([line], f"move {name} to {node}")
    if intent == "template":
        return Grounded([f"template {ref}"], f"convert {name} to a template (cannot be undone)")
    said_key = (g.slots.first("DISKKEY") or "").lower()
    if not re.fullmatch(r"(?:scsi|virtio|sata|ide|efidisk|tpmstate|mp|unused)\d+|rootfs", said_key):
        said_key = ""  # "resize the win11 disk": a guest's name is no disk key
    key = said_key or ("rootfs" if kind == "ct" else "scsi0")
    if intent == "resize":
        if re.search(r"\b(shrink|reduce|smaller|decrease|cut)\b", " ".join(g.slots.words)):
            raise NotGrounded("Proxmox VE cannot shrink a disk: only grow it (`resize … +10G`)", [f"describe {ref}"])
        add, total = g.slots.first("SIZE_ADD"), g.slots.first("SIZE_TO")
        if not (add or total):
            raise NotGrounded("by how much, or to which size?", [f"resize {ref} {key} +10G"])
        size = ("+" if add else "") + disk_size(add or total or "")
        return Grounded([f"resize {ref} {key} {size}"], f"grow {name}'s {key} ({size})")
    if intent == "set":
        opts = []
        if g.slots.first("CORES"):
            opts += ["--cores", number(g.slots.first("CORES") or "")]
        found = SIZE.findall(" ".join(g.slots.words))
        memory = g.slots.first("MEM") or (found[0] if found and not opts else None)
        if memory:  # a size the tagger missed is still memory, for `set`
            opts += ["--memory", str(mebibytes(memory))]
        tags = _set_tags(g, name)
        if tags is not None:
            opts += ["--tags", tags]
        if re.search(r"\b(boot|autostart|automatically)\b", " ".join(g.slots.words)):
            opts += ["--onboot", "yes"]
        if not opts:
            raise NotGrounded(f"what should change on {name}?", [f"set {ref} --cores 4 --memory 8192"])
        return Grounded([" ".join(["set", ref, *opts])], f"change {name}: {' '.join(opts)}")
    if intent == "disk_move":
        storage = g.storage()
        if not storage:
            raise NotGrounded("to which storage?", [f"disk move {ref} {key} --storage STORAGE"])
        return Grounded([f"disk move {ref} {key} --storage {storage}"], f"move {name}'s {key} to {storage}")
    action = intent.split("_")[1]
    if not said_key:  # never a default disk for a delete or detach
        raise NotGrounded(f"which disk of {name}? name it (scsi1, virtio1, mp0 …)", [f"describe {ref}"])
    return Grounded([f"disk {action} {ref} {key}"], f"{action} {name}'s disk {key}")


def _cluster(intent: str, g: Grounder) -> Grounded:
    if intent == "logs":
        cmd = ["logs"]
        said = re.search(r"\b(today|yesterday|(?:last|past)\s+(?:\d+\s+)?(?:hours?|minutes?|mins?|days?|weeks?)|\d+\s*"
                         r"(?:hours?|minutes?|mins?|days?)\s+ago)\b", " ".join(g.slots.words))
        when = g.slots.first("SINCE") or (said.group(1) if said else None)  # a time the tagger missed
        if when:
            cmd += ["--since", since(when)]
        # a level the tagger missed, said in so many words ("errors from the last hour")
        level = (g.slots.first("LEVEL") or next((w for w in g.slots.words if re.fullmatch(
            r"errors?|failures?|failed|warnings?|warn", w)), "")).lower()
        if re.search(r"error|fail", level):
            cmd += ["--level", "error"]
        elif "warn" in level:
            cmd += ["--level", "warning"]
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
        storage = g.storage()
        if not storage:
            raise NotGrounded("which storage?", ["storage content local --node NODE"])
        ctype = _storage_type(g.slots.first("CTYPE") or " ".join(w for w in g.slots.words if w != "storage"))
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
        if not source:
            raise NotGrounded(f"what should I {intent}?", [f"{intent} SOURCE --node NODE --storage local"])
        storage = g.storage() or "local"
        return Grounded([shlex.join([intent, source]) + f" --node {g.default_node()} --storage {storage}"],
                        f"{intent} {source} to {storage}")
    if intent == "report-issue":
        summary = g.slots.first("SUMMARY") or "reported from a plain-English request"
        return Grounded([shlex.join(["report-issue", summary])], "bundle logs, health and config for a bug report")
    explain = {"health": "run the health checks", "plan": "show what applying the code would change",
               "apply": "apply the workspace's code to the cluster", "destroy": "delete every guest the workspace's "
               "code declares", "drift": "compare the cluster with the code", "validate": "check the workspace's code",
               "import": "write the cluster as Terraform and Ansible",
               "sync": "read the cluster into the state database",
               "test": "run the workspace's infrastructure tests", "test-connection": "check the cluster is reachable"}
    return Grounded([intent], explain[intent])


def ground(intent: str, slots: Slots, names: Names) -> Grounded:
    """Command lines for an intent and its slots (raises NotGrounded)."""
    g = Grounder(names, slots)
    if intent == "list":
        out = _list(g)
    elif intent == "create":
        out = _create(g)
    elif intent in (*POWER, "delete", "backup_create", "backup_restore", "describe", "clone", "migrate",
                    "template", "resize",
                    "set") or intent.startswith(("snapshot_", "disk_")):
        out = _guest_op(intent, g)
    else:
        out = _cluster(intent, g)
    out.certainty = g.certainty
    if g.left_out and out.commands:
        out.explanation += "; skipped " + ", ".join(g.left_out)
    return out


def safety(commands: list[str]) -> str:
    """The highest risk class the registry gives the lines (`nl.safety` decides again, from the registry too)."""
    from pmpc_tui.nl.proposal import highest

    return highest([registry.risk_of_line(c) for c in commands if c.strip()])
