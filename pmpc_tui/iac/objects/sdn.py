"""SDN zones (`proxmox_sdn_zone_simple|vlan|qinq|vxlan|evpn`), VNets (`proxmox_sdn_vnet`) and subnets
(`proxmox_sdn_subnet`); the import ids are the zone id, the VNet id and `<vnet>/<subnet id>`.

PVE keeps SDN edits pending until `PUT /cluster/sdn` applies them: objects are read with `pending=1`, each
body holds the edited configuration and, while it waits, `pending` (new, changed, deleted) — which the code
never has, so a plan shows it as a change; every SDN write is followed by `PUT /cluster/sdn`.
Faucet zones have no provider resource: import leaves them out and says so.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from typing import Any

from pmpc_tui.iac.hcl import Expr, render_block
from pmpc_tui.iac.objects import fields as f
from pmpc_tui.iac.objects.base import Answers, Body, ObjectType, Read, Request, answer_list, read
from pmpc_tui.iac.objects.fields import Field

_ZONES = read("/cluster/sdn/zones", pending=1)
_VNETS = read("/cluster/sdn/vnets", pending=1)
PENDING = "pending"  # the body's pending state; not an argument
APPLY = Request("PUT", "/cluster/sdn")
FILE = "sdn.tf"
_COMMON = (Field("nodes", "nodes", "set"), Field("mtu", "mtu", "int"), Field("dns", "dns"),
           Field("reverse_dns", "reversedns"), Field("dns_zone", "dnszone"), Field("ipam", "ipam"))
ZONE_FIELDS: dict[str, tuple[Field, ...]] = {  # PVE zone type → its provider arguments besides `id`
    "simple": (*_COMMON, Field("dhcp", "dhcp")),
    "vlan": (*_COMMON, Field("bridge", "bridge")),
    "qinq": (*_COMMON, Field("bridge", "bridge"), Field("service_vlan", "tag", "int"),
             Field("service_vlan_protocol", "vlan-protocol")),
    "vxlan": (*_COMMON, Field("peers", "peers", "set")),
    "evpn": (*_COMMON, Field("controller", "controller"), Field("vrf_vxlan", "vrf-vxlan", "int"),
             Field("advertise_subnets", "advertise-subnets", "bool"),
             Field("disable_arp_nd_suppression", "disable-arp-nd-suppression", "bool"),
             Field("exit_nodes", "exitnodes", "set"), Field("exit_nodes_local_routing", "exitnodes-local-routing",
                                                             "bool"),
             Field("primary_exit_node", "exitnodes-primary"), Field("rt_import", "rt-import")),
}
VNET_FIELDS = (Field("zone", "zone"), Field("alias", "alias"), Field("tag", "tag", "int"),
               Field("vlan_aware", "vlanaware", "bool"), Field("isolate_ports", "isolate-ports", "bool"))
SUBNET_FIELDS = (Field("gateway", "gateway"), Field("snat", "snat", "bool"),
                 Field("dhcp_dns_server", "dhcp-dns-server"), Field("dns_zone_prefix", "dnszoneprefix"))


def _with_pending(body: Body, state: str) -> Body:
    return {**body, PENDING: state} if state else body


def _written(_key: str, body: Body) -> Body:
    return {k: v for k, v in body.items() if k != PENDING}


def _id(body: Body, arg: str = "id") -> str | None:
    return str(body[arg]) if isinstance(body.get(arg), str) and body[arg] else None


def _then_apply(requests: list[Request]) -> list[Request]:
    """Every SDN write is applied at once (PVE would keep it pending)."""
    return [*requests, APPLY]


def unsupported_zones(answers: Answers) -> list[str]:
    """Zones the provider has no resource for (faucet), as notes for the import summary."""
    return [f"SDN zone {e.get('zone')} (type {e.get('type')}): the bpg provider has no resource for it; "
            "not written to code" for e in answer_list(answers, _ZONES) if e.get("type") not in ZONE_FIELDS]


# --- zones ----------------------------------------------------------------------------------------
def _zone_type(ztype: str) -> ObjectType:
    fields = ZONE_FIELDS[ztype]
    arguments = frozenset({"id", *(x.arg for x in fields)})

    def actual(answers: Answers) -> dict[str, Body]:
        out = {}
        for entry in answer_list(answers, _ZONES):
            values, state = f.pending_entry(entry)
            if entry.get("zone") and values.get("type") == ztype:
                out[str(entry["zone"])] = _with_pending({"id": str(entry["zone"]), **f.from_pve(values, fields)},
                                                        state)
        return out

    def create(key: str, body: Body) -> list[Request]:
        return _then_apply([Request("POST", "/cluster/sdn/zones", {"zone": key, "type": ztype,
                                                                   **f.to_pve(body, fields)})])

    def update(key: str, before: Body, after: Body) -> list[Request]:
        if before.get(PENDING) == "deleted":  # deleted but not applied: back into the configuration
            return create(key, after)
        params = f.changed_params(before, after, fields)
        return _then_apply([Request("PUT", f"/cluster/sdn/zones/{key}", params)] if params else [])

    def delete(key: str, before: Body) -> list[Request]:
        gone = before.get(PENDING) == "deleted"
        return _then_apply([] if gone else [Request("DELETE", f"/cluster/sdn/zones/{key}")])

    return ObjectType(
        kind=f"sdn_zone_{ztype}", noun=f"SDN {ztype} zone", resource_type=f"proxmox_sdn_zone_{ztype}", file=FILE,
        rank=80, arguments=arguments, reads=lambda: [_ZONES], more_reads=lambda _a: [], actual=actual,
        key=_id, normalize=lambda body: {"id": str(body.get("id")), **f.normalize(body, fields)},
        import_id=lambda key, _body: key, create=create, update=update, delete=delete, written=_written,
    )


SDN_ZONES = tuple(replace(_zone_type(t), skipped=unsupported_zones if t == "simple" else None) for t in ZONE_FIELDS)


# --- vnets ----------------------------------------------------------------------------------------
def _vnets(answers: Answers) -> dict[str, Body]:
    out = {}
    for entry in answer_list(answers, _VNETS):
        values, state = f.pending_entry(entry)
        if entry.get("vnet"):
            out[str(entry["vnet"])] = _with_pending({"id": str(entry["vnet"]), **f.from_pve(values, VNET_FIELDS)},
                                                    state)
    return out


def _vnet_create(key: str, body: Body) -> list[Request]:
    return _then_apply([Request("POST", "/cluster/sdn/vnets", {"vnet": key, **f.to_pve(body, VNET_FIELDS)})])


def _vnet_update(key: str, before: Body, after: Body) -> list[Request]:
    if before.get(PENDING) == "deleted":
        return _vnet_create(key, after)
    params = f.changed_params(before, after, VNET_FIELDS)
    return _then_apply([Request("PUT", f"/cluster/sdn/vnets/{key}", params)] if params else [])


def _vnet_delete(key: str, before: Body) -> list[Request]:
    gone = before.get(PENDING) == "deleted"
    return _then_apply([] if gone else [Request("DELETE", f"/cluster/sdn/vnets/{key}")])


SDN_VNET = ObjectType(
    kind="sdn_vnet", noun="SDN VNet", resource_type="proxmox_sdn_vnet", file=FILE, rank=81,
    arguments=frozenset({"id", *(x.arg for x in VNET_FIELDS)}), reads=lambda: [_VNETS], more_reads=lambda _a: [],
    actual=_vnets, key=_id, normalize=lambda body: {"id": str(body.get("id")), **f.normalize(body, VNET_FIELDS)},
    import_id=lambda key, _body: key, create=_vnet_create, update=_vnet_update, delete=_vnet_delete,
    impact=lambda arg, _b, _a: "disruptive" if arg in ("zone", "tag") else "in-place",  # guests on it lose the net
    written=_written,
)


# --- subnets --------------------------------------------------------------------------------------
ZONE_OF = "_zone"  # the subnet's zone (part of PVE's subnet id), kept with what was read; never compared


def _subnet_reads(answers: Answers) -> list[Read]:
    return [read(f"/cluster/sdn/vnets/{e['vnet']}/subnets", pending=1) for e in answer_list(answers, _VNETS)
            if e.get("vnet") and e.get("state") != "deleted"]


def _cidr(value: Any) -> str:
    try:
        return str(ipaddress.ip_network(str(value), strict=False))
    except ValueError:
        return str(value)


def _range(value: Any) -> dict[str, str] | None:
    """The first DHCP range (the provider has one) as `{start_address, end_address}`."""
    items = value if isinstance(value, list) else [value] if value else []
    for item in items:
        if isinstance(item, str):
            item = dict(part.split("=", 1) for part in item.split(",") if "=" in part)
        if isinstance(item, dict):
            start = item.get("start-address", item.get("start_address"))
            end = item.get("end-address", item.get("end_address"))
            if start and end:
                return {"start_address": str(start), "end_address": str(end)}
    return None


def _subnet_body(vnet: str, cidr: str, values: dict[str, Any]) -> Body:
    body: Body = {"vnet": vnet, "cidr": cidr, **f.from_pve(values, SUBNET_FIELDS)}
    if (dhcp := _range(values.get("dhcp-range"))) is not None:
        body["dhcp_range"] = dhcp
    return body


def _subnets(answers: Answers) -> dict[str, Body]:
    out = {}
    for (path, _query), value in answers.items():
        if not (path.startswith("/cluster/sdn/vnets/") and path.endswith("/subnets")) or not isinstance(value, list):
            continue
        vnet = path.split("/")[4]
        for entry in value:
            if not isinstance(entry, dict):
                continue
            values, state = f.pending_entry(entry)
            sid = str(entry.get("subnet") or entry.get("id") or "")
            zone, _, rest = sid.partition("-")
            cidr = _cidr(entry.get("cidr") or rest.replace("-", "/"))
            if sid and cidr:
                out[f"{vnet}/{cidr}"] = _with_pending({**_subnet_body(vnet, cidr, values), ZONE_OF: zone}, state)
    return out


def _subnet_key(body: Body) -> str | None:
    vnet, cidr = _id(body, "vnet"), _id(body, "cidr")
    return f"{vnet}/{_cidr(cidr)}" if vnet and cidr else None


def _subnet_normalize(body: Body) -> Body:
    out: Body = {"vnet": str(body.get("vnet")), "cidr": _cidr(body.get("cidr")), **f.normalize(body, SUBNET_FIELDS)}
    raw = body.get("dhcp_range")
    if isinstance(raw, list) and raw:  # a block written `dhcp_range { … }`
        raw = raw[0]
    if (dhcp := _range(raw)) is not None:
        out["dhcp_range"] = dhcp
    return out


def _subnet_params(body: Body) -> dict[str, Any]:
    params = f.to_pve(body, SUBNET_FIELDS)
    if body.get("dhcp_range"):
        params["dhcp-range"] = (f"start-address={body['dhcp_range']['start_address']},"
                                f"end-address={body['dhcp_range']['end_address']}")
    return params


def _pve_subnet_id(key: str, body: Body) -> str:
    net = ipaddress.ip_network(str(body["cidr"]), strict=False)
    return f"{body.get(ZONE_OF, '')}-{net.network_address}-{net.prefixlen}"


def _subnet_create(key: str, body: Body) -> list[Request]:
    return _then_apply([Request("POST", f"/cluster/sdn/vnets/{body['vnet']}/subnets",
                                {"subnet": body["cidr"], "type": "subnet", **_subnet_params(body)})])


def _subnet_update(key: str, before: Body, after: Body) -> list[Request]:
    if before.get(PENDING) == "deleted" or before.get("vnet") != after.get("vnet"):
        return [*_subnet_delete(key, before)[:-1], *_subnet_create(key, after)]
    old, new = _subnet_params(before), _subnet_params(after)
    params = {k: v for k, v in new.items() if old.get(k) != v}
    if gone := sorted(k for k in old if k not in new):
        params["delete"] = ",".join(gone)
    path = f"/cluster/sdn/vnets/{before['vnet']}/subnets/{_pve_subnet_id(key, before)}"
    return _then_apply([Request("PUT", path, params)] if params else [])


def _subnet_delete(key: str, before: Body) -> list[Request]:
    if before.get(PENDING) == "deleted":
        return [APPLY]
    path = f"/cluster/sdn/vnets/{before['vnet']}/subnets/{_pve_subnet_id(key, before)}"
    return _then_apply([Request("DELETE", path)])


SDN_SUBNET = ObjectType(
    kind="sdn_subnet", noun="SDN subnet", resource_type="proxmox_sdn_subnet", file=FILE, rank=82,
    arguments=frozenset({"vnet", "cidr", "dhcp_range", *(x.arg for x in SUBNET_FIELDS)}),
    reads=lambda: [_VNETS], more_reads=_subnet_reads, actual=_subnets, key=_subnet_key,
    normalize=_subnet_normalize,
    import_id=lambda key, body: f"{body['vnet']}/{_pve_subnet_id(key, body)}" if body.get(ZONE_OF) else None,
    create=_subnet_create, update=_subnet_update, delete=_subnet_delete, written=_written,
)

SDN_TYPES: tuple[ObjectType, ...] = (*SDN_ZONES, SDN_VNET, SDN_SUBNET)


def applier_block(addresses: list[str]) -> str:
    """bpg's `proxmox_sdn_applier` after the SDN resources, so `terraform apply` applies SDN too (it is
    replaced, and so applies, whenever one of them changes); proxmox-mpc's own apply does not need it."""
    refs = [Expr(a) for a in addresses]
    return render_block("resource", ["proxmox_sdn_applier", "sdn"], {
        "depends_on": refs, "lifecycle": [{"replace_triggered_by": refs}]})
