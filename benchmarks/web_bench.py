"""The web server under load: 50 concurrent API clients for 30 s on loopback, and the console page in chromium.

A child simulator (homelab scenario unless `--large`) and `proxmox-mpc serve --json` run as processes, the way a
user runs them. Each client logs in with its own session (the user's own PVE ticket) and alternates `list` (GET
/api/v1/guests) and `describe` (GET /api/v1/guests/vm/VMID). The baseline is the same load on the bare
`GET /api/v1/health` in the same run. The console page is timed in headless Debian chromium from navigation to
the dashboard's text arriving in the page's terminal.

Goals (issue 18): no errors; p95 < 200 ms for list and describe; the console page loads in < 3 s.
Run: .venv/bin/python benchmarks/web_bench.py [--clients 50] [--seconds 30] [--large]  (exit 0 = every goal met)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from harness import CLI, LARGE, bench_cluster

P95_GOAL_MS = 200.0
CONSOLE_GOAL_S = 3.0
SETTLE = 8.0  # seconds between console page loads (a person does not open a tab every second)
DASHBOARD = b"Recent tasks"  # a heading of the console's dashboard screen


@dataclass
class Latencies:
    """Latencies (ms) and errors of one kind of request."""

    label: str
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""

    def percentile(self, p: float) -> float:
        if not self.ms:
            return float("nan")
        ordered = sorted(self.ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    def line(self, seconds: float) -> str:
        return (f"{self.label:<10} {len(self.ms):6d} requests  {len(self.ms) / seconds:7.1f}/s  "
                f"p50 {self.percentile(50):7.1f} ms  p95 {self.percentile(95):7.1f} ms  "
                f"max {max(self.ms, default=float('nan')):7.1f} ms  errors {len(self.errors)}")


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], home: Path) -> tuple[subprocess.Popen[str], str]:
    """`proxmox-mpc serve --json` on a free loopback port: the process and its URL."""
    proc = subprocess.Popen([*CLI, "serve", "--port", str(free_port()), "--json"], cwd=home, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit(f"serve did not start: {proc.stderr.read() if proc.stderr else ''}")
    return proc, json.loads(line)["url"]


async def logged_in_client(url: str, password: str) -> httpx.AsyncClient:
    """A client with its own login (self-signed certificate on loopback: not verified)."""
    client = httpx.AsyncClient(base_url=url, verify=False, timeout=30)
    answer = await client.post("/api/v1/auth/login", json={"username": "root", "realm": "pam", "password": password})
    answer.raise_for_status()
    return client


async def load(clients: list[httpx.AsyncClient], seconds: float,
               plan: list[tuple[Latencies, Callable[[], str]]]) -> None:
    """Every client sends the plan's requests in turn, back to back, for `seconds`."""
    deadline = time.perf_counter() + seconds

    async def one(client: httpx.AsyncClient, offset: int) -> None:
        i = offset
        while time.perf_counter() < deadline:
            record, path = plan[i % len(plan)]
            i += 1
            started = time.perf_counter()
            try:
                answer = await client.get(path())
                ok, why = answer.status_code == 200, f"{answer.status_code} {answer.text[:120]}"
            except httpx.HTTPError as exc:
                ok, why = False, f"{type(exc).__name__}: {exc}"
            if ok:
                record.ms.append((time.perf_counter() - started) * 1000)
            else:
                record.errors.append(why)

    await asyncio.gather(*(one(c, n) for n, c in enumerate(clients)))


