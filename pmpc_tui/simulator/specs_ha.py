"""Declared parameters of the HA routes: resources, rules (PVE 9), the migrated-away groups and the status."""

from __future__ import annotations

from pmpc_tui.simulator.params import B, E, I, P, S

SID = S("pve-ha-resource-or-vm-id", optional=False)
RULE = S("pve-configid", optional=False)
GROUP = S("pve-configid", optional=False)
COMMENT = S(max_length=4096)
DELETE = S("pve-configid-list", max_length=4096)
DIGEST = S(max_length=64)
REQUEST_STATE = E("started", "stopped", "enabled", "disabled", "ignored")
RULE_TYPE = E("node-affinity", "resource-affinity", optional=False)
_RESOURCE = {
    "comment": COMMENT, "failback": B(), "group": S("pve-configid"), "max_relocate": I(0), "max_restart": I(0),
    "sid": SID, "state": REQUEST_STATE,
}
_RULE = {
    "affinity": E("positive", "negative"), "comment": COMMENT, "disable": B(), "nodes": S("pve-ha-node-list"),
    "rule": RULE, "strict": B(), "type": RULE_TYPE,
}
_GROUP = {"comment": COMMENT, "group": GROUP, "nofailback": B(), "restricted": B()}

HA_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/cluster/ha"): {},
    ("GET", "/cluster/ha/resources"): {"type": E("ct", "vm")},
    ("POST", "/cluster/ha/resources"): {**_RESOURCE, "type": E("ct", "vm")},
    ("GET", "/cluster/ha/resources/{sid}"): {"sid": SID},
    ("PUT", "/cluster/ha/resources/{sid}"): {**_RESOURCE, "delete": DELETE, "digest": DIGEST},
    ("DELETE", "/cluster/ha/resources/{sid}"): {"purge": B(), "sid": SID},
    ("POST", "/cluster/ha/resources/{sid}/migrate"): {"node": S("pve-node", optional=False), "sid": SID},
    ("POST", "/cluster/ha/resources/{sid}/relocate"): {"node": S("pve-node", optional=False), "sid": SID},
    ("GET", "/cluster/ha/rules"): {"resource": S(), "type": E("node-affinity", "resource-affinity")},
    ("POST", "/cluster/ha/rules"): {**_RULE, "resources": S("pve-ha-resource-id-list", optional=False)},
    ("GET", "/cluster/ha/rules/{rule}"): {"rule": RULE},
    ("PUT", "/cluster/ha/rules/{rule}"): {
        **_RULE, "delete": DELETE, "digest": DIGEST, "resources": S("pve-ha-resource-id-list"),
    },
    ("DELETE", "/cluster/ha/rules/{rule}"): {"rule": RULE},
    ("GET", "/cluster/ha/groups"): {},
    ("POST", "/cluster/ha/groups"): {**_GROUP, "nodes": S("pve-ha-node-list", optional=False), "type": E("group")},
    ("GET", "/cluster/ha/groups/{group}"): {"group": GROUP},
    ("PUT", "/cluster/ha/groups/{group}"): {
        **_GROUP, "delete": DELETE, "digest": DIGEST, "nodes": S("pve-ha-node-list"),
    },
    ("DELETE", "/cluster/ha/groups/{group}"): {"group": GROUP},
    ("GET", "/cluster/ha/status"): {},
    ("GET", "/cluster/ha/status/current"): {},
    ("GET", "/cluster/ha/status/manager_status"): {},
}
