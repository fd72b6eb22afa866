"""What the firewall kinds share: rules (PVE JSON ↔ the bpg `rule` block), option names, impacts, rule writes.

A rule list is rewritten whole when it differs: the new rules are inserted first (PVE puts a new rule at
position 0, so they are sent last to first), then the old ones are deleted below them — access that the
new rules allow is never cut in between.
"""

from __future__ import annotations

from typing import Any

from pmpc_tui.iac.objects.base import Body, Request, flag

RULE_FIELDS = ("macro", "source", "dest", "proto", "dport", "sport", "iface", "log", "comment")
CUTTING_POLICIES = ("DROP", "REJECT")


def rule_from_pve(entry: dict[str, Any]) -> Body:
    """One rule as the bpg `rule` block (a security group insertion has `security_group`)."""
    if entry.get("type") == "group":
        body: Body = {"security_group": str(entry.get("action", ""))}
        fields: tuple[str, ...] = ("iface", "comment")
    else:
        body = {"type": str(entry.get("type", "")), "action": str(entry.get("action", ""))}
        fields = RULE_FIELDS
    for name in fields:
        if entry.get(name) not in (None, ""):
            body[name] = str(entry[name])
    body["enabled"] = flag(entry.get("enable", 1))
    return body


def normalize_rule(block: Any) -> Body:
    body = {k: (str(v) if not isinstance(v, bool) else v) for k, v in dict(block).items() if v is not None}
    body["enabled"] = body.get("enabled", True) is not False
    return body


def normalize_rules(blocks: Any) -> list[Body]:
    return [normalize_rule(b) for b in blocks or [] if isinstance(b, dict)]


def rule_to_pve(body: Body) -> dict[str, Any]:
    params: dict[str, Any] = {"enable": 1 if body.get("enabled", True) else 0}
    if "security_group" in body:
        params.update(type="group", action=body["security_group"])
    else:
        params.update(type=body.get("type"), action=body.get("action"))
    params.update({k: v for k, v in body.items() if k in RULE_FIELDS})
    return params


def replace_rules(base: str, before: list[Body], after: list[Body]) -> list[Request]:
    """Insert the new rules on top (last to first), then delete the old ones beneath them."""
    if before == after:
        return []
    return ([Request("POST", base, rule_to_pve(r)) for r in reversed(after)]
            + [Request("DELETE", f"{base}/{len(after)}") for _ in before])


def policy_impact(arg: str, _before: Any, after: Any) -> str:
    """Turning a firewall on, or a policy to DROP/REJECT, could cut access: disruptive."""
    if arg == "enabled" and after is True:
        return "disruptive"
    if arg.endswith("_policy") and after in CUTTING_POLICIES:
        return "disruptive"
    return "in-place"


def options_update(path: str, before: dict[str, Any], after: dict[str, Any]) -> list[Request]:
    """PUT the options that changed, `delete` the ones the code no longer sets."""
    params: dict[str, Any] = {k: v for k, v in after.items() if before.get(k) != v}
    gone = sorted(k for k in before if k not in after)
    if gone:
        params["delete"] = ",".join(gone)
    return [Request("PUT", path, params)] if params else []
