"""Route handlers for cluster-wide configuration: storage definitions (storage.cfg); pools are in handlers_pools."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
