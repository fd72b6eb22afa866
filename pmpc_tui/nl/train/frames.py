"""More request frames for the generator: rarer intents said many ways, selections for backups and migrations,
tasks quoted by UPID, and German/Spanish/French guest operations and lists.

`generate.generate` tops the rarer intents up from here so that no intent is drowned by the power verbs (before,
a backup was 1 % of the data and "back up web-02" could tip to `start`, whose verbs include "bring back up").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pmpc_tui.nl.train import vocab
from pmpc_tui.nl.train.generate import Example, Gen, Slot, _grow, _selected, gen_cluster, gen_guest_op

BACKUP_VERBS = ["back up", "backup", "back up", "backup", "back up", "back up", "vzdump", "take a backup of",
                "make a backup of", "run a backup of",
                "kick off a backup of", "do a backup of", "bkp", "dump", "save a backup of", "snapshot-backup",
                "back-up", "take backups of", "make backups of"]
TASK_TYPES = ["qmigrate", "vzdump", "download", "qmstart", "vzcreate", "qmclone", "imgcopy", "vzmigrate", "qmrestore"]


def upid(g: Gen) -> str:
    """A task id as PVE writes it: UPID:node:PID:PSTART:STARTTIME:type:id:user:"""
    node = g.pick(g.names.nodes)
    kind = g.pick(TASK_TYPES)
    ident = g.pick([str(g.r.randint(100, 250)), "local", "nas", ""])
    return (f"UPID:{node}:{g.r.randrange(16 ** 8):08X}:{g.r.randrange(16 ** 8):08X}:"
            f"{g.r.randrange(16 ** 8):08X}:{kind}:{ident}:root@pam:")


def gen_task_upid(g: Gen) -> Example:
    """Stop or read one task named by its UPID (the id is no slot: grounding reads it from the text)."""
    task = upid(g)
    kind = task.split(":")[5]
    if g.r.random() < 0.55:
        t = g.pick(["{open} cancel task {u}", "{open} stop task {u}", "{open} kill {u}", "{open} abort {u}",
                    "that {kind} {u} is taking forever, kill it", "{u} is stuck, cancel it", "{open} terminate {u}",
                    "{open} stop the task {u} {close}", "{open} cancel {u}", "{open} kill the {kind} task {u}",
                    "the {kind} job {u} hangs, stop it", "{open} abort the running task {u}"])
        cmd = f"tasks stop {task}"
    else:
        t = g.pick(["{open} show the log of {u}", "what did task {u} log?", "{open} log of task {u}",
                    "why did {u} fail", "{open} show me the output of {u}", "{open} what happened in {u}",
                    "{open} show task {u}", "{open} open the log for the {kind} task {u}", "{u} log?",
                    "{open} read the task log of {u}"])
        cmd = f"tasks log {task}"
    return g.build(*g.line(t, u=task, kind=kind), intent="tasks", commands=[cmd])


def _by_kind(g: Gen, head: str, names: list[str], tail: str = "") -> list[str]:
    """One line per kind: `backup create vm a b`, `backup create ct c`."""
    out = []
    for kind in ("vm", "ct"):
        mine = [n for n in names if g.guests[n][0] == kind]
        if mine:
            out.append(" ".join([head, kind, *mine]) + tail)
    return out


def gen_backup_many(g: Gen) -> Example | None:
    """Back up a selection: by tag, node, kind or everything (templates left out)."""
    kind = g.pick(["vm", "ct", None])
    slots: dict[str, Slot | str] = {"v": g.pick(BACKUP_VERBS),
                                    "all": (g.pick(["all", "every", "all the", "all of the", "each"]), "ALL")}
    slots["k"] = (g.kind_word(kind, plural=True), "KIND") if kind else (g.pick(["guests", "machines", "servers"]),
                                                                       "KIND")
    tag = node = None
    which = g.pick(["tag", "node", "all", "tag"])
    if which == "tag":
        tag = g.pick(sorted({t for v in g.guests.values() for t in v[4].split(";") if t and t != "template"}))
        slots["tag"] = (tag, "TAG")
        t = g.pick(["{open} {v} {all} {tag} {k}", "{open} {v} {all} {k} tagged {tag}", "{open} {v} the {tag} {k}",
                    "{open} {v} the {tag} ones", "{open} {v} {all} {k} with the {tag} tag"])
    elif which == "node":
        node = g.pick(g.names.nodes)
        slots["node"] = (node, "NODE")
        t = g.pick(["{open} {v} everything on {node}", "{open} {v} {all} {k} on {node}",
                    "{open} {v} whatever runs on {node}", "{open} {v} the {k} on {node}"])
    else:
        t = g.pick(["{open} {v} {all} {k}", "{open} {v} everything", "{open} {v} the whole lab"])
    if "{k}" not in t:
        kind = None
    st = ""
    if g.r.random() < 0.3:
        st = g.pick(g.names.storage)
        slots["st"] = (st, "STORAGE")
        t += g.pick([" to {st}", " onto {st}", " on {st}"])
    targets = _selected(g, "backup", kind, tag, node, None, [])
    if not targets:
        return None
    lines = _by_kind(g, "backup create", targets, f" --storage {st}" if st else "")
    return g.build(*g.line(t + " {close}", **slots), intent="backup_create", commands=lines)


def gen_backup_one(g: Gen) -> Example:
    """One guest backed up, said the many ways admins say it (mode, compression, storage as words)."""
    name = g.guest()
    kind = g.guests[name][0]
    slots: dict[str, Slot | str] = {"v": g.pick(BACKUP_VERBS), "g": g.guest_ref(name),
                                    "k": (g.kind_word(kind), "KIND")}
    t = g.pick(["{open} {v} {g} {close}", "{open} {v} the {k} {g}", "{open} {v} {k} {g} {close}",
                "{g}: {v} it", "{open} {v} {g} in stop mode", "{open} {v} {g} with zstd",
                "{open} {v} {g} before i upgrade it", "{open} {v} {g} now {close}", "{g} needs a backup",
                "{open} {v} {g} in snapshot mode", "{open} {v} {g} (dry run)", "{open} {v} {g}, don't wait"])
    cmd = f"backup create {_grow(g.guests, name)}"
    if g.r.random() < 0.25:
        st = g.pick(g.names.storage)
        slots["st"] = (st, "STORAGE")
        t = t.replace("{g}", "{g} to {st}", 1) if "{g}:" not in t else t
        cmd += f" --storage {st}" if "{st}" in t else ""
    return g.build(*g.line(t, **slots), intent="backup_create", commands=[cmd])


def gen_migrate_many(g: Gen) -> Example | None:
    """Move the guests of a node (or a tag) elsewhere: one migration each."""
    src, dst = g.r.sample(list(g.names.nodes), 2)
    kind = g.pick(["vm", "ct", None])
    slots: dict[str, Slot | str] = {"src": (src, "NODE"), "dst": (dst, "NODE")}
    slots["k"] = (g.kind_word(kind, plural=True), "KIND") if kind else (g.pick(["guests", "machines"]), "KIND")
    t = g.pick(["{open} evacuate the {k} on {src} to {dst}", "{open} move all {k} off {src} to {dst}",
                "{open} migrate everything on {src} to {dst}", "{open} move the {k} from {src} over to {dst}",
                "{open} drain {src} onto {dst}", "{open} shift all {k} on {src} to {dst}"])
    if "{k}" not in t:
        kind = None
    targets = [n for n in _selected(g, "migrate", kind, None, src, None, [])]
    if not targets:
        return None
    lines = [f"migrate {_grow(g.guests, n)} {dst}" for n in targets]
    return g.build(*g.line(t, **slots), intent="migrate", commands=lines)


def gen_more_ops(g: Gen) -> Example:
    """Day-2 requests on one guest in more phrasings: settings, snapshot lists, disk growth, moves, details."""
    name = g.guest()
    kind = g.guests[name][0]
    target = _grow(g.guests, name)
    s: dict[str, Slot | str] = {"g": g.guest_ref(name), "k": (g.kind_word(kind), "KIND")}
    op = g.pick(["set", "set", "snapshot_list", "resize", "migrate", "describe", "clone", "set"])
    if op == "set":
        t, opt = g.pick([("{open} turn off ballooning on {g}", "--balloon 0"),
                         ("{open} disable the balloon on {g}", "--balloon 0"),
                         ("{open} unprotect {g}", "--protection no"), ("{open} protect {g}", "--protection yes"),
                         ("{open} enable protection on {g}", "--protection yes"),
                         ("{open} set the description of {g} to 'web tier'", "--description 'web tier'"),
                         ("{open} add a note to {g}: 'owned by ops'", "--description 'owned by ops'"),
                         ("{open} make {g} autostart", "--onboot yes"),
                         ("{open} {g} should come up at boot", "--onboot yes"),
                         ("{open} add the tag {tag} to {g}", "--tags {tag}"), ("{open} tag {g} as {tag}",
                          "--tags {tag}"),
                         ("{g} {k}: {mem} ram, {cores} cores", "--memory {mib} --cores {cores}"),
                         ("{cores} vcpus and {mem} for {g}", "--cores {cores} --memory {mib}"),
                         ("{open} {g} gets {cores} cores", "--cores {cores}"),
                         ("{open} up {g} to {mem}", "--memory {mib}"), ("{open} {g}: {cores} cores", "--cores {cores}"),
                         ("{open} make {g} a {cores} core box", "--cores {cores}"),
                         ("{open} lower {g}'s memory to {mem}", "--memory {mib}")])
        text, mib = g.memory()
        cores = g.pick(["2", "4", "6", "8"])
        tag = g.pick(vocab.TAGS)
        s.update(mem=(text, "MEM"), cores=(cores, "CORES"), tag=(tag, "TAG"))
        cmd = f"set {target} " + opt.format(mib=mib, cores=cores, tag=tag)
        return g.build(*g.line(t, **s), intent="set", commands=[cmd])
    if op == "snapshot_list":
        t = g.pick(["any snaps on {g}?", "{open} list {g}'s snaps", "does {g} have snapshots",
                    "{open} snapshots for {g}",
                    "{open} show the snapshots of the {k} {g}", "what snapshots are there on {g}", "{g} snapshots?",
                    "{open} which restore points does {g} have", "{open} ls snapshots {g}"])
        return g.build(*g.line(t, **s), intent="snapshot_list", commands=[f"snapshot list {target}"])
    if op == "resize":
        size, gib = g.disk_size()
        s["size"] = (size, "SIZE_ADD")
        key = "rootfs" if kind == "ct" else "scsi0"
        t = g.pick(["{open} give {g} another {size} of disk", "{open} {g} needs {size} more disk",
                    "{open} grow {g} by {size}", "{open} add {size} to {g}'s disk", "{open} rezise {g} by {size}",
                    "{open} enlarge {g}'s disk by {size}", "{open} expand the {k} {g} by {size}"])
        return g.build(*g.line(t, **s), intent="resize", commands=[f"resize {target} {key} +{gib}G"])
    if op == "migrate":
        node = g.pick([n for n in g.names.nodes if n != g.guests[name][2]])
        s["node"] = (node, "NODE")
        if g.r.random() < 0.3:
            st = g.pick(g.names.storage)
            s["st"] = (st, "STORAGE")
            t = g.pick(["{open} shift {g} to {node} and put its disks on {st} there",
                        "{open} move {g} to {node}, disks "
                        "onto {st}", "{open} migrate {g} to {node} with the disks on {st}"])
            return g.build(*g.line(t, **s), intent="migrate",
                           commands=[f"migrate {target} {node} --target-storage {st}"])
        t = g.pick(["{open} send {g} to {node}", "{open} send {g} over to {node}", "{open} ship {g} to {node}",
                    "{open} move {g} to the {node} box", "{open} {g} should live on {node}",
                    "{open} put {g} on host {node}", "{open} vmotion {g} to {node}"])
        return g.build(*g.line(t, **s), intent="migrate", commands=[f"migrate {target} {node}"])
    if op == "clone":
        new = g.pick(vocab.NEW_NAMES) + g.pick(["-01", "-2", "-test", ""])
        s["new"] = (new, "NEWNAME")
        if g.r.random() < 0.35:
            st = g.pick(g.names.storage)
            s["st"] = (st, "STORAGE")
            t = g.pick(["{open} clone {g} as {new}, disks on {st}", "{open} duplicate {g} as {new} on {st}",
                        "{open} copy {g} to {new} and put the disks on {st}",
                        "{open} clone {g} to {new} on storage {st}"])
            return g.build(*g.line(t, **s), intent="clone", commands=[f"clone {target} --name {new} --storage {st}"])
        t = g.pick(["{open} clone {g} as {new}", "{open} make a linked clone of {g} called {new}",
                    "{open} clone the {k} {g} to {new}", "{open} full clone of {g} named {new}",
                    "{open} copy {g} as {new}", "{open} clone {g} -> {new}"])
        return g.build(*g.line(t, **s), intent="clone", commands=[f"clone {target} --name {new}"])
    t = g.pick(["{open} show {k} {g} as yaml", "how big is {g}'s disk", "{open} {g} details as json",
                "how big is the {g} disk and how much ram does it have", "{open} what are the specs of {g}",
                "{open} show me the {k} {g}", "what's {g}'s config", "{open} describe {k} {g} in json",
                "{open} show everything about {g}", "how many cores and how much ram has {g}"])
    return g.build(*g.line(t, **s), intent="describe", commands=[f"describe {target}"])


def gen_storage_more(g: Gen) -> Example:
    """Storage contents, downloads and uploads said with nodes ('via pve2', '(pve2)') and content words."""
    st = g.pick(g.names.storage)
    node = g.pick(g.names.nodes)
    s: dict[str, Slot | str] = {"st": (st, "STORAGE"), "node": (node, "NODE")}
    roll = g.r.random()
    if roll < 0.45:
        ctype, words = g.pick([("iso", ["isos", "iso images"]), ("vztmpl", ["ct templates", "container templates"]),
                               ("backup", ["backups", "backup files"]), ("images", ["disk images"]),
                               ("snippets", ["snippets"]), ("rootdir", ["container volumes"])])  # type: ignore[misc]
        s["ty"] = (g.pick(words), "CTYPE")
        t = g.pick(["{ty} on the {st} ({node})?", "{open} what's in {st} on {node}", "what's in {st}?",
                    "{open} contents of {st} on {node}", "any {ty} on {st}?", "{open} which {ty} does {st} hold",
                    "{open} list the {ty} on {st} via {node}", "{open} show {st}'s {ty}", "{ty} in {st}?"])
        opt = f" --type {ctype}" if "{ty}" in t else ""
        return g.build(*g.line(t, **s), intent="storage_content",
                       commands=[f"storage content {st} --node {node}{opt}"])
    if roll < 0.8:
        url = g.pick(vocab.URLS)
        s["u"] = (url, "URL")
        t = g.pick(["{open} pull {u} onto {st} via {node}", "{open} fetch {u} into {st} on {node}",
                    "{open} fetch {u} into {st} on {node} as a ct template", "{open} grab {u} and put it on {st}",
                    "{open} download {u} to {st} via {node}", "{open} get {u} onto the {st} storage",
                    "{open} put {u} on {st} ({node})", "{open} wget {u} to {st}"])
        return g.build(*g.line(t, **s), intent="download",
                       commands=[f"download {url} --node {node} --storage {st}"])
    f = g.pick(vocab.FILES)
    s["u"] = (f, "FILE")
    t = g.pick(["{open} upload {u} to {st} via {node}", "{open} upload {u} to the {st} as an iso",
                "{open} upload {u} to {st} as an import image", "{open} upload the disk image {u} to {st}",
                "{open} push {u} onto {st} on {node}", "{open} copy {u} to {st} ({node})",
                "{open} send the file {u} up to {st}"])
    return g.build(*g.line(t, **s), intent="upload", commands=[f"upload {f} --node {node} --storage {st}"])


# German, Spanish and French beyond one-liners: {g} guest, {k} kind, {s} state, {n} node, {st} storage,
# {m} memory, {d} disk growth, {c} cores
FOREIGN_OPS = {
    "backup_create": ["sichere {g}", "mach ein Backup von {g}", "Backup von {g} erstellen", "sichere {g} auf {st}",
                      "erstelle eine Sicherung von {g}", "sichere den Container {g}", "mach eine Sicherung von {g}",
                      "haz una copia de seguridad de {g}", "haz una copia de seguridad del contenedor {g}",
                      "haz un backup de {g}", "respalda {g}", "copia de seguridad de {g} en {st}", "respalda la vm {g}",
                      "sauvegarde {g}", "fais une sauvegarde de {g}", "sauvegarde {g} sur {st}",
                      "fais un backup du conteneur {g}"],
    "set_memory": ["gib {g} {m} RAM", "{g} braucht {m} RAM", "setze den Speicher von {g} auf {m}",
                   "dale {m} de ram a {g}", "pon {m} de memoria a {g}", "asigna {m} de ram a {g}",
                   "sube la ram de {g} a {m}", "donne {m} de ram à {g}", "mets {m} de mémoire sur {g}",
                   "passe {g} à {m} de ram", "erhöhe den RAM von {g} auf {m}"],
    "set_cores": ["gib {g} {c} Kerne", "{g} braucht {c} CPUs", "dale {c} núcleos a {g}", "pon {c} cpus a {g}",
                  "donne {c} cœurs à {g}", "mets {c} vcpu sur {g}"],
    "resize": ["vergrößere die Festplatte von {g} um {d}", "gib {g} {d} mehr Platz",
               "erweitere die Disk von {g} um {d}",
               "agranda el disco de {g} en {d}", "añade {d} al disco de {g}", "amplía el disco de {g} {d}",
               "agrandis le disque de {g} de {d}", "ajoute {d} au disque de {g}", "étends le disque de {g} de {d}"],
    "snapshot_create": ["mach einen Snapshot von {g}", "erstelle einen Snapshot von {g}", "haz un snapshot de {g}",
                        "crea una instantánea de {g}", "fais un snapshot de {g}", "prends un instantané de {g}"],
    "snapshot_list": ["zeige die Snapshots von {g}", "muestra las instantáneas de {g}", "affiche les snapshots de {g}",
                      "welche Snapshots hat {g}", "qué snapshots tiene {g}"],
    "migrate": ["migriere {g} auf {n}", "verschiebe {g} nach {n}", "mueve {g} a {n}", "migra {g} a {n}",
                "migre {g} vers {n}", "déplace {g} sur {n}"],
    "describe": ["zeige {g}", "zeig mir die Konfiguration von {g}", "muestra la configuración de {g}",
                 "montre la config de {g}", "détails de {g}", "wie ist {g} konfiguriert", "info de {g}"],
}
FOREIGN_POWER = {
    "start": ["starte den Container {g}", "starte die Maschine {g}", "arranca la vm {g}", "enciende el contenedor {g}",
              "démarre la vm {g}", "mach {g} an"],
    "stop": ["stoppe den Container {g}", "halte die VM {g} an", "detén la vm {g}", "para el contenedor {g}",
             "arrête le conteneur {g}", "mach {g} aus"],
    "shutdown": ["fahre die VM {g} herunter", "apaga la máquina {g}", "éteins proprement {g}"],
    "reboot": ["starte die VM {g} neu", "reinicia el contenedor {g}", "redémarre la vm {g}"],
    "suspend": ["pausiere {g}", "pausa {g}", "suspends {g}", "mets {g} en pause"],
    "resume": ["setze {g} fort", "reanuda {g}", "reprends {g}"],
}
FOREIGN_LISTS = ["welche {k} {s} auf {n}", "welche {k} {s}", "zeige alle {k} auf {n}", "liste {s} {k} auf {n}",
                 "alle {k} auf {n}", "welche {k} laufen auf {n}", "zeig mir die {k} auf {n}",
                 "qué {k} están {s}", "qué {k} están {s} en {n}", "muestra los {k} de {n}", "lista {k} {s}",
                 "todas las {k} en {n}", "muéstrame las {k} {s}", "cuáles {k} están {s}",
                 "quelles {k} sont {s}", "liste les {k} {s}", "affiche les {k} sur {n}", "les {k} {s} sur {n}",
                 "toutes les {k} {s}", "montre-moi les {k} {s}"]
FOREIGN_KINDS = {"vm": ["VMs", "vms", "máquinas virtuales", "máquinas", "machines virtuelles", "VM", "Maschinen"],
                 "ct": ["Container", "contenedores", "conteneurs", "containers", "LXC"]}
FOREIGN_STATUS = {"running": ["laufen", "laufende", "corriendo", "encendidas", "activos", "démarrées", "actives",
                              "an", "en marcha"],
                  "stopped": ["gestoppt", "angehalten", "parados", "apagados", "detenidos", "arrêtées", "arrêtés",
                              "éteintes", "aus"]}


def gen_foreign_op(g: Gen) -> Example:
    """A guest operation or a list in German, Spanish or French."""
    if g.r.random() < 0.3:
        kind = g.pick(["vm", "ct"])
        t = g.pick(FOREIGN_LISTS)
        status = g.pick(sorted(FOREIGN_STATUS))
        node = g.pick(g.names.nodes)
        if "laufen" in t:
            status = "running"
        cmd = f"list {kind}s" + (f" --node {node}" if "{n}" in t else "") + (
            f" --status {status}" if "{s}" in t or "laufen" in t else "")
        return g.build(t + g.pick(["", "", "?", " bitte", " por favor", " s'il te plaît"]),
                       {"k": (g.pick(FOREIGN_KINDS[kind]), "KIND"),
                        "s": (g.pick(FOREIGN_STATUS[status]), "STATUS"), "n": (node, "NODE")},
                       intent="list", commands=[cmd])
    name = g.guest()
    target = _grow(g.guests, name)
    slots: dict[str, Slot | str] = {"g": g.guest_ref(name)}
    if g.r.random() < 0.25:
        action = g.pick(sorted(FOREIGN_POWER))
        return g.build(g.pick(FOREIGN_POWER[action]), slots, intent=action, commands=[f"{action} {target}"])
    op = g.pick(sorted(FOREIGN_OPS))
    t = g.pick(FOREIGN_OPS[op]) + g.pick(["", "", " bitte", " por favor", " stp", " jetzt", " ahora", " maintenant"])
    if op == "backup_create":
        storage = g.pick(g.names.storage)
        slots["st"] = (storage, "STORAGE")
        return g.build(t, slots, intent=op, commands=[f"backup create {target}" + (
            f" --storage {storage}" if "{st}" in t else "")])
    if op == "set_memory":
        gib = g.pick(["1", "2", "4", "8", "16", "32"])
        slots["m"] = (gib + g.pick(["GB", " GB", "G", " gigas", " Gigabyte", " Go", " GiB"]), "MEM")
        return g.build(t, slots, intent="set", commands=[f"set {target} --memory {int(gib) * 1024}"])
    if op == "set_cores":
        cores = g.pick(["2", "4", "6", "8"])
        slots["c"] = (cores, "CORES")
        return g.build(t, slots, intent="set", commands=[f"set {target} --cores {cores}"])
    if op == "resize":
        gib = g.pick(["5", "10", "20", "32", "50", "100"])
        slots["d"] = (gib + g.pick(["GB", " GB", "G", " gigas", " Go", " GiB"]), "SIZE_ADD")
        key = "rootfs" if g.guests[name][0] == "ct" else "scsi0"
        return g.build(t, slots, intent=op, commands=[f"resize {target} {key} +{gib}G"])
    if op == "migrate":
        node = g.pick([n for n in g.names.nodes if n != g.guests[name][2]])
        slots["n"] = (node, "NODE")
        return g.build(t, slots, intent=op, commands=[f"migrate {target} {node}"])
    if op == "snapshot_create":
        return g.build(t, slots, intent=op, commands=[f"snapshot create {target} manual"])
    return g.build(t, slots, intent=op, commands=[f"{op.replace('_', ' ')} {target}"])


ACKS = ["cool cool.", "ok cool.", "nice.", "great, thanks.", "hmm,", "ok.", "lol ok.", "right.", "got it.", "sweet."]


def gen_chitchat_after_ack(g: Gen) -> Example:
    """Chit-chat after an acknowledgement ("cool cool. what time is it?") is still nothing to do."""
    from pmpc_tui.nl.train.generate import CHITCHAT

    return g.build(g.pick(ACKS) + " " + g.pick(CHITCHAT), {}, intent="none", commands=[])


def gen_tasks_more(g: Gen) -> Example:
    """Questions about recent or failed tasks."""
    t = g.pick(["did any task fail recently?", "any failed tasks?", "which tasks failed", "{open} show failed jobs",
                "what failed today?", "{open} show the last tasks", "did the backup job run",
                "what's running right now",
                "is any task still running", "{open} show me the task list", "what did proxmox do last night",
                "any jobs stuck?", "{open} list recent tasks {close}"])
    return g.build(*g.line(t), intent="tasks", commands=["tasks"])


def gen_day2_more(g: Gen) -> Example | None:
    """Terse chat requests and questions about one guest: "db01 ram?", "mem 2g for mqtt", snapshots by name."""
    name = g.guest()
    kind = g.guests[name][0]
    target = _grow(g.guests, name)
    snap = g.pick([*vocab.SNAPSHOTS, "vor-update", "antes-migracion", "avant-maj", "pre-hacs", "kernel-6-8"])
    text, mib = g.memory()
    cores = g.pick(["2", "4", "8"])
    s: dict[str, Slot | str] = {"g": g.guest_ref(name), "k": (g.kind_word(kind), "KIND"), "snap": (snap, "SNAP"),
                                "mem": (text, "MEM"), "cores": (cores, "CORES")}
    op = g.pick(["describe", "describe", "set", "snapshot_create", "snapshot_rollback", "snapshot_create"])
    if op == "describe":
        t = g.pick(["{g} ram?", "{g} cores?", "ram of {g}?", "{g} running or not?", "is {g} running or not",
                    "how much memory has {g}", "whats going on with {g}", "{g} is acting weird, what's going on",
                    "{open} check {g} status", "{g} uptime?", "¿cuánta ram tiene {g}?", "est-ce que {g} tourne ?",
                    "läuft {g}?", "wie viel RAM hat {g}", "¿está {g} encendida?", "combien de ram a {g} ?",
                    "{g} locked? what's going on", "{open} status of {k} {g}"])
        return g.build(*g.line(t, **s), intent="describe", commands=[f"describe {target}"])
    if op == "set":
        t, opt = g.pick([("mem {mem} for {g}", f"--memory {mib}"), ("{mem} ram for {g}", f"--memory {mib}"),
                         ("{cores} cores for {g}", f"--cores {cores}"), ("{g} memory {mem}", f"--memory {mib}"),
                         ("{g} memory {mem} and reboot it so it takes effect", f"--memory {mib} --reboot"),
                         ("{open} protect {g} against accidental delete", "--protection yes"),
                         ("{open} protect {g} from being deleted", "--protection yes"),
                         ("{open} put description 'web tier' on {g}", "--description 'web tier'"),
                         ("{open} set a note on {g}: 'legacy box'", "--description 'legacy box'"),
                         ("mémoire de {g} à {mem}", f"--memory {mib}"), ("Speicher von {g} auf {mem}",
                                                                        f"--memory {mib}"),
                         ("memoria de {g} a {mem}", f"--memory {mib}"), ("{g} auf {cores} Kerne", f"--cores {cores}")])
        return g.build(*g.line(t, **s), intent="set", commands=[f"set {target} {opt}"])
    if op == "snapshot_create":
        t = g.pick(["{open} snapshot {g} name {snap}", "{open} snapshot {k} {g} named {snap}",
                    "{open} make snapshot {snap} of {g}", "{open} snapshot {g}, name: {snap}",
                    "{open} make snapshot '{snap}' of {g}", "{open} take a snapshot {snap} on {g}",
                    "mach einen Snapshot von {g} namens {snap}", "Snapshot von {g} erstellen, Name {snap}",
                    "crea un snapshot de {g} llamado {snap}", "haz una instantánea de {g} con nombre {snap}",
                    "fais un snapshot de {g} nommé {snap}", "{open} snapshot {g} before upgrade as {snap}"])
        return g.build(*g.line(t, **s), intent="snapshot_create", commands=[f"snapshot create {target} {snap}"])
    t = g.pick(["{open} rollback {g} to {snap} and start it after", "{open} roll back {g} to {snap}",
                "{g} auf den Snapshot {snap} zurücksetzen", "setze {g} auf {snap} zurück",
                "restaure le snapshot {snap} sur {g}", "reviens au snapshot {snap} sur {g}",
                "revierte {g} al snapshot {snap}", "restaura la instantánea {snap} de {g}",
                "{open} revert {k} {g} to snapshot {snap}"])
    return g.build(*g.line(t, **s), intent="snapshot_rollback", commands=[f"snapshot rollback {target} {snap}"])


def gen_create_more(g: Gen) -> Example | None:
    """A new guest in terse spec phrasings: "ct mail-relay pve1 512M ram 8G disk", "4c/8g/100g", "on nas storage"."""
    kind = g.pick(["vm", "ct"])
    name = g.pick(vocab.NEW_NAMES) + g.pick(["", "-01", "-02", "-ct", "-1", "-relay"])
    if name in g.guests:
        return None
    node = g.pick(g.names.nodes)
    st = g.pick(g.names.storage)
    text, mib = g.memory()
    size, gib = g.disk_size()
    cores = g.pick(["1", "2", "4", "8"])
    s: dict[str, Slot | str] = {"name": (name, "NEWNAME"), "k": (g.kind_word(kind), "KIND"), "node": (node, "NODE"),
                                "st": (st, "STORAGE"), "mem": (text, "MEM"), "disk": (size, "DISK"),
                                "cores": (cores, "CORES"), "v": g.pick(["create", "new", "need", "add", "spin up",
                                                                          "make", "i need", "please create"])}
    t, opts = g.pick([
        ("{k} {name} {node} {mem} ram {disk} disk", ["--node", "--memory", "--disk"]),
        ("{v} {k} {name} on {node}, {cores}c/{mem}/{disk}", ["--node", "--cores", "--memory", "--disk"]),
        ("{v} a {k} {name} on {st} storage with {cores} cores, {mem} ram and {disk} disk",
         ["--cores", "--memory", "--disk", "--storage"]),
        ("{v} a {k} called {name} with {mem} memory and {disk} disk on {st}", ["--memory", "--disk", "--storage"]),
        ("{v} {k} {name}, {cores} cores {mem}, disk on {st}", ["--cores", "--memory", "--storage"]),
        ("{v} a {k} {name}, {cores} cores {mem}, disk {disk}", ["--cores", "--memory", "--disk"]),
        ("{v} a {k} {name} {cores} cores disk {disk}", ["--cores", "--disk"]),
        ("{open} {v} a {k} for {name}: {cores} cores, {mem}, {disk} disk on the {st}",
         ["--cores", "--memory", "--disk", "--storage"]),
        ("small {k} for {name}, {mem} {disk} disk", ["--memory", "--disk"]),
        ("{v} {k} {name} with {cores} vcpu {mem} on node {node}", ["--node", "--cores", "--memory"]),
        ("for the new customer we need {k} {name}: {cores} vcpu, {mem}, {disk} ssd on {st}",
         ["--cores", "--memory", "--disk", "--storage"])])
    values = {"--node": node, "--cores": cores, "--memory": str(mib), "--disk": str(gib), "--storage": st}
    order = ["--node", "--cores", "--memory", "--disk", "--storage"]
    flat = [x for o in sorted(opts, key=order.index) for x in (o, values[o])]
    return g.build(*g.line(t + " {close}", **s), intent="create", commands=[" ".join(["create", kind, "--name", name,
                                                                                         *flat])])


def gen_foreign_more(g: Gen) -> Example | None:
    """Foreign backup lists, list states and logs."""
    st = g.pick(g.names.storage)
    kind = g.pick(["vm", "ct"])
    s: dict[str, Slot | str] = {"st": (st, "STORAGE"), "k": (g.pick(FOREIGN_KINDS[kind]), "KIND")}
    roll = g.r.random()
    if roll < 0.4:
        t = g.pick(["liste die Backups auf {st}", "zeige die Sicherungen auf {st}", "welche Backups liegen auf {st}",
                    "lista las copias de seguridad en {st}", "muestra los backups de {st}",
                    "liste les sauvegardes sur {st}", "quelles sauvegardes sont sur {st}"])
        return g.build(t, s, intent="backup_list", commands=[f"backup list --storage {st}"])
    if roll < 0.75:
        state = g.pick(["running", "stopped"])
        s["s"] = (g.pick({"running": ["laufenden", "laufende", "encendidas", "activas", "allumées"],
                          "stopped": ["gestoppten", "apagadas", "éteintes", "arrêtées"]}[state]), "STATUS")
        t = g.pick(["zeig mir alle {s} {k}", "liste alle {s} {k}", "muéstrame las {k} {s}", "montre les {k} {s}"])
        return g.build(t, s, intent="list", commands=[f"list {kind}s --status {state}"])
    t = g.pick(["zeige die Logs", "Fehler im Log anzeigen", "zeig mir die Fehler im Log", "muéstrame los logs",
                "muéstrame los logs de errores", "montre les logs", "montre les erreurs dans les logs",
                "zeige die letzten Aufgaben", "muestra las últimas tareas", "montre les dernières tâches"])
    intent = "tasks" if re.search(r"Aufgaben|tareas|tâches", t) else "logs"
    return g.build(t, {}, intent=intent, commands=[intent])


ROLE_WORDS = ["windows", "database", "dns", "web", "media", "proxy", "desktop", "monitoring", "backup", "build",
              "mail", "game", "vpn", "git", "docker", "k8s", "storage", "sandbox", "dev", "test"]


def gen_power_role(g: Gen) -> Example:
    """A power action on a guest described by what it is ("boot the windows box", "bounce the proxy container");
    the role words are no slot: grounding matches them against the names."""
    from pmpc_tui.nl.train.generate import POWER_VERBS

    action = g.pick(["start", "stop", "shutdown", "reboot", "start", "reboot"])
    name = g.guest()
    kind = g.guests[name][0]
    parts = [p for p in re.split(r"[-_0-9]+", name) if len(p) > 2] or [g.pick(ROLE_WORDS)]
    role = g.pick(parts) if g.r.random() < 0.6 else g.pick(ROLE_WORDS)
    noun = g.pick(["box", "vm", "server", "machine", "one"] if kind == "vm" else ["container", "ct", "box", "lxc"])
    t = g.pick(["{open} {v} the {role} {noun} {close}", "{open} {v} the {role} {noun}", "the {role} {noun}: {v} it",
                "{open} {v} our {role} {noun}", "{open} {v} my {role} {noun} {close}"])
    return g.build(*g.line(t, v=g.pick(POWER_VERBS[action]), role=role, noun=noun if noun == "one" else (noun, "KIND")),
                   intent=action,
                   commands=[f"{action} {_grow(g.guests, name)}"])


def gen_delete_everything(g: Gen) -> Example:
    """Deleting the whole cluster is read as a deletion, which grounding never carries out by selector."""
    from pmpc_tui.nl.train.generate import DELETE_VERBS

    t = g.pick(["{open} {v} the cluster", "{open} {v} the whole cluster", "{open} {v} everything", "{v} it all",
                "{open} {v} every guest", "{open} {v} all the nodes' guests", "{open} {v} the whole lab"])
    from pmpc_tui.nl.train import generate

    if generate.FOURTH_ROUND and g.r.random() < 0.3:
        t += g.pick([" and start over", " and start from scratch", " and rebuild it", ", we start fresh",
                     " so we can start again"])
    return g.build(*g.line(t, v=g.pick(DELETE_VERBS)), intent="delete", commands=[])


# intents that were rare in the data (under FLOOR examples), and the frames that add more of them
FLOOR = 330
FLOORS = {"none": 600, "backup_create": 450}  # chit-chat is varied; "back up" competes with "bring back up"
TOPUP: dict[str, list[Callable[[Gen], Example | None]]] = {
    "backup_create": [gen_backup_one, gen_backup_many, lambda g: gen_guest_op(g, "backup_create")],
    "backup_list": [lambda g: gen_cluster(g, "backup_list")],
    "storage_content": [gen_storage_more, lambda g: gen_cluster(g, "storage")],
    "download": [gen_storage_more, lambda g: gen_cluster(g, "download")],
    "upload": [gen_storage_more, lambda g: gen_cluster(g, "upload")],
    "tasks": [gen_task_upid, gen_tasks_more, lambda g: gen_cluster(g, "tasks")],
    "logs": [lambda g: gen_cluster(g, "logs")],
    "report-issue": [lambda g: gen_cluster(g, "report-issue")],
    "snapshot_list": [gen_more_ops, lambda g: gen_guest_op(g, "snapshot_list")],
    "clone": [gen_more_ops, lambda g: gen_guest_op(g, "clone")],
    "migrate": [gen_migrate_many, gen_more_ops],
    "set": [gen_more_ops],
    "none": [gen_chitchat_after_ack, lambda g: gen_cluster(g, "none")],
}
def gen_list_tag(g: Gen) -> Example:
    """Guests by tag said before the kind ("k8s vms?", "the web containers")."""
    kind = g.pick(["vm", "ct"])
    tag = g.pick(vocab.TAGS)
    s: dict[str, Slot | str] = {"tag": (tag, "TAG"), "k": (g.kind_word(kind, plural=True), "KIND")}
    t = g.pick(["{tag} {k}?", "{open} show the {tag} {k}", "{open} list {tag} {k}", "which {tag} {k} do we have",
                "{open} what {tag} {k} are there", "{open} all {tag} {k} please", "{tag} {k}"])
    return g.build(*g.line(t, **s), intent="list", commands=[f"list {kind}s -l tag={tag}"])


def gen_workspace_json(g: Gen) -> Example:
    """Workspace reads asked for as a report or as json."""
    op = g.pick(["drift", "plan", "validate"])
    t = g.pick({"drift": ["drift report as json", "{open} drift report", "{open} show drift as json",
                          "{open} give me a drift report", "drift as json please"],
                "plan": ["{open} plan as json", "{open} the plan in json", "{open} give me the plan output as json",
                         "plan report as json"],
                "validate": ["{open} validate as json", "{open} validation report", "{open} check the terraform for "
                             "mistakes without talking to the cluster", "{open} validate offline"]}[op])
    return g.build(*g.line(t), intent=op, commands=[op])


EXTRA: list[Callable[[Gen], Example | None]] = [gen_foreign_op, gen_foreign_op, gen_foreign_op, gen_foreign_more,
                                                gen_day2_more, gen_day2_more, gen_create_more, gen_create_more,
                                                gen_more_ops, gen_backup_many, gen_delete_everything, gen_power_role,
                                                gen_task_upid, gen_storage_more, gen_list_tag, gen_workspace_json]
