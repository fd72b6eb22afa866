"""A web user's PVE client: its reads of `/cluster/resources` go through the user's read cache.

Listing guests and finding the one a describe (or any action) names both read the whole cluster's resource
list; on a large cluster that read is most of a describe's cost. One user's requests share it for the read
cache's TTL, single-flight; this client's own writes clear the user's answers, before and after.
"""

from __future__ import annotations

from typing import Any

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.read_cache import ReadCache

SHARED_READS = frozenset({"/cluster/resources"})


class WebUserClient(PVEClient):
    """A `PVEClient` for one web user (`who`: user@realm or the token's id) sharing their resource reads."""

    def __init__(self, settings: ConnectionSettings, reads: ReadCache, who: str, **kwargs: Any) -> None:
        super().__init__(settings, **kwargs)
        self.reads = reads
        self.who = who

    async def get(self, path: str, /, **params: Any) -> Any:
        if path not in SHARED_READS or not self.reads.enabled:
            return await super().get(path, **params)
        key = f"pve GET {path} {sorted(params.items())}"
        got = await self.reads.read(self.who, key, lambda: super(WebUserClient, self).get(path, **params))
        rows = got.value
        # each caller gets its own rows (some sort or annotate them); the kept answer stays as PVE sent it
        return [dict(r) if isinstance(r, dict) else r for r in rows] if isinstance(rows, list) else rows

    async def request(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        if method == "GET":
            return await super().request(method, path, params)
        self.reads.clear(self.who)
        try:
            return await super().request(method, path, params)
        finally:
            self.reads.clear(self.who)
