"""Plan: what applying the workspace's IaC would change, per guest and per attribute — no terraform.

Desired state: the workspace's terraform/*.tf (parsed with python-hcl2). Actual state: read fresh
from the API by a sync (and so saved in the state DB). Managed guests are the ones the workspace
generated (import) or created (apply); only those can be planned for deletion — a guest nobody
described in code is reported by drift as unmanaged, never deleted. Every change carries its impact
(services/changes.py); destructive ones are listed first.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.iac.bpg import RESOURCE_TYPE, DesiredConfig, body_to_config
from pmpc_tui.iac.terraform import DesiredGuest, DesiredState, load_desired_state, scan_guest_resources
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError, ValidationFailed
from pmpc_tui.services.changes import IMPACT_TEXT, IMPACTS, AttributeChange, guest_diff, pending_config, worst
from pmpc_tui.services.plan_memo import CompareMemo
from pmpc_tui.services.quiet_gc import fewer_collections
from pmpc_tui.state.db import Database
from pmpc_tui.workspace.config import Workspace

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from pmpc_tui.services.sync import GuestRows

_CHANGE_FIELDS = tuple(f.name for f in fields(AttributeChange))
PLAN_FORMAT_VERSION = 2  # 2: impact per resource and per change, `op`/`detail` per change, `pending`
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


class _Desired:
    """`ResourceChange.desired`, worked out from the guest's code when first read (a guest the compare memo
    found unchanged is not converted unless someone looks: drift and a text plan never do)."""

    def __get__(self, obj: Any, owner: Any = None) -> dict[str, Any] | None:
        if obj is None:
            return None  # the dataclass default
        value: dict[str, Any] | None = obj.__dict__.get("_desired")
        if value is None and (code := obj.__dict__.pop("_desired_code", None)) is not None:
            value = obj.__dict__["_desired"] = _desired_dict(body_to_config(*code))
        return value

    def __set__(self, obj: Any, value: dict[str, Any] | None) -> None:
        obj.__dict__.pop("_desired_code", None)
        obj.__dict__["_desired"] = value


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
    desired: dict[str, Any] | None = _Desired()  # type: ignore[assignment]  # the desired PVE config, node, …
    impact: str = "in-place"  # the most severe impact of its changes (see IMPACTS)
    pending: list[str] = field(default_factory=list)  # keys set already, waiting in PVE for a reboot
    prevent_destroy: bool = False  # the code's `lifecycle { prevent_destroy = true }`

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.action]

    @property
    def destructive(self) -> bool:
        return self.impact == "destructive"

    @property
    def what(self) -> str:
        """`pool production`, `backup job daily` for a cluster object; empty for a guest."""
        from pmpc_tui.iac.objects import BY_KIND

        return f"{BY_KIND[self.kind].noun} {self.name}" if self.kind in BY_KIND else ""

    def what_is_destroyed(self) -> str:
        """`address (VMID n): the guest and its disks` — or the disks/volumes a change destroys."""
        if self.vmid is None and self.kind not in ("qemu", "lxc"):  # a cluster object (pool, backup job, HA …)
            return f"{self.address} ({self.what}): the {self.what} ({self.reason or self.action})"
        where = f"{self.address} (VMID {self.vmid})"
        if self.action in ("delete", "replace"):
            return f"{where}: the guest and its disks ({self.reason or self.action})"
        parts = [f"{c.key} {c.detail or c.op}" for c in self.changes if c.impact == "destructive"]
        return f"{where}: " + "; ".join(parts)


_RESOURCE_FIELDS = tuple(f.name for f in fields(ResourceChange))


@dataclass
class Plan:
    """A plan; `to_dict()` is the documented JSON format (docs/plan-apply.md)."""

    workspace: str
    resources: list[ResourceChange]
    errors: list[str] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)
    format_version: int = PLAN_FORMAT_VERSION
    # what the plan read of the cluster objects (drift uses them; not part of the JSON plan)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    managed_objects: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for r in self.resources:
            counts[r.action] += 1
        return counts

    def impact_counts(self) -> dict[str, int]:
        """Changing guests by their most severe impact."""
        counts = dict.fromkeys(IMPACTS, 0)
        for r in self.changes:
            counts[r.impact] += 1
        return counts

    @property
    def destructive(self) -> list[ResourceChange]:
        return [r for r in self.changes if r.destructive]

    @property
    def changes(self) -> list[ResourceChange]:
        return [r for r in self.resources if r.action != "no-op"]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def to_dict(self, unchanged: bool = True) -> dict[str, Any]:
        """The JSON form; `unchanged=False` leaves out the resources without a change (a text plan's data: each
        unchanged guest's desired config would be worked out from its code only to be thrown away)."""
        return {"format_version": self.format_version, "created_at": self.created_at, "workspace": self.workspace,
                "summary": self.summary(), "impact": self.impact_counts(), "errors": self.errors,
                "resources": [_resource_dict(r) for r in self.resources if unchanged or r.action != "no-op"]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        if data.get("format_version") != PLAN_FORMAT_VERSION:
            raise ValidationFailed("unsupported plan file", {"format_version": f"expected {PLAN_FORMAT_VERSION}; "
                                                                              "make the plan again"})
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


def _copy(value: Any) -> Any:
    """A copy of JSON-like data (dicts, lists, tuples; the rest is immutable or kept as it is)."""
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) for k, v in value.items()}
    if kind is list:
        return [_copy(v) for v in value]
    if kind is tuple:
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict | list | tuple):
        return copy.deepcopy(value)
    return value


