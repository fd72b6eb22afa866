"""Plan benchmark: no-change `plan` at 1,500 guests, warm and on a fresh checkout, each run as a process.

A child simulator serves the large scenario (5 nodes, 1,000 VMs, 500 containers, 20 ms latency per
request). A workspace is initialised and imported (not timed); then `sync --db-only` (the baseline,
the bare cluster read), `plan` in the workspace, and `plan` in a copy without `.proxmox-mpc/` (a
fresh checkout: no parse cache, no state DB) are each run as `python -m pmpc_tui …`; the medians
are printed in seconds and as ratios against the baseline of the same run.

Goals (issue #13): plan ≤ 1.5x sync warm, ≤ 2x on a fresh checkout, peak RSS < 200 MB, no change found.
Run: .venv/bin/python benchmarks/plan_bench.py [--repeat N]   (exit status 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import LARGE, bench_cluster, fresh_checkout, repeat_args, verdict_line

WARM_GOAL, FRESH_GOAL, RSS_GOAL_MB = 1.5, 2.0, 200.0


def main(argv: list[str] | None = None) -> int:
    args = repeat_args(__doc__, argv)
    with tempfile.TemporaryDirectory(prefix="pmpc-bench-") as tmp, \
            bench_cluster(Path(tmp), *LARGE) as bench:
        ws = Path(tmp) / "ws"
        bench.run("init", str(ws))
        bench.run("import", cwd=ws)
        baseline = bench.time("sync --db-only", "sync", "--db-only", cwd=ws, repeat=args.repeat)
        warm = bench.time("plan (no change, warm)", "plan", cwd=ws, repeat=args.repeat)
        checkout = Path(tmp) / "checkout"
        fresh = bench.time("plan (fresh checkout)", "plan", cwd=checkout, repeat=args.repeat,
                           before=lambda: fresh_checkout(ws, checkout))
        last = bench.run("plan", cwd=ws)
    ok = last.stdout.strip().startswith("No changes")
    runs = ", ".join(f"{s:.2f}" for s in baseline.seconds)
    print(f"baseline: sync --db-only {baseline.median:6.2f} s  (runs {runs})")
    for t in (warm, fresh):
        print(f"{t.label:<24} {t.median:6.2f} s  {t.median / baseline.median:5.2f}x baseline  "
              f"peak RSS {t.max_rss_mb:4.0f} MB  (runs {', '.join(f'{s:.2f}' for s in t.seconds)})")
    print(f"no change found: {'yes' if ok else 'NO — ' + last.stdout.strip().splitlines()[-1]}")
    for label, value, goal, unit in (("plan warm", warm.median / baseline.median, WARM_GOAL, "x"),
                                     ("plan fresh checkout", fresh.median / baseline.median, FRESH_GOAL, "x"),
                                     ("plan peak RSS", max(warm.max_rss_mb, fresh.max_rss_mb), RSS_GOAL_MB, " MB")):
        line, passed = verdict_line(label, value, goal, unit)
        print(line)
        ok &= passed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
