"""The firewall's objects (options, rules, security groups, aliases, IP sets) and PVE's rule checks.

The model, the handlers and the scenarios build on it; the values it checks are in firewall_checks.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from pmpc_tui.simulator.firewall_checks import (
    ALIAS_REF_RE,
    ICMP_TYPES,
    ICMPV6_TYPES,
    IPSET_REF_RE,
    MACRO_NAMES,
    NAME_RE,
    PORT_PROTOCOLS,
    digest_of,
    ip_version,
    parse_address_list,
)


@dataclass
class FirewallConfig:
    """One firewall config file: the cluster's (`cluster.fw`, with groups) or a guest's (`<vmid>.fw`)."""

    options: dict[str, Any] = field(default_factory=dict)
    rules: list[dict[str, Any]] = field(default_factory=list)
    aliases: dict[str, dict[str, Any]] = field(default_factory=dict)  # lowercased name -> entry
    ipsets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    ipset_comments: dict[str, str] = field(default_factory=dict)
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    group_comments: dict[str, str] = field(default_factory=dict)

    def digest(self) -> str:
        """The digest of the whole file: any change to it makes an earlier digest stale."""
        return digest_of(asdict(self))

    def alias(self, name: str) -> dict[str, Any] | None:
        return self.aliases.get(name.lower())

    def add_alias(self, name: str, cidr: str, comment: str | None = None) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": name, "cidr": cidr, "ipversion": ip_version(cidr) or 4}
        if comment:
            entry["comment"] = comment
        self.aliases[name.lower()] = entry
        return entry

    def add_ipset(self, name: str, cidrs: tuple[str, ...] = (), comment: str | None = None) -> None:
        self.ipsets[name] = [{"cidr": c} for c in sorted(cidrs)]
        if comment:
            self.ipset_comments[name] = comment


def rule(rule_type: str, action: str, enable: int = 1, **keys: str) -> dict[str, Any]:
    """A rule as PVE stores it (`icmp_type` for `icmp-type`), for scenarios."""
    entry: dict[str, Any] = {"type": rule_type, "action": action, "enable": enable}
    entry.update({k.replace("_", "-"): v for k, v in keys.items()})
    return entry


def listed(entries: list[dict[str, Any]], with_pos: bool = False) -> list[dict[str, Any]]:
    """Entries as the API lists them: copies, each with the list's digest (and its position)."""
    digest = digest_of(entries)
    out = []
    for pos, entry in enumerate(entries):
        item = {**entry, "digest": digest}
        if with_pos:
            item["pos"] = pos
        out.append(item)
    return out


def verify_rule(entry: dict[str, Any], cluster: FirewallConfig, local: FirewallConfig | None,
                env: str) -> dict[str, str]:
    """PVE's checks of a rule in its place (`cluster`, `group`, `vm`, `ct`); sets `ipversion` and the macro's
    name. Returns PVE's error, which names the first offending field (empty when the rule is fine)."""
    errors: dict[str, str] = {}

    def add(key: str, text: str) -> None:
        errors.setdefault(key, text)

    version: int | None = None
    kind, action = entry.get("type"), entry.get("action")
    if not kind:
        add("type", "missing property")
    if not action:
        add("action", "missing property")
    if kind in ("in", "out", "forward"):
        if action and action not in ("ACCEPT", "DROP", "REJECT"):
            add("action", f"unknown action '{action}'")
        if kind == "forward" and env in ("vm", "ct", "group"):
            add("type", f"rule type 'forward' is not allowed in a {_PLACES[env]}")
    elif kind == "group":
        if env == "group":
            add("type", "security groups not allowed")
        elif action and not NAME_RE.match(action):
            add("action", "invalid characters in security group name")
        elif action and action not in cluster.groups:
            add("action", f"no such security group '{action}'")
    iface = entry.get("iface")
    if iface:
        if env == "group":
            add("type", "parameter -i not allowed for this rule type")
        if env in ("vm", "ct") and not re.fullmatch(r"net\d+", iface):
            add("iface", "value does not match the regex pattern 'net\\d+'")
    macro = entry.get("macro")
    if macro:
        if macro.lower() in MACRO_NAMES:
            entry["macro"] = MACRO_NAMES[macro.lower()]
        else:
            add("macro", f"unknown macro '{macro}'")
    proto = entry.get("proto") or ""
    versions = {"icmp": 4, "icmpv6": 6, "ipv6-icmp": 6}
    version = versions.get(proto)
    if entry.get("dport"):
        if not proto:
            add("proto", "missing property - 'dport' requires this property")
        elif proto not in PORT_PROTOCOLS and proto not in ("icmp", "icmpv6"):  # PVE's ICMP special case
            add("dport", f"protocol '{proto}' does not support ports")
    icmp_type = entry.get("icmp-type")
    if icmp_type:
        if proto not in versions:
            add("proto", "missing property - 'icmp-type' requires this property")
        if entry.get("dport"):
            add("icmp-type", "'icmp-type' cannot be specified together with 'dport'")
        names = ICMP_TYPES if proto == "icmp" else ICMPV6_TYPES
        if proto in versions and icmp_type not in names and not icmp_type.isdigit():
            add("icmp-type", f"invalid icmp-type '{icmp_type}' for proto '{proto}'")
    if entry.get("sport"):
        if not proto:
            add("proto", "missing property - 'sport' requires this property")
        elif proto not in PORT_PROTOCOLS:
            add("sport", f"protocol '{proto}' does not support ports")
    for key in ("source", "dest"):
        value = entry.get(key)
        if not value:
            continue
        problem = _reference_problem(value, cluster, local)
        if problem:
            add(key, problem)
            continue
        found = _address_list_version(value, cluster, local)
        if found and version and found != version:
            add(key, "detected mixed ipv4/ipv6 addresses in rule")
        version = version or found
    if version:
        entry["ipversion"] = version
    else:
        entry.pop("ipversion", None)
    return dict(list(errors.items())[:1])  # PVE stops at the first problem


