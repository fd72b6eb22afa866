"""Route handlers for the HA stack's status: `/cluster/ha/status/current` and the manager's status.

The simulated CRM is master on the first online node and acts at once, so a resource's CRM state follows its
requested state; the state shown says whether the guest has got there yet (`starting`, `stopping`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.handlers import route
from pmpc_tui.simulator.harules import request_state, service_state

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call
    from pmpc_tui.simulator.model import Cluster


@route("GET", "/cluster/ha/status")
async def status_index(call: Call) -> list[dict[str, Any]]:
    return [{"name": "current"}, {"name": "manager_status"}, {"name": "disarm-ha"}, {"name": "arm-ha"}]


@route("GET", "/cluster/ha")
async def ha_index(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    return [{"id": "status"}, {"id": "resources"}, {"id": "groups"}, {"id": "rules"}]


def _clock(when: float) -> str:
    return time.strftime("%a %b %e %H:%M:%S %Y", time.localtime(when))


def _master(c: Cluster) -> str:
    return next((n for n in sorted(c.nodes) if c.nodes[n].online), sorted(c.nodes)[0])


@route("GET", "/cluster/ha/status/current")
async def status_current(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    c = call.cluster
    now = int(time.time())
    master = _master(c)
    out: list[dict[str, Any]] = [{"id": "quorum", "type": "quorum", "node": master, "status": "OK", "quorate": 1}]
    active = bool(c.ha_resources)
    if active:
        out.append({"id": "master", "type": "master", "node": master, "status": f"{master} (active, {_clock(now)})",
                    "timestamp": now})
    armed = "armed" if active else "standby"
    out.append({"id": "fencing", "type": "fencing", "node": master, "armed-state": armed,
                "status": f"{armed} (CRM watchdog {'active' if active else 'standby'})"})
    for node in sorted(c.nodes) if active else []:
        busy = any(service_state(c, sid)[0] == "started" and c.guests[int(sid.partition(':')[2])].node == node
                   for sid in c.ha_resources if service_state(c, sid)[0] is not None)
        if not c.nodes[node].online:
            text = f"{node} (old timestamp - dead?, watchdog standby, {_clock(now - 600)})"
        else:
            text = f"{node} ({'active, watchdog active' if busy else 'idle, watchdog standby'}, {_clock(now)})"
        out.append({"id": f"lrm:{node}", "type": "lrm", "node": node, "status": text, "timestamp": now})
    for sid, options in sorted(c.ha_resources.items()):
        crm, state = service_state(c, sid)
        name = sid.partition(":")[2]
        g = c.guests.get(int(name)) if name.isdigit() else None
        entry: dict[str, Any] = {"id": f"service:{sid}", "type": "service", "sid": sid, "state": state,
                                 "request_state": request_state(options) if "state" not in options
                                 else options["state"],
                                 "failback": options.get("failback", 1), "max_restart": options.get("max_restart", 1),
                                 "max_relocate": options.get("max_relocate", 1)}
        if g is not None:
            entry["node"] = g.node
        if crm is not None:
            entry["crm_state"] = crm
        entry["status"] = f"{sid} ({entry.get('node', '---')}, {state})"
        out.append(entry)
    return out


@route("GET", "/cluster/ha/status/manager_status")
async def manager_status(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    c = call.cluster
    if not c.ha_resources:
        return {"manager_status": {}, "quorum": {"node": _master(c), "quorate": "1"}}
    services = {}
    for sid in sorted(c.ha_resources):
        crm, _ = service_state(c, sid)
        name = sid.partition(":")[2]
        g = c.guests.get(int(name)) if name.isdigit() else None
        if crm is not None and g is not None:
            services[sid] = {"node": g.node, "state": crm, "running": 1 if g.status == "running" else 0}
    return {"manager_status": {"master_node": _master(c), "timestamp": int(time.time()),
                               "node_status": {n: "online" if c.nodes[n].online else "unknown"
                                               for n in sorted(c.nodes)},
                               "service_status": services},
            "quorum": {"node": _master(c), "quorate": "1"}}
