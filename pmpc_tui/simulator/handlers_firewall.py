"""Route handlers of the firewall as PVE 9.1 serves them: the cluster's (options, rules, security groups,
aliases, IP sets, macros, refs) and each guest's (options, rules, aliases, IP sets, refs, log).

PVE's checks: rule references to unknown aliases, IP sets and security groups are refused, as are positions
past the end, stale digests, a security group that still holds rules or is used by a rule; the cluster's objects
need `Sys.Audit`/`Sys.Modify` on `/`, a guest's `VM.Audit`/`VM.Config.Network` (its log `VM.Console`) on
`/vms/{vmid}`, as the schema's permissions say.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.firewall import FirewallConfig, as_read_back, group_in_use, listed, move_rule, verify_rule
from pmpc_tui.simulator.firewall_checks import MACROS, RULE_KEYS, digest_of
from pmpc_tui.simulator.firewall_place import (
    CLUSTER,
    Loader,
    Place,
    check_digest,
    cluster_place,
    group_place,
    guest_conf,
    guest_loader,
    param_error,
)
from pmpc_tui.simulator.handlers import _err, _guest, route
from pmpc_tui.simulator.handlers_firewall_sets import register_aliases, register_ipsets

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


# --- rules (cluster, security group, guest) ---------------------------------------------------
def _rule_data(params: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """The rule keys of a request copied onto `entry` (an empty value or `-` removes the key)."""
    for key in RULE_KEYS:
        if key in params:
            value = params[key]
            if value in ("", "-"):
                entry.pop(key, None)
            else:
                entry[key] = value
    return entry


def _register_rules(base: str, find: Loader, rules_of: Callable[[Call, Place], list[dict[str, Any]]]) -> None:
    """The five rule routes under `base` (a rule list and its `{pos}` entries)."""

    def load(call: Call, write: bool) -> tuple[Place, list[dict[str, Any]]]:
        place = find(call, write)
        return place, rules_of(call, place)

    def at(rules: list[dict[str, Any]], pos: int) -> dict[str, Any]:
        if pos >= len(rules):
            raise _err(500, f"no rule at position {pos}")
        return rules[pos]

    @route("GET", base)
    async def list_rules(call: Call) -> list[dict[str, Any]]:
        return listed(load(call, False)[1], with_pos=True)

    @route("GET", base + "/{pos}")
    async def get_rule(call: Call) -> dict[str, Any]:
        rules = load(call, False)[1]
        pos = call.params["pos"]
        at(rules, pos)
        return listed(rules, with_pos=True)[pos]

    @route("POST", base)
    async def create_rule(call: Call) -> None:
        place, rules = load(call, True)
        entry = _rule_data(call.params, {})
        errors = verify_rule(entry, place.cluster, place.local, place.env)
        if errors:
            raise param_error(errors)
        entry.setdefault("enable", 0)  # PVE stores a rule created without `enable` disabled
        rules.insert(0, as_read_back(entry))  # PVE puts a new rule first, whatever `pos` says

    @route("PUT", base + "/{pos}")
    async def update_rule(call: Call) -> None:
        place, rules = load(call, True)
        p = call.params
        check_digest(digest_of(rules), p.get("digest"))
        pos = p["pos"]
        entry = copy.deepcopy(at(rules, pos))
        moveto = p.get("moveto")
        if moveto is not None and moveto != pos:
            rules[:] = move_rule(rules, pos, moveto)
            return
        _rule_data(p, entry)
        for key in (k for k in re.split(r"[,;\s]+", p.get("delete", "")) if k):
            if key not in RULE_KEYS:
                raise param_error({"delete": f"no such property ('{key}')"})
            if key in ("type", "action"):
                raise param_error({"delete": f"unable to delete required property '{key}'"})
            entry.pop(key, None)
        errors = verify_rule(entry, place.cluster, place.local, place.env)
        if errors:
            raise param_error(errors)
        entry.setdefault("enable", 1)  # a rule line without the `|` mark reads back enabled
        rules[pos] = as_read_back(entry)

    @route("DELETE", base + "/{pos}")
    async def delete_rule(call: Call) -> None:
        rules = load(call, True)[1]
        check_digest(digest_of(rules), call.params.get("digest"))
        at(rules, call.params["pos"])
        del rules[call.params["pos"]]


def _group_rules(call: Call, place: Place) -> list[dict[str, Any]]:
    rules = place.cluster.groups.get(call.params["group"])
    if rules is None:
        raise _err(500, f"no such security group '{call.params['group']}'")
    return rules


_register_rules(f"{CLUSTER}/rules", cluster_place, lambda call, place: place.conf.rules)
_register_rules(f"{CLUSTER}/groups/{{group}}", group_place, _group_rules)


# --- security groups ------------------------------------------------------------------------
def _group_list(fw: FirewallConfig) -> list[dict[str, Any]]:
    entries = []
    for name in sorted(fw.groups):
        entry: dict[str, Any] = {"group": name}
        if fw.group_comments.get(name):
            entry["comment"] = fw.group_comments[name]
        entries.append(entry)
    return listed(entries)


@route("GET", f"{CLUSTER}/groups")
async def list_groups(call: Call) -> list[dict[str, Any]]:
    return _group_list(call.cluster.firewall)


@route("POST", f"{CLUSTER}/groups")
async def create_group(call: Call) -> None:
    call.require("/", "Sys.Modify")
    fw, p = call.cluster.firewall, call.params
    # cluster.fw keeps the name as given, PVE reads it back lowercased: that is the name from then on
    group, rename, comment = p["group"].lower(), p.get("rename"), p.get("comment")
    if rename:
        check_digest(digest_of([{k: v for k, v in e.items() if k != "digest"} for e in _group_list(fw)]),
                      p.get("digest"))
        if rename not in fw.groups:
            raise param_error({"group": f"Security group '{rename}' does not exists"})  # PVE's wording
        if group != rename and group in fw.groups:
            raise param_error({"group": f"Security group '{group}' does already exist"})
        fw.groups[group] = fw.groups.pop(rename)
        old = fw.group_comments.pop(rename, None)
        if comment is not None or old:
            fw.group_comments[group] = comment if comment is not None else str(old)
        return
    if group in fw.groups:
        raise param_error({"group": f"Security group '{p['group']}' already exists"})
    fw.groups[group] = []
    if comment:
        fw.group_comments[group] = comment


@route("DELETE", f"{CLUSTER}/groups/{{group}}")
async def delete_group(call: Call) -> None:
    call.require("/", "Sys.Modify")
    fw, group = call.cluster.firewall, call.params["group"]
    rules = _group_rules(call, group_place(call, True))
    if rules:
        raise _err(500, f"Security group '{group}' is not empty")
    guests = [g.firewall for g in call.cluster.guests.values()]
    if group_in_use(group, fw, guests):
        raise _err(500, f"Security group '{group}' is used by a rule and cannot be deleted")
    del fw.groups[group]
    fw.group_comments.pop(group, None)


# --- cluster index, options, macros -------------------------------------------------------------
@route("GET", CLUSTER)
async def cluster_index(call: Call) -> list[dict[str, Any]]:
    return [{"name": n} for n in ("aliases", "rules", "options", "groups", "ipset", "macros", "refs")]


def _update_options(conf: FirewallConfig, params: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Remove the options named in `delete`, then set the given ones; `digest` is the whole file's."""
    check_digest(conf.digest(), params.get("digest"))
    for key in (k for k in re.split(r"[,;\s]+", params.get("delete", "")) if k):
        if key not in keys:
            raise param_error({"delete": f"no such option '{key}'"})
        conf.options.pop(key, None)
    for key in keys:
        if key in params:
            conf.options[key] = params[key]