def _resource_dict(r: ResourceChange) -> dict[str, Any]:
    """`dataclasses.asdict(r)` for what a plan holds, ~5x faster (every plan of 1,500 guests converts all)."""
    out = {name: _copy(getattr(r, name)) for name in _RESOURCE_FIELDS}
    out["changes"] = [{name: _copy(getattr(c, name)) for name in _CHANGE_FIELDS} for c in r.changes]
    return out


async def read_actual(db: Database) -> dict[int, ActualGuest]:
    """Guests of the last sync (removed ones excluded), with their config digests."""
    from sqlmodel import select  # here, not at the top: `validate --offline` never reads the DB

    from pmpc_tui.state.models import VM, Container

    out: dict[int, ActualGuest] = {}
    async with db.session() as session:
        for kind, model in (("qemu", VM), ("lxc", Container)):  # columns, not ORM objects: ~5x less CPU
            query = select(model.vmid, model.node, model.name, model.status, model.config,  # type: ignore[call-overload]
                           model.digest).where(model.removed_at == None)  # noqa: E711
            for vmid, node, name, status, config, digest in (await session.exec(query)).all():
                out[vmid] = ActualGuest(kind, vmid, node, name, status, dict(config), digest)
    return out


def managed_guests(ws: Workspace) -> dict[int, str]:
    """VMID → resource address of the guests this workspace manages: the tracked terraform/.managed.json,
    plus the local records older workspaces kept (import's copy of every generated file, apply's created.json)."""
    from pmpc_tui.services.managed import read_managed

    managed = {g.vmid: f"{RESOURCE_TYPE[g.kind]}.{g.label}"
               for g in scan_guest_resources(ws.generated_dir / "terraform", ws.state_dir / "records-scan.json",
                                             write_memo=not ws.read_only)
               if g.vmid is not None}
    managed.update(created_guests(ws))
    return {**read_managed(ws).guests, **managed}


def remember_managed(ws: Workspace) -> str | None:
    """Copy what the workspace manages into the tracked terraform/.managed.json (the import/create/apply
    hook, before their commit); its workspace-relative path when it changed."""
    from pmpc_tui.services.cluster_objects import managed_objects
    from pmpc_tui.services.managed import save_managed

    return save_managed(ws, managed_guests(ws), managed_objects(ws))


