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
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.firewall import (
    FirewallConfig,
    as_read_back,
    group_in_use,
    listed,
    move_rule,
    verify_rule,
)
from pmpc_tui.simulator.firewall_checks import ALIAS_REF_RE, MACROS, RULE_KEYS, clean_cidr, digest_of, ip_version
from pmpc_tui.simulator.handlers import _err, _guest, route

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

CLUSTER = "/cluster/firewall"
PARAM_FAILED = "Parameter verification failed."


@dataclass
class Place:
    """Where a request's firewall objects live: their config, the cluster's, and the rule checks that apply."""

    conf: FirewallConfig  # the config the objects belong to
    cluster: FirewallConfig
    local: FirewallConfig | None  # the guest's own config (None at cluster level)
    env: str  # cluster, group, vm or ct


Loader = Callable[["Call", bool], Place]  # (call, write): checks the caller's privilege, then finds the place


def _cluster_place(call: Call, write: bool) -> Place:
    call.require("/", "Sys.Modify" if write else "Sys.Audit")
    fw = call.cluster.firewall
    return Place(fw, fw, None, "cluster")


def _group_place(call: Call, write: bool) -> Place:
    place = _cluster_place(call, write)
    place.env = "group"
    return place


def _guest_loader(kind: str) -> Loader:
    def load(call: Call, write: bool) -> Place:
        call.require(f"/vms/{call.params['vmid']}", "VM.Config.Network" if write else "VM.Audit")
        conf = _guest_conf(call, kind)
        return Place(conf, call.cluster.firewall, conf, "vm" if kind == "qemu" else "ct")
    return load


def _guest_conf(call: Call, kind: str) -> FirewallConfig:
    return _guest(call, kind).firewall


def _check_digest(current: str, given: str | None) -> None:
    if given and given != current:
        raise _err(500, "detected modified configuration - file changed by other user? Try again.")


def _param_error(errors: dict[str, str]) -> Exception:
    return _err(400, PARAM_FAILED, errors)


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
            raise _param_error(errors)
        entry.setdefault("enable", 0)  # PVE stores a rule created without `enable` disabled
        rules.insert(0, as_read_back(entry))  # PVE puts a new rule first, whatever `pos` says

    @route("PUT", base + "/{pos}")
    async def update_rule(call: Call) -> None:
        place, rules = load(call, True)
        p = call.params
        _check_digest(digest_of(rules), p.get("digest"))
        pos = p["pos"]
        entry = copy.deepcopy(at(rules, pos))
        moveto = p.get("moveto")
        if moveto is not None and moveto != pos:
            rules[:] = move_rule(rules, pos, moveto)
            return
        _rule_data(p, entry)
        for key in (k for k in re.split(r"[,;\s]+", p.get("delete", "")) if k):
            if key not in RULE_KEYS:
                raise _param_error({"delete": f"no such property ('{key}')"})
            if key in ("type", "action"):
                raise _param_error({"delete": f"unable to delete required property '{key}'"})
            entry.pop(key, None)
        errors = verify_rule(entry, place.cluster, place.local, place.env)
        if errors:
            raise _param_error(errors)
        entry.setdefault("enable", 1)  # a rule line without the `|` mark reads back enabled
        rules[pos] = as_read_back(entry)

    @route("DELETE", base + "/{pos}")
    async def delete_rule(call: Call) -> None:
        rules = load(call, True)[1]
        _check_digest(digest_of(rules), call.params.get("digest"))
        at(rules, call.params["pos"])
        del rules[call.params["pos"]]


def _group_rules(call: Call, place: Place) -> list[dict[str, Any]]:
    rules = place.cluster.groups.get(call.params["group"])
    if rules is None:
        raise _err(500, f"no such security group '{call.params['group']}'")
    return rules


_register_rules(f"{CLUSTER}/rules", _cluster_place, lambda call, place: place.conf.rules)
_register_rules(f"{CLUSTER}/groups/{{group}}", _group_place, _group_rules)


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
        _check_digest(digest_of([{k: v for k, v in e.items() if k != "digest"} for e in _group_list(fw)]),
                      p.get("digest"))
        if rename not in fw.groups:
            raise _param_error({"group": f"Security group '{rename}' does not exists"})  # PVE's wording
        if group != rename and group in fw.groups:
            raise _param_error({"group": f"Security group '{group}' does already exist"})
        fw.groups[group] = fw.groups.pop(rename)
        old = fw.group_comments.pop(rename, None)
        if comment is not None or old:
            fw.group_comments[group] = comment if comment is not None else str(old)
        return
    if group in fw.groups:
        raise _param_error({"group": f"Security group '{p['group']}' already exists"})
    fw.groups[group] = []
    if comment:
        fw.group_comments[group] = comment


