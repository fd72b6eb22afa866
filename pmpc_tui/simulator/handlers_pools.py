"""Route handlers for resource pools (user.cfg), as PVE 9 keeps them.

Pool ids nest up to three levels (`dept/team/project`) and a child needs its parent. Adding a guest that is
in another pool needs `allow-move`; a pool with child pools, guests or storages cannot be deleted. The
`/pools/{poolid}` routes are PVE's deprecated spellings of the `/pools?poolid=` ones.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.guestops import guest_list_entry
from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.model import Pool

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\0\s]+", text) if item]


def children(call: Call, poolid: str) -> list[str]:
    """The pools directly below `poolid`."""
    return sorted(p for p in call.cluster.pools if p.rsplit("/", 1)[0] == poolid and "/" in p)


def _members(call: Call, poolid: str, kind: str | None) -> list[dict[str, Any]]:
    c = call.cluster
    pool = c.pools[poolid]
    members: list[dict[str, Any]] = []
    for vmid in sorted(pool.vmids):
        g = c.guests.get(vmid)
        if g is not None and kind in (None, g.kind):
            members.append(guest_list_entry(c, g, resource=True))
    if kind in (None, "storage"):
        for sid in sorted(pool.storages):
            st = c.storages.get(sid)
            if st is None:
                continue
            node = next(n for n in sorted(c.nodes) if st.available_on(n))  # PVE shows one node's view
            members.append({"id": f"storage/{node}/{sid}", "type": "storage", "storage": sid, "node": node,
                            "content": ",".join(st.content), "plugintype": st.type,
                            "shared": 1 if st.shared else 0, "status": "available", "pool": poolid})
    return members


def pool_resources(call: Call) -> list[dict[str, Any]]:
    """The `type: pool` entries of `/cluster/resources`: uptime, memory and CPU summed over running members."""
    c = call.cluster
    out = []
    for poolid, pool in sorted(c.pools.items()):
        if not call.can(f"/pool/{poolid}", "Pool.Audit"):
            continue
        entry: dict[str, Any] = {"id": f"/pool/{poolid}", "pool": poolid, "type": "pool"}
        for vmid in sorted(pool.vmids):
            g = c.guests.get(vmid)
            if g is None or not c.guest_uptime(g):
                continue
            mem, cpus, cpu = c.guest_mem(g), g.cpus(), c.guest_cpu(g)
            entry["uptime"] = max(entry.get("uptime", 0), c.guest_uptime(g))
            entry["mem"] = entry.get("mem", 0) + mem
            entry["maxmem"] = entry.get("maxmem", 0) + g.maxmem()
            total = entry.get("maxcpu", 0)
            entry["cpu"] = (entry.get("cpu", 0) * total + cpu * cpus) / (total + cpus)
            entry["maxcpu"] = total + cpus
        out.append(entry)
    return out


def _pool_info(call: Call, poolid: str) -> dict[str, Any]:
    pool = call.cluster.pools.get(poolid)
    if pool is None:
        raise _err(500, f"pool '{poolid}' does not exist")
    info: dict[str, Any] = {"members": _members(call, poolid, call.params.get("type"))}
    if pool.comment is not None:
        info["comment"] = pool.comment
    info["poolid"] = poolid
    return info


@route("GET", "/pools")
async def list_pools(call: Call) -> list[dict[str, Any]]:
    poolid = call.params.get("poolid")
    if poolid is not None:  # PVE checks Pool.Audit here without acting on the answer
        return [_pool_info(call, poolid)]
    if call.params.get("type") is not None:
        raise _err(400, "Parameter verification failed.",
                   {"poolid": "missing property required by 'type'"})
    out = []
    for pid, pool in sorted(call.cluster.pools.items()):
        if call.can(f"/pool/{pid}", "Pool.Audit"):
            item: dict[str, Any] = {"poolid": pid}
            if pool.comment is not None:
                item["comment"] = pool.comment
            out.append(item)
    return out


@route("GET", "/pools/{poolid}")
async def get_pool(call: Call) -> dict[str, Any]:
    poolid = call.params["poolid"]
    call.require(f"/pool/{poolid}", "Pool.Audit")
    return _pool_info(call, poolid)


@route("POST", "/pools")
async def create_pool(call: Call) -> None:
    poolid = call.params["poolid"]
    call.require(f"/pool/{poolid}", "Pool.Allocate")
    pools = call.cluster.pools
    if poolid in pools:
        raise _err(500, f"create pool failed: pool '{poolid}' already exists")
    parent, _, leaf = poolid.rpartition("/")
    if parent and parent not in pools:
        raise _err(500, f"create pool failed: parent '{parent}' of pool '{poolid}' does not exist")
    if not leaf[:1].isascii() or not leaf[:1].isalpha():
        raise _err(500, "create pool failed: pool name must start with a letter")
    pools[poolid] = Pool(poolid, call.params.get("comment") or None)


@route("PUT", "/pools")
async def update_pool(call: Call) -> None:
    poolid = call.params["poolid"]
    call.require(f"/pool/{poolid}", "Pool.Allocate")
    pool = call.cluster.pools.get(poolid)
    if pool is None:
        raise _err(500, f"update pools failed: pool '{poolid}' does not exist")
    from pmpc_tui.simulator.api import ApiError

    try:
        _update(call, pool)
    except _Refused as exc:
        raise _err(500, f"update pools failed: {exc}") from None
    except ApiError as exc:  # a privilege check inside PVE's config lock turns into text with its code
        raise _err(500, f"update pools failed: {exc.status} {exc.message}") from None


@route("PUT", "/pools/{poolid}")
async def update_pool_deprecated(call: Call) -> None:
    await update_pool(call)


class _Refused(Exception):
    """A member change PVE refuses; nothing of the request is kept."""


def _update(call: Call, pool: Pool) -> None:
    """Apply comment and member changes to a copy, then keep them all (user.cfg is written once)."""
    p = call.params
    pools = call.cluster.pools
    vmids, storages = set(pool.vmids), set(pool.storages)
    moved: dict[str, set[int]] = {}
    for raw in _split(p.get("vms", "")):
        vmid = int(raw)
        call.require(f"/vms/{vmid}", "Permissions.Modify", "VM.Allocate", any_of=True)
        if p.get("delete"):
            if vmid not in vmids:
                raise _Refused(f"VM {vmid} is not a pool member")
            vmids.discard(vmid)
            continue
        if vmid in vmids:
            raise _Refused(f"VM {vmid} is already a pool member")
        current = next((other for other in pools.values() if other is not pool and vmid in other.vmids
                        and vmid not in moved.get(other.poolid, set())), None)
        if current is not None:
            if not p.get("allow-move"):
                raise _Refused(f"VM {vmid} belongs already to pool '{current.poolid}' and 'allow-move' is not set")
            call.require(f"/pool/{current.poolid}", "Pool.Allocate")
            moved.setdefault(current.poolid, set()).add(vmid)
        vmids.add(vmid)
    for sid in _split(p.get("storage", "")):
        call.require(f"/storage/{sid}", "Permissions.Modify", "Datastore.Allocate", any_of=True)
        if p.get("delete"):
            if sid not in storages:
                raise _Refused(f"Storage '{sid}' is not a pool member")
            storages.discard(sid)
        elif sid in storages:
            raise _Refused(f"Storage '{sid}' is already a pool member")
        else:
            storages.add(sid)
    if "comment" in p:
        pool.comment = p["comment"] or None  # user.cfg drops an empty comment
    pool.vmids, pool.storages = vmids, storages
    for other, gone in moved.items():
        pools[other].vmids -= gone


async def _delete(call: Call) -> None:
    poolid = call.params["poolid"]
    call.require(f"/pool/{poolid}", "Pool.Allocate")
    c = call.cluster
    pool = c.pools.get(poolid)
    if pool is None:
        raise _err(500, f"delete pool failed: pool '{poolid}' does not exist")
    for child in children(call, poolid):
        raise _err(500, f"delete pool failed: pool '{poolid}' is not empty (contains pool '{child}')")
    for vmid in sorted(pool.vmids):
        if vmid in c.guests:  # destroyed guests do not count
            raise _err(500, f"delete pool failed: pool '{poolid}' is not empty (contains VM {vmid})")
    for sid in sorted(pool.storages):
        if sid in c.storages:
            raise _err(500, f"delete pool failed: pool '{poolid}' is not empty (contains storage '{sid}')")
    del c.pools[poolid]
    call.sim.access.acl[:] = [e for e in call.sim.access.acl if e.path != f"/pool/{poolid}"]


@route("DELETE", "/pools")
async def delete_pool(call: Call) -> None:
    await _delete(call)


@route("DELETE", "/pools/{poolid}")
async def delete_pool_deprecated(call: Call) -> None:
    await _delete(call)
