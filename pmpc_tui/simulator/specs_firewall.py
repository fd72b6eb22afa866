"""Declared parameters of the firewall routes: the cluster's firewall and each guest's (qemu and lxc)."""

from __future__ import annotations

from pmpc_tui.simulator.firewall_checks import FORMAT_CHECKS, LOG_LEVELS
from pmpc_tui.simulator.formats import CHECKS
from pmpc_tui.simulator.params import NODE, VMID, B, E, I, P, S

CHECKS.update(FORMAT_CHECKS)  # addresses, ports, protocols, interfaces: checked like every named format

NAME_PATTERN = r"[A-Za-z][A-Za-z0-9\-\_]+"
GROUP = P("string", optional=False, pattern=NAME_PATTERN, max_length=18, min_length=2)
NAME = P("string", optional=False, pattern=NAME_PATTERN, max_length=64, min_length=2)
RENAME = P("string", pattern=NAME_PATTERN, max_length=64, min_length=2)
DIGEST = S(max_length=64)
POS = I(0)
CIDR = S("IPorCIDRorAlias", optional=False)
POLICY = E("ACCEPT", "REJECT", "DROP")
LOG = E(*LOG_LEVELS)


def _rule_fields(create: bool) -> dict[str, P]:
    """What a rule accepts on create (type and action required) and on change (`delete`, `moveto`)."""
    fields = {
        "action": P("string", optional=not create, pattern=NAME_PATTERN, max_length=20, min_length=2),
        "comment": S(), "dest": S("pve-fw-addr-spec", max_length=512), "digest": DIGEST,
        "dport": S("pve-fw-dport-spec"), "enable": I(0), "icmp-type": S("pve-fw-icmp-type-spec"),
        "iface": S("pve-iface", max_length=20, min_length=2), "log": LOG, "macro": S(max_length=128), "pos": POS,
        "proto": S("pve-fw-protocol-spec"), "source": S("pve-fw-addr-spec", max_length=512),
        "sport": S("pve-fw-sport-spec"), "type": E("in", "out", "forward", "group", optional=not create),
    }
    if not create:
        fields.update({"delete": S("pve-configid-list"), "moveto": I(0)})
    return fields


def _rules(base: str, where: dict[str, P]) -> dict[tuple[str, str], dict[str, P]]:
    """The rule list at `base` and its `{pos}` entries; `where` holds the path's own parameters."""
    return {
        ("GET", base): dict(where),
        ("POST", base): {**where, **_rule_fields(create=True)},
        ("GET", f"{base}/{{pos}}"): {**where, "pos": POS},
        ("PUT", f"{base}/{{pos}}"): {**where, **_rule_fields(create=False)},
        ("DELETE", f"{base}/{{pos}}"): {**where, "digest": DIGEST, "pos": POS},
    }


def _aliases_and_ipsets(base: str, where: dict[str, P]) -> dict[tuple[str, str], dict[str, P]]:
    """Aliases, IP sets and their entries, and the references a rule may use, under `base`."""
    named = {**where, "name": NAME}
    return {
        ("GET", f"{base}/aliases"): dict(where),
        ("POST", f"{base}/aliases"): {**named, "cidr": S("IPorCIDR", optional=False), "comment": S()},
        ("GET", f"{base}/aliases/{{name}}"): dict(named),
        ("PUT", f"{base}/aliases/{{name}}"): {**named, "cidr": S("IPorCIDR", optional=False), "comment": S(),
                                             "digest": DIGEST, "rename": RENAME},
        ("DELETE", f"{base}/aliases/{{name}}"): {**named, "digest": DIGEST},
        ("GET", f"{base}/ipset"): dict(where),
        ("POST", f"{base}/ipset"): {**named, "comment": S(), "digest": DIGEST, "rename": RENAME},
        ("GET", f"{base}/ipset/{{name}}"): dict(named),
        ("POST", f"{base}/ipset/{{name}}"): {**named, "cidr": CIDR, "comment": S(), "nomatch": B()},
        ("DELETE", f"{base}/ipset/{{name}}"): {**named, "force": B()},
        ("GET", f"{base}/ipset/{{name}}/{{cidr}}"): {**named, "cidr": CIDR},
        ("PUT", f"{base}/ipset/{{name}}/{{cidr}}"): {**named, "cidr": CIDR, "comment": S(), "digest": DIGEST,
                                                     "nomatch": B()},
        ("DELETE", f"{base}/ipset/{{name}}/{{cidr}}"): {**named, "cidr": CIDR, "digest": DIGEST},
        ("GET", f"{base}/refs"): {**where, "type": E("alias", "ipset")},
    }


LOG_RATELIMIT = P("string", format="property-string", keys=("burst", "enable", "rate"), default_key="enable",
                  subkeys=(("burst", I(0)), ("enable", B()),
                           ("rate", S(pattern=r"[1-9][0-9]*\/(second|minute|hour|day)"))))
CLUSTER = "/cluster/firewall"
FIREWALL_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", CLUSTER): {},
    ("GET", f"{CLUSTER}/options"): {},
    ("PUT", f"{CLUSTER}/options"): {
        "delete": S("pve-configid-list"), "digest": DIGEST, "ebtables": B(), "enable": I(0),
        "log_ratelimit": LOG_RATELIMIT, "policy_forward": E("ACCEPT", "DROP"), "policy_in": POLICY,
        "policy_out": POLICY,
    },
    ("GET", f"{CLUSTER}/macros"): {},
    ("GET", f"{CLUSTER}/groups"): {},
    ("POST", f"{CLUSTER}/groups"): {
        "comment": S(), "digest": DIGEST, "group": GROUP,
        "rename": P("string", pattern=NAME_PATTERN, max_length=18, min_length=2),
    },
    ("DELETE", f"{CLUSTER}/groups/{{group}}"): {"group": GROUP},
    **_rules(f"{CLUSTER}/rules", {}),
    **_rules(f"{CLUSTER}/groups/{{group}}", {"group": GROUP}),
    **_aliases_and_ipsets(CLUSTER, {}),
}
for _kind in ("qemu", "lxc"):
    _base = f"/nodes/{{node}}/{_kind}/{{vmid}}/firewall"
    _where = {"node": NODE, "vmid": VMID}
    FIREWALL_PARAMS.update({
        ("GET", _base): dict(_where),
        ("GET", f"{_base}/options"): dict(_where),
        ("PUT", f"{_base}/options"): {
            **_where, "delete": S("pve-configid-list"), "dhcp": B(), "digest": DIGEST, "enable": B(),
            "ipfilter": B(), "log_level_in": LOG, "log_level_out": LOG, "macfilter": B(), "ndp": B(),
            "policy_in": POLICY, "policy_out": POLICY, "radv": B(),
        },
        ("GET", f"{_base}/log"): {**_where, "limit": I(0), "since": I(0), "start": I(0), "until": I(0)},
        **_rules(f"{_base}/rules", _where),
        **_aliases_and_ipsets(_base, _where),
    })