@route("DELETE", f"{CLUSTER}/groups/{{group}}")
async def delete_group(call: Call) -> None:
    call.require("/", "Sys.Modify")
    fw, group = call.cluster.firewall, call.params["group"]
    rules = _group_rules(call, _group_place(call, True))
    if rules:
        raise _err(500, f"Security group '{group}' is not empty")
    guests = [g.firewall for g in call.cluster.guests.values()]
    if group_in_use(group, fw, guests):
        raise _err(500, f"Security group '{group}' is used by a rule and cannot be deleted")
    del fw.groups[group]
    fw.group_comments.pop(group, None)


# --- aliases ------------------------------------------------------------------------------------
def _alias_list(conf: FirewallConfig) -> list[dict[str, Any]]:
    return listed([conf.aliases[k] for k in sorted(conf.aliases)])


def _register_aliases(base: str, load: Loader) -> None:
    """Aliases (named addresses or networks) under `base`."""

    @route("GET", base + "/aliases")
    async def list_aliases(call: Call) -> list[dict[str, Any]]:
        place = load(call, False)
        return _alias_list(place.conf)

    @route("POST", base + "/aliases")
    async def create_alias(call: Call) -> None:
        place = load(call, True)
        p = call.params
        if place.conf.alias(p["name"]) is not None:
            raise _param_error({"name": f"alias '{p['name']}' already exists"})
        place.conf.add_alias(p["name"], p["cidr"], p.get("comment"))

    @route("GET", base + "/aliases/{name}")
    async def get_alias(call: Call) -> dict[str, Any]:
        place = load(call, False)
        entry = place.conf.alias(call.params["name"])
        if entry is None:
            raise _param_error({"name": "no such alias"})
        return {**entry, "digest": digest_of([place.conf.aliases[k] for k in sorted(place.conf.aliases)])}

    @route("PUT", base + "/aliases/{name}")
    async def update_alias(call: Call) -> None:
        place = load(call, True)
        conf, p = place.conf, call.params
        _check_digest(digest_of([conf.aliases[k] for k in sorted(conf.aliases)]), p.get("digest"))
        if conf.alias(p["name"]) is None:
            raise _param_error({"name": "no such alias"})
        rename = p.get("rename")
        if rename and rename.lower() != p["name"].lower() and conf.alias(rename) is not None:
            raise _param_error({"name": f"alias '{rename}' already exists"})
        del conf.aliases[p["name"].lower()]
        conf.add_alias(rename or p["name"], p["cidr"], p.get("comment"))

    @route("DELETE", base + "/aliases/{name}")
    async def delete_alias(call: Call) -> None:
        place = load(call, True)
        conf = place.conf
        _check_digest(digest_of([conf.aliases[k] for k in sorted(conf.aliases)]), call.params.get("digest"))
        conf.aliases.pop(call.params["name"].lower(), None)


# --- IP sets ------------------------------------------------------------------------------------
def _ipset_list(conf: FirewallConfig) -> list[dict[str, Any]]:
    entries = []
    for name in sorted(conf.ipsets):
        entry: dict[str, Any] = {"name": name}
        if conf.ipset_comments.get(name):
            entry["comment"] = conf.ipset_comments[name]
        entries.append(entry)
    return listed(entries)


def _members(place: Place, name: str) -> list[dict[str, Any]]:
    members = place.conf.ipsets.get(name)
    if members is None:
        raise _err(500, f"no such IPSet '{name}'")
    return members


def _member(members: list[dict[str, Any]], cidr: str) -> dict[str, Any]:
    wanted = clean_cidr(cidr) if ip_version(cidr) else cidr
    for entry in members:
        if entry["cidr"] == wanted:
            return entry
    raise _param_error({"cidr": "no such IP/Network"})


