"""Plan: what applying the workspace's IaC would change, per guest and per attribute — no terraform.

Desired state: the workspace's terraform/*.tf (parsed with python-hcl2). Actual state: read fresh
from the API by a sync (and so saved in the state DB). Managed guests are the ones the workspace
generated (import) or created (apply); only those can be planned for deletion — a guest nobody
described in code is reported by drift as unmanaged, never deleted.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlmodel import select

from pmpc_tui.iac.bpg import RESOURCE_TYPE, DesiredConfig, body_to_config, config_differences
from pmpc_tui.iac.terraform import DesiredGuest, DesiredState, load_desired_state, scan_guest_resources
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import VM, Container
from pmpc_tui.workspace.config import Workspace

PLAN_FORMAT_VERSION = 1
PLAN_FILE_MAX = 64 * 2**20  # bytes; a plan of thousands of guests is a few MiB
ACTIONS = ("create", "update", "replace", "delete", "no-op")
SYMBOLS = {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "no-op": " "}


@dataclass
class ActualGuest:
    """A guest as the fresh read found it."""

    kind: str
    vmid: int
    node: str
    name: str
    status: str
    config: dict[str, Any]
    digest: str


@dataclass
class AttributeChange:
    """One managed key: its value now and the value the code asks for."""

    key: str
    before: Any
    after: Any


@dataclass
class ResourceChange:
    """What the plan would do to one guest."""

    address: str
    kind: str
    vmid: int | None
    name: str
    node: str
    action: str
    changes: list[AttributeChange] = field(default_factory=list)
    reason: str = ""
    digest: str | None = None  # the config digest seen when planning (apply refuses if it changed)
    desired: dict[str, Any] | None = None  # the desired PVE config, node, started, clone, ostemplate

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.action]


@dataclass
class Plan:
    """A plan; `to_dict()` is the documented JSON format (docs/plan-apply.md)."""

    workspace: str
    resources: list[ResourceChange]
    errors: list[str] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)
    format_version: int = PLAN_FORMAT_VERSION

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for r in self.resources:
            counts[r.action] += 1
        return counts

    @property
    def changes(self) -> list[ResourceChange]:
        return [r for r in self.resources if r.action != "no-op"]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {"format_version": self.format_version, "created_at": self.created_at, "workspace": self.workspace,
                "summary": self.summary(), "errors": self.errors,
                "resources": [asdict(r) for r in self.resources]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        if data.get("format_version") != PLAN_FORMAT_VERSION:
            raise ValidationFailed("unsupported plan file", {"format_version": f"expected {PLAN_FORMAT_VERSION}"})
        resources = [ResourceChange(**{**r, "changes": [AttributeChange(**c) for c in r.get("changes", [])]})
                     for r in data["resources"]]
        return cls(workspace=data["workspace"], resources=resources, errors=list(data.get("errors", [])),
                   created_at=float(data.get("created_at", 0)))

    def save(self, path: Path) -> None:
        from pmpc_tui.config.files import atomic_write

        atomic_write(path, json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str) + "\n", backup=False)

    @classmethod
    def load(cls, path: Path) -> Plan:
        """A plan saved by `plan --out`: a regular file of at most PLAN_FILE_MAX bytes, JSON, our format."""
        from pmpc_tui.services.inputs import check_readable_file

        path = check_readable_file(path, "FILE", max_bytes=PLAN_FILE_MAX)  # before reading it whole
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise ValidationFailed("not a plan file", {str(path): f"not JSON text ({str(exc)[:80]})"}) from None
        if not isinstance(data, dict) or "format_version" not in data:
            raise ValidationFailed("not a plan file", {str(path): "save one with `proxmox-mpc plan --out FILE`"})
        try:
            return cls.from_dict(data)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValidationFailed("damaged plan file", {str(path): str(exc)[:200]}) from None


async def read_actual(db: Database) -> dict[int, ActualGuest]:
    """Guests of the last sync (removed ones excluded), with their config digests."""
    async with db.session() as session:
        vms = (await session.exec(select(VM).where(VM.removed_at == None))).all()  # noqa: E711
        cts = (await session.exec(select(Container).where(Container.removed_at == None))).all()  # noqa: E711
    out = {v.vmid: ActualGuest("qemu", v.vmid, v.node, v.name, v.status, dict(v.config), v.digest) for v in vms}
    out.update({c.vmid: ActualGuest("lxc", c.vmid, c.node, c.name, c.status, dict(c.config), c.digest)
                for c in cts})
    return out


def managed_guests(ws: Workspace) -> dict[int, str]:
    """VMID → resource address of the guests this workspace generated (import keeps a copy of every
    generated file) or created (apply records them)."""
    managed = {g.vmid: f"{RESOURCE_TYPE[g.kind]}.{g.label}"
               for g in scan_guest_resources(ws.generated_dir / "terraform") if g.vmid is not None}
    managed.update(created_guests(ws))
    return managed


def created_guests(ws: Workspace) -> dict[int, str]:
    """Guests apply created (VMID → address), from .proxmox-mpc/created.json."""
    try:
        return {int(k): str(v) for k, v in json.loads((ws.state_dir / "created.json").read_text()).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


# values PVE picks when a guest is made and the code may leave open (like terraform's computed attributes)
COMPUTED_KEYS = {"smbios_uuid"}
_ALLOCATION = re.compile(r"^([^:]+):\d+(\.\d+)?$")  # `local-lvm:16` = a new 16 GiB volume on local-lvm


def _settled(key: str, before: Any, after: Any) -> bool:
    """True when the only differences are values the cluster chose where the code says nothing: a MAC
    address, the SMBIOS UUID, the name PVE gave a volume the code asked to allocate (`storage:size`)."""
    if after is None:
        return key in COMPUTED_KEYS
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    for sub in set(before) | set(after):
        b, a = before.get(sub), after.get(sub)
        if a is None or a == b:
            continue
        allocation = _ALLOCATION.match(a) if sub == "file" and isinstance(a, str) else None
        if allocation and isinstance(b, str) and b.split(":", 1)[0] == allocation.group(1):
            continue
        return False
    return True


def _desired_dict(d: DesiredConfig) -> dict[str, Any]:
    return {"node": d.node, "vmid": d.vmid, "config": d.config, "started": d.started, "clone": d.clone,
            "ostemplate": d.ostemplate}


def _compare(guest: DesiredGuest, actual: ActualGuest | None) -> ResourceChange:
    desired = body_to_config(guest.kind, guest.body)
    change = ResourceChange(guest.address, guest.kind, guest.vmid, guest.name, guest.node, "no-op",
                            desired=_desired_dict(desired))
    if actual is None:
        change.action = "create"
        change.reason = f"clone of {desired.clone.get('vm_id')}" if desired.clone else "new guest"
        change.changes = [AttributeChange(k, None, v) for k, v in sorted(desired.config.items())]
        return change
    change.digest = actual.digest
    if actual.kind != guest.kind:
        change.action = "replace"
        change.reason = f"VMID {actual.vmid} is a {'VM' if actual.kind == 'qemu' else 'container'} in the cluster"
        return change
    if desired.node and desired.node != actual.node:
        change.action = "replace"
        change.reason = f"node_name changes from {actual.node} to {desired.node}"
        change.changes.append(AttributeChange("node", actual.node, desired.node))
        return change
    diffs = config_differences(guest.kind, actual.config, desired.config)
    follows_memory = "balloon" not in actual.config and "balloon" not in desired.config
    cloned = desired.clone is not None  # what the code leaves out, a clone keeps from its source
    change.changes = [AttributeChange(k, before, after) for k, (before, after) in diffs.items()
                      if not _settled(k, before, after) and not (k == "balloon" and follows_memory)
                      and not (cloned and after in (None, [], "", {}))]
    running = actual.status == "running"
    if desired.started is not None and desired.started != running:
        change.changes.append(AttributeChange("status", actual.status, "running" if desired.started else "stopped"))
    if change.changes:
        change.action = "update"
    return change


def compute_plan(ws: Workspace, desired_guests: list[DesiredGuest], errors: list[str],
                 actual: dict[int, ActualGuest], managed: dict[int, str], targets: set[str] | None = None) -> Plan:
    """Compare desired and actual state (pure: no I/O)."""
    resources: list[ResourceChange] = []
    declared: set[int] = set()
    for guest in desired_guests:
        if guest.vmid is not None:
            declared.add(guest.vmid)
        resources.append(_compare(guest, actual.get(guest.vmid) if guest.vmid is not None else None))
    for vmid in sorted(set(managed) - declared):
        gone = actual.get(vmid)
        if gone is None:
            continue  # already deleted
        resources.append(ResourceChange(managed[vmid], gone.kind, vmid, gone.name, gone.node, "delete",
                                        reason="removed from the code", digest=gone.digest))
    if targets:
        resources = [r for r in resources if r.address in targets or str(r.vmid) in targets or r.name in targets]
    order = {a: i for i, a in enumerate(("delete", "replace", "update", "create", "no-op"))}
    resources.sort(key=lambda r: (order[r.action], r.vmid or 0))
    return Plan(workspace=str(ws.root), resources=resources, errors=list(errors))


def load_code(ws: Workspace, strict: bool = True) -> DesiredState:
    """The workspace's desired state behind the syntax gate: every .tf file and the Ansible YAML must parse.

    With `strict` (plan, apply, drift, test) any failing file raises CodeDoesNotParse; `validate`
    passes `strict=False` to list the problems as findings.
    """
    from pmpc_tui.iac.gate import yaml_files, yaml_gate

    desired = load_desired_state(ws.terraform_dir, ws.parse_cache_path, strict=False)
    desired.problems += yaml_gate(yaml_files(ws.ansible_dir), ws.state_dir / "yaml-gate.json")
    desired.root = ws.root
    if strict:
        desired.require_parsed()
    return desired


async def make_plan(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None = None,
                    refresh: bool = True) -> Plan:
    """Parse the workspace's code (refusing if any file fails), read the cluster fresh (saved in the
    state DB) and compare."""
    import asyncio

    from pmpc_tui.services.guest_ref import check_target_syntax, resolve_targets
    from pmpc_tui.services.sync import SyncService

    check_target_syntax(targets or ())  # bad --target: nothing is sent
    desired = await asyncio.to_thread(load_code, ws)
    if refresh:
        await SyncService(client, db).run()
    actual = await read_actual(db)
    managed = managed_guests(ws)
    if targets is not None:  # each must name a guest of the code or the cluster
        resolve_targets(targets, [(g.address, g.vmid, g.name) for g in desired.guests]
                        + [(managed.get(vmid), vmid, guest.name) for vmid, guest in actual.items()])
    return compute_plan(ws, desired.guests, desired.errors, actual, managed, targets)


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def render_plan(plan: Plan) -> str:
    """Human-readable plan: one line per changing guest, then its attribute changes."""
    lines: list[str] = []
    for r in plan.changes:
        where = f"{r.vmid or '?'} {r.name or ''} on {r.node or '?'}".strip()
        lines.append(f"{r.symbol} {r.address} ({where}){' — ' + r.reason if r.reason else ''}")
        if r.action in ("update", "replace"):
            lines += [f"      {c.key}: {_short(c.before)} → {_short(c.after)}" for c in r.changes]
    for error in plan.errors:
        lines.append(f"! {error}")
    s = plan.summary()
    lines.append(f"Plan: {s['create']} to create, {s['update']} to update in place, {s['replace']} to replace, "
                 f"{s['delete']} to delete, {s['no-op']} unchanged."
                 if plan.has_changes else f"No changes: the cluster matches the code ({s['no-op']} guests).")
    return "\n".join(lines)


async def make_destroy_plan(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None = None) -> Plan:
    """A plan that deletes every guest the code declares (or only the targets) that exists in the cluster."""
    plan = await make_plan(ws, db, client, targets)
    resources = [ResourceChange(r.address, r.kind, r.vmid, r.name, r.node, "delete", reason="destroy",
                                digest=r.digest)
                 for r in plan.resources if r.action != "create" and r.vmid is not None]
    return Plan(workspace=plan.workspace, resources=resources, errors=plan.errors)
