"""The services publish as they work: a sync that sees a status change, an apply step by step, health."""

from __future__ import annotations

import asyncio
from pathlib import Path

from iac_support import api, api_done

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services import events
from pmpc_tui.services.apply import apply_plan
from pmpc_tui.services.health import run_health
from pmpc_tui.services.plan import make_plan
from pmpc_tui.services.session import open_workspace_state
from pmpc_tui.services.sync import SyncService
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.state.db import Database, sqlite_url


def client_for(sim: SimulatorThread) -> PVEClient:
    user, name = sim.info.token_id.split("!", 1)
    return PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret,
                                        fingerprint=sim.info.fingerprint))


async def drain(sub: events.Subscription) -> list[events.Event]:
    got = []
    while (event := await sub.get(timeout=0.2)) is not None:
        got.append(event)
    return got


async def test_a_sync_that_sees_a_guest_stopped_elsewhere_publishes_its_status(sim: SimulatorThread,
                                                                               tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "state.db"))
    await db.create_all()
    try:
        async with client_for(sim) as client:
            await SyncService(client, db).run()
            await asyncio.to_thread(api_done, sim, "post", "/nodes/pve1/qemu/101/status/stop")  # the web UI
            with events.BUS.subscribe(["guest.status", "sync.finished"]) as sub:
                result = await SyncService(client, db).run()
                got = await drain(sub)
    finally:
        await db.close()
    status = [e.data for e in got if e.type == "guest.status"]
    assert status == [{"vmid": 101, "name": "web-01", "node": "pve1", "type": "vm", "previous": "running",
                       "status": "stopped"}]
    assert got[-1].type == "sync.finished" and got[-1].data["run_id"] == result.run_id


async def test_an_apply_publishes_its_start_each_step_and_its_end(imported_workspace: Path,
                                                                   sim: SimulatorThread) -> None:
    resources = await asyncio.to_thread(api, sim, "get", "/cluster/resources", type="vm")
    vm = next(r for r in resources if r["type"] == "qemu" and r["vmid"] == 101)
    await asyncio.to_thread(api, sim, "put", f"/nodes/{vm['node']}/qemu/101/config", description="edited by hand")
    ws, db = await open_workspace_state(imported_workspace)
    try:
        async with client_for(sim) as client:
            plan = await make_plan(ws, db, client)
            with events.BUS.subscribe(events.parse_types("apply.*")) as sub:
                result = await apply_plan(ws, db, client, plan, lambda _line: None)
                got = await drain(sub)
    finally:
        await db.close()
    assert got[0].type == "apply.started" and got[-1].type == "apply.finished"
    assert got[0].data["run_id"] == result.run_id == got[-1].data["run_id"]
    steps = [(e.data["address"], e.data["status"]) for e in got if e.type == "apply.step"]
    address = next(s["address"] for s in got[0].data["steps"] if s["vmid"] == 101)
    assert steps[0] == (address, "running") and (address, "done") in steps
    assert got[-1].data["status"] == "done" and got[-1].data["failed"] == 0


async def test_health_with_a_refused_connection_publishes_health_critical() -> None:
    with events.BUS.subscribe(["health.critical"]) as sub:
        checks = await run_health(None, None, None)
        event = await sub.get(timeout=5)
    assert event is not None
    critical = [c.name for c in checks if c.status == "critical"]
    assert [c["check"] for c in event.data["checks"]] == critical and "api" in critical
