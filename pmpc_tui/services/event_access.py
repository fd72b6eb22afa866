"""Which events one user may see, decided by PVE's own permissions (never a list of ours).

A guest's status needs VM.Audit on /vms/VMID; a task is seen by whoever started it or with Sys.Audit on its
node (PVE's rule for the task list); cluster-wide events (sync, drift, apply, health) need Sys.Audit on /.
Permissions come from `GET /access/permissions?path=…` as this user, cached per path for `ttl` seconds.
"""

from __future__ import annotations

import time
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.pve.upid import parse_upid
from pmpc_tui.services.events import STREAM_ONLY, Event

CLUSTER_WIDE = ("sync.", "drift.", "apply.", "health.")


class EventAccess:
    """One user's view of the event stream: `await allows(event)`."""

    def __init__(self, client: PVEClient, who: tuple[str, ...], ttl: float = 60.0) -> None:
        self.client = client
        self.who = who  # the user id and, for an API token, the token id (tasks carry either)
        self.ttl = ttl
        self._held: dict[str, tuple[float, frozenset[str]]] = {}

    async def allows(self, event: Event) -> bool:
        if event.type in STREAM_ONLY:
            return True
        data = event.data
        if event.type.startswith("task."):
            return await self._task(str(data.get("upid", "")))
        if event.type == "guest.status":
            return await self.can(f"/vms/{data.get('vmid')}", "VM.Audit")
        if event.type.startswith(CLUSTER_WIDE):
            return await self.can("/", "Sys.Audit")
        return False  # a type nobody decided about is not shown

    async def _task(self, upid: str) -> bool:
        try:
            info = parse_upid(upid)
        except ValueError:
            return False
        return info.user in self.who or await self.can(f"/nodes/{info.node}", "Sys.Audit")

    async def can(self, path: str, privilege: str) -> bool:
        """Does this user hold `privilege` on `path` (as PVE says, cached)?"""
        now = time.monotonic()
        cached = self._held.get(path)
        if cached is None or now - cached[0] > self.ttl:
            cached = (now, await self._read(path))
            self._held[path] = cached
        return privilege in cached[1]

    async def _read(self, path: str) -> frozenset[str]:
        try:
            answer: Any = await self.client.request("GET", "/access/permissions", {"path": path})
        except (PVEError, RuntimeError, OSError):  # refused, or the user's session closed: not shown
            return frozenset()
        held = answer.get(path, {}) if isinstance(answer, dict) else {}
        return frozenset(p for p, v in held.items() if v)
