"""Follow a task proxmox-mpc started, in the background, only while someone listens for its events.

`watch_task` publishes `task.started`, `task.progress` (through `follow_task`), `task.finished` or `task.failed`
and, for a power action, the guest's new `guest.status`. Nobody subscribed: it does nothing at all.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError, TaskFailed
from pmpc_tui.pve.upid import parse_upid
from pmpc_tui.services import events

log = logging.getLogger("pmpc.events")
TASK_TYPES = ("task.started", "task.progress", "task.finished", "task.failed", "guest.status")
_watchers: set[asyncio.Task[None]] = set()


def watch_task(client: PVEClient, upid: str | None, guest: Any = None, timeout: float = 3600.0) -> None:
    """Start following `upid` (a `GuestRef` as `guest` also reports its status afterwards) if anyone listens."""
    if not upid or not any(events.BUS.listening(t) for t in TASK_TYPES):
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return
    task = loop.create_task(_follow(client, upid, guest, timeout), name=f"watch {upid}")
    _watchers.add(task)
    task.add_done_callback(_watchers.discard)


async def _follow(client: PVEClient, upid: str, guest: Any, timeout: float) -> None:
    from pmpc_tui.services.task_progress import follow_task

    try:
        info = parse_upid(upid)
    except ValueError:
        return
    base = {"upid": upid, "node": info.node}
    events.publish("task.started", {**base, "task_type": info.type, "id": info.id, "user": info.user},
                   client=client)
    try:
        async for update in follow_task(client, upid, timeout=timeout):
            if update.done:
                events.publish("task.finished", {**base, "exitstatus": update.exitstatus}, client=client)
            else:
                events.publish("task.progress", {**base, "percent": update.percent, "message": update.message},
                               client=client)
    except TaskFailed as exc:
        events.publish("task.failed", {**base, "exitstatus": exc.exitstatus, "log": exc.log_tail[-10:]},
                       client=client)
    except asyncio.CancelledError:
        raise
    except PVEError as exc:
        log.warning("stopped following %s: %s", upid, exc)
        return
    except Exception:  # the user's session closed under it (logout): following ends quietly
        log.warning("stopped following %s", upid, exc_info=True)
        return
    if guest is not None:
        await _publish_guest_status(client, guest)


async def _publish_guest_status(client: PVEClient, guest: Any) -> None:
    """Read the guest's status now and publish it when it differs from the one it had before the action."""
    try:
        current = await client.get(f"{guest.path}/status/current")
    except PVEError as exc:
        log.warning("could not read the status of %s: %s", guest.label, exc)
        return
    status = current.get("status")
    if status != guest.status:
        events.publish("guest.status", {"vmid": guest.vmid, "name": guest.name, "node": guest.node,
                                        "type": "vm" if guest.kind == "qemu" else "ct", "previous": guest.status,
                                        "status": status}, client=client)


async def cancel_watchers() -> None:
    """Stop following every task (a server shutting down)."""
    tasks = list(_watchers)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
