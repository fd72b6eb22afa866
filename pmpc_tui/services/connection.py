"""Connection check: reach the API, log in, and report version, cluster and latency."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from pmpc_tui.pve.client import ConnectionSettings, PVEClient


async def test_connection(settings: ConnectionSettings) -> dict[str, Any]:
    """Log in and read version and cluster status; raises a typed PVEError on any failure."""
    async with PVEClient(settings, max_concurrency=4, read_retries=1) as client:
        started = time.perf_counter()
        version = await client.get("/version")
        latency_ms = round((time.perf_counter() - started) * 1000, 1)
        nodes = await client.get("/nodes")
        try:
            status = await client.get("/cluster/status")
            cluster = next((s.get("name") for s in status if s.get("type") == "cluster"), "standalone")
        except Exception:  # Sys.Audit on / is not needed to use the tool
            cluster = "unknown (no Sys.Audit on /)"
    tls = "pinned" if settings.fingerprint else ("verified" if settings.verify_tls else "NOT VERIFIED")
    return {
        "url": settings.url, "auth_id": settings.auth_id, "version": version.get("version", "?"),
        "release": version.get("release", "?"), "cluster": cluster, "nodes": len(nodes),
        "nodes_online": sum(1 for n in nodes if n.get("status") == "online"), "latency_ms": latency_ms, "tls": tls,
    }


def client_factory(settings: ConnectionSettings) -> Callable[[], Awaitable[PVEClient]]:
    """A function that connects a new client with `settings` (the console connects on first use)."""
    async def connect() -> PVEClient:
        return await PVEClient(settings).connect()
    return connect
