"""Lines that act on guests: power, delete, backup, snapshots, clone, migrate, template, disks and `set`."""

from __future__ import annotations

import re

from pmpc_tui.nl.ground.guests import Grounder
from pmpc_tui.nl.ground.slots import EXACT_ONLY, POWER, SIZE, WHAT, Grounded, NotGrounded
from pmpc_tui.nl.ground.units import disk_size, mebibytes, number


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

