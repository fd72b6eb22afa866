"""Real requests for the intent classifier: the labelled tuning sets, read at training time only (never at run time).

Each request of a tuning set becomes an example whose intent is its expected command's (`commands: []` → `refuse`,
or `none` for chit-chat), with the generator's typos and names swapped for others of the same kind in the extra
copies (`copies`: how much a real request weighs against a synthetic one). The held-out and unseen sets are never
among the inputs (`REAL_SETS` names every file read, by path; nl_dev2 only through its tune part).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pmpc_tui.nl.model.runtime import tokenize
from pmpc_tui.nl.train import vocab
from pmpc_tui.nl.train.generate import Example, Gen

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"
# (file, part): the tuning sets; nl_dev2's final part is a fixed random 30 % that nobody reads
REAL_SETS: tuple[tuple[str, str], ...] = (
    ("nl_requests.yaml", "all"), ("nl_dev.yaml", "all"), ("nl_dev2.yaml", "tune"), ("nl_dev3.yaml", "all"),
    ("nl_dev4.yaml", "all"), ("nl_dev5.yaml", "all"), ("nl_dev6.yaml", "all"))
SUBCOMMANDS = ("snapshot", "backup", "disk", "storage")
# must-not requests that are small talk or about nothing to do read as `none`, every other one as `refuse`
NONE_CATEGORIES = frozenset({"chitchat", "chit-chat", "nothing-to-do"})


def intent_of(item: dict[str, Any]) -> str | None:
    """The intent a labelled request stands for (None: lines of different commands, left out)."""
    lines = list(item.get("commands") or [])
    if not lines:
        return "none" if str(item.get("category", "")) in NONE_CATEGORIES else "refuse"
    heads = {"_".join(line.split()[:2]) if line.split()[0] in SUBCOMMANDS else line.split()[0] for line in lines}
    return heads.pop() if len(heads) == 1 else None


@lru_cache(maxsize=16)
def load_set(name: str, part: str) -> list[dict[str, Any]]:
    """One tuning set's requests (for nl_dev2, its tune part only, chosen as `benchmarks/nl_eval.py` chooses it)."""
    import sys

    from ruamel.yaml import YAML

    sys.path.insert(0, str(BENCHMARKS))
    try:
        from nl_eval import part_of
    finally:
        sys.path.remove(str(BENCHMARKS))
    items = YAML(typ="safe").load((BENCHMARKS / name).read_text())["requests"]
    return part_of(items, part)


class Swapper:
    """Names of the homelab cluster swapped for others of the same kind from the generator's world, and typos."""

    def __init__(self, seed: int) -> None:
        self.gen = Gen(seed, vocab.world())
        world = self.gen.guests
        self.by_kind = {k: [n for n in self.gen.plain if world[n][0] == k] for k in ("vm", "ct")}
        self.kind = {n.lower(): g[0] for n, g in world.items() if "template" not in g[4]}
        self.nodes = {n.lower() for n in self.gen.names.nodes}
        self.storage = {s.lower() for s in self.gen.names.storage}
        self.tags = sorted({t for g in world.values() for t in re.split(r"[;,]", g[4]) if t and t != "template"})

    def copy(self, tokens: list[str]) -> list[str]:
        """The request with each known name replaced consistently (same name → same new name) and some typos."""
        swap: dict[str, str] = {}
        out = []
        for token in tokens:
            low = token.lower()
            if low not in swap:
                if low in self.kind:
                    swap[low] = self.gen.pick(self.by_kind[self.kind[low]])
                elif low in self.nodes:
                    swap[low] = self.gen.pick(self.gen.names.nodes)
                elif low in self.storage:
                    swap[low] = self.gen.pick(self.gen.names.storage)
            out.append(swap[low] if low in swap else self.gen.typo(token))
        return out


def real_examples(leave_out: str | None = None, copies: int = 1, seed: int = 17,
                  musts: int | None = None) -> list[Example]:
    """The tuning sets' requests as examples (tags all `O`: the classifier sees them masked by the tagger), each
    set but `leave_out`; every request `copies` times, the first as written; the must-not ones (`refuse`/`none`)
    `musts` times (default: `copies`; 0 leaves them out)."""
    swapper = Swapper(seed)
    out: list[Example] = []
    for item, intent in _labelled(leave_out):
        tokens = tokenize(str(item["text"]))
        times = copies if musts is None or intent not in ("refuse", "none") else musts
        for n in range(times):
            words = tokens if n == 0 else swapper.copy(tokens)
            lines = list(item.get("commands") or [])
            out.append(Example(" ".join(words), words, ["O"] * len(words), intent, lines))
    return out


def _labelled(leave_out: str | None) -> Iterator[tuple[dict[str, Any], str]]:
    """Every request of the tuning sets but `leave_out`'s, with its intent (those without one left out)."""
    for name, part in REAL_SETS:
        if name == leave_out:
            continue
        for item in load_set(name, part):
            intent = intent_of(item)
            if intent is not None:
                yield item, intent


