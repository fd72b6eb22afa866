"""Route handlers for SDN zones, VNets and subnets (`/cluster/sdn`), as PVE 9 keeps them.

Writes change the pending configuration (`sdn/*.cfg`); `PUT /cluster/sdn` applies it (the running config).
Lists with `pending=1` show running values plus `state` (new, changed, deleted) and a `pending` object of the
changed keys. A global lock (`POST /cluster/sdn/lock`) makes every write need its `lock-token`.
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import secrets
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.model import parse_property_string

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

Section = dict[str, dict[str, Any]]
_COMMON = ("nodes", "mtu", "dns", "reversedns", "dnszone", "ipam")
ZONE_OPTIONS: dict[str, tuple[str, ...]] = {  # what each zone plugin accepts besides `type`
    "simple": (*_COMMON, "dhcp"),
    "vlan": (*_COMMON, "bridge", "bridge-disable-mac-learning"),
    "qinq": (*_COMMON, "bridge", "tag", "vlan-protocol"),
    "vxlan": (*_COMMON, "peers", "fabric", "vxlan-port", "bridge-disable-mac-learning"),
    "evpn": (*_COMMON, "controller", "vrf-vxlan", "mac", "exitnodes", "exitnodes-primary",
             "exitnodes-local-routing", "advertise-subnets", "disable-arp-nd-suppression", "rt-import",
             "vxlan-port", "dhcp"),
    "faucet": (*_COMMON, "dp-id"),
}
ZONE_REQUIRED = {"vlan": ("bridge",), "qinq": ("bridge", "tag"), "evpn": ("controller", "vrf-vxlan")}
VNET_OPTIONS = ("zone", "tag", "alias", "vlanaware", "isolate-ports")
SUBNET_OPTIONS = ("gateway", "snat", "dhcp-range", "dhcp-dns-server", "dnszoneprefix")
CONTROL = ("lock-token", "digest", "delete", "pending", "running")


def _state(call: Call) -> dict[str, Any]:
    return call.cluster.sdn


def _digest(section: Section) -> str:
    text = "".join(f"{v.get('type')}: {k}\n" + "".join(f"\t{o} {_encode(x)}\n" for o, x in sorted(v.items())
                                                       if o != "type") + "\n" for k, v in sorted(section.items()))
    return hashlib.sha1(text.encode()).hexdigest()


def _encode(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(_encode(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _check_lock(call: Call, what: str) -> None:
    """PVE's lock_sdn_config: with the global lock held, a write needs its token."""
    held = _state(call)["lock"]
    if held is not None and held != call.params.get("lock-token", ""):
        raise _err(500, f"{what}: invalid lock token provided!")


def _pending_view(running: Section, config: Section, idkey: str) -> Section:
    """PVE's pending_config: running values, `state` and the `pending` keys of each object."""
    out: Section = {}
    for oid, robj in running.items():
        cobj = config.get(oid, {})
        entry = out.setdefault(oid, {})
        for key, value in robj.items():
            entry[key] = value
            if not cobj:
                entry["state"] = "deleted"
            elif key not in cobj:
                entry.setdefault("pending", {})[key] = "deleted"
                entry["state"] = "changed"
            elif _encode(value) != _encode(cobj[key]):
                entry["state"] = "changed"
        if entry.get("state") and "pending" not in entry:
            entry["pending"] = {}
    for oid, cobj in config.items():
        robj = running.get(oid, {})
        entry = out.setdefault(oid, {})
        for key, value in cobj.items():
            if key in ("type", "vnet"):
                entry[key] = value
            elif key not in robj or _encode(value) != _encode(robj[key]):
                entry.setdefault("pending", {})[key] = value
            if not robj:
                entry["state"] = "new"
            elif key not in robj:
                entry["state"] = "changed"
    for oid, entry in out.items():
        entry[idkey] = oid
    return out


def _view(call: Call, kind: str, idkey: str) -> tuple[Section, str]:
    """The objects of `kind` as the `pending`/`running` flags ask, and the digest of the file."""
    st = _state(call)
    if call.params.get("pending"):
        return _pending_view(st["running"][kind], st["config"][kind], idkey), _digest(st["config"][kind])
    section = st["running"][kind] if call.params.get("running") else st["config"][kind]
    return {k: {**copy.deepcopy(v), idkey: k} for k, v in section.items()}, _digest(section)


