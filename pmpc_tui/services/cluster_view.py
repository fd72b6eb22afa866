"""The console's Cluster view: pools, HA, backup jobs, firewall, SDN and storage as rows, each marked against the code.

One read of the cluster (a batch through `get_many` plus the cluster objects' own reader) and one read of
the workspace's Terraform, off the event loop; each row says whether the code manages it, whether the
cluster differs from the code (the plan's own comparison), where its code is (file and line), or how to
import it.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.iac.objects import BY_KIND, OBJECT_TYPES, Read
from pmpc_tui.iac.objects.base import Answers, read
from pmpc_tui.iac.terraform import DesiredState
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import cluster_objects
from pmpc_tui.services import cluster_view_sdn_storage as sdn_storage
from pmpc_tui.services.cluster_view_access import ACCESS_LISTS, access_rows, image_rows

SECTIONS = ("pools", "ha", "backup", "firewall", "sdn", "storage", "access", "images")
# each row's relation to the code (what the Code column shows)
SAME, DIFFERS, NO_CODE, GONE, REMOVED, UNKNOWN = "same", "differs", "no-code", "gone", "removed", "unknown"
MARKS = {SAME: "✓ code", DIFFERS: "~ drift", NO_CODE: "– none", GONE: "? gone", REMOVED: "- removed", UNKNOWN: ""}
MARK_MEANING = {SAME: "the cluster matches the code", DIFFERS: "the cluster differs from the code",
                NO_CODE: "not in the code", GONE: "in the code, gone from the cluster",
                REMOVED: "removed from the code: apply deletes it", UNKNOWN: ""}
_WORSE = (SAME, NO_CODE, DIFFERS, REMOVED, GONE)

_HA_STATUS = "/cluster/ha/status/current"
_BACKUP = "/cluster/backup"
_FIREWALL = {"options": "/cluster/firewall/options", "group": "/cluster/firewall/groups",
             "alias": "/cluster/firewall/aliases", "ipset": "/cluster/firewall/ipset",
             "rule": "/cluster/firewall/rules"}
_LISTS = {"ha": ["/cluster/ha/resources", "/cluster/ha/rules"], "backup": [_BACKUP], "pools": ["/pools"],
          "firewall": list(_FIREWALL.values()), "sdn": sdn_storage.SDN_LISTS,
          "storage": sdn_storage.STORAGE_LISTS, "access": ACCESS_LISTS}  # a section that cannot read these says why
# guests' own firewall rules and options are two reads per guest: read only on a small cluster
GUEST_LEVEL = ("firewall_options", "firewall_rules")
GUEST_FIREWALL_LIMIT = 50  # guests; above it the view shows the cluster's firewall only
_RESOURCES = "/cluster/resources"

@dataclass(frozen=True)
class CodeSpot:
    """Where an object's resource block starts: the file and its 1-based line."""

    path: Path
    line: int
    shown: str  # `terraform/pools.tf:3`


@dataclass
class ObjectRow:
    """One row of a Cluster view table: its cells, how it stands against the code, and where its code is."""

    key: str  # unique in its table
    cells: list[str]
    status: str = UNKNOWN
    spot: CodeSpot | None = None
    detail: str = ""  # the line under the table for the highlighted row

    @property
    def mark(self) -> str:
        return MARKS[self.status]


@dataclass
class ClusterObjectsView:
    """Everything the Cluster view shows: rows per table, the firewall's options, what could not be read."""

    tables: dict[str, list[ObjectRow]] = field(default_factory=dict)  # pools, ha-resources, ha-rules, backup, firewall
    errors: dict[str, str] = field(default_factory=dict)  # section → why it could not be read
    code_note: str = ""  # no workspace, or its code does not parse
    guest_firewall: bool = True  # the guests' own firewall was read (a small cluster)

    def rows(self, table: str) -> list[ObjectRow]:
        return self.tables.get(table, [])


