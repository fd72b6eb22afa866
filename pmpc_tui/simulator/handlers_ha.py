"""Route handlers for High Availability as PVE 9 has it: resources, rules, the migrated-away groups, status.

Resources (`vm:101`, `ct:200`; a bare VMID is resolved) carry a requested state, which the simulated HA
stack carries out at once with a start or shutdown task. Rules replace PVE 8's groups: `node-affinity`
(`nodes` with priorities, `strict`) and `resource-affinity` (`positive`/`negative`); every change is checked
for feasibility as PVE does. The group routes answer as on a cluster whose groups were migrated to rules.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator import harules
from pmpc_tui.simulator.handlers import _err, _power_on, route
from pmpc_tui.simulator.harules import request_state

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call
    from pmpc_tui.simulator.model import Cluster

KINDS = {"vm": "qemu", "ct": "lxc"}
RESOURCE_OPTIONS = ("comment", "failback", "group", "max_relocate", "max_restart", "state")
RULE_OPTIONS = {"node-affinity": ("resources", "nodes", "strict", "disable", "comment"),
                "resource-affinity": ("resources", "affinity", "disable", "comment")}
REQUIRED = {"node-affinity": ("resources", "nodes"), "resource-affinity": ("resources", "affinity")}
MIGRATED = "ha groups have been migrated to rules"


def _digest(sections: dict[str, dict[str, Any]]) -> str:
    text = "".join(f"{s}\n" + "".join(f"\t{k} {v}\n" for k, v in sorted(o.items()))
                   for s, o in sorted(sections.items()))
    return hashlib.sha1(text.encode()).hexdigest()


def parse_sid(call: Call, raw: str) -> tuple[str, str, str]:
    """`vm:101` as (sid, type, name); a bare VMID takes the guest's type, as PVE's parse_sid does."""
    if raw.isdigit():
        g = call.cluster.guests.get(int(raw))
        if g is None:
            raise _err(500, f"unable to detect SID from VMID - VM/CT {raw} does not exist")
        kind = "vm" if g.kind == "qemu" else "ct"
        return f"{kind}:{raw}", kind, raw
    kind, _, name = raw.partition(":")
    return raw, kind, name


# --- resources -------------------------------------------------------------------------------------
def resources_digest(c: Cluster) -> str:
    return _digest({f"{o['type']}: {sid.partition(':')[2]}": {k: v for k, v in o.items() if k != "type" and v != ""}
                    for sid, o in c.ha_resources.items()})


def _resource_entry(call: Call, sid: str) -> dict[str, Any]:
    options = call.cluster.ha_resources.get(sid)
    if options is None:
        raise _err(500, f"no such resource '{sid}'")
    entry = {k: v for k, v in options.items() if k != "group" and v != ""}  # groups were migrated away
    return {**entry, "sid": sid, "digest": resources_digest(call.cluster)}


@route("GET", "/cluster/ha/resources")
async def list_resources(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    kind = call.params.get("type")
    return [_resource_entry(call, sid) for sid, o in sorted(call.cluster.ha_resources.items())
            if kind is None or o["type"] == kind]


@route("GET", "/cluster/ha/resources/{sid}")
async def get_resource(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    sid, _, _ = parse_sid(call, call.params["sid"])
    return _resource_entry(call, sid)


def _guest_of(call: Call, kind: str, name: str, sid: str) -> None:
    """PVE's resource plugin checks: the type exists, the name is a VMID of a guest of that kind."""
    if kind not in KINDS:
        raise _err(500, f"unknown section type '{kind}'")
    if not (name.isdigit() and len(name) >= 2 and not name.startswith("0")):
        raise _err(500, "invalid VMID")
    g = call.cluster.guests.get(int(name))
    if g is None:
        raise _err(500, f"resource '{sid}' does not exist in cluster")
    if g.kind != KINDS[kind]:
        raise _err(500, f"resource '{sid}' - guest with ID {name} is not a {'VM' if kind == 'vm' else 'container'}")


@route("POST", "/cluster/ha/resources")
async def create_resource(call: Call) -> None:
    call.require("/", "Sys.Console")
    p = call.params
    sid, kind, name = parse_sid(call, p["sid"])
    if p.get("type") is not None and p["type"] != kind:
        raise _err(500, "types does not match")
    if p.get("group") is not None:
        raise _err(500, f"invalid parameter 'group': {MIGRATED}")
    _guest_of(call, kind, name, sid)
    if sid in call.cluster.ha_resources:
        raise _err(500, f"create resource failed: resource ID '{sid}' already defined")
    call.cluster.ha_resources[sid] = {"type": kind, **{k: p[k] for k in RESOURCE_OPTIONS if k in p}}
    _carry_out(call, sid)


