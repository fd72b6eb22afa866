"""Route handlers for cluster-wide configuration: storage definitions (storage.cfg) and resource pools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.guestops import guest_list_entry
from pmpc_tui.simulator.handlers import _err, route

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


# --- storage.cfg ---------------------------------------------------------------------------------
@route("GET", "/storage")
async def list_storage_config(call: Call) -> list[dict[str, Any]]:
    kind = call.params.get("type")
    digest = call.cluster.storage_digest()
    return [{**st.config(), "digest": digest} for sid, st in sorted(call.cluster.storages.items())
            if (kind is None or st.type == kind)
            and call.can(f"/storage/{sid}", "Datastore.Audit", "Datastore.AllocateSpace", any_of=True)]


@route("GET", "/storage/{storage}")
async def get_storage_config(call: Call) -> dict[str, Any]:
    sid = call.params["storage"]
    call.require(f"/storage/{sid}", "Datastore.Allocate")
    st = call.cluster.storages.get(sid)
    if st is None:
        raise _err(500, f"storage '{sid}' does not exist")
    return {**st.config(), "digest": call.cluster.storage_digest()}


# --- pools ---------------------------------------------------------------------------------------
def _pool_members(call: Call, poolid: str, kind: str | None) -> list[dict[str, Any]]:
    c = call.cluster
    pool = c.pools[poolid]
    members: list[dict[str, Any]] = []
    for vmid in sorted(pool.vmids):
        g = c.guests.get(vmid)
        if g is not None and kind in (None, g.kind):
            members.append(guest_list_entry(c, g, resource=True))
    if kind in (None, "storage"):
        for sid in sorted(pool.storages):
            st = c.storages[sid]
            for node in sorted(c.nodes):
                if st.available_on(node):
                    members.append({"id": f"storage/{node}/{sid}", "type": "storage", "storage": sid,
                                    "node": node, "content": ",".join(st.content), "plugintype": st.type,
                                    "shared": 1 if st.shared else 0, "status": "available", "pool": poolid})
    return members


def _pool(call: Call) -> str:
    poolid = call.params["poolid"]
    call.require(f"/pool/{poolid}", "Pool.Audit")
    if poolid not in call.cluster.pools:
        raise _err(500, f"pool '{poolid}' does not exist")
    return poolid


@route("GET", "/pools")
async def list_pools(call: Call) -> list[dict[str, Any]]:
    if call.params.get("poolid") is not None:  # PVE 8.1+: one pool with its members
        poolid = _pool(call)
        entry: dict[str, Any] = {"poolid": poolid, "members": _pool_members(call, poolid, call.params.get("type"))}
        comment = call.cluster.pools[poolid].comment
        if comment is not None:
            entry["comment"] = comment
        return [entry]
    out = []
    for poolid, pool in sorted(call.cluster.pools.items()):
        if call.can(f"/pool/{poolid}", "Pool.Audit"):
            item: dict[str, Any] = {"poolid": poolid}
            if pool.comment is not None:
                item["comment"] = pool.comment
            out.append(item)
    return out


@route("GET", "/pools/{poolid}")
async def get_pool(call: Call) -> dict[str, Any]:
    poolid = _pool(call)
    out: dict[str, Any] = {"members": _pool_members(call, poolid, call.params.get("type"))}
    comment = call.cluster.pools[poolid].comment
    if comment is not None:
        out["comment"] = comment
    return out
