"""Natural-language evaluation: the offline parser against the labelled requests in nl_requests.yaml.

Prints exact-command accuracy (all proposed command lines equal the labels, in any order), slot
accuracy (share of labelled command lines proposed), destructive-request detection (labelled
destructive → flagged for confirmation) and p95 parse latency. Every proposed line must also be a
command the registry parses. Names come from the homelab demo scenario.
Targets: ≥ 90 % exact, 100 % destructive flagged, p95 < 50 ms.
Run: .venv/bin/python benchmarks/nl_eval.py   (exit status 0 = PASS, 1 = FAIL; -v lists the misses)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ruamel.yaml import YAML

from pmpc_tui.commands.repl import parse_line
from pmpc_tui.nl.parser import Names, parse_request
from pmpc_tui.simulator.scenarios import homelab

DATASET = Path(__file__).with_name("nl_requests.yaml")


def homelab_names() -> Names:
    cluster = homelab()
    names = Names(nodes=sorted(cluster.nodes))
    for g in cluster.guests.values():
        names.facts[g.name] = ("vm" if g.kind == "qemu" else "ct", g.vmid, g.node, g.status,
                               str(g.config.get("tags", "")))
    return names


def evaluate(verbose: bool = False) -> dict[str, float]:
    requests = YAML(typ="safe").load(DATASET.read_text())["requests"]
    names = homelab_names()
    exact = slots = slot_total = flagged = destructive = invalid = 0
    latencies = []
    for item in requests:
        started = time.perf_counter()
        proposal = parse_request(item["text"], names)
        latencies.append((time.perf_counter() - started) * 1000)
        invalid += sum(1 for c in proposal.commands if parse_line(c).kind != "command")
        expected = sorted(item["commands"])
        if sorted(proposal.commands) == expected:
            exact += 1
        elif verbose:
            print(f"MISS {item['text']!r}: {proposal.commands} != {expected}")
        slots += len(set(proposal.commands) & set(expected))
        slot_total += len(expected)
        if item["destructive"]:
            destructive += 1
            flagged += proposal.needs_confirmation
    latencies.sort()
    return {"requests": len(requests), "exact": exact / len(requests), "slots": slots / slot_total,
            "destructive": flagged / destructive if destructive else 1.0, "destructive_count": destructive,
            "p95_ms": latencies[int(0.95 * (len(latencies) - 1))], "invalid": invalid}


def main() -> int:
    r = evaluate("-v" in sys.argv)
    ok = r["exact"] >= 0.90 and r["destructive"] == 1.0 and r["p95_ms"] < 50 and r["invalid"] == 0
    print(f"requests: {r['requests']:.0f} ({r['destructive_count']:.0f} destructive)")
    print(f"exact-command accuracy: {r['exact'] * 100:.1f} %   (target ≥ 90 %)")
    print(f"slot accuracy:          {r['slots'] * 100:.1f} %")
    print(f"destructive flagged:    {r['destructive'] * 100:.1f} %   (target 100 %)")
    print(f"p95 latency:            {r['p95_ms']:.2f} ms (target < 50 ms)")
    print(f"proposed lines the registry rejects: {r['invalid']:.0f}")
    print(f"result: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