def _check_digest(call: Call, section: Section) -> None:
    digest = call.params.get("digest")
    if digest and digest != _digest(section):
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")


def _delete_keys(call: Call, obj: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for key in [k for k in call.params.get("delete", "").replace(";", ",").split(",") if k.strip()]:
        key = key.strip()
        if key not in allowed:
            raise _err(400, "Parameter verification failed.", {"delete": f"unknown property '{key}'"})
        if key in call.params:
            raise _err(400, "Parameter verification failed.",
                       {"delete": f"cannot set and delete property '{key}' at the same time"})
        obj.pop(key, None)


def _options(call: Call, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The object options among the request's parameters; any other option is refused as PVE's section config does."""
    options: dict[str, Any] = {}
    errors = {}
    for key, value in call.params.items():
        if key in CONTROL or (key in ("type", "zone", "vnet", "subnet") and key not in allowed):
            continue
        if key not in allowed:
            errors[key] = "property is not defined in schema and the schema does not allow additional properties"
            continue
        options[key] = value
    if errors:
        raise _err(400, "Parameter verification failed.", errors)
    return options


# --- apply, lock, rollback -------------------------------------------------------------------------
@route("GET", "/cluster/sdn")
async def sdn_index(call: Call) -> list[dict[str, str]]:
    call.require("/sdn", "SDN.Audit")
    return [{"id": name} for name in ("vnets", "zones", "controllers", "ipams", "dns", "fabrics")]


@route("PUT", "/cluster/sdn")
async def sdn_apply(call: Call) -> str:
    call.require("/sdn", "SDN.Allocate")
    _check_lock(call, "could not apply SDN config")
    st = _state(call)
    st["running"] = copy.deepcopy(st["config"])
    if call.params.get("release-lock"):
        st["lock"] = None

    async def work(task: Any) -> None:
        for node in sorted(call.cluster.nodes):
            task.add_log(f"{node}: reloading network config")
        await call.sim.tasks.sleep(task, 0.3)

    node = next(iter(sorted(call.cluster.nodes)))
    return call.sim.tasks.start(node, "reloadnetworkall", "", call.auth.auth_id, work)


@route("POST", "/cluster/sdn/lock")
async def sdn_lock(call: Call) -> str:
    call.require("/sdn", "SDN.Allocate")
    st = _state(call)
    if st["lock"] is not None:
        raise _err(500, "could not acquire lock for SDN config: global lock is already held")
    if not call.params.get("allow-pending") and st["config"] != st["running"]:
        raise _err(500, "there are pending changes - please apply or rollback them first")
    st["lock"] = secrets.token_hex(16)
    return str(st["lock"])


@route("DELETE", "/cluster/sdn/lock")
async def sdn_unlock(call: Call) -> None:
    call.require("/sdn", "SDN.Allocate")
    st = _state(call)
    if not call.params.get("force"):
        _check_lock(call, "could not release lock")
    st["lock"] = None


@route("POST", "/cluster/sdn/rollback")
async def sdn_rollback(call: Call) -> None:
    call.require("/sdn", "SDN.Allocate")
    _check_lock(call, "could not rollback SDN config")
    st = _state(call)
    st["config"] = copy.deepcopy(st["running"])
    if call.params.get("release-lock"):
        st["lock"] = None


# --- zones --------------------------------------------------------------------------------------------
@route("GET", "/cluster/sdn/zones")
async def list_zones(call: Call) -> list[dict[str, Any]]:
    objects, digest = _view(call, "zones", "zone")
    out = []
    for zid, obj in sorted(objects.items()):
        if not call.can(f"/sdn/zones/{zid}", "SDN.Audit", "SDN.Allocate", any_of=True):
            continue
        if call.params.get("type") and obj.get("type") != call.params["type"]:
            continue
        out.append({**obj, "digest": digest})
    return out


@route("GET", "/cluster/sdn/zones/{zone}")
async def get_zone(call: Call) -> dict[str, Any]:
    zid = call.params["zone"]
    call.require(f"/sdn/zones/{zid}", "SDN.Allocate")
    objects, digest = _view(call, "zones", "zone")
    if zid not in objects:
        raise _err(500, f"sdn '{zid}' does not exist")
    return {**objects[zid], "digest": digest}


def _check_zone(zid: str, obj: dict[str, Any]) -> None:
    for key in ZONE_REQUIRED.get(obj["type"], ()):
        if key not in obj:
            raise _err(400, "Parameter verification failed.", {key: "property is missing and it is not optional"})
    if obj["type"] == "vxlan" and "peers" not in obj and "fabric" not in obj:
        raise _err(500, f"zone {zid}: either 'peers' or 'fabric' must be set")


@route("POST", "/cluster/sdn/zones")
async def create_zone(call: Call) -> None:
    call.require("/sdn/zones", "SDN.Allocate")
    zid, ztype = call.params["zone"], call.params["type"]
    _check_lock(call, "create sdn zone object failed")
    zones = _state(call)["config"]["zones"]
    if zid in zones:
        raise _err(500, f"create sdn zone object failed: sdn zone object ID '{zid}' already defined")
    obj = {"type": ztype, **_options(call, ZONE_OPTIONS[ztype])}
    _check_zone(zid, obj)
    zones[zid] = obj


@route("PUT", "/cluster/sdn/zones/{zone}")
async def update_zone(call: Call) -> None:
    zid = call.params["zone"]
    call.require(f"/sdn/zones/{zid}", "SDN.Allocate")
    _check_lock(call, "update sdn zone object failed")
    zones = _state(call)["config"]["zones"]
    obj = zones.get(zid)
    if obj is None:
        raise _err(500, f"update sdn zone object failed: sdn zone '{zid}' does not exist")
    _check_digest(call, zones)
    changed = dict(obj)
    _delete_keys(call, changed, ZONE_OPTIONS[obj["type"]])
    changed.update(_options(call, ZONE_OPTIONS[obj["type"]]))
    _check_zone(zid, changed)
    zones[zid] = changed


@route("DELETE", "/cluster/sdn/zones/{zone}")
async def delete_zone(call: Call) -> None:
    zid = call.params["zone"]
    call.require(f"/sdn/zones/{zid}", "SDN.Allocate")
    _check_lock(call, "delete sdn zone object failed")
    config = _state(call)["config"]
    if zid not in config["zones"]:
        raise _err(500, f"delete sdn zone object failed: sdn zone '{zid}' does not exist")
    for vid, vnet in sorted(config["vnets"].items()):
        if vnet.get("zone") == zid:
            raise _err(500, f"delete sdn zone object failed: Can't delete zone '{zid}', "
                            f"vnet '{vid}' is still using it")
    del config["zones"][zid]


# --- vnets --------------------------------------------------------------------------------------------
def _vnet_path(obj: dict[str, Any], vid: str) -> str:
    return f"/sdn/zones/{obj.get('zone', '')}/{vid}"


@route("GET", "/cluster/sdn/vnets")
async def list_vnets(call: Call) -> list[dict[str, Any]]:
    objects, digest = _view(call, "vnets", "vnet")
    return [{**obj, "digest": digest} for vid, obj in sorted(objects.items())
            if call.can(_vnet_path(obj, vid), "SDN.Audit", "SDN.Allocate", any_of=True)]


@route("GET", "/cluster/sdn/vnets/{vnet}")
async def get_vnet(call: Call) -> dict[str, Any]:
    vid = call.params["vnet"]
    objects, digest = _view(call, "vnets", "vnet")
    if vid not in objects:
        raise _err(500, f"sdn vnet '{vid}' does not exist")
    call.require(_vnet_path(objects[vid], vid), "SDN.Audit", "SDN.Allocate", any_of=True)
    return {**objects[vid], "digest": digest}


def _check_vnet(call: Call, vid: str, obj: dict[str, Any]) -> None:
    """The zone must exist; its plugin decides whether a tag is needed, allowed and unique."""
    config = _state(call)["config"]
    zone = config["zones"].get(obj["zone"])
    if zone is None:
        raise _err(500, f"zone '{obj['zone']}' doesn't exist")
    tag = obj.get("tag")
    if zone["type"] == "simple" and tag is not None:
        raise _err(500, "vlan tag is not allowed on simple zone")
    if zone["type"] in ("vlan", "qinq", "vxlan", "evpn") and tag is None:
        raise _err(500, f"tag should be defined in {zone['type']} zone")
    if zone["type"] in ("vlan", "qinq") and tag is not None and tag > 4094:
        raise _err(500, "invalid vlan tag - must be between 1 and 4094")
    for other, vnet in config["vnets"].items():
        if other != vid and vnet.get("zone") == obj["zone"] and tag is not None and vnet.get("tag") == tag:
            raise _err(500, f"tag {tag} already exist in vnet {other}")


@route("POST", "/cluster/sdn/vnets")
async def create_vnet(call: Call) -> None:
    vid, zid = call.params["vnet"], call.params["zone"]
    call.require(f"/sdn/zones/{zid}", "SDN.Allocate")
    _check_lock(call, "create sdn vnet object failed")
    vnets = _state(call)["config"]["vnets"]
    if vid in vnets:
        raise _err(500, f"create sdn vnet object failed: sdn vnet object ID '{vid}' already defined")
    obj = {"type": "vnet", **_options(call, VNET_OPTIONS)}
    _check_vnet(call, vid, obj)
    vnets[vid] = obj


@route("PUT", "/cluster/sdn/vnets/{vnet}")
async def update_vnet(call: Call) -> None:
    vid = call.params["vnet"]
    vnets = _state(call)["config"]["vnets"]
    obj = vnets.get(vid)
    if obj is None:
        raise _err(500, f"sdn vnet '{vid}' does not exist")
    call.require(_vnet_path(obj, vid), "SDN.Allocate")
    _check_lock(call, "update sdn vnet object failed")
    _check_digest(call, vnets)
    changed = dict(obj)
    _delete_keys(call, changed, ("tag", "alias", "vlanaware", "isolate-ports"))
    changed.update(_options(call, VNET_OPTIONS))
    _check_vnet(call, vid, changed)
    vnets[vid] = changed


@route("DELETE", "/cluster/sdn/vnets/{vnet}")
async def delete_vnet(call: Call) -> None:
    vid = call.params["vnet"]
    config = _state(call)["config"]
    obj = config["vnets"].get(vid)
    if obj is None:
        raise _err(500, f"sdn vnet '{vid}' does not exist")
    call.require(_vnet_path(obj, vid), "SDN.Allocate")
    _check_lock(call, "delete sdn vnet object failed")
    for sid, subnet in sorted(config["subnets"].items()):
        if subnet.get("vnet") == vid:
            raise _err(500, f"delete sdn vnet object failed: Can't delete vnet '{vid}', subnet '{sid}' "
                            "is still using it")
    del config["vnets"][vid]


@route("GET", "/cluster/sdn/vnets/{vnet}/firewall/rules")
async def vnet_firewall_rules(call: Call) -> list[dict[str, Any]]:
    """A VNet's forward firewall rules: not modelled, so always none (what a new VNet has)."""
    vid, obj = _vnet_or_fail(call)
    call.require(_vnet_path(obj, vid), "SDN.Audit", "SDN.Allocate", any_of=True)
    return []


# --- subnets ------------------------------------------------------------------------------------------
def _subnet_id(zone: str, cidr: str) -> str:
    net = ipaddress.ip_network(cidr, strict=False)
    return f"{zone}-{net.network_address}-{net.prefixlen}"


def _vnet_or_fail(call: Call) -> tuple[str, dict[str, Any]]:
    vid = call.params["vnet"]
    obj = _state(call)["config"]["vnets"].get(vid)
    if obj is None:
        raise _err(500, f"sdn vnet '{vid}' does not exist")
    return vid, obj


def _subnet_entry(sid: str, obj: dict[str, Any], digest: str) -> dict[str, Any]:
    """A subnet as the API shows it: its id plus `cidr`, `network`, `mask` and `zone` taken from the id."""
    zone, network, mask = sid.rsplit("-", 2)
    entry = {**obj, "id": sid, "subnet": sid, "cidr": f"{network}/{mask}", "network": network, "mask": mask,
             "zone": zone, "digest": digest}
    ranges = entry.get("dhcp-range")
    if isinstance(ranges, list):
        entry["dhcp-range"] = [parse_property_string(r) for r in ranges]
    return entry


def _find_subnet(call: Call, vid: str, section: Section) -> str:
    raw, zone = call.params["subnet"], _state(call)["config"]["vnets"][vid].get("zone", "")
    sid = _subnet_id(zone, raw) if "/" in raw else raw
    if sid not in section or section[sid].get("vnet") != vid:
        raise _err(500, f"sdn subnet '{sid}' does not exist")
    return sid


@route("GET", "/cluster/sdn/vnets/{vnet}/subnets")
async def list_subnets(call: Call) -> list[dict[str, Any]]:
    vid, obj = _vnet_or_fail(call)
    call.require(_vnet_path(obj, vid), "SDN.Audit", "SDN.Allocate", any_of=True)
    objects, digest = _view(call, "subnets", "subnet")
    return [_subnet_entry(sid, {k: v for k, v in sub.items() if k != "subnet"}, digest)
            for sid, sub in sorted(objects.items()) if sub.get("vnet") == vid]


@route("GET", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}")
async def get_subnet(call: Call) -> dict[str, Any]:
    vid, obj = _vnet_or_fail(call)
    call.require(_vnet_path(obj, vid), "SDN.Audit", "SDN.Allocate", any_of=True)
    objects, digest = _view(call, "subnets", "subnet")
    sid = _find_subnet(call, vid, objects)
    return _subnet_entry(sid, {k: v for k, v in objects[sid].items() if k != "subnet"}, digest)


def _check_subnet(sid: str, obj: dict[str, Any]) -> None:
    _zone, network, mask = sid.rsplit("-", 2)
    net = ipaddress.ip_network(f"{network}/{mask}")
    gateway = obj.get("gateway")
    if gateway is not None and ipaddress.ip_address(gateway) not in net:
        raise _err(500, f"gateway {gateway} is not in subnet {net}")
    for text in obj.get("dhcp-range", []):
        parts = parse_property_string(text)
        for key in ("start-address", "end-address"):
            if key not in parts:
                raise _err(400, "Parameter verification failed.",
                           {"dhcp-range": f"invalid format - format error\ndhcp-range.{key}: property is missing"})
            if ipaddress.ip_address(parts[key]) not in net:
                raise _err(500, f"dhcp-range {key} {parts[key]} is not in subnet {net}")


def _subnet_options(call: Call) -> dict[str, Any]:
    options = _options(call, SUBNET_OPTIONS)
    if "dhcp-range" in options:
        value = options["dhcp-range"]
        options["dhcp-range"] = [v for v in str(value).split("\0") if v]
    return options


@route("POST", "/cluster/sdn/vnets/{vnet}/subnets")
async def create_subnet(call: Call) -> None:
    vid, vnet = _vnet_or_fail(call)
    call.require(_vnet_path(vnet, vid), "SDN.Allocate")
    _check_lock(call, "create sdn subnet object failed")
    raw = call.params["subnet"]
    try:
        sid = _subnet_id(vnet["zone"], raw)
    except ValueError:
        raise _err(400, "Parameter verification failed.", {"subnet": f"invalid format - invalid subnet '{raw}'\n"}) \
            from None
    subnets = _state(call)["config"]["subnets"]
    if sid in subnets:
        raise _err(500, f"create sdn subnet object failed: sdn subnet object ID '{sid}' already defined")
    obj = {"type": "subnet", "vnet": vid, **_subnet_options(call)}
    _check_subnet(sid, obj)
    subnets[sid] = obj


@route("PUT", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}")
async def update_subnet(call: Call) -> None:
    vid, vnet = _vnet_or_fail(call)
    call.require(_vnet_path(vnet, vid), "SDN.Allocate")
    _check_lock(call, "update sdn subnet object failed")
    subnets = _state(call)["config"]["subnets"]
    sid = _find_subnet(call, vid, subnets)
    _check_digest(call, subnets)
    changed = dict(subnets[sid])
    _delete_keys(call, changed, SUBNET_OPTIONS)
    changed.update(_subnet_options(call))
    _check_subnet(sid, changed)
    subnets[sid] = changed


@route("DELETE", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}")
async def delete_subnet(call: Call) -> None:
    vid, vnet = _vnet_or_fail(call)
    call.require(_vnet_path(vnet, vid), "SDN.Allocate")
    _check_lock(call, "delete sdn subnet object failed")
    subnets = _state(call)["config"]["subnets"]
    del subnets[_find_subnet(call, vid, subnets)]
