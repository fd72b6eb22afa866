"""The cluster firewall: its options (`proxmox_virtual_environment_cluster_firewall`, one per cluster), aliases
(`…_firewall_alias`; the provider cannot import them), IP sets (`…_firewall_ipset`, import id `cluster/<name>`)
and security groups (`…_cluster_firewall_security_group`, import id the group's name)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pmpc_tui.iac.objects.base import (
    Answers,
    Body,
    ObjectType,
    Read,
    Request,
    answer_list,
    flag,
    no_more,
    plain,
    read,
)
from pmpc_tui.iac.objects.firewall_common import (
    normalize_rules,
    options_update,
    policy_impact,
    replace_rules,
    rule_from_pve,
    rule_to_pve,
)
from pmpc_tui.iac.pveconf import parse_props

FW = "/cluster/firewall"
_OPTIONS, _ALIASES, _IPSETS, _GROUPS = read(f"{FW}/options"), read(f"{FW}/aliases"), read(f"{FW}/ipset"), \
    read(f"{FW}/groups")

# --- options ---------------------------------------------------------------------------------------
OPTION_ARGS = frozenset({"enabled", "ebtables", "input_policy", "output_policy", "forward_policy", "log_ratelimit"})
_PVE_OPTION = {"enabled": "enable", "ebtables": "ebtables", "input_policy": "policy_in",
               "output_policy": "policy_out", "forward_policy": "policy_forward", "log_ratelimit": "log_ratelimit"}


def _options(answers: Answers) -> dict[str, Body]:
    found = answers.get(_OPTIONS)
    if not isinstance(found, dict):
        return {}
    body: Body = {}
    for arg, key in _PVE_OPTION.items():
        value = found.get(key)
        if value in (None, ""):
            continue
        if arg in ("enabled", "ebtables"):
            body[arg] = flag(value)
        elif arg == "log_ratelimit":
            props = parse_props(str(value), "enable")
            limit: Body = {"enabled": flag(props.get("enable", 1))}
            limit.update({k: (int(v) if k == "burst" and v.isdigit() else v) for k, v in props.items()
                          if k in ("burst", "rate")})
            body[arg] = [limit]
        else:
            body[arg] = str(value)
    return {"cluster": body} if body else {}


def _options_pve(body: Body) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for arg, value in body.items():
        if isinstance(value, bool):
            out[_PVE_OPTION[arg]] = 1 if value else 0
        elif arg == "log_ratelimit" and isinstance(value, list) and value:
            limit = value[0]
            parts = [f"enable={1 if limit.get('enabled', True) else 0}"]
            parts += [f"{k}={limit[k]}" for k in ("burst", "rate") if k in limit]
            out["log_ratelimit"] = ",".join(parts)
        else:
            out[_PVE_OPTION[arg]] = value
    return out


def _normalize_options(body: Body) -> Body:
    out = plain(body, OPTION_ARGS)
    if isinstance(out.get("log_ratelimit"), list) and out["log_ratelimit"]:
        limit = dict(out["log_ratelimit"][0])
        limit["enabled"] = limit.get("enabled", True) is not False
        out["log_ratelimit"] = [limit]
    return out


FIREWALL_CLUSTER = ObjectType(
    kind="firewall_cluster", noun="cluster firewall options", file="firewall.tf", rank=45,
    resource_type="proxmox_virtual_environment_cluster_firewall", arguments=OPTION_ARGS,
    reads=lambda: [_OPTIONS], more_reads=no_more, actual=_options, key=lambda _body: "cluster",
    normalize=_normalize_options, import_id=lambda key, _body: key,
    create=lambda _key, body: options_update(f"{FW}/options", {}, _options_pve(body)),
    update=lambda _key, before, after: options_update(f"{FW}/options", _options_pve(before), _options_pve(after)),
    delete=lambda _key, before: options_update(f"{FW}/options", _options_pve(before), {}),  # back to PVE's defaults
    impact=policy_impact, delete_impact="disruptive",
)

# --- aliases ---------------------------------------------------------------------------------------
ALIAS_ARGS = frozenset({"name", "cidr", "comment"})


def _aliases(answers: Answers) -> dict[str, Body]:
    return {str(a["name"]): {"name": str(a["name"]), "cidr": str(a.get("cidr", "")),
                             **({"comment": str(a["comment"])} if a.get("comment") else {})}
            for a in answer_list(answers, _ALIASES) if a.get("name")}


def _alias_params(body: Body) -> dict[str, Any]:
    return {"cidr": body.get("cidr"), "comment": body.get("comment", "")}


FIREWALL_ALIAS = ObjectType(
    kind="firewall_alias", noun="firewall alias", file="firewall.tf", rank=30,
    resource_type="proxmox_virtual_environment_firewall_alias", arguments=ALIAS_ARGS,
    reads=lambda: [_ALIASES], more_reads=no_more, actual=_aliases,
    key=lambda body: str(body["name"]) if isinstance(body.get("name"), str) and not body.get("vm_id")
    and not body.get("container_id") else None,
    normalize=lambda body: {k: v for k, v in plain(body, ALIAS_ARGS).items() if v != "" or k != "comment"},
    import_id=lambda _key, _body: None,
    create=lambda key, body: [Request("POST", f"{FW}/aliases", {"name": key, **_alias_params(body)})],
    update=lambda key, _before, after: [Request("PUT", f"{FW}/aliases/{key}", _alias_params(after))],
    delete=lambda key, _body: [Request("DELETE", f"{FW}/aliases/{key}")],
    impact=lambda arg, _b, _a: "disruptive" if arg == "cidr" else "in-place",
)

# --- IP sets ---------------------------------------------------------------------------------------
IPSET_ARGS = frozenset({"name", "comment", "cidr"})


def _ipset_reads(answers: Answers) -> list[Read]:
    return [read(f"{FW}/ipset/{s['name']}") for s in answer_list(answers, _IPSETS) if s.get("name")]


def _member(entry: dict[str, Any]) -> Body:
    body: Body = {"name": str(entry.get("cidr", ""))}
    if entry.get("comment"):
        body["comment"] = str(entry["comment"])
    if flag(entry.get("nomatch", 0)):
        body["nomatch"] = True
    return body


def _ipsets(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    for s in answer_list(answers, _IPSETS):
        if not s.get("name"):
            continue
        name = str(s["name"])
        members = sorted((_member(m) for m in answer_list(answers, read(f"{FW}/ipset/{name}"))),
                         key=lambda m: str(m["name"]))
        body: Body = {"name": name, **({"comment": str(s["comment"])} if s.get("comment") else {})}
        if members:
            body["cidr"] = members
        out[name] = body
    return out


def _normalize_ipset(body: Body) -> Body:
    out = plain(body, IPSET_ARGS)
    members = []
    for m in out.get("cidr") or []:
        if isinstance(m, dict):
            member = {k: v for k, v in m.items() if v is not None and v != ""}
            if member.get("nomatch") is False:
                member.pop("nomatch")
            members.append(member)
    out.pop("cidr", None)
    if members:
        out["cidr"] = sorted(members, key=lambda m: str(m.get("name")))
    return out


def _cidr_path(name: str, cidr: str) -> str:
    return f"{FW}/ipset/{name}/{quote(cidr, safe='')}"


def _member_params(m: Body) -> dict[str, Any]:
    return {"comment": m.get("comment", ""), "nomatch": 1 if m.get("nomatch") else 0}


def _ipset_update(key: str, before: Body, after: Body) -> list[Request]:
    requests: list[Request] = []
    if before.get("comment", "") != after.get("comment", ""):
        requests.append(Request("POST", f"{FW}/ipset", {"name": key, "rename": key,
                                                         "comment": after.get("comment", "")}))
    old = {m["name"]: m for m in before.get("cidr") or []}
    new = {m["name"]: m for m in after.get("cidr") or []}
    requests += [Request("POST", f"{FW}/ipset/{key}", {"cidr": c, **_member_params(m)})
                 for c, m in new.items() if c not in old]  # additions first: nothing allowed is cut in between
    requests += [Request("PUT", _cidr_path(key, c), _member_params(m))
                 for c, m in new.items() if c in old and old[c] != m]
    requests += [Request("DELETE", _cidr_path(key, c)) for c in old if c not in new]
    return requests


FIREWALL_IPSET = ObjectType(
    kind="firewall_ipset", noun="IP set", file="firewall.tf", rank=31,
    resource_type="proxmox_virtual_environment_firewall_ipset", arguments=IPSET_ARGS,
    reads=lambda: [_IPSETS], more_reads=_ipset_reads, actual=_ipsets,
    key=lambda body: str(body["name"]) if isinstance(body.get("name"), str) and not body.get("vm_id")
    and not body.get("container_id") else None,
    normalize=_normalize_ipset, import_id=lambda key, _body: f"cluster/{key}",
    create=lambda key, body: [Request("POST", f"{FW}/ipset", {"name": key, "comment": body.get("comment", "")}),
                              *_ipset_update(key, {"comment": body.get("comment", "")}, body)],
    update=_ipset_update,
    delete=lambda key, before: [*_ipset_update(key, before, {"comment": before.get("comment", "")}),
                                Request("DELETE", f"{FW}/ipset/{key}")],
    impact=lambda arg, _b, _a: "disruptive" if arg == "cidr" else "in-place",
)

# --- security groups -------------------------------------------------------------------------------
GROUP_ARGS = frozenset({"name", "comment", "rule"})


def _group_reads(answers: Answers) -> list[Read]:
    return [read(f"{FW}/groups/{g['group']}") for g in answer_list(answers, _GROUPS) if g.get("group")]


def _groups(answers: Answers) -> dict[str, Body]:
    out: dict[str, Body] = {}
    for g in answer_list(answers, _GROUPS):
        if not g.get("group"):
            continue
        name = str(g["group"])
        rules = sorted(answer_list(answers, read(f"{FW}/groups/{name}")), key=lambda r: int(r.get("pos", 0)))
        body: Body = {"name": name, **({"comment": str(g["comment"])} if g.get("comment") else {})}
        if rules:
            body["rule"] = [rule_from_pve(r) for r in rules]
        out[name] = body
    return out


def _normalize_group(body: Body) -> Body:
    out = plain(body, GROUP_ARGS)
    rules = normalize_rules(out.pop("rule", None))
    if rules:
        out["rule"] = rules
    if out.get("comment") == "":
        out.pop("comment")
    return out


def _group_update(key: str, before: Body, after: Body) -> list[Request]:
    requests: list[Request] = []
    if before.get("comment", "") != after.get("comment", ""):
        requests.append(Request("POST", f"{FW}/groups", {"group": key, "rename": key,
                                                          "comment": after.get("comment", "")}))
    return requests + replace_rules(f"{FW}/groups/{key}", before.get("rule") or [], after.get("rule") or [])


FIREWALL_GROUP = ObjectType(
    kind="firewall_group", noun="security group", file="firewall.tf", rank=32,
    resource_type="proxmox_virtual_environment_cluster_firewall_security_group", arguments=GROUP_ARGS,
    reads=lambda: [_GROUPS], more_reads=_group_reads, actual=_groups,
    key=lambda body: str(body["name"]) if isinstance(body.get("name"), str) else None,
    normalize=_normalize_group, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", f"{FW}/groups", {"group": key,
                                                               **({"comment": body["comment"]}
                                                                  if body.get("comment") else {})}),
                              *replace_rules(f"{FW}/groups/{key}", [], body.get("rule") or [])],
    update=_group_update,
    delete=lambda key, before: [*replace_rules(f"{FW}/groups/{key}", before.get("rule") or [], []),
                                Request("DELETE", f"{FW}/groups/{key}")],
    impact=lambda arg, _b, _a: "disruptive" if arg == "rule" else "in-place",
)

__all__ = ["FIREWALL_ALIAS", "FIREWALL_CLUSTER", "FIREWALL_GROUP", "FIREWALL_IPSET", "rule_to_pve"]