@route("PUT", "/cluster/ha/resources/{sid}")
async def update_resource(call: Call) -> None:
    call.require("/", "Sys.Console")
    p = call.params
    sid, _, _ = parse_sid(call, p["sid"])
    if p.get("group"):
        raise _err(500, f"invalid parameter 'group': {MIGRATED}")
    failed = "update resources config failed: "
    digest = p.get("digest")
    c = call.cluster
    if digest and digest != resources_digest(c):
        raise _err(500, failed + "detected modified configuration - file changed by other user? Try again.")
    options = c.ha_resources.get(sid)
    if options is None:
        raise _err(500, f"{failed}no such resource '{sid}'")
    changed = dict(options)
    changed.update({k: p[k] for k in RESOURCE_OPTIONS if k in p})
    for key in harules.split(p.get("delete", "")):
        if key not in RESOURCE_OPTIONS:
            raise _err(500, f"{failed}no such option '{key}'")
        changed.pop(key, None)
    c.ha_resources[sid] = changed
    _carry_out(call, sid)


@route("DELETE", "/cluster/ha/resources/{sid}")
async def delete_resource(call: Call) -> None:
    call.require("/", "Sys.Console")
    sid, _, _ = parse_sid(call, call.params["sid"])
    c = call.cluster
    if sid not in c.ha_resources:
        raise _err(500, f"cannot delete service '{sid}', not HA managed!")
    del c.ha_resources[sid]
    if call.params.get("purge", 1):  # the resource leaves every rule; a rule left empty goes too
        for ruleid, rule in list(c.ha_rules.items()):
            rule["resources"] = [r for r in rule["resources"] if r != sid]
            if not rule["resources"]:
                del c.ha_rules[ruleid]


def _carry_out(call: Call, sid: str) -> None:
    """The CRM and LRM act on the requested state: a start or a shutdown task on the guest's node."""
    name = sid.partition(":")[2]
    g = call.cluster.guests.get(int(name)) if name.isdigit() else None
    if g is None:
        return
    want = request_state(call.cluster.ha_resources[sid])
    prefix = "qm" if g.kind == "qemu" else "vz"
    if want == "started" and g.status == "stopped" and not g.is_template:
        async def start(task: Any) -> None:
            await call.sim.tasks.sleep(task)
            if g.status == "stopped":
                _power_on(call, g, task)
        call.sim.tasks.start(g.node, f"{prefix}start", name, "root@pam", start)
    elif want in ("stopped", "disabled") and g.status != "stopped":
        async def stop(task: Any) -> None:
            await call.sim.tasks.sleep(task)
            g.status, g.started_at = "stopped", 0.0
        call.sim.tasks.start(g.node, f"{prefix}shutdown", name, "root@pam", stop)


# --- rules -------------------------------------------------------------------------------------------
def rules_digest(c: Cluster) -> str:
    return _digest({f"{r['type']}: {rid}": {k: _encoded(k, v) for k, v in r.items() if k not in ("type", "order")}
                    for rid, r in c.ha_rules.items()})


def _encoded(key: str, value: Any) -> Any:
    if key == "resources":
        return ",".join(sorted(value))
    if key == "nodes":
        return harules.encode_nodes(value)
    return value


def _errors(c: Cluster) -> harules.Errors:
    return harules.feasibility(c.ha_rules, sorted(c.nodes))


def _rule_entry(c: Cluster, ruleid: str, errors: harules.Errors) -> dict[str, Any]:
    rule = c.ha_rules.get(ruleid)
    if rule is None:
        raise _err(500, f"no such ha rule '{ruleid}'")
    entry = {k: _encoded(k, v) for k, v in rule.items()}
    entry.update({"rule": ruleid, "digest": rules_digest(c)})
    if ruleid in errors:
        entry["errors"] = {opt: ", ".join(msgs) for opt, msgs in errors[ruleid].items()}
    return entry


def _ordered(c: Cluster) -> list[str]:
    return [rid for _, _, rid in sorted((r["order"], i, rid) for i, (rid, r) in enumerate(c.ha_rules.items()))]


@route("GET", "/cluster/ha/rules")
async def list_rules(call: Call) -> list[dict[str, Any]]:
    call.require("/", "Sys.Audit")
    c = call.cluster
    errors = _errors(c)
    kind, sid = call.params.get("type"), call.params.get("resource")
    return [_rule_entry(c, rid, errors) for rid in _ordered(c)
            if (kind is None or c.ha_rules[rid]["type"] == kind)
            and (sid is None or sid in c.ha_rules[rid]["resources"])]


@route("GET", "/cluster/ha/rules/{rule}")
async def get_rule(call: Call) -> dict[str, Any]:
    call.require("/", "Sys.Audit")
    return _rule_entry(call.cluster, call.params["rule"], _errors(call.cluster))


def _rule_options(call: Call, kind: str, create: bool, failed: str = "") -> dict[str, Any]:
    """The given options checked against the rule type (PVE's check_config), decoded."""
    p = call.params
    options: dict[str, Any] = {}
    for key in ("resources", "nodes", "strict", "disable", "comment", "affinity"):
        if key not in p:
            continue
        if key not in RULE_OPTIONS[kind]:
            raise _err(500, f"{failed}unexpected property '{key}'")
        options[key] = p[key]
    if not options.get("disable"):
        options.pop("disable", None)  # a rule is enabled unless `disable` is set
    if "resources" in options:
        options["resources"] = sorted(set(harules.split(options["resources"])))
    if "nodes" in options:
        options["nodes"] = harules.parse_nodes(options["nodes"])
    if create:
        for key in REQUIRED[kind]:
            if key not in options:
                raise _err(500, f"missing value for required option '{key}'")
    return options