# the last code read per terraform/ folder, with its signature: a refresh re-reads only when a file changed
_PARSED: dict[Path, tuple[tuple[tuple[str, int, int], ...], DesiredState]] = {}
_MANAGED: dict[Path, tuple[Any, dict[tuple[str, str], str]]] = {}


@dataclass
class _Code:
    """The workspace's side: each object's status and code spot, keyed by (kind, id)."""

    status: dict[tuple[str, str], str] = field(default_factory=dict)
    spots: dict[tuple[str, str], CodeSpot] = field(default_factory=dict)
    changes: dict[tuple[str, str], str] = field(default_factory=dict)  # what differs, in words
    desired: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # in code only
    note: str = ""
    known: bool = False  # a workspace was read


async def load_cluster_objects(client: PVEClient, workspace_root: Path | None) -> ClusterObjectsView:
    """Read the cluster's pools, HA, backup jobs and firewall and compare them with the workspace's code."""
    first = list(dict.fromkeys([*(r for t in OBJECT_TYPES for r in t.reads()), read(_HA_STATUS)]))
    answers: Answers = await _fetch(client, first)
    resources = answers.get(read(_RESOURCES))
    guests = sum(1 for r in resources if isinstance(r, dict) and r.get("type") in ("qemu", "lxc")) \
        if isinstance(resources, list) else 0
    small = guests <= GUEST_FIREWALL_LIMIT
    second = list(dict.fromkeys(r for t in OBJECT_TYPES if small or t.kind not in GUEST_LEVEL
                                for r in t.more_reads(answers) if r not in answers))
    answers.update(await _fetch(client, second))
    actual = {t.kind: t.actual(answers) for t in OBJECT_TYPES}
    if not small:
        for kind in GUEST_LEVEL:
            actual[kind] = {k: v for k, v in actual.get(kind, {}).items() if k == "cluster"}
    code = await asyncio.to_thread(_read_code, workspace_root, actual)
    view = ClusterObjectsView(code_note=code.note, guest_firewall=small)
    for section, paths in _LISTS.items():
        failed = [answer for (path, _query), answer in answers.items()
                  if path in paths and isinstance(answer, PVEError)]
        if failed:
            view.errors[section] = _why(failed[0])
    view.tables["pools"] = _pool_rows(actual, code)
    view.tables["ha-resources"] = _ha_resource_rows(actual, code, answers.get(read(_HA_STATUS)))
    view.tables["ha-rules"] = _ha_rule_rows(actual, code)
    view.tables["backup"] = _backup_rows(actual, code, answers.get(read(_BACKUP)))
    view.tables["access"] = access_rows(actual, code, _row, _gone)
    view.tables["images"] = image_rows(actual, code, _row, _gone)
    view.tables["firewall"] = _firewall_rows({p: answers.get(read(p)) for p in _FIREWALL.values()}, actual, code,
                                             small)
    view.tables["sdn"] = sdn_storage.sdn_rows(actual, code)
    view.tables["storage"] = sdn_storage.storage_rows(actual, code)
    return view


async def _fetch(client: PVEClient, reads: list[Read]) -> Answers:
    """Each read's answer, or the PVEError it failed with: plain paths in one batch, queried ones each."""
    plain = [r for r in reads if not r[1]]
    found: Answers = dict(zip(plain, await client.get_many([p for p, _ in plain]), strict=True)) if plain else {}

    async def one(r: Read) -> Any:
        try:
            return await client.get(r[0], **dict(r[1]))
        except PVEError as exc:
            return exc

    queried = [r for r in reads if r[1]]
    found.update(zip(queried, await asyncio.gather(*(one(r) for r in queried)), strict=True))
    return found


def _why(exc: PVEError) -> str:
    return f"cannot read it: {exc.message}"


