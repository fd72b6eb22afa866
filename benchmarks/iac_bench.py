"""IaC benchmark: generate Terraform + Ansible for a 1,500-guest cluster, then parse it back.

Syncs a generated cluster (5 nodes, 1000 VMs, 500 containers; in-process simulator) into a fresh
workspace's state DB, then times

  1. generation alone: every guest's .tf text (import block + complete bpg resource) and the inventory;
  2. `import_workspace` end to end: state DB → files on disk (first run: all created);
  3. the same again (every file unchanged — what a routine re-import costs);
  4. parsing the workspace back with python-hcl2 (`load_desired_state`, what plan will read), then
     again with the content-hash parse cache warm.

Target: generation under 2 s. Run: .venv/bin/python benchmarks/iac_bench.py  (exit 0 = PASS, 1 = FAIL)
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from pmpc_tui.iac.ansible import render_inventory
from pmpc_tui.iac.terraform import guest_file, load_desired_state, resource_label
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.iac import discover_ips, import_workspace, inventory_hosts, load_guests
from pmpc_tui.services.sync import SyncService
from pmpc_tui.services.workspace_init import InitOptions, init_workspace
from pmpc_tui.simulator.server import SimulatorOptions, SimulatorThread
from pmpc_tui.state.db import Database, sqlite_url

TARGET_SECONDS = 2.0


async def run(vms: int, cts: int) -> bool:
    with tempfile.TemporaryDirectory() as tmp, \
            SimulatorThread(SimulatorOptions(port=0, scenario="large", nodes=5, vms=vms, cts=cts)) as sim:
        ws = init_workspace(InitOptions(directory=Path(tmp) / "ws")).workspace
        db = Database(sqlite_url(ws.db_path))
        await db.create_all()
        user, name = sim.info.token_id.split("!", 1)
        settings = ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)
        async with PVEClient(settings) as client:
            sync = await SyncService(client, db).run()
        print(f"cluster: {sync.vms} VMs + {sync.containers} containers on {sync.nodes} nodes (synced in "
              f"{sync.duration_ms} ms)")

        guests = await load_guests(db)
        t0 = time.perf_counter()
        taken: set[str] = set()
        texts = []
        for g in guests:
            label = resource_label(g.name, g.vmid, taken)
            taken.add(label)
            texts.append(guest_file(g, label)[1])
        hosts = inventory_hosts(guests, await discover_ips(None, guests))
        inventory = render_inventory(hosts)
        generate = time.perf_counter() - t0
        size = sum(len(t) for t in texts) + len(inventory)

        t0 = time.perf_counter()
        first = await import_workspace(ws, db)
        import_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = await import_workspace(ws, db)
        import_again = time.perf_counter() - t0
        t0 = time.perf_counter()
        desired = load_desired_state(ws.terraform_dir, ws.parse_cache_path)
        parse = time.perf_counter() - t0
        t0 = time.perf_counter()
        cached = load_desired_state(ws.terraform_dir, ws.parse_cache_path)
        parse_cached = time.perf_counter() - t0
        same = [(g.label, g.body) for g in cached.guests] == [(g.label, g.body) for g in desired.guests]
        await db.close()

    n = len(guests)
    ok = generate < TARGET_SECONDS and len(desired.guests) == n and not desired.errors and same
    print(f"generate {n} guests + inventory: {generate:.2f} s ({n / generate:,.0f} guests/s, "
          f"{size / 1e6:.1f} MB of text)  target < {TARGET_SECONDS:.0f} s  {'PASS' if ok else 'FAIL'}")
    print(f"import (state DB → files), first run: {import_first:.2f} s  {first.counts()}")
    print(f"import again (nothing changed):       {import_again:.2f} s  {second.counts()}")
    print(f"parse back with python-hcl2:          {parse:.2f} s ({n / parse:,.0f} guests/s, "
          f"{len(desired.guests)} resources, {len(desired.errors)} errors)")
    print(f"parse back again (content-hash cache): {parse_cached:.2f} s  ({'same result' if same else 'DIFFERENT'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vms", type=int, default=1000)
    parser.add_argument("--cts", type=int, default=500)
    args = parser.parse_args()
    return 0 if asyncio.run(run(args.vms, args.cts)) else 1


if __name__ == "__main__":
    sys.exit(main())
