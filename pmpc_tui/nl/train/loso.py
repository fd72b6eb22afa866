"""Leave one set out: for each tuning set X, retrain the intent classifier on the generator + every other real set and
measure X with `benchmarks/nl_eval.py`, beside the shipped model on X.

The tagger is the shipped one (it learns from the generator only, and the committed artifact is what the generator's
data trains: `meta.json`'s data hash is checked), so each run trains the classifier only.
`raw`: the classifier's own intent (before any rule) equal to the label's (train/real.py `intent_of`).
Run: python -m pmpc_tui.nl.train.loso [--copies 1 3] [--sets nl_dev3.yaml …] [--out FILE.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from typing import Any

import orjson

from pmpc_tui.nl.model import runtime
from pmpc_tui.nl.model.runtime import intent_features, masked
from pmpc_tui.nl.train import real
from pmpc_tui.nl.train.generate import generate
from pmpc_tui.nl.train.train import COUNT, SEED, data_hash, real_intent_features, split, train, train_intents

FIGURES = ("intent", "slots", "exact", "guarded", "refused", "forbidden")


def measure(model: runtime.Model, name: str, part: str) -> dict[str, Any]:
    """nl_eval's figures for one set, read with `model`."""
    sys.path.insert(0, str(real.BENCHMARKS))
    from nl_eval import evaluate, homelab_names

    items = real.load_set(name, part)
    gaz = runtime.Gazetteer.build(homelab_names().guests, homelab_names().nodes, homelab_names().storage)
    raw = [runtime.tokenize(str(i["text"])) for i in items]
    right = sum(model.intents_of(t, model.tag(t, gaz))[0][0] == real.intent_of(i)
                for t, i in zip(raw, items, strict=True))
    loaded = runtime.load
    runtime.load = lambda: model  # type: ignore[assignment]
    try:
        r = evaluate(dataset=real.BENCHMARKS / name, part=part)
    finally:
        runtime.load = loaded  # type: ignore[assignment]
    return {k: r[k] for k in FIGURES} | {"raw": right / len(items), "not_refused": r["not_refused"],
                                          "requests": r["requests"]}


def table(paths: list[str]) -> None:
    """The rows written by earlier runs, one line per set and model, and each model's average over the sets."""
    rows = [json.loads(line) for path in paths for line in open(path, encoding="utf-8")]  # noqa: SIM115
    print(f"{'set':14} {'model':18} intent slots exact guarded refused forb  raw   carried out")
    for r in rows:
        print(f"{r['set'].removesuffix('.yaml'):14} {r['model']:18} " + " ".join(
            f"{r[k] * 100:6.1f}" for k in ("intent", "slots", "exact", "guarded", "refused")) +
            f" {r['forbidden']:3d} " + (f"{r['raw'] * 100:6.1f}" if "raw" in r else "     -") + f"  {r['not_refused']}")
    for model in dict.fromkeys(r["model"] for r in rows):
        mine = [r for r in rows if r["model"] == model]
        print(f"{'average':14} {model:18} " + " ".join(
            f"{sum(r[k] for r in mine) / len(mine) * 100:6.1f}" for k in ("intent", "slots", "exact", "guarded",
                                                                            "refused")) +
            f" {sum(r['forbidden'] for r in mine):3d}  ({len(mine)} sets)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, nargs="+", default=[1])
    ap.add_argument("--sets", nargs="+", default=[name for name, _ in real.REAL_SETS])
    ap.add_argument("--out", default="-")
    ap.add_argument("--shipped", action="store_true", help="also measure the shipped model on each set")
    ap.add_argument("--musts", type=int, default=None, metavar="N",
                    help="the must-not requests N times (0: left out; default: as many copies as the others)")
    ap.add_argument("--tagger", action="store_true",
                    help="the tagger learns too, from the requests real.aligned labels (a full training per set)")
    ap.add_argument("--table", nargs="+", metavar="FILE", help="print the rows of earlier runs and stop")
    args = ap.parse_args()
    if args.table:
        table(args.table)
        return
    meta = json.loads(runtime.META.read_text())
    examples = generate(COUNT, SEED)
    if data_hash(examples) != meta["data_sha256"]:
        raise SystemExit("the committed tagger was not trained on what the generator writes now")
    with gzip.open(runtime.ARTIFACT, "rb") as fh:
        shipped_data = orjson.loads(fh.read())
    shipped = runtime.Model(shipped_data)
    synthetic = split(examples)[0]
    synthetic_feats = [intent_features(masked(e.tokens, e.tags)) for e in synthetic]
    out = sys.stdout if args.out == "-" else open(args.out, "a", encoding="utf-8")  # noqa: SIM115
    parts = dict(real.REAL_SETS)
    for name in args.sets:
        if args.shipped:
            row = {"set": name, "model": "shipped", **measure(shipped, name, parts[name])}
            out.write(json.dumps(row) + "\n")
            out.flush()
        for copies in args.copies:
            started = time.perf_counter()
            others = real.real_examples(name, copies, SEED, musts=args.musts)
            base = shipped_data
            if args.tagger:
                base = {**shipped_data, "tag_w": train(synthetic + real.tagged_examples(name, copies, SEED))["tag_w"]}
            feats = synthetic_feats + real_intent_features(runtime.Model(base), others)
            labels = [e.intent for e in synthetic] + [e.intent for e in others]
            model = runtime.Model({**base, "intent_w": train_intents(shipped.intents, feats, labels)})
            label = f"real x{copies}" + ("" if args.musts is None else
                                         " actions" if args.musts == 0 else f" musts x{args.musts}") + \
                (" +tagger" if args.tagger else "")
            row = {"set": name, "model": label, "train_s": round(time.perf_counter() - started),
                   **measure(model, name, parts[name])}
            out.write(json.dumps(row) + "\n")
            out.flush()


if __name__ == "__main__":
    main()