_PLACES = {"vm": "VM's firewall", "ct": "container's firewall", "group": "security group"}


def _reference_problem(value: str, cluster: FirewallConfig, local: FirewallConfig | None) -> str | None:
    """An IP set or alias a rule names must exist (in the guest's own config or the cluster's)."""
    if value.startswith("+"):
        match = IPSET_REF_RE.match(value)
        if not match:
            return f"invalid ipset name '{value}'"
        scope, name = match.groups()
        places = [c for c, s in ((cluster, "dc"), (local, "guest")) if c is not None and scope in (None, s)]
        return None if any(name in c.ipsets for c in places) else f"no such ipset '{name}'"
    match = ALIAS_REF_RE.match(value)
    if match:
        scope, name = match.groups()
        places = [c for c, s in ((cluster, "dc"), (local, "guest")) if c is not None and scope in (None, s)]
        return None if any(c.alias(name) for c in places) else f"no such alias '{value}'"
    return None


def _address_list_version(value: str, cluster: FirewallConfig, local: FirewallConfig | None) -> int | None:
    match = ALIAS_REF_RE.match(value)
    if match:
        for conf in (local, cluster):
            if conf is not None and conf.alias(match.group(2)):
                return int(conf.alias(match.group(2))["ipversion"])  # type: ignore[index]
        return None
    return parse_address_list(value)


def as_read_back(entry: dict[str, Any]) -> dict[str, Any]:
    """A rule as PVE reads it back from its file: a security group rule keeps only its group, interface and
    comment; a blank comment is not written."""
    if entry.get("type") == "group":
        for key in ("source", "dest", "proto", "dport", "sport", "log", "icmp-type", "macro", "ipversion"):
            entry.pop(key, None)
    if not str(entry.get("comment", "x")).strip():
        entry.pop("comment")
    return entry


def group_in_use(name: str, cluster: FirewallConfig, guests: list[FirewallConfig]) -> bool:
    """Whether a rule of the cluster, of another group or of a guest refers to security group `name`."""
    lists = [cluster.rules, *(rules for g, rules in cluster.groups.items() if g != name),
             *(g.rules for g in guests)]
    return any(r.get("type") == "group" and r.get("action") == name for rules in lists for r in rules)


def move_rule(rules: list[dict[str, Any]], pos: int, moveto: int) -> list[dict[str, Any]]:
    """The rule at `pos` placed before the rule now at `moveto` (at the end when `moveto` is past it)."""
    moved = rules[pos]
    out: list[dict[str, Any]] = []
    for index, entry in enumerate(rules):
        if index == pos:
            continue
        if index == moveto:
            out.append(moved)
        out.append(entry)
    if moveto >= len(rules):
        out.append(moved)
    return out
