"""Firewall rules of the cluster and of each guest (`proxmox_virtual_environment_firewall_rules`, import ids
`cluster`, `vm/<node>/<vmid>`, `container/<node>/<vmid>`) and each guest's firewall options
(`…_firewall_options`, the same guest ids). A guest is named by its VMID (`vm/101`, `container/200`), so
migrating it changes nothing here; guests without rules or options are left out."""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.iac.objects.base import Answers, Body, ObjectType, Read, answer_list, flag, plain, read, trailing_vmid
from pmpc_tui.iac.objects.firewall_common import (
    normalize_rules,
    options_update,
    policy_impact,
    replace_rules,
    rule_from_pve,
)
from pmpc_tui.iac.pveconf import parse_props

_RESOURCES = read("/cluster/resources")
# not a request: the VMIDs of the guests whose options import reads (a network device with `firewall=1`, or a
# firewall the workspace already manages), put among the answers by `read_objects` when it knows them
GUESTS_WITH_FIREWALL = read("#guests with a firewall=1 network device")
_CLUSTER_RULES = read("/cluster/firewall/rules")
_WHAT = {"qemu": ("vm", "vm_id"), "lxc": ("container", "container_id")}
_KIND = {"vm": "qemu", "container": "lxc"}


def _guests(answers: Answers) -> list[tuple[str, str, int]]:
    """(kind, node, vmid) of every guest."""
    return sorted((str(r["type"]), str(r.get("node", "")), int(r["vmid"])) for r in answer_list(answers, _RESOURCES)
                  if r.get("type") in _WHAT and r.get("vmid") is not None)


def _base(kind: str, node: str, vmid: int) -> str:
    return f"/nodes/{node}/{kind}/{vmid}/firewall"


def _guest_reads(what: str) -> Any:
    def reads(answers: Answers) -> list[Read]:
        return [read(f"{_base(k, n, v)}/{what}") for k, n, v in _guests(answers)]
    return reads


def _guest_key(body: Body) -> str | None:
    for prefix, arg in _WHAT.values():
        if isinstance(body.get(arg), int):
            return f"{prefix}/{body[arg]}"
    return None


def _where(key: str, body: Body) -> tuple[str, str, int]:
    prefix, _, vmid = key.partition("/")
    return _KIND[prefix], str(body.get("node_name", "")), int(vmid)


def _guest_import_id(key: str, body: Body) -> str:
    prefix, _, vmid = key.partition("/")
    return key if key == "cluster" else f"{prefix}/{body.get('node_name', '')}/{vmid}"


def nic_firewall(config: dict[str, Any]) -> bool:
    """Does a guest's config have a network device with `firewall=1`? (Only there PVE applies a guest firewall.)"""
    return any(key.startswith("net") and key[3:].isdigit() and "firewall" in str(value)
               and flag(parse_props(str(value)).get("firewall", "0")) for key, value in config.items())


def _options_wanted(r: Read, answers: Answers) -> bool:
    """Is a guest's options read worth making? Yes when its firewall can take effect (a `firewall=1` network
    device, or one the workspace manages: `GUESTS_WITH_FIREWALL`), when rules of it are known, or when
    nothing is known of the guests' network devices."""
    wanted = answers.get(GUESTS_WITH_FIREWALL)
    if not isinstance(wanted, set | frozenset):
        return True
    found = _GUEST_FIREWALL.match(r[0])
    if found is None or int(found.group(1)) in wanted:
        return True
    return bool(answer_list(answers, read(r[0].removesuffix("/options") + "/rules")))


_GUEST_FIREWALL = re.compile(r"^/nodes/[^/]+/(?:qemu|lxc)/(\d+)/firewall/")


def _firewall_on(r: Read, answers: Answers) -> bool | None:
    """Are a guest's rules worth reading? Only when its firewall is on (PVE applies the rules of a guest
    whose firewall options say `enable: 1`, default off); None until its options are read (False when they
    are not read: no network device of the guest filters)."""
    options_read = read(r[0].removesuffix("/rules") + "/options")
    if options_read not in answers:
        return False if not _options_wanted(options_read, answers) else None
    found = answers[options_read]
    return not isinstance(found, dict) or flag(found.get("enable"))  # options unreadable: read the rules too


# --- rules ---------------------------------------------------------------------------------------
RULES_ARGS = frozenset({"node_name", "vm_id", "container_id", "rule"})


