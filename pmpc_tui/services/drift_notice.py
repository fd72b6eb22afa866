"""After a change made outside the code (a snapshot rollback, a restore), tell the user the guest drifted from it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmpc_tui.services.session import Session


async def guest_change_notice(session: Session, vmid: int) -> str | None:
    """One line when the session's workspace code manages `vmid`: it now differs from the code, and how to
    reconcile (import takes the cluster's version, apply puts the code's back); None otherwise."""
    ws = session.workspace()
    if ws is None:
        return None
    from pmpc_tui.services.plan import managed_guests

    try:
        managed = await asyncio.to_thread(managed_guests, ws)  # reads the generated files: off the event loop
    except OSError:
        return None
    address = managed.get(int(vmid))
    if address is None:
        return None
    return (f"drift: guest {vmid} ({address}) now differs from the workspace's code — take the cluster's "
            f"version with `proxmox-mpc import --guest {vmid}`, or put the code's back with `proxmox-mpc apply`")