CLUSTER_OPTIONS = ("ebtables", "enable", "log_ratelimit", "policy_forward", "policy_in", "policy_out")
GUEST_OPTIONS = ("dhcp", "enable", "ipfilter", "log_level_in", "log_level_out", "macfilter", "ndp", "policy_in",
                 "policy_out", "radv")


@route("GET", f"{CLUSTER}/options")
async def get_cluster_options(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    fw = call.cluster.firewall
    return {**fw.options, "digest": fw.digest()}


@route("PUT", f"{CLUSTER}/options")
async def put_cluster_options(call: Call) -> None:
    call.require("/", "Sys.Modify")
    if call.params.get("enable", 0) > 1:
        call.params["enable"] = 1  # PVE stores any larger value as 1
    _update_options(call.cluster.firewall, call.params, CLUSTER_OPTIONS)


@route("GET", f"{CLUSTER}/macros")
async def list_macros(call: Call) -> list[dict[str, str]]:
    return [{"macro": name, "descr": descr} for name, descr in sorted(MACROS.items())]


# --- guests -------------------------------------------------------------------------------------
def _register_guest(kind: str) -> None:
    base = f"/nodes/{{node}}/{kind}/{{vmid}}/firewall"
    load = guest_loader(kind)

    def checked(call: Call, priv: str) -> FirewallConfig:
        call.require(f"/vms/{call.params['vmid']}", priv)
        return guest_conf(call, kind)

    @route("GET", base)
    async def index(call: Call) -> list[dict[str, Any]]:
        _guest(call, kind)
        return [{"name": n} for n in ("rules", "aliases", "ipset", "refs", "options", "log")]

    @route("GET", base + "/options")
    async def get_options(call: Call) -> dict[str, Any]:
        conf = checked(call, "VM.Audit")
        return {**conf.options, "digest": conf.digest()}

    @route("PUT", base + "/options")
    async def put_options(call: Call) -> None:
        _update_options(checked(call, "VM.Config.Network"), call.params, GUEST_OPTIONS)

    @route("GET", base + "/log")
    async def log(call: Call) -> list[dict[str, Any]]:
        checked(call, "VM.Console")
        return [{"n": 1, "t": "no content"}]

    def rules_of(call: Call, place: Place) -> list[dict[str, Any]]:
        return place.conf.rules

    _register_rules(base + "/rules", load, rules_of)
    register_aliases(base, load)
    register_ipsets(base, load)


_register_guest("qemu")
_register_guest("lxc")
