"""Validate benchmark: `validate` and `validate --offline` at 1,500 guests, each run as a process.

A child simulator serves the large scenario (5 nodes, 1,000 VMs, 500 containers, 20 ms latency per
request). A workspace is initialised and imported (not timed); then `sync --db-only` (the baseline),
`validate` (value rules, the last sync's cluster, live ISO/template look-ups) and `validate --offline`
(no request to the cluster) are each run as `python -m pmpc_tui …`, medians printed in seconds and
as ratios against the baseline of the same run. No finding is expected.

Goals (issue #13): validate ≤ 1x sync; validate --offline < 1 s for 1,500 files.
Run: .venv/bin/python benchmarks/validate_bench.py [--repeat N]   (exit status 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from harness import LARGE, bench_cluster, repeat_args, verdict_line

VALIDATE_GOAL, OFFLINE_GOAL_S = 1.0, 1.0


def main(argv: list[str] | None = None) -> int:
    args = repeat_args(__doc__, argv)
    with tempfile.TemporaryDirectory(prefix="pmpc-bench-") as tmp, \
            bench_cluster(Path(tmp), *LARGE) as bench:
        ws = Path(tmp) / "ws"
        bench.run("init", str(ws))
        bench.run("import", cwd=ws)
        baseline = bench.time("sync --db-only", "sync", "--db-only", cwd=ws, repeat=args.repeat)
        online = bench.time("validate", "validate", cwd=ws, repeat=args.repeat)
        offline = bench.time("validate --offline", "validate", "--offline", cwd=ws, repeat=args.repeat)
        findings = bench.run("validate", "-o", "json", cwd=ws).stdout.strip()
    ok = findings in ("", "[]")
    runs = ", ".join(f"{s:.2f}" for s in baseline.seconds)
    print(f"baseline: sync --db-only {baseline.median:6.2f} s  (runs {runs})")
    for t in (online, offline):
        print(f"{t.label:<24} {t.median:6.2f} s  {t.median / baseline.median:5.2f}x baseline  "
              f"peak RSS {t.max_rss_mb:4.0f} MB  (runs {', '.join(f'{s:.2f}' for s in t.seconds)})")
    print(f"findings: {'none' if ok else findings[:500]}")
    for label, value, goal, unit in (("validate", online.median / baseline.median, VALIDATE_GOAL, "x"),
                                     ("validate --offline, 1,500 files", offline.median, OFFLINE_GOAL_S, " s")):
        line, passed = verdict_line(label, value, goal, unit)
        print(line)
        ok &= passed
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
