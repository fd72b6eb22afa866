"""Validate benchmark: validate 1,500 imported guests in no more time than one sync (20 ms API latency).

A generated cluster (5 nodes, 1,000 VMs, 500 containers) runs in a child simulator with 20 ms added
latency per request. A workspace is initialised and imported (not timed); then a sync and
`validate_workspace` (value rules and live checks, with the client) are timed. No finding is expected.

Run: .venv/bin/python benchmarks/validate_bench.py   (exit status 0 = PASS, 1 = FAIL)
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
from pmpc_tui.services.sync import SyncService
from pmpc_tui.services.validate import validate_workspace
from pmpc_tui.services.workspace_init import InitOptions, init_workspace
from pmpc_tui.simulator.server import SimulatorProcess
from pmpc_tui.state.db import Database, sqlite_url


async def run(proc: SimulatorProcess, root: Path) -> tuple[float, float, int]:
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
            await validate_workspace(ws, db, client)  # parse cache warm, as after any plan
            started = time.perf_counter()
            await SyncService(client, db).run()
            sync = time.perf_counter() - started
            started = time.perf_counter()
            findings = await validate_workspace(ws, db, client)
            validate = time.perf_counter() - started
    finally:
        await db.close()
    for finding in findings[:10]:
        print(f"  {finding.where}: {finding.message}")
    return sync, validate, len(findings)


def main() -> int:
    with SimulatorProcess("--scenario", "large", "--nodes", "5", "--vms", "1000", "--cts", "500",
                          "--latency-ms", "20") as proc, tempfile.TemporaryDirectory() as tmp:
        sync, validate, findings = asyncio.run(run(proc, Path(tmp)))
    ok = validate <= sync and findings == 0
    print(f"sync, 1,500 guests, 20 ms latency:      {sync:.2f} s")
    print(f"validate (rules + live checks):         {validate:.2f} s, {findings} finding(s)")
    print(f"target: validate <= 1x sync, no finding ... {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
