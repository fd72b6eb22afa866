"""The Cluster view's SDN and storage tables: one row per zone, VNet, subnet and storage definition, marked
against the code like every other cluster object (an SDN object still pending in PVE says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmpc_tui.iac.objects.sdn import PENDING, SDN_TYPES
from pmpc_tui.iac.objects.storage import STORAGE_TYPES

if TYPE_CHECKING:
    from pmpc_tui.services.cluster_view import ObjectRow, _Code

SDN_LISTS = ["/cluster/sdn/zones", "/cluster/sdn/vnets"]  # the section says why when these fail
STORAGE_LISTS = ["/storage"]
_WHERE = ("path", "server", "export", "share", "datastore", "volume_group", "thin_pool", "zfs_pool")


def _bodies(actual: dict[str, dict[str, Any]], code: _Code, kind: str) -> list[tuple[str, dict[str, Any]]]:
    from pmpc_tui.services.cluster_view import _gone

    found = dict(actual.get(kind, {}))
    found.update({k: b for k, b in _gone(code, kind) if k not in found})
    return sorted(found.items())


def _pending(body: dict[str, Any]) -> str:
    return f"pending ({body[PENDING]})" if body.get(PENDING) else ""


def sdn_rows(actual: dict[str, dict[str, Any]], code: _Code) -> list[ObjectRow]:
    """Zones, then VNets, then subnets."""
    from pmpc_tui.services.cluster_view import _row

    rows = []
    for otype in SDN_TYPES:
        for key, body in _bodies(actual, code, otype.kind):
            if otype.kind.startswith("sdn_zone_"):
                cells = ["zone", key, otype.kind.removeprefix("sdn_zone_") + (
                    f" on {body['bridge']}" if body.get("bridge") else ""), _pending(body)]
            elif otype.kind == "sdn_vnet":
                tag = f" tag {body['tag']}" if body.get("tag") is not None else ""
                cells = ["vnet", key, f"zone {body.get('zone', '?')}{tag}", _pending(body)]
            else:
                gateway = f" via {body['gateway']}" if body.get("gateway") else ""
                cells = ["subnet", key, f"{body.get('cidr', '')}{gateway}", _pending(body)]
            rows.append(_row(code, otype.kind, key, cells))
    return rows


def storage_rows(actual: dict[str, dict[str, Any]], code: _Code) -> list[ObjectRow]:
    """One row per storage definition, by id."""
    from pmpc_tui.services.cluster_view import _row

    found = [(key, otype, body) for otype in STORAGE_TYPES for key, body in _bodies(actual, code, otype.kind)]
    rows = []
    for key, otype, body in sorted(found, key=lambda item: item[0]):
        where = ":".join(str(body[a]) for a in _WHERE if body.get(a))
        cells = [key, otype.noun.removesuffix(" storage"), ",".join(body.get("content") or []), where,
                 "off" if body.get("disable") else ",".join(body.get("nodes") or []) or "all"]
        rows.append(_row(code, otype.kind, key, cells))
    return rows
