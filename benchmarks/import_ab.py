"""import against `sync --db-only`, alternating, for one or more source trees (A/B): issue 13's import goal.

    python benchmarks/import_ab.py [--rounds 5] [--vms 1000 --cts 500] [TREE …]

One simulator (the large scenario, 20 ms latency). Each round runs, per tree (its folder put first on
PYTHONPATH; none given: the code as installed), `sync --db-only` in a synced workspace and right after it
`import` into a new workspace (as cli_bench: one that has never seen the cluster). Prints each round's
two wall times and their ratio, then per tree the median of the ratios (the goal: ≤ 2.0) and the median
CPU times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from harness import bench_cluster, disk_probe

GOAL = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("trees", nargs="*", help="source trees (folders holding pmpc_tui/)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--vms", default="1000")
    parser.add_argument("--cts", default="500")
    args = parser.parse_args(argv)
    trees = args.trees or [os.environ.get("PYTHONPATH", "")]
    runs: dict[str, list[tuple[float, float, float, float]]] = {tree: [] for tree in trees}
    with tempfile.TemporaryDirectory(prefix="pmpc-import-ab-") as tmp, bench_cluster(
            Path(tmp), "--scenario", "large", "--nodes", "5", "--vms", args.vms, "--cts", args.cts,
            "--latency-ms", "20") as bench:
        print(disk_probe(Path(tmp)), "(at the start)", flush=True)
        synced = {tree: Path(tmp) / f"synced-{i}" for i, tree in enumerate(trees)}
        for tree, space in synced.items():  # warm: bytecode, and the sync's workspace synced once
            bench.env["PYTHONPATH"] = tree
            bench.run("init", str(space))
            bench.run("sync", "--db-only", cwd=space)
        for r in range(args.rounds):
            for i, tree in enumerate(trees):
                bench.env["PYTHONPATH"] = tree
                target = Path(tmp) / f"import-{i}-{r}"
                bench.run("init", str(target))
                sync = bench.time("sync --db-only", "sync", "--db-only", cwd=synced[tree], repeat=1)
                imported = bench.time("import", "import", cwd=target, repeat=1)
                s, m = sync.seconds[0], imported.seconds[0]
                runs[tree].append((s, m, sync.cpu[0], imported.cpu[0]))
                print(f"round {r + 1} {tree or '(installed)'}: sync --db-only {s:5.2f} s, import {m:5.2f} s, "
                      f"ratio {m / s:4.2f}x  (cpu {sync.cpu[0]:4.2f} / {imported.cpu[0]:4.2f} s)  "
                      f"load {Path('/proc/loadavg').read_text().split()[0]}", flush=True)
        print(disk_probe(Path(tmp)), "(at the end)", flush=True)
    ok = True
    for tree, got in runs.items():
        ratio = statistics.median(m / s for s, m, _, _ in got)
        ok &= ratio <= GOAL
        sync, imported, sync_cpu, import_cpu = (statistics.median(g[k] for g in got) for k in range(4))
        print(f"{tree or '(installed)'}: median ratio {ratio:4.2f}x (rounds "
              f"{', '.join(f'{m / s:.2f}' for s, m, _, _ in got)}); median sync {sync:.2f} s, import {imported:.2f} s; "
              f"cpu {sync_cpu:.2f} / {import_cpu:.2f} s; goal ≤ {GOAL:g}x: {'PASS' if ratio <= GOAL else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