def created_guests(ws: Workspace) -> dict[int, str]:
    """Guests apply created (VMID → address), from .proxmox-mpc/created.json."""
    try:
        return {int(k): str(v) for k, v in json.loads((ws.state_dir / "created.json").read_text()).items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _desired_dict(d: DesiredConfig) -> dict[str, Any]:
    return {"node": d.node, "vmid": d.vmid, "config": d.config, "started": d.started, "clone": d.clone,
            "ostemplate": d.ostemplate}


def _prevents_destroy(guest: DesiredGuest) -> bool:
    lifecycle = guest.body.get("lifecycle")
    blocks = lifecycle if isinstance(lifecycle, list) else [lifecycle] if isinstance(lifecycle, dict) else []
    return any(isinstance(b, dict) and b.get("prevent_destroy") is True for b in blocks)


def _compare(guest: DesiredGuest, actual: ActualGuest | None, pending: list[dict[str, Any]] | None = None,
             memo: CompareMemo | None = None) -> tuple[ResourceChange, list[str]]:
    key = None
    if actual is not None and actual.kind == guest.kind and memo is not None:
        config, waiting = pending_config(actual.config, pending) if pending else (actual.config, set())
        key = memo.key(guest, config, actual.status, actual.digest, pending)
        if memo.equal(guest.address, key) and (not guest.node or guest.node == actual.node):
            change = ResourceChange(guest.address, guest.kind, guest.vmid, guest.name, actual.node, "no-op",
                                    digest=actual.digest, pending=sorted(waiting),
                                    prevent_destroy=_prevents_destroy(guest))
            change.__dict__["_desired_code"] = (guest.kind, guest.body)  # converted only when read
            return change, []  # compared equal before, with exactly these inputs
    desired = body_to_config(guest.kind, guest.body)
    change = ResourceChange(guest.address, guest.kind, guest.vmid, guest.name, guest.node, "no-op",
                            desired=_desired_dict(desired), prevent_destroy=_prevents_destroy(guest))
    if actual is None:
        change.action = "create"
        change.reason = f"clone of {desired.clone.get('vm_id')}" if desired.clone else "new guest"
        change.changes = [AttributeChange(k, None, v) for k, v in sorted(desired.config.items())]
        return change, []
    change.digest = actual.digest
    change.node = actual.node  # where the guest is now (a migration moves it to desired.node)
    if actual.kind != guest.kind:
        change.action, change.impact = "replace", "destructive"
        change.reason = f"VMID {actual.vmid} is a {'VM' if actual.kind == 'qemu' else 'container'} in the cluster"
        errors = []
        if change.prevent_destroy:
            errors.append(f"{guest.address}: lifecycle.prevent_destroy is set, but this plan would replace the guest "
                          f"({change.reason}); change the code back, or remove prevent_destroy on purpose")
        return change, errors
    config = actual.config
    if pending:
        config, waiting = pending_config(actual.config, pending)
        change.pending = sorted(waiting)
    diff = guest_diff(guest.kind, config, desired.config, actual.status, desired.started,
                      cloned=desired.clone is not None)
    change.changes = diff.changes
    if desired.node and desired.node != actual.node:  # a guest is migrated, never re-created, to change node
        restarts = actual.kind == "lxc" and actual.status == "running"
        how = ("restarted on the target" if restarts else "live migration" if actual.status == "running"
               else "offline migration")
        change.changes.append(AttributeChange("node", actual.node, desired.node,
                                              "disruptive" if restarts else "in-place", "migrate",
                                              f"migrated from {actual.node} to {desired.node} ({how})"))
    change.impact = worst([c.impact for c in change.changes])
    if change.changes:
        change.action = "update"
    elif memo is not None and not diff.errors:
        memo.remember(guest.address, key)
    return change, [f"{guest.address}: {e}" for e in diff.errors]


def _targeted(r: ResourceChange, targets: set[str] | None) -> bool:
    return not targets or r.address in targets or str(r.vmid) in targets or r.name in targets


def compute_plan(ws: Workspace, desired_guests: list[DesiredGuest], errors: list[str],
                 actual: dict[int, ActualGuest], managed: dict[int, str], targets: set[str] | None = None,
                 pending: dict[int, list[dict[str, Any]]] | None = None, memo: CompareMemo | None = None) -> Plan:
    """Compare desired and actual state (pure: no I/O). `pending`: PVE's pending values of running guests;
    `memo`: the guests that compared equal before (those whose inputs are unchanged are not compared again)."""
    resources: list[ResourceChange] = []
    problems = list(errors)
    declared: set[int] = set()
    for guest in desired_guests:
        if guest.vmid is not None:
            declared.add(guest.vmid)
        found = actual.get(guest.vmid) if guest.vmid is not None else None
        change, found_errors = _compare(guest, found, (pending or {}).get(guest.vmid or -1), memo)
        if _targeted(change, targets):
            resources.append(change)
            problems += found_errors
    for vmid in sorted(set(managed) - declared):
        gone = actual.get(vmid)
        if gone is None:
            continue  # already deleted
        resources.append(ResourceChange(managed[vmid], gone.kind, vmid, gone.name, gone.node, "delete",
                                        reason="removed from the code", digest=gone.digest, impact="destructive"))
    resources = [r for r in resources if _targeted(r, targets)]
    return Plan(workspace=str(ws.root), resources=sort_resources(resources), errors=problems)


def sort_resources(resources: list[ResourceChange]) -> list[ResourceChange]:
    """Destructive changes first, then deletes, replaces, updates, creates, unchanged."""
    order = {a: i for i, a in enumerate(("delete", "replace", "update", "create", "no-op"))}
    return sorted(resources, key=lambda r: (not r.destructive, order[r.action], r.vmid or 0))


async def read_pending(client: PVEClient, guests: list[ActualGuest]) -> dict[int, list[dict[str, Any]]]:
    """PVE's pending values (GET …/pending) of running guests: set already, waiting for a reboot."""
    import asyncio

    async def one(g: ActualGuest) -> tuple[int, list[dict[str, Any]]]:
        try:
            items = await client.get(f"/nodes/{g.node}/{g.kind}/{g.vmid}/pending")
        except PVEError:
            return g.vmid, []  # an older PVE or a guest gone since: compare with the config alone
        return g.vmid, [i for i in items or [] if isinstance(i, dict) and ("pending" in i or i.get("delete"))]

    found = await asyncio.gather(*(one(g) for g in guests))
    return {vmid: items for vmid, items in found if items}


def load_code(ws: Workspace, strict: bool = True, save_later: bool = False) -> DesiredState:
    """The workspace's desired state behind the syntax gate: every .tf file and the Ansible YAML must parse.

    With `strict` (plan, apply, drift, test) any failing file raises CodeDoesNotParse; `validate`
    passes `strict=False` to list the problems as findings. `save_later`: the parse cache's write is left to the
    caller (`desired.save_cache`).
    """
    from pmpc_tui.iac.gate import yaml_files, yaml_gate

    ws.require_one_cluster()
    desired = load_desired_state(ws.terraform_dir, ws.parse_cache_path, strict=False, write_cache=not ws.read_only,
                                 save_later=save_later)
    desired.problems += yaml_gate(yaml_files(ws.ansible_dir), ws.state_dir / "yaml-gate.json",
                                  write_memo=not ws.read_only)
    desired.root = ws.root
    if strict and desired.problems:
        if desired.save_cache is not None:  # what did parse is remembered all the same
            desired.save_cache()
        desired.require_parsed()
    return desired


async def make_plan(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None = None,
                    refresh: bool = True) -> Plan:
    """Parse the workspace's code (refusing if any file fails), read the cluster fresh (saved in the
    state DB) and compare."""
    plan, _, _ = await plan_with_cluster(ws, db, client, targets, refresh)
    return plan


async def plan_with_cluster(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None = None,
                            refresh: bool = True, record: bool = True,
                            ) -> tuple[Plan, dict[int, ActualGuest], dict[int, str]]:
    """`make_plan`, with the guests it read and the ones this workspace manages (drift needs both:
    reading them again cost a second pass over the state DB). `record=False` (drift): the fresh read is
    compared, not written to the state DB."""
    with _fewer_collections():
        return await _plan_with_cluster(ws, db, client, targets, refresh, record)


_fewer_collections = fewer_collections  # the code's guests, the sync's answers and its rows at once (quiet_gc.py)


async def _plan_with_cluster(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None,
                             refresh: bool, record: bool) -> tuple[Plan, dict[int, ActualGuest], dict[int, str]]:
    import asyncio

    from pmpc_tui.services import cluster_objects
    from pmpc_tui.services.guest_ref import check_target_syntax, resolve_targets
    from pmpc_tui.services.sync import SyncService

    check_target_syntax(targets or ())  # bad --target: nothing is sent
    desired = await asyncio.to_thread(load_code, ws, True, True)  # its cache is written while the sync reads
    loop = asyncio.get_running_loop()
    # the objects are read alongside the sync, and take its /cluster/resources (~1,500 entries) instead of a second read
    resources: asyncio.Future[list[dict[str, Any]]] = loop.create_future()
    # the guests are compared as the sync hands them to its database write, while the write goes on
    written: asyncio.Future[dict[int, ActualGuest]] = loop.create_future()

    def read_resources(found: list[dict[str, Any]]) -> None:
        if not resources.done():
            resources.set_result(found)

    def read_guests(rows: GuestRows) -> None:
        if not written.done():
            written.set_result(_actual_from_rows(rows))
    sync = asyncio.ensure_future(_no_sync() if not refresh
                                 else SyncService(client, db).run(on_resources=read_resources, on_guests=read_guests)
                                 if record else _read_only(SyncService(client, db), read_resources, read_guests))
    objects_read: asyncio.Future[Any] | None = None
    local: asyncio.Future[tuple[dict[int, str], CompareMemo]] | None = None
    try:
        await asyncio.sleep(0)  # the sync sends its first read before the objects to read are worked out
        managed_objects = cluster_objects.managed_objects(ws)
        guests = cluster_objects.guest_ids(cluster_objects.declared_keys(desired.objects) + list(managed_objects))
        objects_read = asyncio.ensure_future(cluster_objects.read_objects(client, guests,
                                                                          resources=resources if refresh else None))
        # what needs no cluster (the managed guests' records, the compare memo) is read while the sync waits
        local = asyncio.ensure_future(asyncio.to_thread(_local_inputs, ws, desired))
        actual = await _guests_read(sync, written) if refresh else await read_actual(db)
        objects = await objects_read
        managed, memo = await local
        guest_plan, object_plan = await asyncio.to_thread(
            _compare_cluster, ws, desired, actual, managed, targets, memo, objects, managed_objects,
            cluster_objects.own_ids(client))
        await sync  # the plan is the sync's: it is only given once the state DB holds what it compared
    except asyncio.CancelledError:
        sync.cancel()  # its transaction is rolled back
        raise
    except BaseException:
        await asyncio.wait([sync])  # a failure beside the sync: its write ends first, as it did before
        raise
    finally:
        if objects_read is not None:
            objects_read.cancel()
        if local is not None:  # when the sync failed: read, unwatched
            local.add_done_callback(lambda f: f.cancelled() or f.exception())
        sync.add_done_callback(lambda f: f.cancelled() or f.exception())  # its error is raised above, if any
    if targets is not None:  # each must name a guest or object of the code or the cluster
        resolve_targets(targets, [(g.address, g.vmid, g.name) for g in desired.guests]
                        + [(managed.get(vmid), vmid, guest.name) for vmid, guest in actual.items()]
                        + [(r.address, None, r.name) for r in object_plan.changes])
    plan = _with_objects(guest_plan, object_plan, targets)
    running = [actual[r.vmid] for r in plan.changes
               if r.action == "update" and r.vmid in actual and actual[r.vmid].status == "running"]
    pending = await read_pending(client, running) if running else {}
    if pending:  # changes PVE holds until a reboot are not differences (they would show up forever)
        again = [g for g in desired.guests if g.vmid in pending]  # only these: the rest compared the same
        plan = _with_pending(plan, compute_plan(ws, again, [], actual, {}, targets, pending, memo))
    plan.objects = objects
    plan.managed_objects = managed_objects
    await asyncio.to_thread(memo.save)
    return plan, actual, managed


async def _no_sync() -> None:
    """In place of the sync when the plan does not refresh."""


async def _read_only(sync: Any, on_resources: Callable[[list[dict[str, Any]]], None],
                     on_guests: Callable[[GuestRows], None]) -> None:
    """In place of the sync when the fresh read is not recorded: the guests are read, nothing is written."""
    on_guests(await sync.read_guests(on_resources))


async def _guests_read(sync: asyncio.Future[Any], written: asyncio.Future[dict[int, ActualGuest]],
                       ) -> dict[int, ActualGuest]:
    """The guests the sync is writing, as soon as it hands them over (its error if it failed first)."""
    import asyncio

    await asyncio.wait([sync, written], return_when=asyncio.FIRST_COMPLETED)
    if not written.done():
        sync.result()  # raises the sync's error
        raise AssertionError("the sync wrote no guests")
    return written.result()


def _actual_from_rows(rows: GuestRows) -> dict[int, ActualGuest]:
    """The guests as `read_actual` will read them once the sync's write is done (the rows it writes)."""
    return {vmid: ActualGuest(kind, vmid, row["node"], row["name"], row["status"], dict(row["config"]),
                              row["digest"])
            for kind in ("qemu", "lxc") for vmid, row in rows[kind].items()}


def _compare_cluster(ws: Workspace, desired: DesiredState, actual: dict[int, ActualGuest], managed: dict[int, str],
             targets: set[str] | None, memo: CompareMemo, objects: Any, managed_objects: Any,
             own_ids: frozenset[str]) -> tuple[Plan, Any]:
    """The guests' plan and the cluster objects' (in a worker thread: the sync's write goes on meanwhile)."""
    from pmpc_tui.services import cluster_objects

    guest_plan = compute_plan(ws, desired.guests, desired.errors, actual, managed, targets, memo=memo)
    declared = {g.vmid for g in desired.guests if g.vmid is not None}
    gone = {r.vmid for r in guest_plan.resources if r.action == "delete" and r.vmid is not None}
    gone |= {vmid for kind, key in cluster_objects.declared_keys(desired.objects)
             for vmid in [cluster_objects.guest_of(kind, key)]
             if vmid is not None and vmid not in actual and vmid not in declared}  # objects go with their guest
    return guest_plan, cluster_objects.plan_objects(desired.objects, objects, managed_objects, gone, own_ids)


def _local_inputs(ws: Workspace, desired: DesiredState) -> tuple[dict[int, str], CompareMemo]:
    """The guests the workspace manages and the compare memo: what a plan reads of the workspace beyond its code
    (and the code's parse cache is written, when it changed)."""
    if desired.save_cache is not None:
        desired.save_cache()
    memo = CompareMemo(ws.state_dir / "compare-memo.json" if ws.state_dir.is_dir() else None, desired.digests,
                       write=not ws.read_only)
    return managed_guests(ws), memo


def _with_objects(plan: Plan, object_plan: Any, targets: set[str] | None) -> Plan:
    """The guests' plan with the cluster objects' changes and errors added."""
    plan.resources = sort_resources(plan.resources + [r for r in object_plan.changes if _targeted(r, targets)])
    plan.errors += object_plan.errors
    return plan


def _with_pending(plan: Plan, again: Plan) -> Plan:
    """The plan with the guests compared again with PVE's pending values in place of their first comparison
    (their errors too)."""
    redone = {r.address: r for r in again.resources}
    plan.resources = sort_resources([redone.get(r.address, r) for r in plan.resources])
    prefixes = tuple(f"{address}: " for address in redone)
    plan.errors = [e for e in plan.errors if not e.startswith(prefixes)] + again.errors
    return plan


def _short(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def change_line(c: AttributeChange) -> str:
    """`memory: 2048 → 4096 (needs a reboot)`, `scsi0: resize — grows from 16 GiB to 40 GiB`."""
    if c.op in ("resize", "move", "detach", "migrate") or (c.detail and c.op == "set" and c.before is not None):
        text = f"{c.key}: {c.op} — {c.detail}"
    else:
        text = f"{c.key}: {_short(c.before)} → {_short(c.after)}"
    return text + (f" ({IMPACT_TEXT[c.impact]})" if c.impact != "in-place" else "")


def impact_sentence(plan: Plan) -> str:
    """`2 destructive (listed first), 1 disruptive, 1 needs a reboot.` (empty when all are in place)."""
    counts = plan.impact_counts()
    parts = [f"{counts['destructive']} destructive (listed first)" if counts["destructive"] else "",
             f"{counts['disruptive']} disruptive" if counts["disruptive"] else "",
             f"{counts['reboot']} needs a reboot" if counts["reboot"] else ""]
    return ", ".join(p for p in parts if p) + "." if any(parts) else ""


def render_plan(plan: Plan) -> str:
    """Human-readable plan: destructive guests first, each with its attribute changes and their impact."""
    lines: list[str] = []
    for r in plan.changes:
        where = r.what or f"{r.vmid or '?'} {r.name or ''} on {r.node or '?'}".strip()
        tag = f" [{IMPACT_TEXT[r.impact]}]" if r.impact != "in-place" else ""
        lines.append(f"{r.symbol} {r.address} ({where}){' — ' + r.reason if r.reason else ''}{tag}")
        if r.action in ("update", "replace") or (r.action == "create" and r.what):
            lines += [f"      {change_line(c)}" for c in r.changes]
        if r.action == "delete":
            lines.append(f"      the {r.what} is deleted" if r.what else "      the guest and its disks are deleted")
        if r.pending:
            lines.append(f"      (set already, waiting for a reboot: {', '.join(r.pending)})")
    for error in plan.errors:
        lines.append(f"! {error}")
    s = plan.summary()
    if plan.has_changes:
        lines.append(f"Plan: {s['create']} to create, {s['update']} to update in place, {s['replace']} to replace, "
                     f"{s['delete']} to delete, {s['no-op']} unchanged. {impact_sentence(plan)}".rstrip())
    else:
        objects = sum(1 for r in plan.resources if r.what)
        lines.append(f"No changes: the cluster matches the code ({s['no-op'] - objects} guests"
                     + (f", {objects} cluster objects)." if objects else ")."))
    return "\n".join(lines)


async def make_destroy_plan(ws: Workspace, db: Database, client: PVEClient, targets: set[str] | None = None) -> Plan:
    """A plan that deletes every guest the code declares (or only the targets) that exists in the cluster."""
    plan = await make_plan(ws, db, client, targets)
    resources = [ResourceChange(r.address, r.kind, r.vmid, r.name, r.node, "delete", reason="destroy",
                                digest=r.digest, impact="destructive", prevent_destroy=r.prevent_destroy)
                 for r in plan.resources if r.action != "create" and r.vmid is not None]
    errors = [e for e in plan.errors if not _is_guest_error(e, plan)]
    errors += [f"{r.address}: lifecycle.prevent_destroy is set — it is not destroyed; remove prevent_destroy "
               "from its code on purpose, or leave it out with --target" for r in resources if r.prevent_destroy]
    return Plan(workspace=plan.workspace, resources=sort_resources(resources), errors=errors)


def _is_guest_error(error: str, plan: Plan) -> bool:
    """An error about one guest's update (a disk that cannot shrink) does not stop destroying it."""
    return any(error.startswith(f"{r.address}: ") for r in plan.resources)
