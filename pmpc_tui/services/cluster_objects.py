"""Cluster objects (pools and members, backup jobs, HA resources and rules, firewall, storage definitions, SDN)
in plan, apply, drift and import.

The kinds are declared in `iac/objects/`; here they are read from the cluster in two batches, compared
with the code into the plan's `ResourceChange`s (with the same impacts and allow-destroy rule as guests:
deleting a pool, a backup job, an HA resource or rule is destructive), applied in a safe order (pools
before their members, parents before nested pools, HA resources before the rules naming them; deletes
in the reverse order) and written by import.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from pmpc_tui.iac.hcl import Import, Resource, render_import, render_resource
from pmpc_tui.iac.objects import BY_KIND, BY_RESOURCE, FILES, OBJECT_TYPES, TRAILERS, ObjectType, Read, Request
from pmpc_tui.iac.objects.base import UNREAD, Answers, Body
from pmpc_tui.iac.objects.firewall_guest import GUESTS_WITH_FIREWALL
from pmpc_tui.iac.terraform import DesiredObject
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import NotFound, PVEError
from pmpc_tui.pve.read_child import ChildReader
from pmpc_tui.services.changes import AttributeChange, worst
from pmpc_tui.services.firewall_feed import FirewallFeed
from pmpc_tui.workspace.config import Workspace

Actual = dict[str, dict[str, Body]]  # kind → id → canonical body
CREATED_FILE = "created-objects.json"


def is_object(kind: str) -> bool:
    return kind in BY_KIND


_GUEST_PATH = re.compile(r"^/nodes/[^/]+/(?:qemu|lxc)/(\d+)/")


READER_CHILDREN = 2  # import's object reads: ~1,500 guest firewall options at 1,500 guests, in two halves


async def read_objects_apart(client: PVEClient, firewalled: Awaitable[set[int]] | FirewallFeed | None = None,
                             resources: Awaitable[list[dict[str, Any]]] | None = None) -> Actual:
    """`read_objects` (import's: every kind) with its batches read by child processes on the other core, while
    this one reads the guests, writes the state database and renders; in-process where a child cannot start
    or fails (`pve/read_child.py`). Cancelling it ends the children."""
    reader = await ChildReader.start(client, READER_CHILDREN)
    try:
        return await read_objects(reader, firewalled=firewalled, resources=resources)
    finally:
        await reader.close()


async def read_objects(client: PVEClient | ChildReader, guests: set[int] | None = None,
                       firewalled: Awaitable[set[int]] | FirewallFeed | None = None,
                       resources: Awaitable[list[dict[str, Any]]] | None = None) -> Actual:
    """Every cluster object kind, read in batches (lists, then what the lists name). With `guests`, the
    per-guest objects (firewall rules and options: two requests a guest) are read for those VMIDs only —
    a plan reads those its code declares or its workspace manages, not every guest of a big cluster.
    `firewalled` (import): the VMIDs whose guest firewall can take effect — only their options are read (a
    `FirewallFeed`: read in batches as the feed names them, while the sync still reads the configs);
    `resources` (import): `/cluster/resources` as the sync read it in the same run (not read a second time)."""
    first = list(dict.fromkeys(r for t in OBJECT_TYPES for r in t.reads()))
    known: Answers = {(_RESOURCES, ()): await resources} if resources is not None else {}
    answers: Answers = dict(zip(first, await _get_all(client, first, known), strict=True))
    more = [(t, r) for t in OBJECT_TYPES for r in t.more_reads(answers) if r not in answers
            and (guests is None or not t.per_guest or _for_guests(r, guests))]
    # reading everything (import): a read a type marks `needed` waits for a later batch and may be skipped —
    # the options of a guest without a firewall=1 network device, the rules of a guest whose firewall is off
    later = [(t, r) for t, r in more if guests is None and t.needed is not None]
    waiting = {r for _, r in later}
    second = list(dict.fromkeys(r for _, r in more if r not in waiting))
    answers.update(zip(second, await _get_all(client, second), strict=True))
    if later and firewalled is not None:
        if isinstance(firewalled, FirewallFeed):
            await _read_as_named(client, firewalled, later, answers)
            answers[GUESTS_WITH_FIREWALL] = frozenset(firewalled.known)
        else:
            answers[GUESTS_WITH_FIREWALL] = frozenset(await firewalled)
    while later:  # each batch: the reads whose need is known now (those still unknown wait for its answers)
        decided = [(t, r, t.needed(r, answers)) for t, r in later if t.needed is not None]
        batch = [(t, r, need) for t, r, need in decided if need is not None] or decided
        reads = list(dict.fromkeys(r for _, r, need in batch if need is not False and r not in answers))
        answers.update(zip(reads, await _get_all(client, reads), strict=True))
        done = {r for _, r, _need in batch}
        later = [(t, r) for t, r in later if r not in done]
    out = ActualObjects({t.kind: t.actual(answers) for t in OBJECT_TYPES})
    out.skipped = list(dict.fromkeys(note for t in OBJECT_TYPES if t.skipped for note in t.skipped(answers)))
    out.firewalled = answers.get(GUESTS_WITH_FIREWALL)
    return out


async def _read_as_named(client: PVEClient | ChildReader, feed: FirewallFeed, later: list[tuple[ObjectType, Read]],
                         answers: Answers) -> None:
    """The reads of `later` that a named guest's firewall makes needed (its options), a batch each time the feed
    names more guests; what depends on their answers (the rules) is left to the loop after it."""
    async for vmids in feed.batches():
        view = {**answers, GUESTS_WITH_FIREWALL: frozenset(vmids)}
        reads = list(dict.fromkeys(r for t, r in later if r not in answers and _for_guests(r, vmids)
                                   and t.needed is not None and t.needed(r, view) is True))
        answers.update(zip(reads, await _get_all(client, reads), strict=True))


class ActualObjects(dict[str, dict[str, Body]]):
    """What `read_objects` read, with what import must leave out of the code (and says why)."""

    skipped: list[str]
    firewalled: frozenset[int] | None = None  # the guests whose firewall options were read (None: every guest's)


def _for_guests(r: Read, guests: set[int]) -> bool:
    found = _GUEST_PATH.match(r[0])
    return found is not None and int(found.group(1)) in guests


def guest_ids(keys: list[tuple[str, str]]) -> set[int]:
    """The VMIDs of per-guest object ids (`vm/101`, `container/200`) among (kind, id) pairs."""
    return {int(key.split("/", 1)[1]) for kind, key in keys
            if kind in BY_KIND and BY_KIND[kind].per_guest and key.split("/", 1)[-1].isdigit()}


def own_ids(client: PVEClient) -> frozenset[str]:
    """The user and the API token the profile logs in as (an ACL change must not take their rights away)."""
    return frozenset({client.settings.user, client.settings.auth_id})


def guest_of(kind: str, key: str) -> int | None:
    return BY_KIND[kind].guest_of(key) if kind in BY_KIND else None


def declared_keys(desired: list[DesiredObject]) -> list[tuple[str, str]]:
    """(kind, id) of the objects the code declares."""
    out = []
    for obj in desired:
        otype = BY_RESOURCE[obj.resource_type]
        key = otype.key(obj.body)
        if key is not None:
            out.append((otype.kind, key))
    return out


_RESOURCES = "/cluster/resources"


def _from_resources(r: Read, found: dict[Read, Any]) -> Any:
    """`/cluster/resources?type=X` answered from the full list read in the same batch (one request fewer:
    the full list is ~1,500 entries on a big cluster), or None."""
    full = found.get((_RESOURCES, ()))
    if r[0] != _RESOURCES or len(r[1]) != 1 or r[1][0][0] != "type" or not isinstance(full, list):
        return None
    wanted = ("qemu", "lxc") if r[1][0][1] == "vm" else (r[1][0][1],)
    return [e for e in full if isinstance(e, dict) and e.get("type") in wanted]


async def _get_all(client: PVEClient | ChildReader, reads: list[Read], known: Answers | None = None) -> list[Any]:
    """The answers of `reads`, in order (`known`: answers already at hand, not read again)."""
    found: dict[Read, Any] = dict(known or {})
    plain = [r for r in reads if not r[1] and r not in found]
    found.update(zip(plain, await client.get_many([p for p, _ in plain]), strict=True) if plain else ())
    for r in reads:
        if r[1] and (filtered := _from_resources(r, found)) is not None:
            found[r] = filtered

    async def one(r: Read) -> Any:
        try:
            return await client.get(r[0], **dict(r[1]))
        except PVEError as exc:
            return exc

    queried = [r for r in reads if r[1] and r not in found]
    found.update(zip(queried, await asyncio.gather(*(one(r) for r in queried)), strict=True))
    return [found[r] for r in reads]


def fingerprint(body: Body | None) -> str | None:
    """What the plan saw of one object (a saved plan is refused when it moved)."""
    if body is None:
        return None
    return hashlib.sha256(json.dumps(compared(body), sort_keys=True, default=str).encode()).hexdigest()[:16]


def compared(body: Body) -> Body:
    """The arguments of a body that are compared (`_`-keys are facts kept beside them: a user's token ids, an
    image's download URL)."""
    return {k: v for k, v in body.items() if not k.startswith("_")}


# --- which objects the workspace manages -------------------------------------------------------
def managed_objects(ws: Workspace) -> dict[tuple[str, str], str]:
    """(kind, id) → address of the objects the workspace manages: the tracked terraform/.managed.json, plus
    the local records (import's copies of the object files, apply's created-objects.json)."""
    from pmpc_tui.iac.hcl import HclError, parse
    from pmpc_tui.services.managed import read_managed

    managed: dict[tuple[str, str], str] = dict(read_managed(ws).objects)
    memo = _read_memo(ws)
    fresh: dict[str, Any] = {}
    for name in FILES:  # only the object files: the guests' records are thousands of files
        path = ws.generated_dir / "terraform" / name
        try:
            stat = path.stat()
        except OSError:
            continue
        signature = [stat.st_mtime_ns, stat.st_size]
        entry = memo.get(name)
        if not (isinstance(entry, dict) and entry.get("signature") == signature):
            try:
                parsed = parse(path.read_text(encoding="utf-8"), name)
            except (OSError, UnicodeDecodeError, HclError):
                continue
            found = []
            for resource in parsed.resources:
                otype = BY_RESOURCE.get(resource.type)
                key = otype.key(resource.body) if otype is not None else None
                if otype is not None and key is not None:
                    found.append([otype.kind, key, resource.address])
            entry = {"signature": signature, "objects": found}
        fresh[name] = entry
        for kind, key, address in entry["objects"]:
            managed[(str(kind), str(key))] = str(address)
    if fresh != memo and not ws.read_only:
        _write_memo(ws, fresh)
    for kind, key, address in _created(ws):
        managed[(kind, key)] = address
    return managed


def remember_object_records(ws: Workspace, actual: Actual, written: list[str]) -> None:
    """Put in the memo below what the object files import just wrote to its records hold (`written`: their
    names), taken from what was rendered, so `managed_objects` parses none of them again."""
    if ws.read_only:
        return
    found: dict[str, list[list[str]]] = {}
    for otype in OBJECT_TYPES:
        for key, body in actual.get(otype.kind, {}).items():
            if not body.get(UNREAD):
                found.setdefault(otype.file, []).append([otype.kind, key, otype.address(otype.label(key))])
    memo = _read_memo(ws)
    for name in written:
        try:
            stat = (ws.generated_dir / "terraform" / name).stat()
        except OSError:
            memo.pop(name, None)
            continue
        memo[name] = {"signature": [stat.st_mtime_ns, stat.st_size], "objects": found.get(name, [])}
    _write_memo(ws, memo)


MEMO_FILE = "managed-objects.json"  # the object records' (kind, id, address), by file size and mtime


def _read_memo(ws: Workspace) -> dict[str, Any]:
    try:
        data = json.loads((ws.state_dir / MEMO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_memo(ws: Workspace, memo: dict[str, Any]) -> None:
    from pmpc_tui.config.files import atomic_write

    try:
        atomic_write(ws.state_dir / MEMO_FILE, json.dumps(memo) + "\n", backup=False)
    except OSError:
        pass  # a memo only saves time


def _created(ws: Workspace) -> list[tuple[str, str, str]]:
    try:
        data = json.loads((ws.state_dir / CREATED_FILE).read_text())
        return [(str(k), str(i), str(a)) for k, i, a in data]
    except (OSError, ValueError, TypeError):
        return []


def record_created(ws: Workspace, created: list[tuple[str, str, str]]) -> None:
    from pmpc_tui.config.files import atomic_write

    known = dict.fromkeys(_created(ws) + created)
    atomic_write(ws.state_dir / CREATED_FILE, json.dumps(sorted(known)) + "\n", backup=False)


# --- planning ----------------------------------------------------------------------------------
@dataclass
class ObjectPlan:
    """The object part of a plan: its changes (as the plan's ResourceChange) and its errors."""

    changes: list[Any]
    errors: list[str]


def _diff(otype: ObjectType, before: Body, after: Body) -> list[AttributeChange]:
    return [AttributeChange(arg, before.get(arg), after.get(arg), otype.impact(arg, before.get(arg), after.get(arg)))
            for arg in sorted(set(compared(before)) | set(compared(after))) if before.get(arg) != after.get(arg)]


def plan_objects(desired: list[DesiredObject], actual: Actual, managed: dict[tuple[str, str], str],
                 gone_guests: set[int] | None = None, own: frozenset[str] = frozenset()) -> ObjectPlan:
    """Compare the code's objects with the cluster's (pure). An object of a guest in `gone_guests` (one this
    plan deletes, or that neither the code nor the cluster has) goes with its guest: its code is left out.
    `own`: the profile's user and token ids — an ACL change that takes their rights away is an error."""
    from pmpc_tui.services.plan import ResourceChange

    changes: list[ResourceChange] = []
    errors: list[str] = []
    declared: dict[tuple[str, str], str] = {}
    for obj in desired:
        otype = BY_RESOURCE[obj.resource_type]
        key = otype.key(obj.body)
        if key is None:
            errors.append(f"{obj.address}: names no {otype.noun} id (see docs/iac.md for its arguments)")
            continue
        if gone_guests and otype.guest_of(key) in gone_guests:
            continue
        if (otype.kind, key) in declared:
            errors.append(f"{obj.address}: {otype.noun} '{key}' is declared twice (also {declared[otype.kind, key]})")
            continue
        declared[(otype.kind, key)] = obj.address
        after = otype.normalize(obj.body)
        before = actual.get(otype.kind, {}).get(key)
        if before is None and otype.unread(key, actual.get(otype.kind, {})):
            continue  # where it would be could not be read (an offline node): neither created nor deleted
        change = ResourceChange(obj.address, otype.kind, None, key, "", "no-op", digest=fingerprint(before),
                                desired={"id": key, "body": after, "actual": before})
        if before is None:
            change.action, change.reason = "create", f"new {otype.noun}"
            change.changes = [AttributeChange(k, None, v) for k, v in sorted(compared(after).items())]
            problem = otype.cannot_create(after)
            if problem:
                errors.append(f"{obj.address}: {otype.noun} '{key}': {problem}")
        else:
            change.changes = _diff(otype, before, after)
            change.impact = worst([c.impact for c in change.changes])
            change.action = "update" if change.changes else "no-op"
        changes.append(change)
    for (kind, key), address in sorted(managed.items()):
        gone = actual.get(kind, {}).get(key)
        if (kind, key) in declared or gone is None:
            continue
        otype = BY_KIND[kind]
        changes.append(ResourceChange(address, kind, None, key, "", "delete", reason="removed from the code",
                                      digest=fingerprint(gone), impact=otype.delete_impact,
                                      desired={"id": key, "body": None, "actual": gone}))
    if own:
        from pmpc_tui.iac.objects.access import own_rights_lost

        errors += own_rights_lost(changes, actual, own)
    return ObjectPlan(changes, errors)


def unmanaged_objects(actual: Actual, declared: set[tuple[str, str]], managed: dict[tuple[str, str], str],
                      ) -> list[dict[str, Any]]:
    """Objects in the cluster no code describes (drift lists them; import takes them in)."""
    return [{"type": kind, "id": key, "what": BY_KIND[kind].noun}
            for kind, objects in actual.items() for key in sorted(objects)
            if not objects[key].get(UNREAD) and (kind, key) not in declared and (kind, key) not in managed]


# --- applying ----------------------------------------------------------------------------------
def apply_order(change: Any) -> tuple[int, int, str]:
    """Creates and updates: rising rank, parents first; deletes (sorted reversed) the other way round."""
    otype = BY_KIND[change.kind]
    return otype.rank, otype.depth(change.name), change.name


def requests_for(change: Any) -> list[Request]:
    otype = BY_KIND[change.kind]
    desired = change.desired or {}
    key, after, before = desired.get("id", change.name), desired.get("body"), desired.get("actual")
    if change.action == "create":
        return otype.create(key, after or {})
    if change.action == "delete":
        return otype.delete(key, before or {})
    return otype.update(key, before or {}, after or {})


async def apply_object(client: PVEClient, change: Any) -> str:
    """Send one object change's requests, in order; a request that starts a task (an image's download) is
    waited for, and its UPID is named in the outcome."""
    tasks = []
    for r in requests_for(change):
        try:
            upid = await client.request(r.method, r.path, r.params)  # (a parameter may be called `path`)
        except NotFound:
            if change.action == "delete":
                return "already gone"
            raise
        if isinstance(upid, str) and upid.startswith("UPID:"):
            tasks.append(upid)
            await client.wait_task(upid, timeout=3600)  # a large image downloads for a while
    noun = BY_KIND[change.kind].noun
    done = {"create": f"created {noun} {change.name}", "delete": f"deleted {noun} {change.name}"}.get(
        change.action, f"updated {', '.join(c.key for c in change.changes)}")
    return done + (f" (task {', '.join(tasks)})" if tasks else "")


async def stale_objects(client: PVEClient, changes: list[Any]) -> list[str]:
    """Objects of a saved plan that changed in the cluster since the plan was made."""
    planned = [c for c in changes if is_object(c.kind)]
    if not planned:
        return []
    actual = await read_objects(client, guest_ids([(c.kind, c.name) for c in planned]))
    return [f"{c.address} ({BY_KIND[c.kind].noun} {c.name}) changed since the plan was made" for c in planned
            if fingerprint(actual.get(c.kind, {}).get(c.name)) != c.digest]


# --- import --------------------------------------------------------------------------------------
def object_files(actual: Actual) -> dict[str, str]:
    """terraform/<file> → text: an import block and a resource per object, grouped by file."""
    parts: dict[str, list[str]] = {}
    addresses: dict[str, list[str]] = {}
    for otype in OBJECT_TYPES:
        for key, body in sorted(actual.get(otype.kind, {}).items(), key=lambda kv: (otype.depth(kv[0]), kv[0])):
            if body.get(UNREAD):
                continue
            resource = Resource(otype.resource_type, otype.label(key),
                                compared(otype.written(key, body) if otype.written else body))
            import_id = otype.import_id(key, body)
            parts.setdefault(otype.file, []).append(
                render_import(Import(resource.address, import_id)) if import_id is not None
                else f"# the provider cannot import a {otype.noun}: proxmox-mpc plans it as the existing one\n")
            parts[otype.file].append((otype.note(key, body) or "") + render_resource(resource))
            addresses.setdefault(otype.file, []).append(resource.address)
            parts[otype.file].extend(otype.extra(key, body) if otype.extra else [])
    for file, trailer in TRAILERS.items():
        if file in parts:
            parts[file].append(trailer(addresses[file]))
    out = {}
    for file, blocks in parts.items():
        head = (f"# {file.removesuffix('.tf').replace('_', ' ')} of the cluster\n"
                "# Imported by proxmox-mpc: `terraform plan` adopts them instead of creating them.\n")
        out[f"terraform/{file}"] = "\n".join([head, *blocks])
    return out
