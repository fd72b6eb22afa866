"""Reading the cluster into the state database for every front end: sync now, or sync only if never synced."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.services.iac import has_synced
from pmpc_tui.services.sync import ClusterSnapshot, SyncResult, SyncService
from pmpc_tui.state.db import Database

Report = Callable[[str], None]


def sync_summary(result: SyncResult) -> str:
    """One line saying what a sync read."""
    message = (f"synced {result.nodes} nodes, {result.vms} VMs, {result.containers} containers, "
               f"{result.storages} storages in {result.duration_ms} ms "
               f"(+{result.added} ~{result.updated} -{result.removed})")
    if result.unreachable_nodes:
        message += f"; unreachable nodes kept as last seen: {', '.join(result.unreachable_nodes)}"
    return message


async def sync_cluster(client: PVEClient, db: Database, report: Report | None = None,
                       on_fetched: Callable[[ClusterSnapshot], None] | None = None,
                       on_resources: Callable[[list[dict[str, Any]]], None] | None = None,
                       on_configs: Callable[[list[tuple[dict[str, Any], dict[str, Any]]]], None] | None = None,
                       ) -> SyncResult:
    """Read the whole cluster into the state database, reporting progress at most twice a second
    (`on_fetched`: see SyncService.run; `on_resources`, `on_configs`: SyncService.fetch)."""
    last = [0.0]

    def progress(done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if report is not None and (done == total or now - last[0] > 0.5):
            last[0] = now
            report(f"syncing… {done}/{total}")

    return await SyncService(client, db).run(progress, on_fetched, on_resources, on_configs=on_configs)


async def sync_if_never_synced(db: Database, client: Callable[[], Awaitable[PVEClient]],
                               report: Report | None = None) -> SyncResult | None:
    """Sync first when the database has never been synced (connecting only then); None when it had been."""
    if await has_synced(db):
        return None
    return await sync_cluster(await client(), db, report)
