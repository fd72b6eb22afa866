"""Request frames of the fourth round: how ops teams and runbooks phrase requests, and what must be refused.

Positive frames: runbook steps ("step 3: …"), passive voice ("db-01 needs to be backed up"), context first with a
pronoun ("grafana hangs since the update, bounce it"), long sentences with filler, questions about one guest, and
Italian/Dutch one-liners. Refusals (`refuse`): any generated change wrapped in a condition, a time or a taken-back
order, and negated day-2 verbs in five languages. Nothing (`none`): advice, explanations, how-to and out-of-scope
work. Written from general usage, never from an evaluation sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from pmpc_tui.nl.model.runtime import tokenize
from pmpc_tui.nl.train.generate import (
    POWER_VERBS,
    Example,
    Gen,
    Slot,
    _grow,
    gen_cluster,
    gen_create,
    gen_guest_op,
    gen_power,
    gen_workspace,
)

# ---- refusals: a change wrapped in a condition, a time, or taken back -------------------------------------------
# The wrappers hold no intent's words (plan, backup …) and no word that also says an option or a reason (only,
# then, before, after, today, now, wait, stuck, fails), so the classifier learns the cue (if, unless, tomorrow …).
# A condition is a subject and a state, composed so that no content word is frequent; `gen_benign` says the same
# states as the reason for a request meant now ("reboot web-01, the app acts up").
SUBJECTS = ["it", "the load", "the nas", "pve3", "pve2", "the service", "cpu", "memory", "traffic", "the disk",
            "the network", "latency", "the ups", "the app", "the database", "the box", "the host", "swap",
            "the queue", "the cert", "the update", "the upgrade", "the health check", "monitoring", "the other node",
            "disk usage", "the web server", "the site", "the ping", "the temperature"]
STATES = ["goes above the limit", "goes offline", "is nearly full", "breaks", "doesn't come back",
          "gets slow", "is back", "drops", "expires", "fills up", "stays high for an hour", "is idle",
          "is not responding", "alerts", "spikes", "is quiet", "runs out", "kicks in",
          "goes red", "is too high", "is low", "acts up", "times out", "is unreachable",
          "looks bad", "gets worse", "recovers", "is degraded"]


def condition(g: Gen) -> str:
    return f"{g.pick(SUBJECTS)} {g.pick(STATES)}"


COND_BEFORE = ["if {c},", "if {c} then", "if {c}", "when {c},", "once {c},", "as soon as {c},", "in case {c},",
               "assuming {c},", "unless {c},", "whenever {c},", "provided {c},", "in the event {c},",
               "should it turn out {c},", "if and only if {c},", "in case that {c},", "supposing {c},",
               "wenn {c},", "falls {c},", "si {c},", "cuando {c},", "quand {c},", "se {c},", "als {c},",
               "indien {c},"]
COND_AFTER = ["if {c}", "when {c}", "once {c}", "unless {c}", "in case {c}", "but just if {c}", "as soon as {c}",
              "whenever {c}", "provided that {c}", "in the event that {c}", ", but if and only if {c}",
              "if it turns out {c}", "on condition that {c}", "but just in case {c}"]
TIMES = ["tomorrow", "tonight", "tomorrow morning", "tomorrow night", "next week", "next month", "later",
         "this evening", "this afternoon", "at midnight", "at 2am", "at 3 am", "at 22:00", "at 23:30", "at noon",
         "around 6pm", "at 6pm", "out of hours", "on friday", "on saturday night", "next tuesday", "this weekend",
         "over the weekend", "in 10 minutes", "in 5 min", "in an hour", "in two hours", "in half an hour",
         "in 30 minutes", "in a few hours", "every night", "every monday", "each week", "every sunday at 4",
         "nightly", "weekly", "once a day", "every 6 hours", "monday morning", "at lunchtime",
         "at the end of the week", "when i'm back", "at the next maintenance", "on patch day",
         "by tomorrow", "end of day", "eod", "on the first of the month", "at 1 every night", "later tonight",
         "morgen", "heute abend", "heute nacht", "um 22 Uhr", "mañana", "esta noche", "el viernes", "demain",
         "ce soir", "vendredi", "domani", "stasera", "stanotte", "vanavond", "vannacht", "volgende week"]
TIME_BEFORE = ["{t},", "{t}:", "{t} please", "{t} -", "schedule for {t}:", "{t} i want you to", "for {t}:",
               "at some point {t},", "remind me {t} to", "{t} we should", "queue for {t}:"]
TIME_AFTER = ["{t}", "{t} please", "{t} if you can", ", but {t}", "- {t}", "no earlier than {t}",
              ", schedule it for {t}", "and do it {t}", "starting {t}",
              "as a job {t}", "(do it {t})"]
TAKEN_BACK = [", actually scratch that", "... on second thought, leave it", " - scratch that", ". never mind",
              ". cancel that", ", just kidding", ". belay that order"]


def _change(g: Gen) -> Example | None:
    """A generated request that changes something (power, day-2, create, apply …), to be wrapped."""
    roll = g.r.random()
    if roll < 0.35:
        return gen_power(g, g.pick([*POWER_VERBS, "delete", "reboot", "stop"]))
    if roll < 0.75:
        return gen_guest_op(g, g.pick(["snapshot_create", "snapshot_rollback", "snapshot_delete", "backup_create",
                                       "clone", "migrate", "template", "resize", "set", "set", "disk_move",
                                       "disk_delete", "migrate", "backup_create"]))
    if roll < 0.88:
        return gen_create(g)
    return gen_workspace(g, g.pick(["apply", "destroy", "sync", "import", "apply"]))


def _wrap(g: Gen, ex: Example, before: list[str], after: list[str], intent: str,
          commands: list[str] | None = None) -> Example:
    """`ex` with words before and after it (labelled O), read as `intent` with no command."""
    pre = [w for p in before for w in tokenize(p)]
    post = [w for p in after for w in tokenize(p)]
    tokens = [*pre, *ex.tokens, *post]
    tags = ["O"] * len(pre) + ex.tags + ["O"] * len(post)
    text = g.join(tokens)
    if g.r.random() < 0.3:
        text, tokens = text.lower(), [t.lower() for t in tokens]
    return Example(text, tokens, tags, intent, list(commands or []))


def gen_refuse_wrapped(g: Gen) -> Example | None:
    """A change said with a condition, a time, or taken back: refused, whatever its verb."""
    ex = _change(g)
    if ex is None or not ex.commands:
        return None
    kind = g.pick(["cond", "cond", "time", "time", "back"])
    if kind == "cond":
        c = condition(g)
        if g.r.random() < 0.5:
            return _wrap(g, ex, [g.pick(COND_BEFORE).format(c=c)], [], "refuse")
        return _wrap(g, ex, [], [g.pick(COND_AFTER).format(c=c)], "refuse")
    if kind == "time":
        t = g.pick(TIMES)
        if g.r.random() < 0.45:
            return _wrap(g, ex, [g.pick(TIME_BEFORE).format(t=t)], [], "refuse")
        return _wrap(g, ex, [], [g.pick(TIME_AFTER).format(t=t)], "refuse")
    return _wrap(g, ex, [], [g.pick(TAKEN_BACK)], "refuse")


FOREIGN_NEGATED = ["{g} bitte nicht neu starten", "lösche {g} nicht", "stoppe {g} nicht", "fass {g} nicht an",
                   "{g} nicht herunterfahren",
                   "ne redémarre pas {g}", "ne supprime pas {g}", "n'éteins pas {g}", "ne touche pas à {g}",
                   "non riavviare {g}", "non spegnere {g}", "non cancellare {g}", "non toccare {g}",
                   "herstart {g} niet", "verwijder {g} niet", "zet {g} niet uit", "niet aan {g} komen",
                   "{g} niet stoppen"]


def gen_refuse_negated(g: Gen) -> Example:
    """A negated order in German, French, Italian or Dutch (English negation is the guards' and `gen_refuse`'s)."""
    s: dict[str, Slot | str] = {"g": g.guest_ref(g.guest())}
    return g.build(g.pick(FOREIGN_NEGATED), s, intent="refuse", commands=[])


# ---- nothing: advice, explanations, how-to, out of scope --------------------------------------------------------
# day-2 verb phrases ({g}: a guest, {n}: a node) inside advice and how-to questions
VERB_PHRASES = ["back up {g}", "snapshot {g}", "migrate {g} to {n}", "give {g} more ram", "resize {g}'s disk",
                "clone {g}", "delete the snapshot of {g}", "convert {g} to a template", "move {g}", "restore {g}",
                "roll back {g}", "reboot {g}", "restart {g}", "stop {g}", "shut down {g}", "start {g}", "delete {g}",
                "remove {g}", "power off {g}", "change {g}'s cores", "upgrade {g}", "resize {g}", "move {g} to {n}",
                "suspend {g}", "template {g}", "wipe {g}", "migrate {g}", "add a disk to {g}", "live migrate {g}"]
TECH = ["zfs", "lvm-thin", "ceph", "btrfs", "nfs", "iscsi", "virtio", "scsi", "ide", "q35", "i440fx", "ovmf",
        "seabios", "lxc", "kvm", "docker", "kubernetes", "pbs", "vzdump", "raid10", "raidz2", "ext4", "xfs",
        "cloud-init", "linked clones", "full clones", "ballooning", "hugepages", "cpu pinning", "ha", "replication"]
ADVICE = ["is {a} better than {b}", "is {a} better than {b} for a homelab?", "should i use {a} or {b}",
          "{a} or {b}, which one?", "what's the difference between {a} and {b}", "which is faster, {a} or {b}",
          "do you recommend {a}", "would you recommend {a} for {g}", "what is {a}", "explain {a} to me",
          "how does {a} work", "why would i use {a}", "pros and cons of {a}", "is {a} worth it",
          "what's best practice for {a}", "what are the risks of {a}", "can you explain how {a} works in proxmox",
          "how do i set up {a}", "how do i configure {a} on {n}", "is it safe to {vp}", "is it a good idea to {vp}",
          "would it be bad to {vp}", "should i {vp}", "do i need to {vp}", "what happens if i {vp}",
          "what happens when you {vp}", "how long does it take to {vp}", "how do i {vp} by hand",
          "how can i {vp} myself", "how would i {vp} from the shell", "why does {g} keep crashing",
          "why is {g} so slow", "why can't i {vp}", "what's the command to {vp}", "what's the right way to {vp}",
          "any tips to {vp}", "best way to {vp}?", "is there a way to {vp} without downtime?",
          "write me a bash script to {vp}", "write a python script that can {vp}",
          "give me an ansible playbook to {vp}",
          "generate a cron job to {vp}", "write a terraform module for {a}", "explain the output of {vp}",
          "what does it mean to {vp}", "teach me how to {vp}", "could you tell me how to {vp}",
          "how much ram does a {a} host need", "what size disk should {g} get",
          "is {n} overloaded, should i buy more ram", "which node should {g} run on", "should {g} be a vm or a ct",
          "was ist besser, {a} oder {b}?", "¿es mejor {a} o {b}?", "c'est quoi la différence entre {a} et {b} ?",
          "è meglio {a} o {b}?", "wat is beter, {a} of {b}?"]
OUT_OF_SCOPE = ["rm -rf / on {n}", "run rm -rf /var/lib/vz on {n}", "start the web console on 0.0.0.0",
                "expose the api to the internet", "remind me to patch {n} on friday", "open a ticket with proxmox "
                "support", "order new disks for {n}", "update the bios on {n}", "set up a vpn to the office",
                "configure ha for {g}", "create a ceph pool", "add a user called bob",
                "change the root password of {n}",
                "set up replication for {g} to {n}", "configure the firewall on {n}", "create a backup job for {g}",
                "join {n} to the cluster", "remove {n} from the cluster", "upgrade {n} to pve 9",
                "apt install htop on {n}",
                "send me an email when {g} is up", "add a network bridge vmbr2 on {n}", "rename the cluster",
                "change the hostname of {n}", "update all nodes",
                "run a speedtest on {n}", "reset the root password of {g}",
                "renew the ssl cert of {n}", "set up 2fa", "add an api token", "grant bob admin rights",
                "mount the nas on {n}", "wipe the disks of {n}", "format /dev/sdb on {n}", "flash the firmware of {n}",
                "create a vlan 20", "add a dns record for {g}", "move {n} to another rack", "buy a license",
                "pay the subscription", "text me when the backup is done", "call me when {g} dies",
                "enable the no-subscription repo on {n}", "disable the enterprise repo", "run memtest on {n}",
                "tail -f /var/log/syslog on {n}", "kill -9 the pvedaemon", "restart pveproxy on {n}",
                "restart corosync", "change the ip of {n}", "fix my network", "make it faster", "do something",
                "you decide", "surprise me", "do whatever you think is best", "fix everything", "clean up the mess",
                "optimise the cluster", "sort it out", "handle it"]


def gen_none_advice(g: Gen) -> Example:
    """Advice, explanations, how-to and out-of-scope work: nothing to run (guests and nodes still labelled)."""
    a, b = g.r.sample(TECH, 2)
    vp = g.pick(VERB_PHRASES)
    s: dict[str, Slot | str] = {"g": g.guest_ref(g.guest()), "n": (g.pick(g.names.nodes), "NODE"), "a": a, "b": b}
    t = g.pick(ADVICE if g.r.random() < 0.6 else OUT_OF_SCOPE).replace("{vp}", vp)
    return g.build(t + g.pick(["", "", "", "?", " thanks", " pls", ", just curious"]), s, intent="none", commands=[])


# ---- positive: runbooks, passive voice, context first, questions, Italian/Dutch ----------------------------------
STEPS = ["step {k}:", "step {k} -", "{k}.", "{k})", "todo:", "- [ ]", "next step:", "action item:", "runbook:",
         "per the runbook,", "change #{k}41:", "INC-{k}471:", "as per ticket {k}12,", "first,", "second,", "finally,",
         "task:", "ops request:", "ticket says:", "from the checklist:", "prep:", "item {k}:", "phase {k}:"]
FILLER = ["i think", "basically", "honestly", "if you don't mind", "so yeah", "like", "kind of", "i guess",
          "whenever you have a moment", "no rush but", "if it's not too much trouble", "for the record", "as usual",
          "you know", "um", "uh", "so basically", "to be honest", "long story short,", "anyway,", "btw",
          "not sure if this is the right place but", "i hope this makes sense:", "sorry for the bother,"]
WRAP_AFTER = ["that's all", "nothing else", "let me know when done", "ping me when it's done", "thanks a lot",
              "you're a star", "and let me know", "and tell me how it went", "then we're done", "cheers, ops team",
              "- ops", "(per runbook)", "as discussed in standup", "as agreed", "if that's ok", "thanks in advance",
              "- thanks!", "thank you so much"]


# words that also say "not now" or "not that" elsewhere, here in requests that are meant now (options, reasons)
BENIGN_AFTER = [", don't wait", ", don't wait for it", "and don't wait around", ", no need to wait", "now",
                "right now", "now please", ", right away", "before i forget", ", i need it for the upgrade",
                ", we're about to upgrade", "- it's for testing", ", then tell me", "and show me the task log",
                ", it's not in use", ", no questions", ", i'm sure",
                ", no reboot", "without rebooting", ", do not reboot it", ", i know what i'm doing", ", just this one",
                "only", ", only that one", ", nothing else", "first", "first of all", "today", "for today",
                ", we'll check it after", ", after that i'm done", ", don't ask me again", ", don't bother asking",
                ", it's urgent", "asap", "immediately", ", it's fine", ", it's the old one", ", while i watch",
                ", and wait for it", ", so i can test later", "(we tested it yesterday)", ", it was fine last week"]
BENIGN_BEFORE = ["now,", "right now:", "asap:", "urgent:", "first,", "before anything else,", "ok, now", "today:",
                 "quick one before lunch:", "while you're at it,", "after yesterday's outage,", "since the update,",
                 "since last night,", "as always,", "before i forget,"]


def gen_benign(g: Gen) -> Example | None:
    """A request meant now with words that elsewhere defer or negate ("…, don't wait", "now", "only", "first")."""
    ex = g.pick([lambda: _change(g), lambda: gen_cluster(g), lambda: gen_workspace(g)])()
    if ex is None:
        return None
    if g.r.random() < 0.5:  # the states a condition says, as the reason for the request (no cue word)
        reason = condition(g)
        if g.r.random() < 0.5:
            return _wrap(g, ex, [], [g.pick([", {r}", " because {r}", " - {r}", ", {r} again", " as {r}",
                                             ", looks like {r}"]).format(r=reason)], ex.intent, ex.commands)
        return _wrap(g, ex, [g.pick(["{r},", "{r}.", "{r} -", "{r}, so", "{r} again."]).format(r=reason)], [],
                     ex.intent, ex.commands)
    before = [g.pick(BENIGN_BEFORE)] if g.r.random() < 0.35 else []
    after = [g.pick(BENIGN_AFTER)] if not before or g.r.random() < 0.5 else []
    return _wrap(g, ex, before, after, ex.intent, ex.commands)


def gen_runbook(g: Gen) -> Example | None:
    """Any generated request as a runbook step or with filler before/after it; same intent, same labels."""
    maker = g.pick([lambda: _change(g), lambda: _change(g), lambda: gen_guest_op(g, "describe")])
    ex = maker()
    if ex is None:
        return None
    k = str(g.r.randint(1, 9))
    before = [g.pick(STEPS).format(k=k)] if g.r.random() < 0.6 else []
    if not before or g.r.random() < 0.35:
        before.append(g.pick(FILLER))
    after = [g.pick(WRAP_AFTER)] if g.r.random() < 0.4 else []
    return _wrap(g, ex, before, after, ex.intent, ex.commands)


PASSIVE = {
    "start": ["started", "booted", "powered on", "brought up", "turned on", "brought back up", "started again"],
    "stop": ["stopped", "killed", "powered off", "hard stopped", "turned off", "halted"],
    "shutdown": ["shut down", "shut down cleanly", "gracefully shut down", "powered down"],
    "reboot": ["rebooted", "restarted", "bounced", "power cycled", "restarted once"],
    "suspend": ["suspended", "paused", "frozen"],
    "resume": ["resumed", "unpaused"],
    "delete": ["deleted", "removed", "destroyed", "decommissioned", "wiped", "thrown away"],
    "backup_create": ["backed up", "backed-up", "dumped", "saved to backup"],
    "snapshot_create": ["snapshotted", "snapshot'd", "checkpointed"],
    "template": ["converted to a template", "turned into a template", "made a template"],
}
PASSIVE_FRAMES = ["{g} needs to be {vd}", "{g} should be {vd}", "{g} has to be {vd}", "{g} must be {vd} now",
                  "{g} needs to get {vd}", "can {g} be {vd}?", "could {g} be {vd} please", "i'd like {g} {vd}",
                  "please have {g} {vd}", "{g} to be {vd}, please", "get {g} {vd}", "i need {g} {vd}",
                  "{g} wants to be {vd}", "{g} is to be {vd}", "the {k} {g} needs to be {vd}",
                  "{g} ought to be {vd}", "we need {g} {vd}", "{g} needs {vd} asap", "{g} should get {vd}",
                  "could you make sure {g} is {vd}", "{g} {vd} please", "{g}: to be {vd}", "have {g} {vd}"]


def gen_passive(g: Gen) -> Example:
    """A guest said first and the action in the passive: "db-01 needs to be backed up"."""
    action = g.pick(sorted(PASSIVE))
    name = g.pick(g.templates) if action == "delete" and g.r.random() < 0.05 else g.guest()
    kind = g.guests[name][0]
    target = _grow(g.guests, name)
    exact = action in ("delete", "template")
    s: dict[str, Slot | str] = {"g": g.guest_ref(name, exact), "vd": g.pick(PASSIVE[action]),
                                "k": (g.kind_word(kind), "KIND")}
    cmd = {"backup_create": f"backup create {target}", "snapshot_create": f"snapshot create {target} manual"}.get(
        action, f"{action} {target}")
    return g.build(*g.line("{open} " + g.pick(PASSIVE_FRAMES) + " {close}", **s), intent=action, commands=[cmd])


SYMPTOMS = ["is hung", "hangs since the update", "is acting up", "is stuck again", "hasn't responded since lunch",
            "is unresponsive", "froze", "keeps crashing", "is throwing errors", "is super slow",
            "is eating all the cpu",
            "is in a weird state", "stopped answering pings", "has a kernel panic", "lost its network",
            "looks frozen on the console", "is leaking memory", "won't let me log in",
            "got an update that needs a restart",
            "just installed a kernel update", "is misbehaving", "is running hot", "is down", "is dead", "died"]
PRONOUN_ORDER = {"reboot": ["{v} it", "can you {v} it", "please {v} it", "{v} it please", "just {v} it",
                            "give it a {n}", "could you {v} it for me", "time to {v} it", "go {v} it"],
                 "stop": ["{v} it", "please {v} it", "{v} it, shutdown doesn't work", "just {v} it"],
                 "start": ["{v} it again", "please {v} it", "{v} it back up", "get it running again"],
                 "backup_create": ["back it up first", "take a backup of it", "please back it up",
                 "make a backup of it"],
                 "snapshot_create": ["snapshot it first", "take a snapshot of it", "snap it before i touch it"],
                 "describe": ["what's going on with it", "show me its config", "what's its status", "check on it",
                              "how is it configured", "tell me about it"]}


def gen_context_pronoun(g: Gen) -> Example:
    """Context first, then the order with a pronoun: "grafana hangs since the update, bounce it"."""
    action = g.pick(sorted(PRONOUN_ORDER))
    name = g.guest()
    target = _grow(g.guests, name)
    verb = g.pick(POWER_VERBS[action]) if action in POWER_VERBS else ""
    noun = {"reboot": "reboot", "stop": "hard stop", "start": "start"}.get(action, "")
    order = g.pick(PRONOUN_ORDER[action])
    t = g.pick(["{g} {sym}, " + order, "{g} {sym}. " + order, "{g} {sym} - " + order, "the {k} {g} {sym}; " + order,
                "hey, {g} {sym}. " + order + "?", "so {g} {sym} and users complain. " + order,
                "looks like {g} {sym}, " + order])
    if action == "start":
        t = g.pick(["{g} is down, " + order, "{g} is off. " + order, "{g} died overnight, " + order,
                    "{g} was shut down by accident, " + order])
    s: dict[str, Slot | str] = {"g": g.guest_ref(name), "sym": g.pick(SYMPTOMS), "v": verb, "n": noun,
                                "k": (g.kind_word(g.guests[name][0]), "KIND")}
    cmd = {"backup_create": f"backup create {target}", "snapshot_create": f"snapshot create {target} manual"}.get(
        action, f"{action} {target}")
    return g.build(t, s, intent=action, commands=[cmd])


QUESTIONS = ["is {g} up", "is {g} up?", "is {g} still running?", "is {g} alive", "can you tell me if {g} is running",
             "do you know which node {g} is on", "any idea where {g} runs?", "how much ram does {g} have",
             "how much memory does {g} have right now", "how many cpus does {g} get", "does {g} have enough memory?",
             "what's {g}'s disk size", "how big is the disk of {g}", "is {g} on or off", "is {g} powered on?",
             "has {g} got a static ip", "what's the uptime of {g}", "did {g} come back up?", "is {g} healthy",
             "what's the status of {g}", "which host is {g} sitting on", "is {g} a vm or a container",
             "can you check whether {g} is up", "quick check: is {g} running", "{g} up?", "{g} alive?",
             "is the {k} {g} running", "what does {g} look like right now", "how loaded is {g}",
             "ist {g} an?", "läuft {g} noch?", "¿{g} está encendido?", "{g} est allumé ?", "{g} è acceso?",
             "{g} è in esecuzione?", "draait {g} nog?", "staat {g} aan?", "hoeveel geheugen heeft {g}?",
             "quanta ram ha {g}?"]


def gen_question(g: Gen) -> Example:
    """A question about one guest is `describe`."""
    name = g.guest()
    s: dict[str, Slot | str] = {"g": g.guest_ref(name), "k": (g.kind_word(g.guests[name][0]), "KIND")}
    return g.build(*g.line(g.pick(QUESTIONS) + " {close}", **s), intent="describe",
                   commands=[f"describe {_grow(g.guests, name)}"])


ITALIAN_DUTCH = {
    "start": ["avvia {g}", "accendi {g}", "fai partire {g}", "avvia la vm {g}", "start {g} op", "zet {g} aan",
              "start de vm {g}", "start container {g}"],
    "stop": ["ferma {g}", "arresta {g}", "stop {g} meteen", "zet {g} uit", "stop de vm {g}"],
    "shutdown": ["spegni {g}", "spegni la vm {g}", "sluit {g} af", "zet {g} netjes uit", "fahr {g} runter"],
    "reboot": ["riavvia {g}", "riavvia il container {g}", "herstart {g}", "start {g} opnieuw op", "herstart de vm {g}"],
    "delete": ["elimina {g}", "cancella {g}", "rimuovi la vm {g}", "verwijder {g}", "gooi {g} weg"],
    "backup_create": ["fai un backup di {g}", "backup di {g}", "maak een backup van {g}", "back-up {g}",
                      "maak een back-up van {g}"],
    "snapshot_create": ["fai uno snapshot di {g}", "crea uno snapshot di {g}", "maak een snapshot van {g}"],
    "describe": ["mostra {g}", "dettagli di {g}", "configurazione di {g}", "toon {g}", "laat {g} zien",
                 "details van {g}"],
    "migrate": ["sposta {g} su {n}", "migra {g} su {n}", "verplaats {g} naar {n}", "migreer {g} naar {n}"],
    "set": ["dai {m} di ram a {g}", "imposta la memoria di {g} a {m}", "geef {g} {m} geheugen",
            "zet het geheugen van {g} op {m}"],
}
ITALIAN_DUTCH_LISTS = {"list vms": ["mostra le vm", "elenca le macchine virtuali", "quali vm ci sono", "toon alle vm's",
                                    "laat de vm's zien", "welke vm's zijn er"],
                       "list cts": ["mostra i container", "elenca i container", "toon de containers",
                                    "welke containers zijn er"],
                       "logs": ["mostra i log", "fammi vedere i log", "toon de logs", "laat de logs zien"],
                       "tasks": ["mostra i task", "toon de taken"],
                       "health": ["come sta il cluster?", "stato del cluster", "hoe gaat het met het cluster?",
                                  "status van het cluster"]}


def gen_italian_dutch(g: Gen) -> Example:
    """Short Italian and Dutch requests on a guest, and lists."""
    if g.r.random() < 0.25:
        cmd = g.pick(sorted(ITALIAN_DUTCH_LISTS))
        return g.build(g.pick(ITALIAN_DUTCH_LISTS[cmd]) + g.pick(["", "", "?", " per favore", " graag",
                                                                  " alsjeblieft"]),
                       {}, intent=cmd.split()[0], commands=[cmd])
    action = g.pick(sorted(ITALIAN_DUTCH))
    name = g.guest()
    target = _grow(g.guests, name)
    gib = g.pick(["2", "4", "8", "16"])
    node = g.pick([n for n in g.names.nodes if n != g.guests[name][2]])
    s: dict[str, Slot | str] = {"g": g.guest_ref(name, exact=action == "delete"), "n": (node, "NODE"),
                                "m": (gib + g.pick(["GB", " GB", "G", " giga"]), "MEM")}
    cmd = {"backup_create": f"backup create {target}", "snapshot_create": f"snapshot create {target} manual",
           "migrate": f"migrate {target} {node}", "set": f"set {target} --memory {int(gib) * 1024}"}.get(
        action, f"{action} {target}")
    t = g.pick(ITALIAN_DUTCH[action]) + g.pick(["", "", " per favore", " subito", " graag", " nu", " alsjeblieft"])
    return g.build(t, s, intent=action, commands=[cmd])


# (share of the general mix, maker)
MAKERS: list[tuple[float, Callable[[Gen], Example | None]]] = [
    (0.025, gen_refuse_wrapped), (0.004, gen_refuse_negated), (0.012, gen_none_advice), (0.015, gen_runbook),
    (0.03, gen_benign), (0.01, gen_passive), (0.008, gen_context_pronoun), (0.008, gen_question),
    (0.01, gen_italian_dutch)]