def sources(leave_out: str | None = None) -> list[Path]:
    """Every file the real examples are read from."""
    return [BENCHMARKS / name for name, _part in REAL_SETS if name != leave_out]



# --- slot labels for the tagger, where the command lines say them unambiguously -------------------------------
ALIGNED = frozenset({"start", "stop", "shutdown", "reboot", "suspend", "resume", "delete", "describe", "template",
                     "snapshot_create", "snapshot_rollback", "snapshot_delete", "snapshot_list", "migrate",
                     "backup_create", "backup_list", "clone"})
# options whose value is a name the tagger labels; flags without a value are the rules' business (--online …)
NAMED_OPTIONS = {"--node": "NODE", "--storage": "STORAGE", "--target-storage": "STORAGE", "--name": "NEWNAME"}
FLAGS = frozenset({"--online", "--with-local-disks", "--dry-run", "--wait", "--no-wait", "--linked", "--vmstate",
                   "--force", "--purge"})
KIND_WORDS = frozenset({"vm", "vms", "machine", "machines", "container", "containers", "lxc", "lxcs", "ct", "cts",
                        "server", "servers"})
SELECTORS = frozenset({"all", "every", "everything", "each", "except", "but", "skip", "apart", "excluding", "other",
                       "others", "both", "them", "they", "it", "its", "those", "these", "that", "one", "ones"})


def aligned(item: dict[str, Any], tokens: list[str], intent: str, names: Any) -> list[str] | None:
    """BIO labels for a request whose every name in the command lines appears in it as written (a guest, VMID,
    node, storage, new name or snapshot), and which says nothing the generator labels otherwise (a selection, an
    exception, a size, a status …); None when that is not certain."""
    import shlex

    if intent not in ALIGNED:
        return None
    guests = {n.lower() for n in names.guests} | {str(g[1]) for g in names.guests.values()}
    want: dict[str, str] = {}
    for line in item.get("commands") or []:
        words = shlex.split(line)
        words = words[2:] if words[0] in SUBCOMMANDS else words[1:]
        k = 0
        while k < len(words):
            word = words[k]
            if word in NAMED_OPTIONS and k + 1 < len(words):
                kind = "SNAP" if intent.startswith("snapshot") else NAMED_OPTIONS[word]
                want[words[k + 1].lower()] = kind
                k += 2
                continue
            if word.startswith("-") and word not in FLAGS:
                return None
            if not word.startswith("-") and word not in ("vm", "ct"):
                low = word.lower()
                if low in guests:
                    want[low] = "GUEST"
                elif intent == "migrate" and low in {n.lower() for n in names.nodes}:
                    want[low] = "NODE"
                elif intent.startswith("snapshot_") and intent != "snapshot_list":
                    want[low] = "SNAP"
                else:
                    return None
            k += 1
    said = [t.lower() for t in tokens]
    if not want or not set(want) <= set(said) or SELECTORS & set(said):
        return None
    tags = []
    for k, word in enumerate(said):
        if word in want:
            tags.append("B-" + want[word])
        elif word in ("machine", "machines") and k and said[k - 1] == "virtual":
            tags.append("I-KIND")
        elif word in KIND_WORDS or (word == "virtual" and said[k + 1:k + 2] in (["machine"], ["machines"])):
            tags.append("B-KIND")
        else:
            tags.append("O")
    return tags


def tagged_examples(leave_out: str | None = None, copies: int = 1, seed: int = 17) -> list[Example]:
    """The tuning sets' requests that `aligned` labels, each `copies` times (names swapped in the copies, the
    command lines left as they were: the tagger learns from tokens and labels only)."""
    swapper = Swapper(seed)
    homelab = homelab_names()
    out: list[Example] = []
    for item, intent in _labelled(leave_out):
        tokens = tokenize(str(item["text"]))
        tags = aligned(item, tokens, intent, homelab)
        if tags is None:
            continue
        for n in range(copies):
            words = tokens if n == 0 else swapper.copy(tokens)
            out.append(Example(" ".join(words), words, tags, intent, list(item.get("commands") or [])))
    return out


def homelab_names(templates: bool = False) -> Any:
    """The homelab scenario's names (what the sets' command lines name), with statuses and tags; `templates`:
    its templates marked too (the evaluation's view; the training's examples were aligned without)."""
    from pmpc_tui.services.names import Names
    from pmpc_tui.simulator.scenarios import homelab

    cluster = homelab()
    names = Names(nodes=sorted(cluster.nodes), storage=sorted(cluster.storages))
    for g in cluster.guests.values():
        names.facts[g.name] = ("vm" if g.kind == "qemu" else "ct", g.vmid, g.node, g.status,
                               str(g.config.get("tags", "")))
        if templates and g.is_template:
            names.templates.add(g.vmid)
    return names