# --- the code's side ----------------------------------------------------------------------------
def _read_code(root: Path | None, actual: cluster_objects.Actual) -> _Code:
    """Compare the cluster objects with the workspace's Terraform (as the plan does), and find each block."""
    from pmpc_tui.iac.terraform import load_desired_state
    from pmpc_tui.workspace.config import Workspace

    code = _Code()
    if root is None:
        code.note = "no workspace is open: nothing to compare with (/init creates one)"
        return code
    try:
        ws = Workspace.load(root)
    except (OSError, ValueError, PVEError) as exc:
        code.note = f"cannot read the workspace: {exc}"
        return code
    signature = _signature(ws.terraform_dir)
    memo = _PARSED.get(ws.terraform_dir)
    if memo is not None and memo[0] == signature:
        desired = memo[1]
    else:
        desired = load_desired_state(ws.terraform_dir, ws.parse_cache_path, write_cache=False, strict=False)
        _PARSED[ws.terraform_dir] = (signature, desired)
    if desired.problems:
        first = desired.problems[0]
        code.note = (f"the code does not parse ({ws.relative(first.path)}:{first.line}): marks are left out "
                     "until it does — 7 opens the editor")
        return code
    managed = _managed(ws)
    plan = cluster_objects.plan_objects(desired.objects, actual, managed)
    by_address = {obj.address: obj for obj in desired.objects}
    lines: dict[Path, list[str]] = {}
    code.known = True
    for change in plan.changes:
        ident = (change.kind, change.name)
        code.status[ident] = {"no-op": SAME, "update": DIFFERS, "create": GONE, "delete": REMOVED}.get(
            change.action, DIFFERS)
        if change.action == "update":
            code.changes[ident] = ", ".join(f"{c.key} ({_short(c.before)} in the cluster, {_short(c.after)} in the "
                                            "code)" for c in change.changes)
        if change.action == "create":
            code.desired[ident] = (change.desired or {}).get("body") or {}
        obj = by_address.get(change.address)
        if obj is not None:
            code.spots[ident] = _spot(ws.root, obj.file, obj.resource_type, obj.label, lines)
    return code


def _managed(ws: Any) -> dict[tuple[str, str], str]:
    """The objects the workspace manages (import's records, apply's creations), read again only when they changed."""
    records = ws.generated_dir / "terraform"
    signature = (_signature(records), _signature(ws.state_dir, cluster_objects.CREATED_FILE))
    memo = _MANAGED.get(records)
    if memo is None or memo[0] != signature:
        memo = _MANAGED[records] = (signature, cluster_objects.managed_objects(ws))
    return memo[1]


def _signature(folder: Path, pattern: str = "*.tf") -> tuple[tuple[str, int, int], ...]:
    """Each file's name, size and modification time: the same signature, the same code."""
    out = []
    for path in sorted(folder.glob(pattern)):
        try:
            info = path.stat()
        except OSError:
            continue
        out.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(out)


def _spot(root: Path, path: Path, resource_type: str, label: str, cache: dict[Path, list[str]]) -> CodeSpot:
    if path not in cache:
        try:
            cache[path] = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            cache[path] = []
    block = re.compile(rf'^\s*resource\s+"{re.escape(resource_type)}"\s+"{re.escape(label)}"')
    line = next((n for n, text in enumerate(cache[path], 1) if block.match(text)), 1)
    try:
        shown = str(path.relative_to(root))
    except ValueError:
        shown = path.name
    return CodeSpot(path, line, f"{shown}:{line}")


def _short(value: Any) -> str:
    text = "unset" if value is None else str(value)
    return text if len(text) <= 30 else text[:29] + "…"


def _status(code: _Code, kind: str, key: str) -> str:
    if not code.known:
        return UNKNOWN
    return code.status.get((kind, key), NO_CODE)


