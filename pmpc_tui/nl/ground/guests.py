"""Guests, nodes and storage a request names — by name, VMID, spelling, range, selector or role — checked against
the names the state database knows."""

from __future__ import annotations

import difflib
import re

from pmpc_tui.nl.ground.qualifiers import check_qualifiers, said_tag
from pmpc_tui.nl.ground.slots import RANGE, WANTED, NotGrounded, Slots
from pmpc_tui.nl.model.runtime import squash
from pmpc_tui.services.names import Names


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
        self.new_names: list[str] = []  # a clone's new names the tagger took for guests
        self.new_vmids: list[str] = []  # … and its new VMID
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
        part = [n for n in self.guests if re.split(r"[-_.]", n.lower())[0] == word and len(word) > 3]
        if len(part) == 1 and not destructive:  # "win11" → win11-desktop: the one name that starts with it
            self.certainty = min(self.certainty, 0.9)
            return part[0]
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
        return self.known(text, self.names.storage, "storage") if text else self.said_storage()

    def said_storage(self, after: str = r"to|onto|into|on|auf|nach|en|sur|in|vers") -> str | None:
        """A known storage named after a preposition the tagger missed ("sichere homeassistant auf pbs")."""
        known = {k.lower(): k for k in self.names.storage}
        found = [m.group(1) for m in re.finditer(rf"\b(?:{after})\s+(?:the\s+)?([a-z0-9][\w-]*)",
                                                 " ".join(self.slots.words)) if m.group(1) in known]
        return known[found[-1]] if found else None

    def target_storage(self) -> str | None:
        """Where something moves to: the storage after "to/onto/into", else the one the tagger found."""
        return self.said_storage(r"to|onto|into|nach|a|vers") or self.storage()

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
        node = self.selector_node(action)
        if not everything and not (node or self.slots.first("STATUS")):
            role = self.by_role(self.slots.first("TAG"))
            if role:
                return role
        tag, status = self.slots.first("TAG") or said_tag(self.slots.words, self.tags()), self.slots.first("STATUS")
        if not (self.slots.all("ALL") or tag or node or status or self.slots.all("EXCEPT")
                or re.search(r"\b(everything|all|every)\b", " ".join(self.slots.words))):
            return []
        parts = check_qualifiers(self.slots.words, self.vocabulary(), {p for n in self.guests for p in _name_parts(n)},
                                 action, tag)
        excepted = {self.guest(t, destructive=False) for t in self.slots.all("EXCEPT")}
        kind = self.kind_filter()
        picked = []
        for name, facts in sorted(self.guests.items(), key=lambda kv: kv[1][1]):
            k, vmid, gnode, gstatus, gtags = facts
            if name in excepted or (kind and k != kind) or not set(parts) <= set(_name_parts(name)):
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

    def tags(self) -> set[str]:
        return {t for f in self.guests.values() for t in str(f[4]).lower().split(";") if t}

    def vocabulary(self) -> set[str]:
        """Words that select guests by what the cluster knows: tags, nodes and guests' names."""
        return self.tags() | {n.lower() for n in self.names.nodes} | {n.lower() for n in self.guests}

    def selector_node(self, action: str) -> str | None:
        """The node that selects guests; for a migration never the one they move to ("move the pve1 cts to pve2")."""
        if action != "migrate":
            return self.node()
        words = " ".join(self.slots.words)
        known = {k.lower(): k for k in self.names.nodes}
        said = [m.group(1) for m in re.finditer(r"([a-z0-9-]+)", words) if m.group(1) in known]
        target = [m.group(1) for m in re.finditer(r"\b(?:to|onto|into|->)\s+(?:the\s+)?(?:node\s+|host\s+)?"
                                                  r"(?:\S+\s+){0,3}?\(?([a-z0-9-]+)", words) if m.group(1) in known]
        rest = [n for n in said if n not in target[:1]]
        return known[rest[0]] if rest else None

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
                                            r"containers|machines|guests|nodes|stack|lot)\b", text):
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
    (r"\b(kubernetes|k8s) (?:workers?|worker nodes?)\b|\bk8s workers\b|(?<![\w-])workers?\b(?!-)", ("worker",)),
    (r"\b(control[- ]?plane|k8s master|kube master)\b", ("cp", "control", "master")),
    (r"\b(backup (?:server|box|vm)|pbs box)\b", ("backup",)),
    (r"\b(sandbox|scratch (?:vm|box))\b", ("sandbox",)),
    (r"\b(desktop|workstation)\b", ("desktop",)),
]

