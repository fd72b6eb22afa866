"""Train the request model (averaged perceptrons, plain Python) and write the committed artifact.

Run: python -m pmpc_tui.nl.train.train [--variant full|no-char|no-gaz|no-prev|no-mask] [--no-write]
     [--real COPIES [--musts N]]  (the intent classifier also learns from the tuning sets' requests: train/real.py)
The variant switches off one feature group to measure what it is worth (docs/natural-language.md lists the figures);
`full` is the shipped model. Everything is deterministic: same generator seed, same example order, same weights.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from pmpc_tui.nl.model import runtime
from pmpc_tui.nl.model.runtime import Gazetteer, intent_features, masked, token_features
from pmpc_tui.nl.train import vocab
from pmpc_tui.nl.train.generate import Example, generate

VERSION = "3"
SEED = 17
COUNT = 16_000
FOURTH = ("4", 20_000)  # version and example count with the fourth round's frames (`--fourth-round`)


class Perceptron:
    """Multi-class averaged perceptron over string features (sparse weights)."""

    def __init__(self, classes: list[str]) -> None:
        self.classes = classes
        self.w: dict[str, dict[int, float]] = defaultdict(dict)
        self.total: dict[str, dict[int, float]] = defaultdict(dict)
        self.stamp: dict[str, dict[int, int]] = defaultdict(dict)
        self.t = 0

    def predict(self, feats: Iterable[str]) -> int:
        scores = [0.0] * len(self.classes)
        for f in feats:
            row = self.w.get(f)
            if row:
                for k, v in row.items():
                    scores[k] += v
        return max(range(len(scores)), key=scores.__getitem__)

    def update(self, truth: int, guess: int, feats: list[str]) -> None:
        self.t += 1
        if truth == guess:
            return
        for f in feats:
            for k, delta in ((truth, 1.0), (guess, -1.0)):
                old = self.w[f].get(k, 0.0)
                self.total[f][k] = self.total[f].get(k, 0.0) + (self.t - self.stamp[f].get(k, 0)) * old
                self.stamp[f][k] = self.t
                self.w[f][k] = old + delta

    def averaged(self, prune: float) -> dict[str, list[float]]:
        """Averaged weights as feature → [class, weight, class, weight …], tiny weights dropped."""
        out: dict[str, list[float]] = {}
        for f in sorted(self.w):
            pairs: list[float] = []
            for k in sorted(self.w[f]):
                total = self.total[f].get(k, 0.0) + (self.t - self.stamp[f].get(k, 0)) * self.w[f][k]
                avg = round(total / max(1, self.t), 2)
                if abs(avg) >= prune:
                    pairs += [k, avg]
            if pairs:
                out[f] = pairs
        return out


def split(examples: list[Example]) -> tuple[list[Example], list[Example]]:
    """Every tenth example is held back for testing."""
    return [e for i, e in enumerate(examples) if i % 10], [e for i, e in enumerate(examples) if i % 10 == 0]


def keep(variant: str) -> Callable[[str], bool]:
    """Which features a variant uses."""
    drop = {"full": (), "no-char": ("c=",), "no-gaz": ("g=",), "no-prev": ("t-1=",), "no-mask": ()}[variant]
    return lambda f: not f.startswith(drop)


def train(examples: list[Example], variant: str = "full", epochs: int = 8) -> dict[str, object]:
    """Weights for the intent classifier and the slot tagger."""
    gaz = Gazetteer.build(vocab.world().guests, vocab.world().nodes, vocab.world().storage)
    use = keep(variant)
    intents = sorted({e.intent for e in examples})
    tags = sorted({t for e in examples for t in e.tags})
    clf, tagger = Perceptron(intents), Perceptron(tags)
    rng = random.Random(SEED)
    order = list(examples)
    masks = variant != "no-mask"  # the classifier sees names as their kind (runtime.masked), from the true labels
    intent_feats = [[f for f in intent_features(masked(e.tokens, e.tags) if masks else e.tokens) if use(f)]
                    for e in order]
    token_feats = [[[f for f in token_features(e.tokens, i, gaz) if use(f)] for i in range(len(e.tokens))]
                   for e in order]
    index = list(range(len(order)))
    for _epoch in range(epochs):
        rng.shuffle(index)
        for n in index:
            e = order[n]
            truth = intents.index(e.intent)
            clf.update(truth, clf.predict(intent_feats[n]), intent_feats[n])
            prev = "<s>"
            for i, tag in enumerate(e.tags):
                feats = token_feats[n][i] + ([f"t-1={prev}"] if use("t-1=") else [])
                tagger.update(tags.index(tag), tagger.predict(feats), feats)
                prev = tag  # teacher forcing: the true previous label
    return {"version": VERSION, "variant": variant, "masks": masks, "intents": intents, "tags": tags,
            "intent_w": clf.averaged(0.05), "tag_w": tagger.averaged(0.05)}


def real_intent_features(model: runtime.Model, real: list[Example]) -> list[list[str]]:
    """The classifier's features of real requests: names masked by the tagger's own labels, as at run time."""
    gaz = Gazetteer.build(vocab.world().guests, vocab.world().nodes, vocab.world().storage)
    return [intent_features(masked(e.tokens, model.tag(e.tokens, gaz))) for e in real]


def train_intents(intents: list[str], feats: list[list[str]], labels: list[str],
                  epochs: int = 8) -> dict[str, list[float]]:
    """Intent weights from features and labels (synthetic and real requests together, one fixed shuffle)."""
    clf = Perceptron(intents)
    rng = random.Random(SEED)
    index = list(range(len(feats)))
    for _epoch in range(epochs):
        rng.shuffle(index)
        for n in index:
            clf.update(intents.index(labels[n]), clf.predict(feats[n]), feats[n])
    return clf.averaged(0.05)


def with_real(data: dict[str, object], synthetic: list[Example], copies: int, leave_out: str | None = None,
              musts: int | None = None) -> dict[str, object]:
    """The model `data` with its intent classifier retrained on the synthetic and the real requests (the tagger kept:
    it still learns from the generator only)."""
    from pmpc_tui.nl.train.real import real_examples

    model = runtime.Model(data)
    real = real_examples(leave_out, copies, SEED, musts)
    feats = [intent_features(masked(e.tokens, e.tags)) for e in synthetic] + real_intent_features(model, real)
    labels = [e.intent for e in synthetic] + [e.intent for e in real]
    intents: list[str] = data["intents"]  # type: ignore[assignment]
    return {**data, "intent_w": train_intents(intents, feats, labels),
            "real": {"copies": copies, "musts": musts, "examples": len(real)}}


def data_hash(examples: list[Example]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(json.dumps(e.as_dict(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def evaluate(model: runtime.Model, examples: list[Example]) -> dict[str, float]:
    """Intent accuracy and token-label accuracy (on tokens that carry a slot)."""
    gaz = Gazetteer.build(vocab.world().guests, vocab.world().nodes, vocab.world().storage)
    right = slot_right = slot_total = 0
    for e in examples:
        labels = model.tag(e.tokens, gaz)
        right += model.intents_of(e.tokens, labels)[0][0] == e.intent  # names masked by the tagger's own labels
        for truth, got in zip(e.tags, labels, strict=True):
            if truth != "O" or got != "O":
                slot_total += 1
                slot_right += truth == got
    return {"intent": right / len(examples), "slots": slot_right / max(1, slot_total)}


def dev_accuracy(model: runtime.Model) -> float:
    """Exact-command accuracy of the model (no rules) on the hand-written dev set, homelab names."""
    from pathlib import Path

    from ruamel.yaml import YAML

    from pmpc_tui.nl import model_parser
    from pmpc_tui.services.names import Names
    from pmpc_tui.simulator.scenarios import homelab

    cluster = homelab()
    names = Names(nodes=sorted(cluster.nodes), storage=sorted({s.storage for s in cluster.storages.values()}))
    for g in cluster.guests.values():
        names.facts[g.name] = ("vm" if g.kind == "qemu" else "ct", g.vmid, g.node, g.status,
                               str(g.config.get("tags", "")))
    items = YAML(typ="safe").load((Path(__file__).with_name("dev_requests.yaml")).read_text())["requests"]
    loaded = runtime.load
    runtime.load = lambda: model  # type: ignore[assignment]
    try:
        right = sum(sorted(model_parser.parse_with_model(i["text"], names).commands) == sorted(i["commands"])
                    for i in items)
    finally:
        runtime.load = loaded  # type: ignore[assignment]
    return right / len(items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--variant", default="full", choices=("full", "no-char", "no-gaz", "no-prev", "no-mask"))
    ap.add_argument("--no-write", action="store_true", help="measure only; keep the committed artifact")
    ap.add_argument("--fourth-round", action="store_true",
                    help="train on the fourth round's data (generate.FOURTH_ROUND; measured, not shipped)")
    ap.add_argument("--real", type=int, default=0, metavar="COPIES",
                    help="also train the intent classifier on the tuning sets' requests, each COPIES times (real.py)")
    ap.add_argument("--musts", type=int, default=None, metavar="N",
                    help="with --real: the must-not requests N times (0: left out; default: COPIES)")
    args = ap.parse_args()
    version, count = VERSION, COUNT
    if args.fourth_round:
        from pmpc_tui.nl.train import generate as generator

        generator.FOURTH_ROUND = True
        version, count = FOURTH
    examples = generate(count, SEED)
    train_set, test_set = split(examples)
    started = time.perf_counter()
    data = train(train_set, args.variant)
    data["version"] = version
    if args.real:
        data = with_real(data, train_set, args.real, musts=args.musts)
    model = runtime.Model(data)
    figures = evaluate(model, test_set)
    print(f"variant {args.variant}: trained on {len(train_set)} in {time.perf_counter() - started:.0f} s; "
          f"held-back split ({len(test_set)}): intent {figures['intent'] * 100:.1f} %, "
          f"slot tokens {figures['slots'] * 100:.1f} %; dev set exact {dev_accuracy(model) * 100:.1f} %")
    if args.no_write:
        return
    blob = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with open(runtime.ARTIFACT, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(blob)
    meta = {"version": version, "seed": SEED, "examples": len(examples), "data_sha256": data_hash(examples),
            "weights_sha256": hashlib.sha256(blob).hexdigest()[:16], "variant": args.variant,
            "held_back_intent": round(figures["intent"], 4), "held_back_slots": round(figures["slots"], 4)}
    if args.real:
        meta["real_copies"] = args.real
        meta["real_musts"] = args.real if args.musts is None else args.musts
    runtime.META.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
