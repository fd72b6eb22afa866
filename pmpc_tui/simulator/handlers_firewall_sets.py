"""Route handlers of firewall aliases, IP sets (with their members) and references, for the cluster and guests."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.firewall import FirewallConfig, listed
from pmpc_tui.simulator.firewall_checks import ALIAS_REF_RE, clean_cidr, digest_of, ip_version
from pmpc_tui.simulator.firewall_place import CLUSTER, Loader, Place, check_digest, cluster_place, param_error
from pmpc_tui.simulator.handlers import _err, route

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call


# --- aliases ------------------------------------------------------------------------------------
def _alias_list(conf: FirewallConfig) -> list[dict[str, Any]]:
    return listed([conf.aliases[k] for k in sorted(conf.aliases)])


def register_aliases(base: str, load: Loader) -> None:
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
            raise param_error({"name": f"alias '{p['name']}' already exists"})
        place.conf.add_alias(p["name"], p["cidr"], p.get("comment"))

    @route("GET", base + "/aliases/{name}")
    async def get_alias(call: Call) -> dict[str, Any]:
        place = load(call, False)
        entry = place.conf.alias(call.params["name"])
        if entry is None:
            raise param_error({"name": "no such alias"})
        return {**entry, "digest": digest_of([place.conf.aliases[k] for k in sorted(place.conf.aliases)])}

    @route("PUT", base + "/aliases/{name}")
    async def update_alias(call: Call) -> None:
        place = load(call, True)
        conf, p = place.conf, call.params
        check_digest(digest_of([conf.aliases[k] for k in sorted(conf.aliases)]), p.get("digest"))
        if conf.alias(p["name"]) is None:
            raise param_error({"name": "no such alias"})
        rename = p.get("rename")
        if rename and rename.lower() != p["name"].lower() and conf.alias(rename) is not None:
            raise param_error({"name": f"alias '{rename}' already exists"})
        del conf.aliases[p["name"].lower()]
        conf.add_alias(rename or p["name"], p["cidr"], p.get("comment"))

    @route("DELETE", base + "/aliases/{name}")
    async def delete_alias(call: Call) -> None:
        place = load(call, True)
        conf = place.conf
        check_digest(digest_of([conf.aliases[k] for k in sorted(conf.aliases)]), call.params.get("digest"))
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
    raise param_error({"cidr": "no such IP/Network"})


def register_ipsets(base: str, load: Loader) -> None:
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
            check_digest(digest_of([{k: v for k, v in e.items() if k != "digest"} for e in _ipset_list(conf)]),
                          p.get("digest"))
            if rename not in conf.ipsets:
                raise param_error({"name": f"IPSet '{rename}' does not exists"})  # PVE's wording
            if name != rename and name in conf.ipsets:
                raise param_error({"name": f"IPSet '{name}' does already exist"})
            conf.ipsets[name] = conf.ipsets.pop(rename)
            old = conf.ipset_comments.pop(rename, None)
            if comment is not None or old:
                conf.ipset_comments[name] = comment if comment is not None else str(old)
            return
        if name in conf.ipsets:
            raise param_error({"name": f"IPSet '{p['name']}' already exists"})
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
            raise param_error({"cidr": f"address '{cidr}' already exists"})
        if re.search(r"/0+$", cidr):
            raise param_error({"cidr": "a zero prefix is not allowed in ipset entries"})
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
        check_digest(digest_of(members), p.get("digest"))
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
        check_digest(digest_of(members), p.get("digest"))
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


register_aliases(CLUSTER, cluster_place)
register_ipsets(CLUSTER, cluster_place)
