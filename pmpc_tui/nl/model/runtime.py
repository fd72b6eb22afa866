"""Inference for the embedded model in plain Python: tokens, features, intent scores and slot tags.

The artifact (`weights.json.gz`, written by `make nl-model`) holds averaged-perceptron weights (feature →
[class, weight, …]): one table for the intent classifier, one for the per-token slot tagger.
Nothing here imports scikit-learn or numpy.
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import orjson

ARTIFACT = Path(__file__).with_name("weights.json.gz")
META = Path(__file__).with_name("meta.json")
TOKEN = re.compile(r"https?://\S+|[\w.~-]*/[\w./~-]*\w|\+?\w(?:[\w\-.:@+]*\w)?|[^\w\s]")


def tokenize(text: str) -> list[str]:
    """Words, names with hyphens and dots (k8s-1..3, 192.168.1.5/24), URLs, paths and punctuation."""
    return TOKEN.findall(text)


@lru_cache(maxsize=65536)
def squash(word: str) -> str:
    """A name without separators and leading zeros in numbers: db-01, db01 and db_1 meet as db1."""
    return re.sub(r"(?<![0-9])0+(?=[0-9])", "", re.sub(r"[-_.]", "", word.lower()))


@dataclass(frozen=True)
class Gazetteer:
    """The names a request may refer to (from the state database), keyed for lookup."""

    guests: frozenset[str] = frozenset()
    squashed: frozenset[str] = frozenset()
    vmids: frozenset[str] = frozenset()
    nodes: frozenset[str] = frozenset()
    storage: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    @classmethod
    def build(cls, guests: dict[str, tuple[str, int, str, str, str]], nodes: list[str],
              storage: list[str]) -> Gazetteer:
        names = {n.lower() for n in guests}
        tags = {t for g in guests.values() for t in re.split(r"[;,]", g[4]) if t}
        return cls(frozenset(names), frozenset(squash(n) for n in names), frozenset(str(g[1]) for g in guests.values()),
                   frozenset(n.lower() for n in nodes), frozenset(s.lower() for s in storage), frozenset(tags))


def _shape(word: str) -> str:
    shape = re.sub(r"[a-z]+", "a", re.sub(r"[A-Z]+", "A", re.sub(r"[0-9]+", "0", word)))
    return shape[:6]


# words that say which resource a size is for
RESOURCE = {**dict.fromkeys(("ram", "memory", "mem", "ddr", "speicher", "memoria", "mémoire"), "mem"),
            **dict.fromkeys(("disk", "storage", "space", "ssd", "hdd", "drive", "rootfs", "festplatte", "disco",
                             "disque"), "disk"),
            **dict.fromkeys(("cores", "core", "cpu", "cpus", "vcpu", "vcpus", "kerne", "núcleos", "cœurs"), "cpu")}


def token_features(tokens: list[str], i: int, gaz: Gazetteer) -> list[str]:
    """Features of token i: the word, its neighbours, its shape and affixes, and where it appears in the names."""
    word = tokens[i].lower()
    feats = ["b", "w=" + word, "s=" + _shape(tokens[i]), "p3=" + word[:3], "x3=" + word[-3:]]
    around = {}
    for off in (-2, -1, 1, 2):
        j = i + off
        around[off] = tokens[j].lower() if 0 <= j < len(tokens) else ("<s>" if j < 0 else "</s>")
        feats.append(f"w{off}={around[off]}")
    feats += [f"w-1w={around[-1]}|{word}", f"ww1={word}|{around[1]}", f"w-2-1={around[-2]}|{around[-1]}"]
    if word in gaz.guests:
        feats.append("g=guest")
    elif squash(word) in gaz.squashed and len(word) > 2:
        feats.append("g=guest~")
    if word in gaz.vmids:
        feats.append("g=vmid")
    if word in gaz.nodes:
        feats.append("g=node")
    if word in gaz.storage:
        feats.append("g=storage")
    if word in gaz.tags:
        feats.append("g=tag")
    ahead = next((RESOURCE[t.lower()] for t in tokens[i + 1:i + 4] if t.lower() in RESOURCE), None)
    if ahead:  # the nearest resource word after a size ("8 gigs of ram"), and before it ("disk: 32G")
        feats.append("r+=" + ahead)
    behind = next((RESOURCE[t.lower()] for t in reversed(tokens[max(0, i - 2):i]) if t.lower() in RESOURCE), None)
    if behind:
        feats.append("r-=" + behind)
    if word.isdigit():
        feats.append("digits=" + str(min(len(word), 5)))
    if re.fullmatch(r"\d+(\.\d+)?[a-z]{1,3}", word):
        feats.append("numunit=" + re.sub(r"[\d.]+", "", word))
    return feats


def intent_features(tokens: list[str]) -> list[str]:
    """Words, word pairs and character 4-grams of each word (these survive typos)."""
    # a task id is one word ("upid"): its characters (…:qmigrate:…) say nothing about the request's intent
    # a masked name counts as a word of its kind ("copy <guest> to <name>" is a clone, "copy <file> to <storage>" an
    # upload)
    words = ["upid" if t[:5].lower() == "upid:" else t.lower() for t in tokens if re.match(r"\w|<\w+>$", t)]
    feats = ["b"] + ["w=" + w for w in words]
    feats += [f"b={a}|{b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True)]
    for w in words:
        padded = f"<{w}>"
        feats += ["c=" + padded[k:k + 4] for k in range(max(1, len(padded) - 3))]
    return feats


# what the intent classifier sees instead of a slot's words: "start nginx-proxy" and "start web-01" are one
# request shape, and a guest's name never votes for an intent
MASK = {"GUEST": "<guest>", "EXCEPT": "<guest>", "RANGE": "<guest>", "NEWNAME": "<name>", "TEMPLATE": "<template>",
        "NODE": "<node>", "STORAGE": "<storage>", "SNAP": "<snap>", "URL": "<url>", "FILE": "<file>",
        "SUMMARY": "<summary>"}


def masked(tokens: list[str], tags: list[str]) -> list[str]:
    """The tokens with each name-like slot (guest, node, storage, snapshot, URL …) replaced by its kind, once."""
    out = []
    for token, tag in zip(tokens, tags, strict=True):
        kind = MASK.get(tag[2:]) if tag != "O" else None
        if kind is None:
            out.append(token)
        elif tag.startswith("B-"):
            out.append(kind)
    return out


class Model:
    """Intent classifier and slot tagger weights, and how to apply them."""

    def __init__(self, data: dict[str, object]) -> None:
        self.intents: list[str] = data["intents"]  # type: ignore[assignment]
        self.tags: list[str] = data["tags"]  # type: ignore[assignment]
        self.intent_w: dict[str, list[float]] = data["intent_w"]  # type: ignore[assignment]
        self.tag_w: dict[str, list[float]] = data["tag_w"]  # type: ignore[assignment]
        self.version: str = str(data.get("version", ""))
        self.masks: bool = bool(data.get("masks", False))  # trained on masked tokens (see `masked`)

    def intents_of(self, tokens: list[str], tags: list[str]) -> list[tuple[str, float]]:
        """The intents of a request whose tokens are tagged already (names masked when the model was trained so)."""
        return self.classify(masked(tokens, tags) if self.masks else tokens)

    def classify(self, tokens: list[str]) -> list[tuple[str, float]]:
        """Intents with a probability (softmax of the perceptron scores), most likely first."""
        scores = [0.0] * len(self.intents)
        for f in intent_features(tokens):
            row = self.intent_w.get(f)
            if row is not None:
                for n in range(0, len(row), 2):
                    scores[int(row[n])] += row[n + 1]
        top = max(scores)
        exp = [math.exp(min(0.0, s - top)) for s in scores]
        total = sum(exp)
        return sorted(((self.intents[k], exp[k] / total) for k in range(len(scores))), key=lambda kv: -kv[1])

    def tag(self, tokens: list[str], gaz: Gazetteer) -> list[str]:
        """A BIO slot label per token (greedy, left to right, each step seeing the previous label)."""
        labels: list[str] = []
        prev = "<s>"
        for i in range(len(tokens)):
            scores = [0.0] * len(self.tags)
            for f in [*token_features(tokens, i, gaz), "t-1=" + prev]:
                row = self.tag_w.get(f)
                if row is not None:
                    for n in range(0, len(row), 2):
                        scores[int(row[n])] += row[n + 1]
            best = self.tags[max(range(len(scores)), key=scores.__getitem__)]
            if best.startswith("I-") and prev[2:] != best[2:]:
                best = "B-" + best[2:]
            labels.append(best)
            prev = best
        return labels


@lru_cache(maxsize=1)
def load() -> Model:
    """The committed model, read once (lazily: only a request in plain English pays for it)."""
    with gzip.open(ARTIFACT, "rb") as fh:
        return Model(orjson.loads(fh.read()))  # orjson: about 2x faster than json on the ~0.9 MB of weights
