"""Shared set-up for the benchmarks: a child simulator, a throwaway HOME, and the CLI run as a user runs it.

Every figure the benchmarks judge is the wall time of `proxmox-mpc …` started as a separate process
(Python start-up, imports, the cluster read, the database and the files included), compared with a
baseline measured in the same run on the same machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pmpc_tui.simulator.server import SimulatorInfo, SimulatorProcess

CLI = [sys.executable, "-m", "pmpc_tui"]
# the scenario: 5 nodes, 1,000 VMs, 500 containers, 20 ms API latency
LARGE = ("--scenario", "large", "--nodes", "5", "--vms", "1000", "--cts", "500", "--latency-ms", "20")


def repeat_args(doc: str, argv: list[str] | None) -> argparse.Namespace:
    """The common command line of the benchmarks: `--repeat N` (runs per command; the median is judged)."""
    parser = argparse.ArgumentParser(description=doc.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (the median is judged)")
    return parser.parse_args(argv)


@dataclass
class Run:
    """One finished command."""

    returncode: int
    stdout: str
    stderr: str
    max_rss_mb: float
    cpu_seconds: float = 0.0  # user + system time of the command and the children it waited for


@dataclass
class Timing:
    """Wall times of repeated runs of one command."""

    label: str
    seconds: list[float]
    exit_code: int
    max_rss_mb: float = 0.0
    cpu: list[float] = field(default_factory=list)  # CPU seconds of each run (secondary: the load hides less of it)
    paired: list[float] = field(default_factory=list)  # the baseline's wall time, run right before each run

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def paired_ratio(self) -> float:
        """The median of each run's ratio to the baseline run right before it (steady while the load drifts)."""
        return statistics.median(s / b for s, b in zip(self.seconds, self.paired, strict=True))

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else 0.0


@dataclass
class Bench:
    """A simulator in a child process and an environment with a saved profile for it."""

    info: SimulatorInfo
    home: Path
    env: dict[str, str]

    def run(self, *argv: str, cwd: Path | None = None, check: bool = True,
            expect: tuple[int, ...] = (0,)) -> Run:
        """Run `proxmox-mpc ARGV` as a child process; its exit code, output and peak memory."""
        with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
            proc = subprocess.Popen([*CLI, *argv], cwd=cwd or self.home, env=self.env, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            result = Run(proc.returncode, out.read(), err.read(), usage.ru_maxrss / 1024,
                         usage.ru_utime + usage.ru_stime)
        if check and result.returncode not in expect:
            raise SystemExit(f"`proxmox-mpc {' '.join(argv)}` exited {result.returncode}:\n"
                             f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
        return result

    def time(self, label: str, *argv: str, cwd: Path | None = None, repeat: int = 3,
             expect: tuple[int, ...] = (0,), before: object = None,
             baseline: tuple[Path, tuple[str, ...]] | None = None) -> Timing:
        """Median wall time of `repeat` runs (each a fresh process); `before` is called before each run, and
        `baseline` (folder, argv) is timed right before each run (`Timing.paired`)."""
        seconds = []
        cpu = []
        paired = []
        code = 0
        rss = 0.0
        for _ in range(repeat):
            if callable(before):
                before()
            if baseline is not None:
                started = time.perf_counter()
                self.run(*baseline[1], cwd=baseline[0])
                paired.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = self.run(*argv, cwd=cwd, expect=expect)
            seconds.append(time.perf_counter() - started)
            cpu.append(result.cpu_seconds)
            code = result.returncode
            rss = max(rss, result.max_rss_mb)
        return Timing(label, seconds, code, rss, cpu, paired)

    def bare_python(self, repeat: int = 5) -> Timing:
        """A bare interpreter start: the floor every command pays."""
        seconds = []
        cpu = []
        for _ in range(repeat):
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", "pass"], env=self.env)
            _, _, usage = os.wait4(proc.pid, 0)
            seconds.append(time.perf_counter() - started)
            cpu.append(usage.ru_utime + usage.ru_stime)
        return Timing("bare python start", seconds, 0, cpu=cpu)


@contextmanager
def bench_cluster(tmp: Path, *sim_args: str) -> Iterator[Bench]:
    """Start the simulator (large scenario unless told otherwise) and save profile `bench` for it."""
    with SimulatorProcess(*sim_args) as proc:
        info = proc.info
        home = tmp / "home"
        home.mkdir()
        # an installed package has its bytecode compiled (pip does it); PYTHONDONTWRITEBYTECODE in the caller's
        # environment would have every run compile the modules it imports (~0.1 s CPU a command) instead
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMPC_") and k != "PYTHONDONTWRITEBYTECODE"}
        env.update(PMPC_CONFIG_DIR=str(home / "config"), PMPC_STATE_DIR=str(home / "state"),
                   BENCH_TOKEN=info.token_secret, HOME=str(home), NO_COLOR="1")
        bench = Bench(info, home, env)
        bench.run("connect", "bench", "--url", info.url, "--token-id", info.token_id, "--secret-env", "BENCH_TOKEN",
                  "--fingerprint", info.fingerprint)
        yield bench


def fresh_checkout(ws: Path, dest: Path) -> Path:
    """A copy of the workspace as git would check it out: no `.proxmox-mpc/` (what CI sees on a pull request)."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(ws, dest, ignore=shutil.ignore_patterns(".proxmox-mpc"))
    return dest


def verdict_line(label: str, value: float, goal: float, unit: str = "x") -> tuple[str, bool]:
    """`label ...... PASS (value unit, goal unit)` and whether it passed."""
    ok = value <= goal
    dots = "." * max(3, 46 - len(label))
    return f"goal: {label} {dots} {'PASS' if ok else 'FAIL'} ({value:.2f}{unit}, goal ≤ {goal:g}{unit})", ok


def disk_probe(folder: Path, files: int = 3000) -> str:
    """How long this machine takes to create `files` small files now (wall and system time): import writes
    ~3,000 (each guest's file and its record) and sync none, and on a shared VM that cost swings ~20x within
    minutes (0.07-1.9 s measured on 1 Dec 2026), so a run prints it at its start and end to be read with it."""
    import resource

    probe = Path(tempfile.mkdtemp(prefix="disk-probe-", dir=folder))
    data = b"x" * 4096
    before = resource.getrusage(resource.RUSAGE_SELF).ru_stime
    started = time.perf_counter()
    for i in range(files):
        fd = os.open(probe / f"f{i}.tf", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.close(fd)
    wall = time.perf_counter() - started
    system = resource.getrusage(resource.RUSAGE_SELF).ru_stime - before
    shutil.rmtree(probe)
    return f"disk: {files:,} new files in {wall:.2f} s (system time {system:.2f} s)"

