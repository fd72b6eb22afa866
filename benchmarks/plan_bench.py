"""Plan benchmark: a no-change plan for 1,500 guests at 20 ms API latency (target < 2 s).

A generated cluster (5 nodes, 1,000 VMs, 500 containers) runs in a child simulator with 20 ms added
latency per request. A workspace is initialised and imported (not timed); then `make_plan` is timed:
a fresh read of the cluster (saved to the state DB), parsing the workspace's 1,500 resources, and
the comparison. The plan must contain no change. The parse with a cold cache is printed too.

Run: .venv/bin/python benchmarks/plan_bench.py   (exit status 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

from pmpc_tui.config.profiles import Profile
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.iac import import_workspace
from pmpc_tui.services.plan import make_plan
from pmpc_tui.services.sync import SyncService
from pmpc_tui.services.workspace_init import InitOptions, init_workspace
from pmpc_tui.simulator.server import SimulatorProcess
from pmpc_tui.state.db import Database, sqlite_url

TARGET_SECONDS = 2.0


async def run(proc: SimulatorProcess, root: Path) -> tuple[float, float, int, dict[str, int]]:
    info = proc.info
    user, token = info.token_id.split("!", 1)
    settings = ConnectionSettings(info.url, user, token, info.token_secret, fingerprint=info.fingerprint)
    profile = Profile(name="bench", url=info.url, user=user, token_name=token, fingerprint=info.fingerprint)
    ws = init_workspace(InitOptions(directory=root / "ws"), profile).workspace
    db = Database(sqlite_url(ws.db_path))
    await db.create_all()
    try:
        async with PVEClient(settings) as client:
            await SyncService(client, db).run()
            await import_workspace(ws, db, client, profile)
            ws.parse_cache_path.unlink(missing_ok=True)
            started = time.perf_counter()
            await make_plan(ws, db, client)  # cold parse cache
            cold = time.perf_counter() - started
            started = time.perf_counter()
            plan = await make_plan(ws, db, client)
            warm = time.perf_counter() - started
    finally:
        await db.close()
    return cold, warm, len(plan.resources), plan.summary()


def main() -> int:
    with SimulatorProcess("--scenario", "large", "--nodes", "5", "--vms", "1000", "--cts", "500",
                          "--latency-ms", "20") as proc, tempfile.TemporaryDirectory() as tmp:
        cold, warm, count, summary = asyncio.run(run(proc, Path(tmp)))
    changes = sum(v for k, v in summary.items() if k != "no-op")
    ok = warm < TARGET_SECONDS and changes == 0
    print(f"no-change plan, {count} guests, 20 ms latency:  {warm:.2f} s  (fresh read + parse + compare)")
    print(f"same, first plan (parse cache cold):            {cold:.2f} s")
    print(f"changes found: {changes} (summary {summary})")
    print(f"target: < {TARGET_SECONDS:.0f} s with no change ....... {'PASS' if ok else 'FAIL'} ({warm:.2f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
