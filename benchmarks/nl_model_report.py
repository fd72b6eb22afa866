"""The embedded request model's figures: the generated test split, the hand-written dev set and nl_requests.yaml.

For each labelled set it prints intent accuracy (the command proposed, or none, is the labelled one), exact-command
accuracy (every line equal, any order), slot accuracy (share of labelled lines proposed), requests labelled
destructive that would ask first or run nothing, requests labelled with no commands that got none, and p95 latency
of `parse_request` once the model is loaded. The held-out set (nl_heldout.yaml) is not read here: nl_eval.py owns it.
Run: .venv/bin/python benchmarks/nl_model_report.py [--model-only | --with-rules] [-v]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from pmpc_tui.commands.repl import parse_line
from pmpc_tui.nl import parser
from pmpc_tui.nl.model_parser import parse_with_model
from pmpc_tui.nl.parser import Names, Proposal, parse_request
from pmpc_tui.nl.train import vocab
from pmpc_tui.nl.train.generate import generate
from pmpc_tui.nl.train.train import COUNT, SEED, split

HERE = Path(__file__).resolve().parent
DEV = HERE.parent / "pmpc_tui" / "nl" / "train" / "dev_requests.yaml"
REQUESTS = HERE / "nl_requests.yaml"


def homelab_names() -> Names:
    """The homelab demo scenario's guests, nodes and storage, as the state database would hold them."""
    from pmpc_tui.simulator.scenarios import homelab

    cluster = homelab()
    names = Names(nodes=sorted(cluster.nodes), storage=sorted({s.storage for s in cluster.storages.values()}))
    for g in cluster.guests.values():
        names.facts[g.name] = ("vm" if g.kind == "qemu" else "ct", g.vmid, g.node, g.status,
                               str(g.config.get("tags", "")))
    return names


def head(commands: list[str]) -> str:
    """The command a proposal is about: `stop`, `snapshot create`, … or `none`."""
    if not commands:
        return "none"
    words = commands[0].split()
    return " ".join(words[:2]) if words[0] in ("snapshot", "backup", "disk", "storage") else words[0]


def score(items: list[dict[str, object]], names: Names, parse: Callable[[str, Names], Proposal],
          verbose: bool = False) -> dict[str, float]:
    intent = exact = slots = slot_total = guarded = destructive = empty_ok = empty = invalid = 0
    latencies = []
    for item in items:
        started = time.perf_counter()
        proposal = parse(str(item["text"]), names)
        latencies.append((time.perf_counter() - started) * 1000)
        expected = sorted(item["commands"])  # type: ignore[call-overload]
        got = sorted(proposal.commands)
        invalid += sum(1 for c in got if parse_line(c).kind != "command")
        intent += head(got) == head(expected)
        exact += got == expected
        if verbose and got != expected:
            print(f"  MISS {item['text']!r}: {got} != {expected}")
        slots += len(set(got) & set(expected))
        slot_total += len(expected)
        if item.get("destructive"):
            destructive += 1
            guarded += proposal.needs_confirmation or not got
        if not expected:
            empty += 1
            empty_ok += not got
    latencies.sort()
    n = len(items)
    return {"requests": n, "intent": intent / n, "exact": exact / n, "slots": slots / max(1, slot_total),
            "guarded": guarded / max(1, destructive), "destructive": destructive,
            "no_command": empty_ok / max(1, empty), "empty": empty,
            "p95_ms": latencies[int(0.95 * (n - 1))], "invalid": invalid}


def line(name: str, r: dict[str, float]) -> str:
    return (f"{name:<28} n={r['requests']:<5.0f} intent {r['intent'] * 100:5.1f} %  exact {r['exact'] * 100:5.1f} %  "
            f"slots {r['slots'] * 100:5.1f} %  destructive guarded {r['guarded'] * 100:5.1f} % of "
            f"{r['destructive']:.0f}  none when none {r['no_command'] * 100:5.1f} % of {r['empty']:.0f}  "
            f"p95 {r['p95_ms']:.2f} ms  invalid lines {r['invalid']:.0f}")


def main() -> int:
    verbose = "-v" in sys.argv
    parse = parse_with_model if "--model-only" in sys.argv else parse_request
    if "--with-rules" in sys.argv:  # the old hand-written rules answer what the model finds no request in
        parser.RULES_FALLBACK = True
    parse("warm up: load the model", Names())
    _train, test = split(generate(COUNT, SEED))
    world = vocab.world()
    generated = [{"text": e.text, "commands": e.commands} for e in test]
    yaml = YAML(typ="safe")
    dev = yaml.load(DEV.read_text())["requests"]
    old = yaml.load(REQUESTS.read_text())["requests"]
    mode = ("model only" if parse is parse_with_model else
            f"parse_request (RULES_FALLBACK {'on: model, then rules' if parser.RULES_FALLBACK else 'off'})")
    print(f"parser: {mode}")
    for name, items, names in (("generated test split", generated, world), ("dev set (hand-written)", dev,
                                                                            homelab_names()),
                               ("nl_requests.yaml", old, homelab_names())):
        if verbose:
            print(name)
        print(line(name, score(items, names, parse, verbose and name != "generated test split")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
