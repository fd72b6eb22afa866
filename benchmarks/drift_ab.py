"""drift and plan against `sync --db-only`, as cli_bench measures them, for one or more source trees (A/B).

    python benchmarks/drift_ab.py [--rounds N] [--vms 1000 --cts 500] TREE [TREE …]

One simulator (the large scenario) and one imported workspace; each round runs, per tree (its folder put
first on PYTHONPATH), `sync --db-only`, `validate`, `drift`, `plan` — the order of the bench, drift right
after validate. Prints per tree and command the median wall and CPU time, their ratio to the sync of the
same tree, and the median of the per-round ratios (each drift against the sync of its own round: steadier
on a loaded machine).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from harness import bench_cluster

COMMANDS = (("sync --db-only", ("sync", "--db-only")), ("validate", ("validate",)), ("drift", ("drift",)),
            ("plan", ("plan",)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("trees", nargs="+", help="source trees (folders holding pmpc_tui/)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--vms", default="1000")
    parser.add_argument("--cts", default="500")
    parser.add_argument("--only", default="", help="commands to time, comma-separated (sync is always timed)")
    args = parser.parse_args(argv)
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    commands = [(label, c) for label, c in COMMANDS if not wanted or label in wanted or label.startswith("sync")]
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp, bench_cluster(
            Path(tmp), "--scenario", "large", "--nodes", "5", "--vms", args.vms, "--cts", args.cts,
            "--latency-ms", "20") as bench:
        ws = Path(tmp) / "ws"
        bench.run("init", str(ws))
        bench.run("import", cwd=ws)
        # each tree its own copy of the workspace: the memos are keyed by the source of the modules that decide,
        # so trees sharing one workspace would each find the other's memo and compare every guest
        spaces = {tree: Path(tmp) / f"ws-{i}" for i, tree in enumerate(args.trees)}
        for tree, space in spaces.items():  # warm: bytecode and the workspace's memos of each tree
            shutil.copytree(ws, space, symlinks=True)
            bench.env["PYTHONPATH"] = tree
            for _, command in COMMANDS:
                bench.run(*command, cwd=space, expect=(0, 2))
        for i in range(args.rounds):
            for tree in args.trees:
                bench.env["PYTHONPATH"] = tree
                for label, command in commands:
                    t = bench.time(label, *command, cwd=spaces[tree], repeat=1, expect=(0, 2))
                    runs.setdefault((tree, label), []).append((t.seconds[0], t.cpu[0]))
            print(f"round {i + 1}/{args.rounds} done, load {Path('/proc/loadavg').read_text().split()[0]}",
                  file=sys.stderr, flush=True)
    for tree in args.trees:
        base = runs[(tree, "sync --db-only")]
        wall0, cpu0 = statistics.median(w for w, _ in base), statistics.median(c for _, c in base)
        print(tree)
        for label, _ in commands:
            got = runs[(tree, label)]
            wall, cpu = statistics.median(w for w, _ in got), statistics.median(c for _, c in got)
            paired_wall = statistics.median(w / b[0] for (w, _), b in zip(got, base, strict=True))
            paired_cpu = statistics.median(c / b[1] for (_, c), b in zip(got, base, strict=True))
            print(f"  {label:<15} {wall:6.2f} s {wall / wall0:5.2f}x  cpu {cpu:5.2f} s {cpu / cpu0:5.2f}x"
                  f"   per round: {paired_wall:5.2f}x, cpu {paired_cpu:5.2f}x")
            print(f"    runs (wall/cpu s): {'  '.join(f'{w:.2f}/{c:.2f}' for w, c in got)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
