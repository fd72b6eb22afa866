"""The state DB on a real PostgreSQL server: a throwaway cluster made with initdb/pg_ctl per module.

The same sync is run into SQLite and PostgreSQL and must produce the same counts and rows.
initdb refuses to run as root, so under root the server runs as an unprivileged user via runuser.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import ServerError
from pmpc_tui.services.sync import SyncResult, SyncService
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.state.db import Database, sqlite_url
from pmpc_tui.state.models import VM, Container, Network, Node, Storage, SyncRun

COUNTS = ("nodes", "vms", "containers", "storages", "networks", "added", "updated", "removed")


@pytest.fixture
async def pg(postgres_url: str) -> AsyncIterator[Database]:
    """A fresh schema on the module's server for each test."""
    db = Database(postgres_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
    await db.create_all()
    yield db
    await db.close()


def settings(sim: SimulatorThread, **overrides: Any) -> ConnectionSettings:
    info = sim.info
    user, name = info.token_id.split("!", 1)
    return ConnectionSettings(info.url, user, name, info.token_secret, fingerprint=info.fingerprint,
                              **overrides)


def counts(result: SyncResult) -> dict[str, int]:
    return {k: getattr(result, k) for k in COUNTS}


async def guest_rows(db: Database) -> dict[tuple[str, int], tuple[Any, ...]]:
    out: dict[tuple[str, int], tuple[Any, ...]] = {}
    async with db.session() as session:
        for model in (VM, Container):
            for g in (await session.exec(select(model))).all():
                out[(model.__tablename__, g.vmid)] = (g.name, g.node, g.template, g.tags, g.config, g.digest,
                                                      g.maxmem, g.removed_at is None)
    return out


async def table_sizes(db: Database) -> dict[str, int]:
    sizes = {}
    async with db.session() as session:
        for model in (Node, VM, Container, Storage, Network, SyncRun):
            sizes[model.__name__] = len((await session.exec(select(model))).all())
    return sizes


async def test_schema_is_created_on_postgresql(pg: Database) -> None:
    assert pg.dialect == "postgresql"
    async with pg.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync_conn: set(inspect(sync_conn).get_table_names()))
    assert {"node", "vm", "container", "storage", "network", "task", "syncrun"} <= tables


async def test_sync_into_postgresql_matches_sqlite(sim: SimulatorThread, pg: Database,
                                                   tmp_path: Path) -> None:
    lite = Database(sqlite_url(tmp_path / "state.db"))
    await lite.create_all()
    try:
        async with PVEClient(settings(sim)) as client:
            on_pg = await SyncService(client, pg).run()
            on_lite = await SyncService(client, lite).run()
        assert counts(on_pg) == counts(on_lite)
        assert counts(on_pg) == {"nodes": 3, "vms": 11, "containers": 7, "storages": 12, "networks": 12,
                                 "added": 45, "updated": 0, "removed": 0}
        pg_guests, lite_guests = await guest_rows(pg), await guest_rows(lite)
        assert pg_guests == lite_guests
        assert pg_guests[("vm", 103)][6] == 8192 * 2**20  # BIGINT columns hold real memory sizes
        assert await table_sizes(pg) == await table_sizes(lite)
    finally:
        await lite.close()
    async with pg.session() as session:
        nodes = {n.name: n for n in (await session.exec(select(Node))).all()}
        run = (await session.exec(select(SyncRun))).one()
    assert nodes["pve2"].maxmem == 64 * 2**30  # beyond a 32-bit INTEGER
    assert run.vms == 11 and run.finished_at is not None and run.finished_at.tzinfo is not None


async def test_removal_and_failed_sync_on_postgresql(sim: SimulatorThread, pg: Database) -> None:
    async with PVEClient(settings(sim), read_retries=0) as client:
        service = SyncService(client, pg)
        await service.run()
        upid = await client.delete("/nodes/pve1/qemu/109")
        await client.wait_task(upid, poll=0.01)
        second = await service.run()
        assert second.removed == 1 and second.vms == 10

        sim.control("POST", "/guests/101/status", {"status": "stopped"})
        before = await guest_rows(pg), await table_sizes(pg)
        sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "/network$"})
        with pytest.raises(ServerError):
            await service.run()
        assert (await guest_rows(pg), await table_sizes(pg)) == before
    rows = await guest_rows(pg)
    assert rows[("vm", 109)][-1] is False  # marked removed
    assert sum(1 for r in rows.values() if r[-1]) == 17
