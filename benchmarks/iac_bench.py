"""IaC benchmark: `import` of a 1,500-guest cluster and reading the code back, each run as a process.

A child simulator serves the large scenario (5 nodes, 1,000 VMs, 500 containers, 20 ms latency per
request). Timed as `python -m pmpc_tui …` in a throwaway HOME, medians printed in seconds and as
ratios against the baseline of the same run, `sync --db-only` (the bare cluster read):

  1. `import` into a workspace that has never seen the cluster (every file written);
  2. `import` again with nothing changed (what a routine re-import costs);
  3. `validate --offline` on a fresh checkout (no `.proxmox-mpc/`: the syntax gate and the HCL reader
     run on every file, no parse cache) — informational.

Goal (issue #13): import ≤ 2x sync. Run: .venv/bin/python benchmarks/iac_bench.py [--repeat N]
(exit status 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import LARGE, Timing, bench_cluster, disk_probe, fresh_checkout, repeat_args, verdict_line

IMPORT_GOAL = 2.0


def main(argv: list[str] | None = None) -> int:
    args = repeat_args(__doc__, argv)
    with tempfile.TemporaryDirectory(prefix="pmpc-bench-") as tmp, \
            bench_cluster(Path(tmp), *LARGE) as bench:
        print(disk_probe(Path(tmp)), "(at the start)", flush=True)
        first: list[float] = []
        rss = 0.0
        for i in range(args.repeat):
            target = Path(tmp) / f"ws-{i}"
            bench.run("init", str(target))
            t = bench.time("import", "import", cwd=target, repeat=1)
            first.append(t.seconds[0])
            rss = max(rss, t.max_rss_mb)
        ws = Path(tmp) / "ws-0"
        imported = Timing("import (first)", first, 0, rss)
        baseline = bench.time("sync --db-only", "sync", "--db-only", cwd=ws, repeat=args.repeat)
        again = bench.time("import (nothing changed)", "import", cwd=ws, repeat=args.repeat)
        checkout = Path(tmp) / "checkout"
        cold = bench.time("validate --offline, fresh", "validate", "--offline", cwd=checkout, repeat=args.repeat,
                          before=lambda: fresh_checkout(ws, checkout), expect=(0, 2))
        files = len(list((ws / "terraform").glob("*.tf")))
        print(disk_probe(Path(tmp)), "(at the end)", flush=True)
    runs = ", ".join(f"{s:.2f}" for s in baseline.seconds)
    print(f"baseline: sync --db-only {baseline.median:6.2f} s  (runs {runs})")
    for t in (imported, again, cold):
        print(f"{t.label:<26} {t.median:6.2f} s  {t.median / baseline.median:5.2f}x baseline  "
              f"peak RSS {t.max_rss_mb:4.0f} MB  (runs {', '.join(f'{s:.2f}' for s in t.seconds)})")
    print(f"({files} .tf files; the fresh-checkout line is informational: the DB there has no cluster)")
    line, ok = verdict_line("import", imported.median / baseline.median, IMPORT_GOAL)
    print(line)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
