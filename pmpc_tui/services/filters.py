"""Filters an assistant or a user gives — a node, a task state, a guest — and the recent tasks they select:
an unknown node or guest is an error (NotFound), never an empty list."""

from __future__ import annotations

from typing import Any

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import NotFound, ValidationFailed
from pmpc_tui.services.guest_ref import parse_guest_ident, shown

TASK_STATES = ("running", "ok", "failed")
TASKS_MAX = 1000  # the newest the cluster keeps


def task_state(status: str | None) -> str:
    """running (no exit status yet), ok (`OK`, or `WARNINGS: n`) or failed (any other exit status)."""
    if status in (None, "", "running"):
        return "running"
    return "ok" if status == "OK" or str(status).startswith("WARNINGS") else "failed"


def check_upid(upid: str) -> str:
    """A task id (UPID) as PVE writes it, else ValidationFailed: checked before connecting."""
    from pmpc_tui.pve.upid import parse_upid

    try:
        parse_upid(upid)
    except ValueError as exc:
        raise ValidationFailed("invalid task id", {"upid": str(exc)}) from None
    return upid


def check_task_filters(state: str | None, limit: int) -> None:
    """Bad filters stop before anything is sent."""
    if state is not None and state not in TASK_STATES:
        raise ValidationFailed("invalid", {"status": f"{shown(state)}: use {', '.join(TASK_STATES)}"})
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= TASKS_MAX:
        raise ValidationFailed("invalid", {"limit": f"{shown(limit)}: a whole number from 1 to {TASKS_MAX}"})


async def require_node(client: PVEClient, node: str) -> str:
    """`node` when the cluster has a node of that name, else NotFound listing the nodes."""
    names = sorted(n["node"] for n in await client.get("/nodes"))
    if node not in names:
        raise NotFound(f"no node {shown(node)} in the cluster", f"The nodes are: {', '.join(names)}.")
    return node


async def find_tasks(client: PVEClient, node: str | None = None, state: str | None = None,
                     guest: str | int | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The newest tasks, newest first, of `node` and `guest` (VMID or name) in `state`; NotFound for an unknown
    node or guest."""
    from pmpc_tui.services.inventory import recent_tasks

    check_task_filters(state, limit)
    ident = parse_guest_ident(guest) if guest is not None else None  # bad input: nothing is sent
    if node is not None:
        await require_node(client, node)
    vmid = None
    if ident is not None:
        guests = [r for r in await client.get("/cluster/resources", type="vm")
                  if (int(r["vmid"]) == ident if isinstance(ident, int) else r.get("name") == ident)]
        if not guests:
            raise NotFound(f"no guest {ident} in the cluster", "`proxmox-mpc list vms` (or cts) shows what exists.")
        vmid = str(guests[0]["vmid"])
    rows = await recent_tasks(client, node, limit=TASKS_MAX)
    return [r for r in rows if (state is None or task_state(r["status"]) == state)
            and (vmid is None or str(r["id"]) == vmid)][:limit]