def _rules(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    cluster = answer_list(answers, _CLUSTER_RULES)
    if cluster:
        out["cluster"] = {"rule": [rule_from_pve(r) for r in sorted(cluster, key=lambda r: int(r.get("pos", 0)))]}
    for kind, node, vmid in _guests(answers):
        rules = answer_list(answers, read(f"{_base(kind, node, vmid)}/rules"))
        if rules:
            prefix, arg = _WHAT[kind]
            out[f"{prefix}/{vmid}"] = {"node_name": node, arg: vmid,
                                       "rule": [rule_from_pve(r) for r in sorted(rules,
                                                                                key=lambda r: int(r.get("pos", 0)))]}
    return out


def _rules_key(body: Body) -> str | None:
    if body.get("node_name") in (None, "") and body.get("vm_id") is None and body.get("container_id") is None:
        return "cluster"
    return _guest_key(body)


def _rules_path(key: str, body: Body) -> str:
    return "/cluster/firewall/rules" if key == "cluster" else f"{_base(*_where(key, body))}/rules"


def _normalize_rules_body(body: Body) -> Body:
    out = plain(body, RULES_ARGS)
    out["rule"] = normalize_rules(out.get("rule"))
    return out


FIREWALL_RULES = ObjectType(
    kind="firewall_rules", noun="firewall rules", file="firewall.tf", rank=40,
    resource_type="proxmox_virtual_environment_firewall_rules", arguments=RULES_ARGS,
    reads=lambda: [_CLUSTER_RULES, _RESOURCES], more_reads=_guest_reads("rules"), actual=_rules,
    key=_rules_key, normalize=_normalize_rules_body, import_id=_guest_import_id,
    create=lambda key, body: replace_rules(_rules_path(key, body), [], body.get("rule") or []),
    update=lambda key, before, after: replace_rules(_rules_path(key, after), before.get("rule") or [],
                                                    after.get("rule") or []),
    delete=lambda key, before: replace_rules(_rules_path(key, before), before.get("rule") or [], []),
    impact=lambda arg, _b, _a: "disruptive" if arg == "rule" else "in-place", per_guest=True,
    guest_of=trailing_vmid, needed=_firewall_on,
)

# --- guest options ---------------------------------------------------------------------------------
OPTION_ARGS = frozenset({"node_name", "vm_id", "container_id", "enabled", "dhcp", "input_policy", "output_policy",
                         "ipfilter", "log_level_in", "log_level_out", "macfilter", "ndp", "radv"})
_PVE = {"enabled": "enable", "input_policy": "policy_in", "output_policy": "policy_out", "dhcp": "dhcp",
        "ipfilter": "ipfilter", "log_level_in": "log_level_in", "log_level_out": "log_level_out",
        "macfilter": "macfilter", "ndp": "ndp", "radv": "radv"}
_FLAGS = ("enabled", "dhcp", "ipfilter", "macfilter", "ndp", "radv")


def _options(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    for kind, node, vmid in _guests(answers):
        found = answers.get(read(f"{_base(kind, node, vmid)}/options"))
        if not isinstance(found, dict):
            continue
        body: Body = {}
        for arg, key in _PVE.items():
            if found.get(key) not in (None, ""):
                body[arg] = flag(found[key]) if arg in _FLAGS else str(found[key])
        if body:
            prefix, id_arg = _WHAT[kind]
            out[f"{prefix}/{vmid}"] = {"node_name": node, id_arg: vmid, **body}
    return out


def _options_pve(body: Body) -> dict[str, Any]:
    return {_PVE[k]: (1 if v else 0) if isinstance(v, bool) else v for k, v in body.items() if k in _PVE}


def _options_path(key: str, body: Body) -> str:
    return f"{_base(*_where(key, body))}/options"


FIREWALL_OPTIONS = ObjectType(
    kind="firewall_options", noun="guest firewall options", file="firewall.tf", rank=41,
    resource_type="proxmox_virtual_environment_firewall_options", arguments=OPTION_ARGS,
    reads=lambda: [_RESOURCES], more_reads=_guest_reads("options"), actual=_options,
    key=_guest_key, normalize=lambda body: plain(body, OPTION_ARGS), import_id=_guest_import_id,
    create=lambda key, body: options_update(_options_path(key, body), {}, _options_pve(body)),
    update=lambda key, before, after: options_update(_options_path(key, after), _options_pve(before),
                                                     _options_pve(after)),
    delete=lambda key, before: options_update(_options_path(key, before), _options_pve(before), {}),
    impact=policy_impact, delete_impact="in-place", per_guest=True, guest_of=trailing_vmid,
    needed=lambda r, answers: _options_wanted(r, answers),
)