def _row(code: _Code, kind: str, key: str, cells: list[str], what: str = "") -> ObjectRow:
    """A row with its mark, code spot and the line that explains it."""
    otype = BY_KIND[kind]
    status = _status(code, kind, key)
    spot = code.spots.get((kind, key))
    what = what or f"{otype.noun} {key}"
    if status == UNKNOWN:
        detail = f"{what} — {code.note}" if code.note else what
    elif status == NO_CODE:
        detail = (f"{what} is not in the code — `import` in the console (8) writes it to "
                  f"terraform/{otype.file}")
    elif status == DIFFERS:
        changed = code.changes.get((kind, key), "")
        detail = f"{what} differs from the code" + (f": {changed}" if changed else "") + " — e opens the code"
    else:
        detail = f"{what}: {MARK_MEANING[status]}" + (f" — e opens {spot.shown}" if spot else "")
    return ObjectRow(f"{kind}:{key}", cells, status, spot, detail)


def _gone(code: _Code, kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    """Objects of this kind that only the code has."""
    return sorted((key, body) for (k, key), body in code.desired.items() if k == kind)


def _worst(statuses: Iterable[str]) -> str:
    ranked = [s for s in statuses if s in _WORSE]
    return max(ranked, key=_WORSE.index) if ranked else UNKNOWN


# --- pools ----------------------------------------------------------------------------------------
def _pool_rows(actual: cluster_objects.Actual, code: _Code) -> list[ObjectRow]:
    pools = {key: dict(body) for key, body in actual.get("pool", {}).items()}
    pools.update({key: body for key, body in _gone(code, "pool") if key not in pools})
    members: dict[str, list[tuple[str, str]]] = {}  # pool → (member, its status)
    for key in list(actual.get("pool_member", {})) + [k for k, _ in _gone(code, "pool_member")]:
        pool, _, member = key.partition("/")
        members.setdefault(pool, []).append((member, _status(code, "pool_member", key)))
    rows = []
    for key in sorted(pools, key=lambda k: k.split("/")):
        body = pools[key]
        depth = key.count("/")
        name = ("  " * (depth - 1) + "└ " if depth else "") + key.rsplit("/", 1)[-1]
        mine = sorted(members.get(key, []), key=lambda m: (m[0].split("/")[0], len(m[0]), m[0]))
        shown = " ".join(m.split("/", 1)[1] for m, _ in mine) or "—"
        row = _row(code, "pool", key, [name, shown, str(body.get("comment", ""))])
        odd = [f"{m.split('/', 1)[1]} ({MARK_MEANING[s]})" for m, s in mine if s not in (SAME, UNKNOWN)]
        if odd and row.status in (SAME, DIFFERS):
            row.status = DIFFERS
            row.detail = f"pool {key}: members differ from the code: {', '.join(odd)}" + (
                f" — e opens {row.spot.shown}" if row.spot else "")
        elif odd and row.status == NO_CODE:
            row.status = _worst([row.status, *(s for _, s in mine)])
        rows.append(row)
    return rows


# --- HA -------------------------------------------------------------------------------------------
def _ha_resource_rows(actual: cluster_objects.Actual, code: _Code, status: Any) -> list[ObjectRow]:
    live = {str(s.get("sid")): s for s in status if isinstance(s, dict) and s.get("sid")} \
        if isinstance(status, list) else {}
    bodies = dict(actual.get("ha_resource", {}))
    bodies.update({k: b for k, b in _gone(code, "ha_resource") if k not in bodies})
    rows = []
    for sid in sorted(bodies, key=lambda s: (s.split(":")[0], len(s), s)):
        body, now = bodies[sid], live.get(sid, {})
        rows.append(_row(code, "ha_resource", sid, [
            sid, str(body.get("state", "")), str(now.get("state") or now.get("status") or "—"),
            str(now.get("node") or "—"), str(body.get("comment", ""))]))
    return rows


def _ha_rule_rows(actual: cluster_objects.Actual, code: _Code) -> list[ObjectRow]:
    bodies = dict(actual.get("ha_rule", {}))
    bodies.update({k: b for k, b in _gone(code, "ha_rule") if k not in bodies})
    rows = []
    for rule in sorted(bodies):
        body = bodies[rule]
        nodes = body.get("nodes") or {}
        where = ",".join(f"{n}:{p}" if p is not None else str(n) for n, p in sorted(nodes.items())) \
            if isinstance(nodes, dict) else str(nodes)
        kind = str(body.get("type", ""))
        if body.get("affinity"):
            where = where or str(body["affinity"])
        if body.get("disable"):
            kind += " (off)"
        rows.append(_row(code, "ha_rule", rule, [rule, kind, ",".join(body.get("resources") or []), where or "—"]))
    return rows


# --- backup jobs ------------------------------------------------------------------------------------
def _backup_rows(actual: cluster_objects.Actual, code: _Code, raw: Any) -> list[ObjectRow]:
    next_runs = {str(j.get("id")): j.get("next-run") for j in raw if isinstance(j, dict)} \
        if isinstance(raw, list) else {}
    bodies = dict(actual.get("backup_job", {}))
    bodies.update({k: b for k, b in _gone(code, "backup_job") if k not in bodies})
    rows = []
    for job in sorted(bodies):
        body = bodies[job]
        rows.append(_row(code, "backup_job", job, [
            job, str(body.get("schedule", "")), _when(next_runs.get(job)), selection(body),
            str(body.get("storage", "")), retention(body.get("prune_backups")),
            "yes" if body.get("enabled", True) else "no"]))
    return rows


def selection(job: dict[str, Any]) -> str:
    """What a backup job backs up: `all`, `all -105`, `pool prod`, `101,103`."""
    if job.get("all"):
        return "all" + (" -" + ",".join(job["exclude"]) if job.get("exclude") else "")
    if job.get("pool"):
        return f"pool {job['pool']}"
    return ",".join(job.get("vmid") or []) or "—"


def retention(prune: Any) -> str:
    """`keep-last=3,keep-daily=7` → `last 3, daily 7`; none set → `storage's` (the storage decides)."""
    if not isinstance(prune, dict) or not prune:
        return "storage's"
    if str(prune.get("keep-all")) == "1":
        return "keep all"
    return ", ".join(f"{k.removeprefix('keep-')} {v}" for k, v in sorted(prune.items()))


def _when(epoch: Any) -> str:
    try:
        return time.strftime("%m-%d %H:%M", time.localtime(int(epoch)))
    except (TypeError, ValueError):
        return "—"


# --- firewall ---------------------------------------------------------------------------------------
def firewall_options(raw: Any) -> str:
    """`on · in DROP · out ACCEPT` from the cluster's firewall options."""
    if not isinstance(raw, dict):
        return "—"
    state = "on" if str(raw.get("enable", 0)) == "1" else "off"
    policies = [f"{d} {raw[f'policy_{d}']}" for d in ("in", "out", "forward") if raw.get(f"policy_{d}")]
    return " · ".join([state, *policies])


def _firewall_rows(raw: dict[str, Any], actual: cluster_objects.Actual, code: _Code, guests: bool,
                   ) -> list[ObjectRow]:
    """The options, groups, aliases, IP sets and cluster rules, each marked against its resource in the code."""

    def answer(kind: str) -> list[dict[str, Any]]:
        value = raw[_FIREWALL[kind]]
        return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []

    rows = []
    if isinstance(raw[_FIREWALL["options"]], dict):
        rows.append(_firewall_row(code, "options", "cluster", "firewall_cluster", "cluster",
                                  firewall_options(raw[_FIREWALL["options"]]), ""))
    for item in answer("group"):
        name = str(item.get("group", ""))
        rules = len((actual.get("firewall_group", {}).get(name) or {}).get("rule") or [])
        counted = f"{rules} rule" + ("" if rules == 1 else "s")
        rows.append(_firewall_row(code, "group", name, "firewall_group", name, counted, str(item.get("comment", ""))))
    for item in answer("alias"):
        name = str(item.get("name", ""))
        rows.append(_firewall_row(code, "alias", name, "firewall_alias", name, str(item.get("cidr", "")),
                                  str(item.get("comment", ""))))
    for item in answer("ipset"):
        name = str(item.get("name", ""))
        members = [str(m.get("name", "")) for m in (actual.get("firewall_ipset", {}).get(name) or {}).get("cidr") or []]
        rows.append(_firewall_row(code, "ipset", name, "firewall_ipset", name, ", ".join(members) or "empty",
                                  str(item.get("comment", ""))))
    for item in sorted(answer("rule"), key=lambda r: int(r.get("pos", 0) or 0)):
        rows.append(_firewall_row(code, "rule", str(item.get("pos", "")), "firewall_rules", "cluster",
                                  rule_text(item), str(item.get("comment", ""))))
    for kind, iac_kind in (("group", "firewall_group"), ("alias", "firewall_alias"), ("ipset", "firewall_ipset")):
        for name, _body in _gone(code, iac_kind):
            rows.append(_firewall_row(code, kind, name, iac_kind, name, "", ""))
    return rows + (_guest_firewall_rows(actual, code) if guests else [])


def _guest_firewall_rows(actual: cluster_objects.Actual, code: _Code) -> list[ObjectRow]:
    """One row per guest with its own firewall options or rules (`vm/101`), marked by the worse of the two."""
    options = dict(actual.get("firewall_options", {}))
    rules = {k: v for k, v in actual.get("firewall_rules", {}).items() if k != "cluster"}
    only_code = {kind: dict(_gone(code, kind)) for kind in GUEST_LEVEL}
    only_code["firewall_rules"].pop("cluster", None)
    keys = set(options) | set(rules) | set(only_code["firewall_options"]) | set(only_code["firewall_rules"])
    rows = []
    for key in sorted(keys, key=lambda k: int(k.partition("/")[2] or 0)):
        body = options.get(key) or {}
        parts = [("on" if body.get("enabled") else "off")] if "enabled" in body else []
        parts += [f"{d} {body[p]}" for d, p in (("in", "input_policy"), ("out", "output_policy")) if body.get(p)]
        count = len((rules.get(key) or {}).get("rule") or [])
        parts.append(f"{count} rule" + ("" if count == 1 else "s"))
        kinds = [k for k, found in (("firewall_options", options), ("firewall_rules", rules)) if key in found] or \
            [k for k in GUEST_LEVEL if key in only_code[k]]
        first = _row(code, kinds[0], key, ["guest", key, " · ".join(parts), ""], f"the firewall of {key}")
        statuses = [_status(code, kind, key) for kind in kinds]
        worst = _worst(statuses)
        if worst != first.status:
            first = _row(code, kinds[statuses.index(worst)], key, first.cells, f"the firewall of {key}")
        first.key = f"guest:{key}"
        rows.append(first)
    return rows


def _firewall_row(code: _Code, kind: str, name: str, iac_kind: str, key: str, what: str, comment: str) -> ObjectRow:
    noun = {"options": "the cluster firewall options", "rule": f"the cluster firewall rules (rule {name} of them)"}
    row = _row(code, iac_kind, key, [kind, name, what, comment], noun.get(kind, ""))
    row.key = f"{kind}:{name}"
    return row


def rule_text(rule: dict[str, Any]) -> str:
    """A firewall rule in one line: `IN ACCEPT tcp 22 from +admins` (`(off)` when disabled)."""
    parts = [str(rule.get("type", "")).upper(), str(rule.get("action", ""))]
    if rule.get("macro"):
        parts.append(str(rule["macro"]))
    parts += [str(rule[k]) for k in ("proto", "dport") if rule.get(k)]
    if rule.get("source"):
        parts.append(f"from {rule['source']}")
    if rule.get("dest"):
        parts.append(f"to {rule['dest']}")
    if str(rule.get("enable", 1)) == "0":
        parts.append("(off)")
    return " ".join(p for p in parts if p)
