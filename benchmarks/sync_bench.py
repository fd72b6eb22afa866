"""Sync benchmark: our concurrent SyncService vs. a plain sequential proxmoxer walk of the same data.

Starts the simulator as a child process (a generated 5-node cluster with 1000 VMs and 500 containers,
20 ms latency per request), then

  1. times `proxmox-mpc sync --db-only` as a process, the way a user runs it (median of 3);
  2. times `SyncService.run()` in-process into a temporary SQLite database (secondary, labelled so);
  3. times what a straightforward proxmoxer script does: GET /cluster/resources, then every guest's
     config one after another, then every node's network.

Targets, both on `sync --db-only` as a process: under 3 s, and at least 10x faster than the sequential walk (issue
13's guard of its baseline); the in-process figure is printed beside them.
Run: .venv/bin/python benchmarks/sync_bench.py   (exit status 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from harness import bench_cluster

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.sync import SyncResult, SyncService
from pmpc_tui.simulator.server import SimulatorInfo
from pmpc_tui.state.db import Database, sqlite_url

TARGET_SECONDS = 3.0
TARGET_RATIO = 10.0


async def time_our_sync(info: SimulatorInfo, db_path: Path) -> tuple[float, SyncResult]:
    user, name = info.token_id.split("!", 1)
    settings = ConnectionSettings(info.url, user, name, info.token_secret, fingerprint=info.fingerprint)
    db = Database(sqlite_url(db_path))
    await db.create_all()
    try:
        async with PVEClient(settings) as client:
            started = time.perf_counter()
            result = await SyncService(client, db).run()
            elapsed = time.perf_counter() - started
    finally:
        await db.close()
    return elapsed, result


def time_sequential_proxmoxer(info: SimulatorInfo) -> tuple[float, int]:
    from proxmoxer import ProxmoxAPI

    user, name = info.token_id.split("!", 1)
    warnings.filterwarnings("ignore", message="Unverified HTTPS request")
    api = ProxmoxAPI(info.host, user=user, token_name=name, token_value=info.token_secret, verify_ssl=False)
    started = time.perf_counter()
    calls = 1
    resources: list[dict[str, Any]] = api.cluster.resources.get()
    configs: dict[int, dict[str, Any]] = {}
    for r in resources:
        if r.get("type") in ("qemu", "lxc"):
            configs[r["vmid"]] = api.nodes(r["node"])(r["type"])(r["vmid"]).config.get()
            calls += 1
    networks = {}
    for r in resources:
        if r.get("type") == "node" and r.get("status") == "online":
            networks[r["node"]] = api.nodes(r["node"]).network.get()
            calls += 1
    return time.perf_counter() - started, calls


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--nodes", default="5")
    parser.add_argument("--vms", default="1000")
    parser.add_argument("--cts", default="500")
    parser.add_argument("--latency-ms", default="20")
    args = parser.parse_args(argv)

    print(f"starting simulator: large scenario, {args.nodes} nodes, {args.vms} VMs, {args.cts} CTs, "
          f"{args.latency_ms} ms latency", flush=True)
    with tempfile.TemporaryDirectory(prefix="pmpc-bench-") as tmp, \
            bench_cluster(Path(tmp), "--scenario", "large", "--nodes", args.nodes, "--vms", args.vms, "--cts",
                          args.cts, "--latency-ms", args.latency_ms) as bench:
        process = bench.time("sync --db-only", "sync", "--db-only", repeat=3)
        print(f"sync --db-only:     {process.median:7.2f} s  (a process, as users run it: median of 3; "
              f"cpu {process.cpu_median:.2f} s)", flush=True)
        ours, result = asyncio.run(time_our_sync(bench.info, Path(tmp) / "state.db"))
        print(f"sync service:       {ours:7.2f} s  (in-process, secondary: {result.api_calls} API calls, "
              f"{result.nodes} nodes, {result.vms} VMs, {result.containers} CTs, {result.storages} storages, "
              f"{result.networks} networks written)", flush=True)
        sequential, calls = time_sequential_proxmoxer(bench.info)
        print(f"sequential walk:    {sequential:7.2f} s  ({calls} API calls, plain proxmoxer)", flush=True)

    ratio = sequential / process.median
    fast_enough = process.median < TARGET_SECONDS
    speedup_ok = ratio >= TARGET_RATIO
    print(f"speed-up:           {ratio:7.1f}x  (the walk against sync --db-only as a process; "
          f"{sequential / ours:.1f}x against the service in-process)")
    verdicts = {True: "PASS", False: "FAIL"}
    print(f"target: ratio >= {TARGET_RATIO:.0f}x (as a process) ... {verdicts[speedup_ok]} ({ratio:.1f}x)")
    print(f"target: sync --db-only < {TARGET_SECONDS:.0f} s (as a process) ... {verdicts[fast_enough]} "
          f"({process.median:.2f} s; the service alone in-process {ours:.2f} s)")
    verdict = fast_enough and speedup_ok
    print(verdicts[verdict])
    return 0 if verdict else 1

if __name__ == "__main__":
    sys.exit(main())
