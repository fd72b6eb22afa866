"""The guests whose firewall can take effect, named as the sync's guest configs come in: import reads their
firewall options from the first configs on, beside the sync, instead of after its last one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


class FirewallFeed:
    """VMIDs added in several goes while the configs are read, then closed (the whole set is then `known`)."""

    def __init__(self, vmids: set[int] | None = None) -> None:
        self.known: set[int] = set()
        self.closed = False
        self._fresh: asyncio.Queue[set[int] | None] = asyncio.Queue()
        if vmids:
            self.add(vmids)

    def add(self, vmids: set[int]) -> None:
        """Name more guests (those named before are left out)."""
        fresh = vmids - self.known
        if fresh and not self.closed:
            self.known |= fresh
            self._fresh.put_nowait(fresh)

    def close(self, vmids: set[int] | None = None) -> None:
        """The last guests are named: every config is in."""
        if vmids:
            self.add(vmids)
        if not self.closed:
            self.closed = True
            self._fresh.put_nowait(None)

    async def batches(self) -> AsyncIterator[set[int]]:
        """The guests named since the last batch, as one set each time it is asked (ends once closed)."""
        while True:
            fresh = await self._fresh.get()
            found: set[int] = set()
            while fresh is not None:
                found |= fresh
                if self._fresh.empty():
                    break
                fresh = self._fresh.get_nowait()
            if found:
                yield found
            if fresh is None:
                return