def console_load_seconds(url: str, password: str, repeat: int) -> list[float]:
    """Seconds from navigating to /console until the dashboard's text reaches the page's terminal (logged in)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Debian's chromium is missing: `make browser` installs it")
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 800})
        page = context.new_page()  # log in on the form, as a user does (the server loads a console meanwhile)
        page.goto(url + "/login")
        page.fill("#username", "root")
        page.fill("#password", password)
        page.click("#submit")
        page.wait_for_url("**/console")
        page.close()
        time.sleep(SETTLE)
        for _ in range(repeat):
            page = context.new_page()
            received = bytearray()

            def on_socket(ws: object, received: bytearray = received) -> None:
                if getattr(ws, "url", "").split("?")[0].endswith("/console/ws"):
                    ws.on("framereceived", lambda p: received.extend(p) if isinstance(p, bytes) else None)  # type: ignore[attr-defined]

            page.on("websocket", on_socket)
            started = time.perf_counter()
            page.goto(url + "/console")
            while DASHBOARD not in received:
                if time.perf_counter() - started > 120:
                    raise SystemExit("the console page never showed the dashboard")
                page.wait_for_timeout(20)
            times.append(time.perf_counter() - started)
            page.close()
            time.sleep(SETTLE)  # the closed tab's console ends; the next tab comes a few seconds later
        browser.close()
    return times


async def api_phase(url: str, password: str, n: int, seconds: float, vmids: list[int]) -> list[Latencies]:
    """Baseline, then each login's first list + describe (its session reads the cluster once), then the load."""
    clients = list(await asyncio.gather(*(logged_in_client(url, password) for _ in range(n))))
    try:
        first = Latencies("first use")

        async def warm(client: httpx.AsyncClient, vmid: int) -> None:
            for path in ("/api/v1/guests?kind=vm", f"/api/v1/guests/vm/{vmid}"):
                started = time.perf_counter()
                try:
                    answer = await client.get(path, timeout=300)
                    ok, why = answer.status_code == 200, f"{answer.status_code} {answer.text[:120]}"
                except httpx.HTTPError as exc:
                    ok, why = False, f"{type(exc).__name__}: {exc}"
                (first.ms.append((time.perf_counter() - started) * 1000) if ok else first.errors.append(why))

        warm_started = time.perf_counter()
        await asyncio.gather(*(warm(c, vmids[i % len(vmids)]) for i, c in enumerate(clients)))
        first.label = f"first use ({time.perf_counter() - warm_started:.1f} s for all)"
        health = Latencies("health")
        await load(clients, min(seconds, 10.0), [(health, lambda: "/api/v1/health")])
        listing, describing = Latencies("list"), Latencies("describe")
        counter = iter(range(10**9))
        before = await counters(clients[0])
        await load(clients, seconds, [
            (listing, lambda: "/api/v1/guests?kind=vm"),
            (describing, lambda: f"/api/v1/guests/vm/{vmids[next(counter) % len(vmids)]}")])
        after = await counters(clients[0])
        used = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
        requests = len(listing.ms) + len(describing.ms) + len(listing.errors) + len(describing.errors)
        calls = used.get("pmpc_api_calls_total", 0.0)
        cache = {how: used.get(f'pmpc_web_reads_total{{how="{how}"}}', 0.0) for how in ("pve", "shared", "hit")}
        listing.note = (f"PVE calls during the load: {calls:.0f} ({calls / max(requests, 1):.2f} per request); "
                        f"read cache: {cache['pve']:.0f} PVE reads, {cache['shared']:.0f} shared, "
                        f"{cache['hit']:.0f} hits")
        return [first, health, listing, describing]
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


async def counters(client: httpx.AsyncClient) -> dict[str, float]:
    """The server's counters from /metrics (PVE calls made, read cache answers); {} when it has none."""
    answer = await client.get("/metrics")
    values = {}
    for line in answer.text.splitlines() if answer.status_code == 200 else []:
        name, _, value = line.rpartition(" ")
        if name.startswith(("pmpc_api_calls_total", "pmpc_web_reads_total")):
            values[name] = float(value)
    return values


async def guest_ids(url: str, password: str) -> list[int]:
    client = await logged_in_client(url, password)
    try:
        body = (await client.get("/api/v1/guests?kind=vm")).json()
    finally:
        await client.aclose()
    rows = body if isinstance(body, list) else next(v for v in body.values() if isinstance(v, list))
    return [int(row["vmid"]) for row in rows][:50]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--console-runs", type=int, default=3, help="console page loads (the median is judged)")
    parser.add_argument("--large", action="store_true", help="the large scenario (1,500 guests, 20 ms latency)")
    args = parser.parse_args(argv)
    started_load = os.getloadavg()[0]  # the machine may be shared: compare runs made under the same load
    with tempfile.TemporaryDirectory() as tmp, bench_cluster(Path(tmp), *(LARGE if args.large else ())) as bench:
        server, url = start_server(bench.env, bench.home)
        try:
            vmids = asyncio.run(guest_ids(url, bench.info.password))
            first, health, listing, describing = asyncio.run(
                api_phase(url, bench.info.password, args.clients, args.seconds, vmids))
            console = console_load_seconds(url, bench.info.password, args.console_runs)
        finally:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"{args.clients} clients on loopback; baseline {min(args.seconds, 10.0):g} s, load {args.seconds:g} s; "
          f"scenario {'large' if args.large else 'homelab'}; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs (at the start: {started_load:.1f}; /proc/loadavg now: {loadavg()})")
    print(f"each login's first list + describe (not judged): {first.label}, p50 {first.percentile(50):.0f} ms, "
          f"p95 {first.percentile(95):.0f} ms, errors {len(first.errors)}")
    print("baseline: " + health.line(min(args.seconds, 10.0)))
    ok = True
    for record in (listing, describing):
        print("          " + record.line(args.seconds)
              + f"  ({record.percentile(95) / health.percentile(95):.1f}x baseline p95)")
    if listing.note:
        print("          " + listing.note)
    for record in (first, health, listing, describing):
        for error in sorted(set(record.errors))[:3]:
            print(f"  error ({record.label}): {error}")
    median = statistics.median(console)
    print(f"console page to dashboard: median {median:.2f} s (runs: {', '.join(f'{s:.2f}' for s in console)})")
    errors = sum(len(r.errors) for r in (first, health, listing, describing))
    checks = [("errors", errors == 0, f"{errors}, goal 0"),
              ("list p95", listing.percentile(95) < P95_GOAL_MS, f"{listing.percentile(95):.0f} ms < 200 ms"),
              ("describe p95", describing.percentile(95) < P95_GOAL_MS, f"{describing.percentile(95):.0f} ms < 200 ms"),
              ("console page", median < CONSOLE_GOAL_S, f"{median:.2f} s < 3 s")]
    for label, passed, detail in checks:
        print(f"goal: {label:<14} {'PASS' if passed else 'FAIL'} ({detail})")
        ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
