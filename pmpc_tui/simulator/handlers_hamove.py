"""HA migrate and relocate: `POST /cluster/ha/resources/{sid}/migrate|relocate`, as PVE 9 answers them.

The answer names the requested node, the resources that move along (positive resource affinity) and those
that block the move (negative resource affinity, already on that node). When nothing blocks, the simulated
CRM moves the guests at once with a migration task by root@pam (online for a running VM, restart mode for
a running container); a migration that cannot run (local disks, offline node) leaves them where they are, as
the HA stack does. Relocate moves the same way.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.auth import AuthContext
from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.handlers_ha import parse_sid
from pmpc_tui.simulator.harules import request_state

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call
    from pmpc_tui.simulator.model import Cluster


def _partners(c: Cluster, sid: str, affinity: str) -> set[str]:
    """Managed, not ignored resources in an enabled `affinity` rule with `sid`."""
    out: set[str] = set()
    for rule in c.ha_rules.values():
        if rule["type"] == "resource-affinity" and rule.get("affinity") == affinity and not rule.get("disable") \
                and sid in rule["resources"]:
            out |= {r for r in rule["resources"] if r != sid}
    return {r for r in out if r in c.ha_resources and request_state(c.ha_resources[r]) != "ignored"}


def _node_of(c: Cluster, sid: str) -> str | None:
    name = sid.partition(":")[2]
    g = c.guests.get(int(name)) if name.isdigit() else None
    return g.node if g is not None else None


def _move(call: Call, sid: str, target: str) -> None:
    """The LRM's migration of one guest; a refusal leaves it in place."""
    from pmpc_tui.simulator.api import ApiError
    from pmpc_tui.simulator.handlers_move import _migrate

    c = call.cluster
    g = c.guests.get(int(sid.partition(":")[2]))
    if g is None or g.node == target:
        return
    running = g.status in ("running", "paused")
    params: dict[str, Any] = {"node": g.node, "vmid": g.vmid, "target": target}
    if running:
        params["online" if g.kind == "qemu" else "restart"] = 1
    crm = dataclasses.replace(call, auth=AuthContext(userid="root@pam"), params=params)
    try:
        _migrate(crm, g.kind)
    except ApiError:
        pass


async def _motion(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Console")
    c = call.cluster
    sid, _, _ = parse_sid(call, call.params["sid"])
    target = call.params["node"]
    options = c.ha_resources.get(sid)
    if options is None or request_state(options) == "ignored":
        raise _err(500, f"resource '{sid}' is not HA managed")
    result: dict[str, Any] = {"sid": sid, "requested-node": target}
    together = sorted(_partners(c, sid, "positive"))
    blocking = [{"sid": r, "cause": "resource-affinity"} for r in sorted(_partners(c, sid, "negative"))
                if _node_of(c, r) == target]
    if together:
        result["comigrated-resources"] = together
    if blocking:
        result["blocking-resources"] = blocking
    elif target in c.nodes:
        for moving in [sid, *together]:
            _move(call, moving, target)
    return result


@route("POST", "/cluster/ha/resources/{sid}/migrate")
async def migrate_resource(call: Call) -> dict[str, Any]:
    return await _motion(call)


@route("POST", "/cluster/ha/resources/{sid}/relocate")
async def relocate_resource(call: Call) -> dict[str, Any]:
    return await _motion(call)