def _register_ipsets(base: str, load: Loader) -> None:
    """IP sets and their members under `base`."""

    @route("GET", base + "/ipset")
    async def list_ipsets(call: Call) -> list[dict[str, Any]]:
        place = load(call, False)
        return _ipset_list(place.conf)

    @route("POST", base + "/ipset")
    async def create_ipset(call: Call) -> None:
        place = load(call, True)
        conf, p = place.conf, call.params
        name, rename, comment = p["name"].lower(), p.get("rename"), p.get("comment")  # read back lowercased
        if rename:
            _check_digest(digest_of([{k: v for k, v in e.items() if k != "digest"} for e in _ipset_list(conf)]),
                          p.get("digest"))
            if rename not in conf.ipsets:
                raise _param_error({"name": f"IPSet '{rename}' does not exists"})  # PVE's wording
            if name != rename and name in conf.ipsets:
                raise _param_error({"name": f"IPSet '{name}' does already exist"})
            conf.ipsets[name] = conf.ipsets.pop(rename)
            old = conf.ipset_comments.pop(rename, None)
            if comment is not None or old:
                conf.ipset_comments[name] = comment if comment is not None else str(old)
            return
        if name in conf.ipsets:
            raise _param_error({"name": f"IPSet '{p['name']}' already exists"})
        conf.add_ipset(name, comment=comment)

    @route("DELETE", base + "/ipset/{name}")
    async def delete_ipset(call: Call) -> None:
        place = load(call, True)
        name = call.params["name"]
        members = _members(place, name)
        if members and not call.params.get("force"):
            raise _err(500, f"IPSet '{name}' is not empty")
        del place.conf.ipsets[name]
        place.conf.ipset_comments.pop(name, None)

    @route("GET", base + "/ipset/{name}")
    async def list_members(call: Call) -> list[dict[str, Any]]:
        place = load(call, False)
        return listed(_members(place, call.params["name"]))

    @route("POST", base + "/ipset/{name}")
    async def add_member(call: Call) -> None:
        place = load(call, True)
        p = call.params
        members = _members(place, p["name"])
        cidr = p["cidr"]
        match = ALIAS_REF_RE.match(cidr)
        if match and ip_version(cidr) is None:
            scope, alias = match.groups()
            confs = [c for c, s in ((place.cluster, "dc"), (place.local, "guest")) if c and scope in (None, s)]
            if not any(c.alias(alias) for c in confs):
                raise _err(500, f"no such alias '{alias}'")
        else:
            cidr = clean_cidr(cidr)
        if any(e["cidr"] == cidr for e in members):
            raise _param_error({"cidr": f"address '{cidr}' already exists"})
        if re.search(r"/0+$", cidr):
            raise _param_error({"cidr": "a zero prefix is not allowed in ipset entries"})
        entry: dict[str, Any] = {"cidr": cidr}
        if p.get("nomatch"):
            entry["nomatch"] = 1
        if p.get("comment"):
            entry["comment"] = p["comment"]
        members.append(entry)
        members.sort(key=lambda e: str(e["cidr"]))  # PVE writes an IP set's members sorted and reads them so

    @route("GET", base + "/ipset/{name}/{cidr}")
    async def get_member(call: Call) -> dict[str, Any]:
        place = load(call, False)
        members = _members(place, call.params["name"])
        return {**_member(members, call.params["cidr"]), "digest": digest_of(members)}

    @route("PUT", base + "/ipset/{name}/{cidr}")
    async def update_member(call: Call) -> None:
        place = load(call, True)
        p = call.params
        members = _members(place, p["name"])
        _check_digest(digest_of(members), p.get("digest"))
        entry = _member(members, p["cidr"])
        entry.pop("comment", None)
        entry.pop("nomatch", None)
        if p.get("comment"):
            entry["comment"] = p["comment"]
        if p.get("nomatch"):
            entry["nomatch"] = 1

    @route("DELETE", base + "/ipset/{name}/{cidr}")
    async def delete_member(call: Call) -> None:
        place = load(call, True)
        p = call.params
        members = _members(place, p["name"])
        _check_digest(digest_of(members), p.get("digest"))
        wanted = clean_cidr(p["cidr"]) if ip_version(p["cidr"]) else p["cidr"]
        members[:] = [e for e in members if e["cidr"] != wanted]

    @route("GET", base + "/refs")
    async def refs(call: Call) -> list[dict[str, Any]]:
        place = load(call, False)
        wanted = call.params.get("type")
        scopes = [(place.cluster, "dc")] + ([(place.local, "guest")] if place.local is not None else [])
        out: list[dict[str, Any]] = []
        for conf, scope in scopes:
            if wanted in (None, "ipset"):
                for name in sorted(conf.ipsets):
                    out.append(_ref("ipset", name, f"+{scope}/{name}", scope, conf.ipset_comments.get(name)))
            if wanted in (None, "alias"):
                for entry in (conf.aliases[k] for k in sorted(conf.aliases)):
                    out.append(_ref("alias", entry["name"], f"{scope}/{entry['name']}", scope, entry.get("comment")))
        return out


def _ref(kind: str, name: str, ref: str, scope: str, comment: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": kind, "name": name, "ref": ref, "scope": scope}
    if comment:
        entry["comment"] = comment
    return entry


_register_aliases(CLUSTER, _cluster_place)
_register_ipsets(CLUSTER, _cluster_place)


# --- cluster index, options, macros -------------------------------------------------------------
@route("GET", CLUSTER)
async def cluster_index(call: Call) -> list[dict[str, Any]]:
    return [{"name": n} for n in ("aliases", "rules", "options", "groups", "ipset", "macros", "refs")]


def _update_options(conf: FirewallConfig, params: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Remove the options named in `delete`, then set the given ones; `digest` is the whole file's."""
    _check_digest(conf.digest(), params.get("digest"))
    for key in (k for k in re.split(r"[,;\s]+", params.get("delete", "")) if k):
        if key not in keys:
            raise _param_error({"delete": f"no such option '{key}'"})
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
    load = _guest_loader(kind)

    def checked(call: Call, priv: str) -> FirewallConfig:
        call.require(f"/vms/{call.params['vmid']}", priv)
        return _guest_conf(call, kind)

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
    _register_aliases(base, load)
    _register_ipsets(base, load)


_register_guest("qemu")
_register_guest("lxc")
