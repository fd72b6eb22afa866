"""The commands as users run them: plan, validate, import, drift and apply at 1,500 guests, each a process.

A child simulator serves the large scenario (5 nodes, 1,000 VMs, 500 containers, 20 ms latency per
request). Every command runs as `python -m pmpc_tui …` in a throwaway HOME, and each figure is
the median of several runs, printed in seconds and as a ratio against the baseline measured in the
same run: `sync --db-only`, the bare cluster read. Commands that need no cluster are compared with a
bare interpreter start.

The goals judge wall time; each line also shows the CPU time (user + system, the command and the
children it waited for) as a secondary figure: on a loaded machine it moves far less than the wall time.

Run: .venv/bin/python benchmarks/cli_bench.py [--quick]   (exit status 0 = every goal met, 1 = not)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from harness import Bench, Timing, bench_cluster, disk_probe, fresh_checkout, verdict_line

# goals from issue #13, as ratios against `sync --db-only` in the same run
RATIO_GOALS = {"plan (no change, warm)": 1.5, "plan (fresh checkout)": 2.0, "validate": 1.0, "drift": 1.2,
               "import": 2.0, "apply (nothing to do)": 1.5}
SYNC = ("sync", "--db-only")
OFFLINE_GOAL_S = 1.0  # validate --offline on 1,500 files
NO_CLUSTER_GOAL_S = 0.3  # above a bare interpreter start
RSS_GOAL_MB = 200.0


def measure(bench: Bench, tmp: Path, repeat: int) -> tuple[list[str], bool]:
    ws = tmp / "ws"
    bench.run("init", str(ws))
    synced = tmp / "ws-sync"  # where the sync before each import runs (synced once first, as ws is later)
    bench.run("init", str(synced))
    bench.run(*SYNC, cwd=synced)
    imports = []
    for i in range(max(1, repeat - 1)):  # each import into a workspace that has never seen the cluster
        target = ws if i == 0 else tmp / f"ws-import-{i}"
        if i:
            bench.run("init", str(target))
        imports.append(bench.time("import", "import", cwd=target, repeat=1, baseline=(synced, SYNC)))
    baseline = bench.time("sync --db-only", *SYNC, cwd=ws, repeat=repeat)
    timings: list[Timing] = [Timing("import", [t.seconds[0] for t in imports], 0,
                                    max(t.max_rss_mb for t in imports), [t.cpu[0] for t in imports],
                                    [t.paired[0] for t in imports])]
    each = (ws, SYNC)  # a sync right before every run: its ratio to that one is judged
    timings.append(bench.time("plan (no change, warm)", "plan", cwd=ws, repeat=repeat, baseline=each))
    checkout = tmp / "checkout"
    timings.append(bench.time("plan (fresh checkout)", "plan", cwd=checkout, repeat=repeat,
                              before=lambda: fresh_checkout(ws, checkout), baseline=each))
    timings.append(bench.time("validate", "validate", cwd=ws, repeat=repeat, baseline=each))
    timings.append(bench.time("drift", "drift", cwd=ws, repeat=repeat, baseline=each))
    timings.append(bench.time("apply (nothing to do)", "apply", "--auto-approve", cwd=ws, repeat=repeat,
                              baseline=each))

    lines = [f"baseline: sync --db-only ................ {baseline.median:6.2f} s  (runs: "
             f"{', '.join(f'{s:.2f}' for s in baseline.seconds)})  cpu {baseline.cpu_median:5.2f} s",
             "ratio judged: the median of each run's ratio to a sync --db-only run right before it "
             "(the pooled ratio to the baseline above in brackets)"]
    ok = True
    for t in timings:
        pooled = t.median / baseline.median
        lines.append(f"{t.label:<28} {t.median:6.2f} s  {t.paired_ratio:5.2f}x ({pooled:4.2f}x) baseline  "
                     f"peak RSS {t.max_rss_mb:5.0f} MB  cpu {t.cpu_median:5.2f} s "
                     f"({t.cpu_median / baseline.cpu_median:4.2f}x)  syncs before: "
                     f"{', '.join(f'{b:.2f}' for b in t.paired)}")
    for t in timings:
        line, passed = verdict_line(t.label, t.paired_ratio, RATIO_GOALS[t.label])
        lines.append(line)
        ok &= passed
    plan_rss = next(t for t in timings if t.label.startswith("plan (no change")).max_rss_mb
    line, passed = verdict_line("plan peak RSS", plan_rss, RSS_GOAL_MB, " MB")
    lines.append(line)
    ok &= passed

    offline_lines, offline_ok = measure_offline(bench, ws, tmp, repeat)
    return lines + offline_lines, ok and offline_ok


def measure_offline(bench: Bench, ws: Path, tmp: Path, repeat: int) -> tuple[list[str], bool]:
    """Commands that need no cluster, against a bare interpreter start."""
    lines: list[str] = []
    ok = True
    supported = "--offline" in bench.run("validate", "--help").stdout
    if supported:
        offline = bench.time("validate --offline (1,500 files)", "validate", "--offline", cwd=ws, repeat=repeat)
        lines.append(f"{offline.label:<36} {offline.median:6.2f} s  cpu {offline.cpu_median:5.2f} s")
        line, passed = verdict_line("validate --offline, 1,500 files", offline.median, OFFLINE_GOAL_S, " s")
        lines.append(line)
        ok &= passed
    else:
        lines.append("validate --offline ...................... not available: FAIL")
        ok = False
    small = tmp / "small"
    fresh_checkout(ws, small)
    for path in sorted((small / "terraform").glob("*.tf"))[10:]:
        path.unlink()
    shutil.rmtree(small / "ansible", ignore_errors=True)
    bare = bench.bare_python(repeat=max(3, repeat))
    lines.append(f"bare python start ....................... {bare.median:6.3f} s  cpu {bare.cpu_median:5.3f} s")
    quick: list[tuple[str, tuple[str, ...], Path | None]] = [("--help", ("--help",), None), ("logs", ("logs",), ws),
                                                             ("profiles", ("profiles",), None)]
    if supported:
        quick.append(("validate --offline (small)", ("validate", "--offline"), small))
    for label, argv, cwd in quick:
        t = bench.time(label, *argv, cwd=cwd, repeat=max(3, repeat))
        above = t.median - bare.median
        lines.append(f"{label:<28} {t.median:6.3f} s  (+{above:.3f} s above a bare start)  "
                     f"cpu +{t.cpu_median - bare.cpu_median:.3f} s")
        line, passed = verdict_line(f"{label} above bare start", above, NO_CLUSTER_GOAL_S, " s")
        lines.append(line)
        ok &= passed
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--vms", default="1000")
    parser.add_argument("--cts", default="500")
    parser.add_argument("--latency-ms", default="20")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (the median is judged)")
    args = parser.parse_args(argv)
    print(f"large scenario: 5 nodes, {args.vms} VMs, {args.cts} CTs, {args.latency_ms} ms latency; "
          f"{args.repeat} runs per command, each a separate process", flush=True)
    with tempfile.TemporaryDirectory(prefix="pmpc-bench-") as tmp, \
            bench_cluster(Path(tmp), "--scenario", "large", "--nodes", "5", "--vms", args.vms, "--cts", args.cts,
                          "--latency-ms", args.latency_ms) as bench:
        start = disk_probe(Path(tmp))
        lines, ok = measure(bench, Path(tmp), args.repeat)
        lines[:0] = [f"{start} at the start; {disk_probe(Path(tmp))} at the end"]
    print("\n".join(lines))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
