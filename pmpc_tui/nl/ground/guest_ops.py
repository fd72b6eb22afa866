"""Lines that act on guests: power, delete, backup, snapshots, clone, migrate, template, disks and `set`."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.lists import _list
from pmpc_tui.nl.ground.newnames import NOT_NAMES, is_known, is_name, listed, new_vmid, said_name, unknown_guests
from pmpc_tui.nl.ground.slots import EXACT_ONLY, POWER, SIZE, WHAT, Grounded, NotGrounded
from pmpc_tui.nl.ground.units import disk_size, mebibytes, number
from pmpc_tui.nl.options import said


def _guest_op(intent: str, g: Grounder) -> Grounded:
    destructive = intent in EXACT_ONLY
    if intent == "delete" and not (g.slots.all("GUEST") or g.slots.all("RANGE")):
        # never a deletion by selector ("delete all my vms", "wipe everything on pve1"): each guest by name
        raise NotGrounded("I delete guests only when each is named: say which ones (e.g. `delete vm NAME`)",
                          ["list vms"])
    if intent in ("template", "snapshot_rollback", "snapshot_delete") and not (
            g.slots.all("GUEST") or g.slots.all("RANGE") or g.slots.first("TAG") or g.node()) and \
            re.search(r"\b(?:everything|everyone|everywhere)\b|\b(?:all|every|each)\s+(?:the\s+|my\s+|of\s+the\s+)?"
                      r"(?:guests?|machines?|vms?|cts?|containers?)\b", g.slots.text or ""):
        # nor a rollback, a snapshot deletion or a conversion to a template of every guest ("rollback everything to
        # yesterday"): a tag, a node or the guests' names
        raise NotGrounded(f"I never {intent.replace('_', ' ')} every guest at once: name a tag, a node or the guests",
                          ["list vms"])
    if intent in ("stop", "shutdown") and not (g.slots.all("GUEST") or g.slots.all("RANGE") or g.slots.all("EXCEPT")
                                               or g.slots.first("TAG") or g.node()) \
            and re.search(r"\b(?:every|all|each)\s+(?:the\s+|of\s+the\s+)?(?:nodes?|hosts?|servers?)\b|"
                          r"\b(?:whole|entire)\s+(?:cluster|homelab|lab|datacenter)\b|\beverywhere\b|"
                          r"^\W*\S+(?:\s+down)?\s+(?:all|every)\s+(?:the\s+|my\s+)?(?:guests?|machines)\W*$",
                          g.slots.text or ""):
        # never the whole cluster off by one selector ("stop every guest on every node"): say which node or tag
        raise NotGrounded(f"I {WHAT[intent]} the whole cluster only guest by guest: name a node, a tag or the "
                          "guests", [f"{intent} every vm on NODE", f"{intent} every vm tagged TAG"])
    words = " ".join(g.slots.words)
    nodes = "|".join(re.escape(n.lower()) for n in g.names.nodes) or "(?!)"
    if intent in ("stop", "shutdown", "reboot") and not (g.slots.all("GUEST") or g.slots.all("RANGE")) and re.match(
            r"^\W*(?:please\s+|pls\s+|now\s+)*\S+(?:\s+(?:down|off))?\s+(?:the\s+)?(?:(?:all|every|both|each)\s+"
            rf"(?:the\s+|my\s+)?)?(?:(?:nodes?|hosts?|hypervisors?|servers?)\s*)?(?:(?:{nodes})(?:\s*(?:,|and)\s*)?)*"
            r"(?:\s+(?:node|host|server|itself))?\s*(?:now|please)?\W*$", (g.slots.text or "").lower()) and \
            re.search(rf"\b(?:nodes?|hosts?|hypervisors?|{nodes})\b", (g.slots.text or "").lower()):
        # "reboot pve1", "reboot all nodes": the nodes themselves, which proxmox-mpc never powers off or reboots
        raise NotGrounded(f"proxmox-mpc does not {WHAT[intent]} nodes themselves, only guests: say which guests "
                          "(e.g. every vm on that node)", [f"{intent} every vm on NODE", "list nodes"])
    if intent in ("stop", "shutdown", "reboot") and not (g.slots.all("GUEST") or g.slots.all("RANGE")) and re.search(
            r"\b(?:the\s+)?(?:node|host|hypervisor|server|box|machine)\s+(?:itself|pve\w*)\b|\b(?:the\s+)?(?:\w+\s+)?"
            r"(?:node|host|hypervisor)\b(?!\s*(?:'s|s\b))", words) and not re.search(
            r"\b(?:vms?|cts?|containers?|guests?|everything|all|every|lxcs?|boxes|machines|servers|workers?|ones)\b",
            words):
        # "turn off the pve2 node": the node itself, which proxmox-mpc never powers off (its guests are not it)
        raise NotGrounded(f"proxmox-mpc does not {WHAT[intent]} nodes themselves, only guests: say which guests "
                          "(e.g. every vm on that node)", [f"{intent} every vm on NODE", "list nodes"])
    if intent in (*POWER, "delete"):
        targets = g.targets(intent, destructive)
        if not targets:
            raise NotGrounded(f"which guest should I {WHAT[intent]}?", [f"{intent} vm NAME",
                                                                        f"{intent} every vm tagged TAG"])
        verbs = {n: "resume" if intent == "start" and g.guests.get(n, ("", 0, "", ""))[3] == "paused" else intent
                 for n in targets}  # starting a paused guest is resuming it
        return Grounded([f"{verbs[n]} {g.ref(n)}" for n in targets], f"{WHAT[intent]} {', '.join(targets)}")
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
    if intent.startswith("snapshot_") and not g.slots.first("SNAP") and \
            any(is_known(g, s) for s in g.slots.all("GUEST")):
        unknown, _ = unknown_guests(g, keep_first=False)  # "roll back web-01 to before-upgrade": the snapshot
        if unknown:
            g.slots.spans["SNAP"] = unknown[:1]
    if intent in SEVERAL:  # "snapshot both web vms", "move the pve1 containers to pve2": one line per guest
        targets = g.targets(verb, destructive)
        if intent == "describe" and len(targets) > 1 and not (g.slots.all("GUEST") or g.slots.all("RANGE")):
            return _list(g)  # "what's running on pve2": a selection is a list, not every guest's config
        if len(targets) > 1:
            parts = [_one_guest(intent, g, n) for n in targets]
            return Grounded([c for p in parts for c in p.commands], "; ".join(p.explanation for p in parts))
    volid = re.search(r"(?<![\w:/.-])([a-z0-9][\w.-]*:backup/[^\s,;'\"]+)", g.slots.text or "", re.IGNORECASE)
    if intent == "backup_restore" and volid:  # an archive named: restore it (a new VMID, a node when said)
        words = " ".join(g.slots.words)
        vmid = re.search(r"\b(?:as|into|to|vmid|id|onto)\s+(?:a\s+)?(?:new\s+)?(?:vm\s+|ct\s+)?(?:vmid\s+|id\s+)?"
                         r"(\d{3,9})\b", words)
        line = f"backup restore {volid.group(1).rstrip('.')}" + (f" --vmid {vmid.group(1)}" if vmid else "") + \
            (f" --node {g.node()}" if g.node() else "")
        return Grounded([line], f"restore {volid.group(1)}")
    if intent == "clone":
        spans = g.slots.all("GUEST")
        first = not any(is_known(g, s) for s in spans) and not g.described(template=True)
        new_names, new_vmids = unknown_guests(g, keep_first=first)
        g.new_names, g.new_vmids = new_names, new_vmids
    name = g.one_guest(destructive, verb)
    if intent == "backup_restore":  # an archive has to be chosen first: show them (a read)
        return Grounded([f"backup list --guest {g.vmid_of(name)}"],
                        f"{name}'s backup archives: restoring needs one — then `backup restore VOLID --vmid N`")
    return _one_guest(intent, g, name)


def _said_name(g: Grounder) -> str | None:
    """A snapshot's name given in so many words the tagger missed: 'quoted', "called X", "name it X", "name: X",
    then "snapshot X of …", then a rollback "to X"."""
    words = " ".join(g.slots.words)
    text = (g.slots.text or "").lower()
    quoted = re.search(r"['\"]([a-z][\w-]*)['\"]", text)
    found = [quoted.group(1)] if quoted and not re.search(rf"\b(?:note|description|desc)\s+['\"]{quoted.group(1)}",
                                                           text) else []
    for cue in (r"called|named|name it|call it|name\s*:|name|label(?:led)? it|as", r"snapshot|snap|checkpoint", r"to"):
        found += [m.group(1) for m in re.finditer(rf"\b(?:{cue})\s+['\"]?([a-z][a-z0-9_-]*)", words)]
    for name in found:
        if name not in g.lower and name not in NOT_NAMES and name not in g.names.nodes and not re.fullmatch(
                r"of|on|for|from|it|them|called|named|now|first|before|right|quickly|please|this|that|my|its|both|"
                r"all|every|each|these|those|vms?|cts?|von|vom|der|die|das|de|du|des|del|la|le|el|sur|en|auf|a|zu|para|"
                r"pour|avant|antes|vor|before|after|now|jetzt|ahora", name):
            return name
    return None


SEVERAL = ("snapshot_create", "snapshot_rollback", "snapshot_delete", "set", "migrate", "describe")


def _set_tags(g: Grounder, name: str) -> str | None:
    """`set --tags` replaces a guest's tags: "add the tag prod" keeps the ones it has, "remove/untag" drops the
    named ones, "clear the tags" empties them; otherwise the tags said (None when none are)."""
    words = " ".join(g.slots.words).lower()
    said = [t.lower() for t in g.slots.all("TAG")]
    quoted = re.search(r"\btags?\s+['\"]\s*([\w.-]+)\s*['\"]", words)
    if quoted and quoted.group(1) not in said:  # "add tag 'critical' to pihole"
        said.append(quoted.group(1))
    while said and (more := re.search(rf"\b{re.escape(said[-1])}(?:\s+(?:and|&|,)\s+|\s*;\s*)([a-z][\w.-]*)\b",
                                      words)) and \
            more.group(1) not in said and more.group(1) not in g.names.facts and more.group(1) not in g.names.nodes \
            and more.group(1) not in ("the", "a", "an", "it", "its", "also", "then", "give", "set", "keep", "remove"):
        said.append(more.group(1))  # "tag dev-sandbox as dev and test": every tag of the list
    facts = g.names.facts.get(name)
    have = [t for t in (str(facts[4]) if facts else "").split(";") if t]
    if re.search(r"\b(clear|wipe|remove|drop|delete|strip)\b (?:all )?(?:the |its |of )?(?:all )?tags\b|\bno tags\b",
                 words) and not said:
        return "''"
    if said and not re.search(r"\b(tags?|tagged|untag\w*|label\w*|labels?)\b", words):
        return None  # "upgrade the k8s workers to 16g": the tag describes the guests, it is not set on them
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
        before = re.search(r"\bbefore\s+(?:the\s+|an?\s+|my\s+|we\s+)?([a-z][a-z0-9_]*)\b", " ".join(g.slots.words))
        label = snap or _said_name(g) or (f"before-{before.group(1)}" if before else "manual")  # "before upgrade"
        return Grounded([f"snapshot create {ref} {label}"], f"snapshot {name} as {label}")
    if intent in ("snapshot_rollback", "snapshot_delete"):
        snap = snap or _said_name(g)
        if not snap:
            raise NotGrounded(f"which snapshot of {name}?", [f"snapshot list {ref}"])
        action = intent.split("_")[1]
        return Grounded([f"snapshot {action} {ref} {snap}"], f"{action} snapshot {snap} of {name}")
    if intent == "clone":
        return _clone(g, name, ref)
    if intent == "migrate":
        after_to = [m.group(1) for m in re.finditer(r"\b(?:to|onto|into|->)\s+(?:node\s+|host\s+)?([a-z0-9-]+)",
                                                     " ".join(g.slots.words)) if m.group(1) in g.names.nodes]
        node = after_to[0] if after_to else g.node()
        stores = g.slots.all("STORAGE")  # the last one named: "with local disks onto local-lvm"
        if stores and re.search(rf"\b{re.escape(stores[-1].lower())}\s+(?:disks?|storage\s+disks?)\b",
                                " ".join(g.slots.words)) and not re.search(
                                    rf"\b(?:to|onto|into)\s+(?:the\s+)?{re.escape(stores[-1].lower())}\b",
                                    " ".join(g.slots.words)):
            stores = []  # "along with its local disks": the kind of disk, not a target storage
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
        words = " ".join(g.slots.words)
        target = re.search(r"\b(?:make\s+it|to|into)\s+(\d+(?:\.\d+)?\s*(?:tb|t|gb|g|gigs?|gib))\b", words)
        if target and len(re.findall(r"\b\d+(?:\.\d+)?\s*(?:tb|t|gb|g|gigs?|gib)\b", words)) > 1:
            add, total = None, target.group(1)  # "rootfs 4G is too small, make it 8G": the size it is to have
        if not (add or total):
            add, total = _said_growth(g)
        if not (add or total):
            raise NotGrounded("by how much, or to which size?", [f"resize {ref} {key} +10G"])
        if total and re.search(rf"\b(?:by|de|um|en)\s+{re.escape(total.lower())}", " ".join(g.slots.words)):
            add, total = total, None  # "de 10G", "by 10G": grow by it
        spoken = re.escape(re.sub(r"[^\d.]", "", add or "")) + r"\s*[a-z]*"
        spoken += r"(?:\s+of\s+(?:\w+\s+)?(?:disk|space|storage))?"  # "150G of disk in total" (nl19)
        if add and not total and re.search(rf"\b{spoken}\s+(?:in\s+)?(?:total|overall|altogether|all\s+told)\b|"
                                           rf"\b(?:a\s+)?total\s+(?:size\s+)?of\s+{spoken}", words):
            add, total = None, add  # "should be 200 GB total", "a total of 80G": the size it is to have (nl17o)
        size = ("+" if add else "") + disk_size(add or total or "")
        return Grounded([f"resize {ref} {key} {size}"], f"grow {name}'s {key} ({size})")
    if intent == "set":
        opts = []
        cores = g.slots.first("CORES") or next((m.group(1) for m in re.finditer(
            r"\b(\d{1,3})\s*(?:v?cpus?|cores?|vcores?|n[úu]cleos|kerne|c(?:œ|oe)urs|procesadores|prozessoren)\b",
            " ".join(g.slots.words))), None)  # cores the tagger missed ("dale 4 núcleos a web-01")
        if cores and re.search(rf"\b{re.escape(cores)}\s*(?:go|gb|g|gigs?|gigas?|mb|mo|mib|gib|megs?)\b",
                               " ".join(g.slots.words)) and not re.search(  # "2 gigs and 2 cores" (nl17i)
                rf"\b{re.escape(cores)}\s*(?:v?cpus?|cores?|vcores?|n[úu]cleos|kerne)\b", " ".join(g.slots.words)):
            cores = None  # "mémoire de prometheus à 4 Go": a size, not cores
        keyed = _keyed(" ".join(g.slots.words))
        if keyed.get("cores") and cores != keyed["cores"]:
            cores = keyed["cores"]  # "ram 2048 cores 2": the number said right after "cores"
        elif cores and keyed.get("memory") == cores:
            cores = None  # "ram 2048": the number after "ram" is memory
        if cores:
            opts += ["--cores", number(cores)]
        found = SIZE.findall(" ".join(g.slots.words))
        memory = g.slots.first("MEM") or (found[0] if found and not opts else None)
        if not memory and keyed.get("memory"):
            memory = f"{keyed['memory']}mb"  # "ram 2048": MiB, as the registry counts
        if memory and not re.search(r"\d|\b(half|one|two|three|four|eight|a|an)\b", memory.lower()):
            worded = re.search(r"\b(?:half\s+a|an?|one|two|three|four|eight)\s+(?:gigs?|gigabytes?|gb|megs?)\b",
                               " ".join(g.slots.words))  # "half a gig": the tagger kept only the unit
            memory = worded.group(0) if worded else memory
        if memory and re.search(r"\bballoon\w*\b", " ".join(g.slots.words)) and not re.search(
                r"\b(?:off|disable\w*|no)\b", " ".join(g.slots.words)):
            opts += ["--balloon", str(mebibytes(memory))]  # "set balloon min on 103 to 4096": the balloon's target
        elif memory:  # a size the tagger missed is still memory, for `set`
            opts += ["--memory", str(mebibytes(memory))]
        tags = _set_tags(g, name)
        if tags is not None:
            opts += ["--tags", tags]
        if not opts and any(o.split()[0] in SET_OPTIONS for o in said(g.slots.text or "")):
            return Grounded([f"set {ref}"], f"change {name}")  # the options said in words follow (nl/options.py)
        if not opts and (len(g.slots.words) <= 4 or re.match(r"(?:how|what|cu[aá]nt\w*|wie\s*viel|combien|qu)",
                                                              " ".join(g.slots.words))):
            return Grounded([f"describe {ref}"], f"show {name}'s config and status")  # "db01 ram?": a question
        if not opts:
            raise NotGrounded(f"what should change on {name}?", [f"set {ref} --cores 4 --memory 8192"])
        return Grounded([" ".join(["set", ref, *opts])], f"change {name}: {' '.join(opts)}")
    if intent == "disk_move":
        storage = g.target_storage()
        if not storage:
            raise NotGrounded("to which storage?", [f"disk move {ref} {key} --storage STORAGE"])
        return Grounded([f"disk move {ref} {key} --storage {storage}"], f"move {name}'s {key} to {storage}")
    action = intent.split("_")[1]
    if not said_key:  # never a default disk for a delete or detach
        raise NotGrounded(f"which disk of {name}? name it (scsi1, virtio1, mp0 …)", [f"describe {ref}"])
    return Grounded([f"disk {action} {ref} {key}"], f"{action} {name}'s disk {key}")



SET_OPTIONS = ("--balloon", "--protection", "--description", "--onboot", "--reboot")
UNIT = r"(?:gb|g|gigs?|gigas?|gigabytes?|gib|go|tb|t|tib|terabytes?|mb|m|mib|megs?|megabytes?|mo)"


KEYED_CORES = re.compile(r"\b(?:v?cpus?|cores?|vcores?)\s*[:=]?\s*(?:to\s+)?(\d{1,3})\b"
                         r"(?!\s*(?:[gmt]b?|gib|mib|gigs?))")
KEYED_MEMORY = re.compile(r"\b(?:ram|memory|mem)\s*[:=]?\s*(?:to\s+)?(\d{3,6})\b(?!\s*(?:[gmt]b?|gib|mib|tib|gigs?))")


def _keyed(words: str) -> dict[str, str]:
    """Bare numbers said right after their key ("ram 2048 cores 2"): cores, and memory in MiB."""
    out = {}
    cores, memory = KEYED_CORES.search(words), KEYED_MEMORY.search(words)
    if cores:
        out["cores"] = cores.group(1)
    if memory:
        out["memory"] = memory.group(1)
    return out


def _said_growth(g: Grounder) -> tuple[str | None, str | None]:
    """A disk growth said in words the tagger missed: (by how much, to which size) — "+4g", "another 16 gig",
    "by 10G", "de 20 Go" grow by it; "to 12 gigs" is the new size."""
    words = " ".join(g.slots.words).replace("+ ", "+")
    size = rf"(\d+(?:[.,]\d+)?)\s*({UNIT})\b"
    plus = re.search(rf"\+\s*{size}", words)
    if plus:
        return f"{plus.group(1)}{plus.group(2)}", None
    to = re.search(rf"\b(?:to|auf|a|à)\s+(?:a\s+total\s+of\s+)?{size}", words)
    if to:
        return None, f"{to.group(1)}{to.group(2)}"
    bare = re.search(size, words)
    return (f"{bare.group(1)}{bare.group(2)}", None) if bare else (None, None)


def _clone(g: Grounder, name: str, ref: str) -> Grounded:
    """One `clone` line per new name ("3 linked clones: lab-1, lab-2, lab-3"), with a new VMID when said."""
    news: list[str] = []
    for text in g.slots.all("NEWNAME"):
        news += listed(g, text)
    news = list(dict.fromkeys(news + g.new_names)) or [n for n in [said_name(g)] if n] or [
        m.group(1) for m in re.finditer(r"\b(?:to|into|as)\s+([a-z][\w-]*)", " ".join(g.slots.words))
        if is_name(g, m.group(1)) and not is_known(g, m.group(1))][:1]
    if not news:
        raise NotGrounded("what should the clone be called?", [f"clone {ref} --name NEW-NAME"])
    vmid = (g.new_vmids[0] if g.new_vmids else new_vmid(g)) if len(news) == 1 else None
    linked = " --linked" if re.search(r"\blinked\b", " ".join(g.slots.words)) else ""
    on = (f" --vmid {vmid}" if vmid else "") + (f" --node {g.node()}" if g.node() else "") + \
        (f" --storage {g.storage()}" if g.storage() else "")
    return Grounded([f"clone {ref} --name {n}{on}{linked}" for n in news], f"clone {name} as {', '.join(news)}")
