"""What the bpg VM and container mappings share: the types, value helpers and the common guest parts.

The common parts are the header (node, VMID, description, tags, template, started, protection), startup,
DNS and IP addresses — both directions — and their canonical views.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.iac.hcl import Body
from pmpc_tui.iac.pveconf import GiB, flag, format_props, parse_props, parse_size, split_tags


@dataclass
class GuestState:
    """A guest as the state DB knows it (the input of an import)."""

    kind: str  # "qemu" or "lxc"
    vmid: int
    node: str
    name: str
    status: str
    config: dict[str, Any]


@dataclass
class Mapped:
    """A resource body plus what could not be expressed in it."""

    body: Body
    unmanaged: list[str] = field(default_factory=list)  # config keys present but not represented
    warnings: list[str] = field(default_factory=list)


@dataclass
class DesiredConfig:
    """What a resource body asks for, in PVE terms."""

    kind: str
    node: str
    vmid: int | None
    config: dict[str, Any]
    started: bool | None
    clone: dict[str, Any] | None = None
    ostemplate: str | None = None


# --- values ---------------------------------------------------------------------------------
_INDEX_PATTERNS: dict[str, re.Pattern[str]] = {}


def indexed(config: dict[str, Any], prefix: str) -> dict[int, str]:
    """The values of `prefix<N>` keys by N (`net0`, `net2` → {0: …, 2: …})."""
    pattern = _INDEX_PATTERNS.get(prefix)
    if pattern is None:
        pattern = _INDEX_PATTERNS[prefix] = re.compile(re.escape(prefix) + r"(\d+)")
    out: dict[int, str] = {}
    for key, value in config.items():
        m = pattern.fullmatch(key)
        if m:
            out[int(m.group(1))] = str(value)
    return out


def gib(size_text: str, what: str, warnings: list[str]) -> int:
    """A PVE size in whole GiB, rounded up (with a warning when it was not whole)."""
    size = parse_size(size_text)
    if size % GiB:
        warnings.append(f"{what}: size {size_text} is not a whole GiB; written rounded up")
    return max(1, math.ceil(size / GiB))


def volume_format(path: str) -> str:
    """The file format a volume's path implies (raw when it names none)."""
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext if ext in ("qcow2", "raw", "vmdk") else "raw"


def split_volume(volid: str) -> tuple[str, str]:
    """A volume ID as (storage, path)."""
    store, _, path = volid.partition(":")
    return store, path


def num(text: str) -> int | float:
    """A number as an int when it is whole, else a float."""
    value = float(text)
    return int(value) if value.is_integer() else value


def opt(value: Any) -> str | None:
    """A value as text, None staying None (left out of a property string)."""
    return None if value is None else str(value)


def bool_opt(value: Any) -> str | None:
    """A boolean as PVE's 0/1, None staying None."""
    return None if value is None else str(int(bool(value)))


# --- the guest header -----------------------------------------------------------------------
def put_header(g: GuestState, body: Body, between: Body) -> None:
    """node, VMID, description, tags, template, started, then the kind's `between` arguments, then protection."""
    c = g.config
    body["node_name"] = g.node
    body["vm_id"] = g.vmid
    if c.get("description"):
        body["description"] = str(c["description"])
    if c.get("tags"):
        body["tags"] = split_tags(str(c["tags"]))
    template = flag(c.get("template", 0))
    if template:
        body["template"] = True
    body["started"] = g.status == "running" and not template
    body.update(between)
    if flag(c.get("protection", 0)):
        body["protection"] = True


def header_config(body: Body, c: dict[str, Any], between: dict[str, Any]) -> None:
    """description, tags, template, then the kind's `between` keys, then protection, from a body into `c`."""
    if body.get("description"):
        c["description"] = body["description"]
    if body.get("tags"):
        c["tags"] = ";".join(split_tags(";".join(body["tags"])))
    if body.get("template"):
        c["template"] = 1
    c.update(between)
    if body.get("protection"):
        c["protection"] = 1


def header_view(c: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of the keys both kinds manage alike (header, CPU limits, memory, DNS, startup)."""
    return {
        "description": c.get("description") or None, "tags": split_tags(str(c.get("tags", ""))),
        "template": flag(c.get("template", 0)), "onboot": flag(c.get("onboot", 0)),
        "protection": flag(c.get("protection", 0)), "hookscript": c.get("hookscript"),
        "cpulimit": float(c.get("cpulimit", 0)), "cpuunits": int(c.get("cpuunits", 100)),
        "memory": int(c.get("memory", 512)),
        "searchdomain": c.get("searchdomain"), "nameserver": str(c.get("nameserver", "")).split(),
        "startup": parse_props(str(c.get("startup", "")), "order"),
    }


def put_cpu_limits(c: dict[str, Any], cpu: Body) -> None:
    """The CPU limit and weight of a config into a `cpu` block."""
    if "cpulimit" in c:
        cpu["limit"] = num(str(c["cpulimit"]))
    if "cpuunits" in c:
        cpu["units"] = int(c["cpuunits"])


# --- startup, DNS, IP addresses -------------------------------------------------------------
def put_startup(c: dict[str, Any], body: Body) -> None:
    """The `startup` block of a config's startup order and delays."""
    if "startup" not in c:
        return
    p = parse_props(str(c["startup"]), "order")
    block: Body = {}
    for key, name in (("order", "order"), ("up", "up_delay"), ("down", "down_delay")):
        if key in p:
            block[name] = int(p[key])
    body["startup"] = [block]


def startup_config(body: Body, c: dict[str, Any]) -> None:
    """A body's `startup` block as PVE's startup property string."""
    for block in body.get("startup", []):
        c["startup"] = format_props([("order", opt(block.get("order"))), ("up", opt(block.get("up_delay"))),
                                     ("down", opt(block.get("down_delay")))])


def put_dns(c: dict[str, Any], init: Body) -> None:
    """The `dns` block of an initialization block, from searchdomain and nameserver."""
    if "nameserver" in c or "searchdomain" in c:
        dns: Body = {}
        if "searchdomain" in c:
            dns["domain"] = str(c["searchdomain"])
        if "nameserver" in c:
            dns["servers"] = str(c["nameserver"]).split()
        init["dns"] = [dns]


def dns_config(init: Body, c: dict[str, Any]) -> None:
    """An initialization block's `dns` as searchdomain and nameserver."""
    for dns in init.get("dns", []):
        if "domain" in dns:
            c["searchdomain"] = dns["domain"]
        if "servers" in dns:
            c["nameserver"] = " ".join(dns["servers"])


def ip_config(p: dict[str, str]) -> Body:
    """An `ip_config` block of the ip/gw/ip6/gw6 keys of a property string."""
    block: Body = {}
    for family, ip, gw in (("ipv4", "ip", "gw"), ("ipv6", "ip6", "gw6")):
        if p.get(ip) or p.get(gw):
            addr: Body = {}
            if p.get(ip):
                addr["address"] = p[ip]
            if p.get(gw):
                addr["gateway"] = p[gw]
            block[family] = [addr]
    return block


def ip_addresses(ipc: Body) -> tuple[Body, Body]:
    """The IPv4 and IPv6 blocks of an `ip_config` block (empty when absent)."""
    return (ipc.get("ipv4") or [{}])[0], (ipc.get("ipv6") or [{}])[0]
