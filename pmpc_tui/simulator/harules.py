"""PVE 9's HA model: resource states, rules (ha/rules.cfg) with node priorities and PVE's feasibility checks.

Each check reports its findings per rule and option, in PVE's words, e.g. a resource in two node affinity
rules: `resource 'vm:101' is already used in another node affinity rule`. Disabled rules are not checked.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pmpc_tui.simulator.model import Cluster

Errors = dict[str, dict[str, list[str]]]


def split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\0\s]+", text) if item]


def parse_nodes(text: str) -> dict[str, int]:
    """`pve1:2,pve2` as {node: priority}; a node without a priority has 0."""
    out: dict[str, int] = {}
    for item in split(text):
        node, _, priority = item.partition(":")
        out[node] = int(priority or 0)
    return out


def encode_nodes(nodes: dict[str, int]) -> str:
    return ",".join(f"{n}:{p}" if p else n for n, p in sorted(nodes.items()))


def _add(errors: Errors, ruleid: str, message: str) -> None:
    errors.setdefault(ruleid, {}).setdefault("resources", []).append(message)


def _components(positive: dict[str, dict[str, Any]]) -> list[tuple[list[str], set[str]]]:
    """Positive rules joined where their resources overlap: (rule ids, resources) per connected set."""
    groups: list[tuple[list[str], set[str]]] = []
    for ruleid in sorted(positive):
        ids, resources = [ruleid], set(positive[ruleid]["resources"])
        for other in [g for g in groups if g[1] & resources]:
            groups.remove(other)
            ids, resources = sorted(other[0] + ids), other[1] | resources
        groups.append((ids, resources))
    return groups


def feasibility(rules: dict[str, dict[str, Any]], nodes: list[str]) -> Errors:
    """The problems PVE finds in the enabled rules, per rule id and option."""
    errors: Errors = {}
    enabled = {rid: r for rid, r in rules.items() if not r.get("disable")}
    affinity = {rid: r for rid, r in enabled.items() if r["type"] == "node-affinity"}
    together = {rid: r for rid, r in enabled.items() if r["type"] == "resource-affinity"}
    positive = {rid: r for rid, r in together.items() if r.get("affinity") == "positive"}
    negative = {rid: r for rid, r in together.items() if r.get("affinity") == "negative"}
    used: dict[str, list[str]] = {}
    for rid, rule in affinity.items():
        for sid in rule["resources"]:
            used.setdefault(sid, []).append(rid)
    for rid, sid in sorted((rid, sid) for sid, rids in used.items() if len(rids) > 1 for rid in rids):
        _add(errors, rid, f"resource '{sid}' is already used in another node affinity rule")
    for rid in sorted(r for r, rule in together.items() if len(rule["resources"]) < 2):
        _add(errors, rid, "rule is ineffective as there are less than two resources")
    for rid in sorted(r for r, rule in negative.items() if len(rule["resources"]) > len(nodes)):
        _add(errors, rid, "rule defines more resources than available nodes")
    for ids, resources in _components(positive):
        for nid, rule in sorted(negative.items()):
            if len(resources & set(rule["resources"])) >= 2:
                _add(errors, nid, "rule shares two or more resources with a positive resource affinity rule")
                for pid in ids:
                    _add(errors, pid, "rule shares two or more resources with a negative resource affinity rule")
    _check_with_node_affinity(errors, together, positive, negative, affinity)
    return errors


def _check_with_node_affinity(errors: Errors, together: dict[str, dict[str, Any]],
                              positive: dict[str, dict[str, Any]], negative: dict[str, dict[str, Any]],
                              affinity: dict[str, dict[str, Any]]) -> None:
    """The global checks: resource affinity rules against node affinity rules."""
    for rid, rule in sorted(together.items()):
        paired = [aid for aid, a in sorted(affinity.items()) if set(a["resources"]) & set(rule["resources"])]
        if any(len(set(affinity[aid]["nodes"].values())) > 1 for aid in paired):
            _add(errors, rid, "resources are in node affinity rules with multiple priorities")
            for aid in paired:
                _add(errors, aid, "resources are in a resource affinity rule and cannot be in a node affinity rule "
                                  "with multiple priorities")
    for ids, resources in _components(positive):
        paired = [aid for aid, a in sorted(affinity.items()) if set(a["resources"]) & resources]
        if len(paired) > 1:
            for pid in ids:
                _add(errors, pid, "resources are in multiple node affinity rules")
            for aid in paired:
                _add(errors, aid, "at least one resource is in a positive resource affinity rule and there are "
                                  "other resources in at least one other node affinity rule already")
    for nid, rule in sorted(negative.items()):
        located: set[str] = set()
        allowed: set[str] = set()
        paired = []
        for aid, a in sorted(affinity.items()):
            common = set(a["resources"]) & set(rule["resources"])
            if common:
                located |= common
                allowed |= set(a["nodes"])
                paired.append(aid)
        if len(allowed) < len(located):
            _add(errors, nid, "two or more resources are restricted to less nodes than available to the resources")
            for aid in paired:
                _add(errors, aid, "at least one resource is in a negative resource affinity rule and this rule "
                                  "would restrict these to less nodes than available to the resources")


def request_state(options: dict[str, Any]) -> str:
    state = str(options.get("state", "started"))
    return "started" if state == "enabled" else state


def service_state(c: Cluster, sid: str) -> tuple[str | None, str]:
    """(CRM state, state shown) of a resource: what the manager holds and the verbose state PVE prints."""
    options = c.ha_resources[sid]
    want = request_state(options)
    if want == "ignored":
        return None, "ignored"
    name = sid.partition(":")[2]
    g = c.guests.get(int(name)) if name.isdigit() else None
    if g is None:
        return None, "not found"
    if want == "started":
        return "started", "started" if g.status == "running" else "starting"
    if g.status != "stopped":
        return "stopped", "stopping"
    return "stopped", "disabled" if want == "disabled" else "stopped"


def guest_ha(c: Cluster, kind: str, vmid: int) -> dict[str, Any]:
    """The `ha` of a guest's status: managed or not, and the state the manager holds for it."""
    sid = f"{'vm' if kind == 'qemu' else 'ct'}:{vmid}"
    if sid not in c.ha_resources:
        return {"managed": 0}
    crm, _ = service_state(c, sid)
    return {"managed": 1, **({"state": crm} if crm is not None else {})}