def _check_references(c: Cluster, options: dict[str, Any], failed: str) -> None:
    if "resources" in options:
        if not options["resources"]:
            raise _err(500, f"{failed}no resources were specified")
        unmanaged = [sid for sid in options["resources"] if sid not in c.ha_resources]
        if unmanaged:
            raise _err(500, f"{failed}cannot use unmanaged resource(s) {', '.join(unmanaged)}.")
    if "nodes" in options:
        if not options["nodes"]:
            raise _err(500, f"{failed}no nodes were specified")
        missing = sorted(n for n in options["nodes"] if n not in c.nodes)
        if missing:
            raise _err(500, f"{failed}cannot use non-existent node(s) {', '.join(missing)}.")


def _assert_feasible(c: Cluster, ruleid: str, failed: str) -> None:
    problems = _errors(c).get(ruleid)
    if problems:
        lines = "".join(f"{opt}: {', '.join(msgs)}\n" for opt, msgs in problems.items())
        raise _err(500, f"{failed}400 Rule '{ruleid}' is invalid.\n{lines}")


@route("POST", "/cluster/ha/rules")
async def create_rule(call: Call) -> None:
    call.require("/", "Sys.Console")
    c = call.cluster
    ruleid, kind = call.params["rule"], call.params["type"]
    options = _rule_options(call, kind, create=True)
    failed = "create ha rule failed: "
    if ruleid in c.ha_rules:
        raise _err(500, f"{failed}HA rule '{ruleid}' already defined")
    _check_references(c, options, failed)
    order = min((r["order"] for r in c.ha_rules.values()), default=0) + 1  # PVE's get_next_ordinal
    c.ha_rules[ruleid] = {"type": kind, **options, "order": order}
    try:
        _assert_feasible(c, ruleid, failed)
    except Exception:
        del c.ha_rules[ruleid]
        raise


@route("PUT", "/cluster/ha/rules/{rule}")
async def update_rule(call: Call) -> None:
    call.require("/", "Sys.Console")
    c = call.cluster
    p = call.params
    ruleid = p["rule"]
    failed = "update HA rules failed: "
    if p.get("digest") and p["digest"] != rules_digest(c):
        raise _err(500, failed + "detected modified configuration - file changed by other user? Try again.")
    rule = c.ha_rules.get(ruleid)
    if rule is None:
        raise _err(500, f"{failed}HA rule '{ruleid}' does not exist")
    if p["type"] != rule["type"]:  # check_config takes `type` only when it names the rule's own type
        raise _err(500, f"{failed}unexpected property 'type'")
    options = _rule_options(call, rule["type"], create=False, failed=failed)
    _check_references(c, options, failed)
    updated = dict(rule)
    for key in harules.split(p.get("delete", "")):
        if key not in RULE_OPTIONS[rule["type"]]:
            raise _err(500, f"{failed}no such option '{key}'")
        if key in REQUIRED[rule["type"]]:
            raise _err(500, f"{failed}unable to delete required option '{key}'")
        if key in options:
            raise _err(500, f"{failed}cannot set and delete property '{key}' at the same time!")
        updated.pop(key, None)
    updated.update(options)
    c.ha_rules[ruleid] = updated
    try:
        _assert_feasible(c, ruleid, failed)
    except Exception:
        c.ha_rules[ruleid] = rule
        raise


@route("DELETE", "/cluster/ha/rules/{rule}")
async def delete_rule(call: Call) -> None:
    call.require("/", "Sys.Console")
    ruleid = call.params["rule"]
    if call.cluster.ha_rules.pop(ruleid, None) is None:
        raise _err(500, f"delete ha rule failed: HA rule '{ruleid}' does not exist")


# --- groups: migrated to rules in PVE 9 -----------------------------------------------------------------
@route("GET", "/cluster/ha/groups")
async def list_groups(call: Call) -> None:
    call.require("/", "Sys.Audit")
    raise _err(500, f"cannot index groups: {MIGRATED}")


@route("GET", "/cluster/ha/groups/{group}")
async def get_group(call: Call) -> None:
    call.require("/", "Sys.Audit")
    raise _err(500, f"cannot read group: {MIGRATED}")


@route("POST", "/cluster/ha/groups")
async def create_group(call: Call) -> None:
    call.require("/", "Sys.Console")
    raise _err(500, f"cannot create group: {MIGRATED}")


@route("PUT", "/cluster/ha/groups/{group}")
async def update_group(call: Call) -> None:
    call.require("/", "Sys.Console")
    raise _err(500, f"cannot update group: {MIGRATED}")


@route("DELETE", "/cluster/ha/groups/{group}")
async def delete_group(call: Call) -> None:
    call.require("/", "Sys.Console")
    raise _err(500, f"cannot delete group: {MIGRATED}")
