"""PVE 9 high availability: HA resources (`proxmox_haresource`, id `vm:100`) and HA rules (`proxmox_harule`:
node-affinity and resource-affinity, which replace PVE 8's HA groups); the import ids are the sid and the rule id."""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.base import Body, ObjectType, Request, answer_list, flag, no_more, plain, read, trailing_vmid

_RESOURCES = read("/cluster/ha/resources")
_RULES = read("/cluster/ha/rules")
RESOURCE_ARGS = frozenset({"resource_id", "state", "comment", "max_restart", "max_relocate", "failback", "type"})
RULE_ARGS = frozenset({"rule", "type", "resources", "nodes", "strict", "affinity", "disable", "comment"})
_RESOURCE_DEFAULTS: Body = {"state": "started", "max_restart": 1, "max_relocate": 1, "failback": True}


def _resource(entry: dict[str, Any]) -> Body:
    body: Body = {"resource_id": str(entry["sid"]), **_RESOURCE_DEFAULTS}
    if entry.get("state"):
        body["state"] = str(entry["state"])
    for arg in ("max_restart", "max_relocate"):
        if entry.get(arg) is not None:
            body[arg] = int(entry[arg])
    if entry.get("failback") is not None:
        body["failback"] = flag(entry["failback"])
    if entry.get("comment"):
        body["comment"] = str(entry["comment"])
    return body


def _normalize_resource(body: Body) -> Body:
    out = {**_RESOURCE_DEFAULTS, **plain(body, RESOURCE_ARGS)}
    out.pop("type", None)  # deduced from the id
    if out.get("comment") == "":
        out.pop("comment")
    return out


def _resource_params(body: Body) -> dict[str, Any]:
    params: dict[str, Any] = {k: v for k, v in body.items() if k not in ("resource_id", "failback")}
    params["failback"] = 1 if body.get("failback", True) else 0
    return params


def _resource_impact(arg: str, _before: Any, after: Any) -> str:
    """Setting the state to stopped or disabled stops the guest."""
    return "disruptive" if arg == "state" and after in ("stopped", "disabled") else "in-place"


def _resource_update(key: str, before: Body, after: Body) -> list[Request]:
    params = {k: v for k, v in _resource_params(after).items() if _resource_params(before).get(k) != v}
    if "comment" in before and "comment" not in after:
        params["delete"] = "comment"
    return [Request("PUT", f"/cluster/ha/resources/{key}", params)] if params else []


def _nodes(text: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in str(text or "").split(","):
        name, _, prio = item.strip().partition(":")
        if name:
            out[name] = int(prio) if prio.strip().isdigit() else None
    return out


def _rule(entry: dict[str, Any]) -> Body:
    body: Body = {"rule": str(entry["rule"]), "type": str(entry.get("type", "")),
                  "resources": sorted(v.strip() for v in str(entry.get("resources") or "").split(",") if v.strip()),
                  "disable": flag(entry.get("disable", 0))}
    if body["type"] == "node-affinity":
        body["nodes"] = _nodes(entry.get("nodes"))
        body["strict"] = flag(entry.get("strict", 0))
    if entry.get("affinity"):
        body["affinity"] = str(entry["affinity"])
    if entry.get("comment"):
        body["comment"] = str(entry["comment"])
    return body


def _normalize_rule(body: Body) -> Body:
    out = plain(body, RULE_ARGS)
    out["disable"] = out.get("disable") is True
    if isinstance(out.get("resources"), list):
        out["resources"] = sorted(str(v) for v in out["resources"])
    if out.get("type") == "node-affinity":
        out["strict"] = out.get("strict") is True
        out["nodes"] = dict(out.get("nodes") or {})
    if out.get("comment") == "":
        out.pop("comment")
    return out


def _rule_params(body: Body) -> dict[str, Any]:
    params: dict[str, Any] = {"type": body.get("type"), "resources": ",".join(body.get("resources") or [])}
    if body.get("nodes"):
        params["nodes"] = ",".join(f"{n}:{p}" if p is not None else n for n, p in sorted(body["nodes"].items()))
    for arg in ("strict", "disable"):
        if arg in body:
            params[arg] = 1 if body[arg] else 0
    for arg in ("affinity", "comment"):
        if body.get(arg):
            params[arg] = body[arg]
    return params


def _rule_update(key: str, before: Body, after: Body) -> list[Request]:
    params = {k: v for k, v in _rule_params(after).items() if _rule_params(before).get(k) != v or k == "type"}
    gone = [k for k in ("comment", "affinity") if k in before and k not in after]
    if gone:
        params["delete"] = ",".join(gone)
    return [Request("PUT", f"/cluster/ha/rules/{key}", params)]


HA_RESOURCE = ObjectType(
    kind="ha_resource", noun="HA resource", resource_type="proxmox_haresource", file="ha.tf", rank=60,
    arguments=RESOURCE_ARGS, reads=lambda: [_RESOURCES], more_reads=no_more,
    actual=lambda answers: {str(e["sid"]): _resource(e) for e in answer_list(answers, _RESOURCES) if e.get("sid")},
    key=lambda body: str(body["resource_id"]) if isinstance(body.get("resource_id"), str) else None,
    normalize=_normalize_resource, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/cluster/ha/resources", {"sid": key, **_resource_params(body)})],
    update=_resource_update,
    delete=lambda key, _body: [Request("DELETE", f"/cluster/ha/resources/{key}")],
    impact=_resource_impact, guest_of=trailing_vmid,
)

HA_RULE = ObjectType(
    kind="ha_rule", noun="HA rule", resource_type="proxmox_harule", file="ha.tf", rank=70,
    arguments=RULE_ARGS, reads=lambda: [_RULES], more_reads=no_more,
    actual=lambda answers: {str(e["rule"]): _rule(e) for e in answer_list(answers, _RULES) if e.get("rule")},
    key=lambda body: str(body["rule"]) if isinstance(body.get("rule"), str) else None,
    normalize=_normalize_rule, import_id=lambda key, _body: key,
    create=lambda key, body: [Request("POST", "/cluster/ha/rules", {"rule": key, **_rule_params(body)})],
    update=_rule_update,
    delete=lambda key, _body: [Request("DELETE", f"/cluster/ha/rules/{key}")],
    impact=lambda arg, _b, _a: "in-place" if arg == "comment" else "disruptive",  # HA may move guests to obey
)
