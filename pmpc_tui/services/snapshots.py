"""Guest snapshots: list as a tree, create, roll back, delete — every rule, checked before anything is sent.

A snapshot name is PVE's `pve-configid` (a letter, then letters, digits, `-` or `_`; 2 to 40 characters) and
never `current` or `pending`. RAM (`--vmstate`) exists only for VMs, and only a running VM has RAM to save.
Rollback and delete refuse a locked guest (delete goes ahead with `force`), naming the next step.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.pve.client import ProgressCallback, PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, PVEError, ResourceLocked, ValidationFailed
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.task_events import watch_task

log = logging.getLogger("pmpc.snapshots")
NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]+", re.ASCII)
NAME_MAX = 40
RUNNING = ("running", "paused")  # a paused VM still has its RAM, and a rollback stops it too
ACTIONS = ("list", "create", "rollback", "delete")
Started = Callable[[str], None]  # told the task's UPID as soon as it starts (the console reports it itself)


def check_snapshot_name(value: object, field_name: str = "name") -> str:
    """A snapshot name as PVE accepts it, else ValidationFailed saying what is allowed."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed("invalid", {field_name: "a snapshot needs a name, e.g. before-upgrade"})
    name = value.strip()
    if len(name) > NAME_MAX:
        raise ValidationFailed("invalid", {field_name: f"{shown(name)} is longer than {NAME_MAX} characters"})
    if not NAME_RE.fullmatch(name):
        raise ValidationFailed("invalid", {field_name: f"{shown(name)} is not a snapshot name: start with a "
                                                       "letter, then letters, digits, - or _ (2–40 characters)"})
    if name == "current" or name.lower() == "pending":  # as PVE compares them
        raise ValidationFailed("invalid", {field_name: f"'{name}' is reserved by Proxmox VE: choose another name"})
    return name


@dataclass
class Snapshot:
    """One entry of a guest's snapshot tree; `current` is "You are here"."""

    name: str
    parent: str | None
    snaptime: int | None
    vmstate: bool
    description: str
    depth: int = 0

    @property
    def is_current(self) -> bool:
        return self.name == "current"

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "parent": self.parent, "snaptime": self.snaptime, "vmstate": self.vmstate,
                "description": self.description, "current": self.is_current, "depth": self.depth}


def snapshot_tree(entries: list[dict[str, Any]]) -> list[Snapshot]:
    """PVE's flat list as a tree in display order: parents before children (oldest first), `current` last
    among its siblings; `depth` is the level below the root."""
    nodes = {e["name"]: Snapshot(str(e["name"]), e.get("parent") or None, e.get("snaptime"),
                                 bool(e.get("vmstate")), str(e.get("description") or "").strip())
             for e in entries if e.get("name")}
    children: dict[str | None, list[Snapshot]] = {}
    for node in nodes.values():
        parent = node.parent if node.parent in nodes else None
        children.setdefault(parent, []).append(node)
    for group in children.values():
        group.sort(key=lambda s: (s.is_current, s.snaptime or 0, s.name))
    ordered: list[Snapshot] = []

    def walk(parent: str | None, depth: int) -> None:
        for node in children.get(parent, []):
            node.depth = depth
            ordered.append(node)
            if not node.is_current:
                walk(node.name, depth + 1)

    walk(None, 0)
    return ordered


def tree_lines(tree: list[Snapshot]) -> list[str]:
    """The tree as indented text lines, as the details pane and `snapshot list` show it."""
    import time

    lines = []
    for s in tree:
        indent = "  " * s.depth + ("└ " if s.depth else "")
        if s.is_current:
            lines.append(f"{indent}● current (You are here)")
            continue
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(s.snaptime)) if s.snaptime else ""
        extra = [when, "with RAM" if s.vmstate else "", s.description]
        lines.append(f"{indent}{s.name}" + "".join(f" · {x}" for x in extra if x))
    return lines


@dataclass
class SnapshotList:
    """A guest and its snapshot tree."""

    guest: GuestRef
    tree: list[Snapshot]

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.tree if not s.is_current]

    def rows(self) -> list[dict[str, Any]]:
        """One row per entry (JSON fields plus `tree`: the indented name a table shows)."""
        rows = []
        for s in self.tree:
            row = s.as_dict()
            if s.is_current or self.guest.kind != "qemu":
                row["vmstate"] = None  # containers have no RAM snapshots; `current` is no snapshot
            if s.is_current:
                row["description"] = ""  # PVE's "You are here!": the tree line says it
            indent = "  " * s.depth + ("└ " if s.depth else "")
            row["tree"] = f"{indent}● current (You are here)" if s.is_current else f"{indent}{s.name}"
            rows.append(row)
        return rows


async def list_snapshots(client: PVEClient, kind: str, ident: int | str) -> SnapshotList:
    """The guest's snapshots as a tree (with `current`)."""
    ref = await find_guest(client, kind, ident)
    return SnapshotList(ref, snapshot_tree(await client.get(f"{ref.path}/snapshot")))


@dataclass
class SnapshotResult:
    """What a snapshot action did (or would do, for a dry run)."""

    action: str
    guest: GuestRef
    name: str
    dry_run: bool
    upid: str | None = None
    exitstatus: str | None = None
    notes: list[str] = field(default_factory=list)
    status_after: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "vmid": self.guest.vmid, "name": self.guest.name, "node": self.guest.node,
                "type": self.guest.kind, "snapshot": self.name, "dry_run": self.dry_run, "upid": self.upid,
                "exitstatus": self.exitstatus, "status": self.status_after, "notes": self.notes}

    @property
    def message(self) -> str:
        verb = {"create": "snapshot", "rollback": "roll back", "delete": "delete snapshot"}[self.action]
        target = (f"{self.guest.label} as '{self.name}'" if self.action == "create"
                  else f"{self.guest.label} to '{self.name}'" if self.action == "rollback"
                  else f"'{self.name}' of {self.guest.label}")
        if self.dry_run:
            text = f"would {verb} {target} (dry run: nothing sent)"
        elif self.exitstatus:
            text = f"{verb} {target}: {self.exitstatus}"
            if self.status_after:
                text += f" — now {self.status_after}"
        else:
            text = f"{verb} {target}: task {self.upid}"
        return "\n".join([text, *self.notes])


def _locked(ref: GuestRef, lock: str, action: str, force_hint: bool = False) -> ResourceLocked:
    err = ResourceLocked(f"{ref.label} is locked ({lock}): {action} would fail")
    if force_hint:
        err.hint = ("Wait for the running task (proxmox-mpc tasks), or pass --force to delete the snapshot "
                    "anyway (use it to clear a snapshot left behind by a failed task).")
    return err


async def _guest_and_config(client: PVEClient, kind: str, ident: int | str) -> tuple[GuestRef, dict[str, Any]]:
    ref = await find_guest(client, kind, ident)
    return ref, await client.get(f"{ref.path}/config", current=1)


async def _names(client: PVEClient, ref: GuestRef) -> list[str]:
    """The guest's snapshot names (without `current`)."""
    return [str(e["name"]) for e in await client.get(f"{ref.path}/snapshot") if e.get("name") != "current"]


def _require_snapshot(ref: GuestRef, names: list[str], name: str) -> None:
    if name not in names:
        known = ", ".join(names[:8]) or "none yet"
        raise NotFound(f"{ref.label} has no snapshot '{name}' (snapshots: {known})",
                       f"List them: proxmox-mpc snapshot list {'vm' if ref.kind == 'qemu' else 'ct'} {ref.vmid}")


async def _run(client: PVEClient, result: SnapshotResult, upid: str, wait: bool, timeout: float,
               on_progress: ProgressCallback | None, on_started: Started | None = None) -> SnapshotResult:
    log.info("%s snapshot '%s' of %s: task %s", result.action, result.name, result.guest.label, upid)
    result.upid = upid
    watch_task(client, upid, result.guest)  # task events (a rollback: the guest's status), while someone listens
    if on_started is not None:
        on_started(upid)
    if wait:
        status = await client.wait_task(upid, timeout=timeout, on_progress=on_progress)
        result.exitstatus = status.get("exitstatus")
        if result.action == "rollback":
            current = await client.get(f"{result.guest.path}/status/current")
            result.status_after = str(current.get("status", ""))
    return result


async def create_snapshot(client: PVEClient, kind: str, ident: int | str, name: str, *, vmstate: bool = False,
                          description: str | None = None, dry_run: bool = False, wait: bool = True,
                          timeout: float = 300.0, on_progress: ProgressCallback | None = None,
                          on_started: Started | None = None) -> SnapshotResult:
    """Take a snapshot named `name` (with RAM when `vmstate` and the VM runs)."""
    name = check_snapshot_name(name)
    if vmstate and kind != "qemu":
        raise ValidationFailed("invalid", {"--vmstate": "containers have no RAM snapshot: leave --vmstate out"})
    ref, config = await _guest_and_config(client, kind, ident)
    if config.get("template"):
        raise ConflictError(f"{ref.label} is a template: templates have no snapshots",
                            "Clone it and snapshot the clone.")
    if config.get("lock"):
        raise _locked(ref, str(config["lock"]), "a snapshot")
    if name in await _names(client, ref):
        raise ConflictError(f"{ref.label} already has a snapshot '{name}'",
                            "Choose another name, or delete the old one first: proxmox-mpc snapshot delete "
                            f"{'vm' if kind == 'qemu' else 'ct'} {ref.vmid} {name}")
    result = SnapshotResult("create", ref, name, dry_run)
    if vmstate and ref.status not in RUNNING:
        result.notes.append(f"note: {ref.label} is not running, so there is no RAM to save (disks and config only)")
    if dry_run:
        return result
    params: dict[str, Any] = {"snapname": name}
    if description:
        params["description"] = description
    if vmstate and ref.status in RUNNING:
        params["vmstate"] = 1
    return await _run(client, result, await client.post(f"{ref.path}/snapshot", **params), wait, timeout,
                      on_progress, on_started)


def rollback_question(ref: GuestRef, name: str, start: bool = False) -> str:
    """The question asked before a rollback, naming the guest, the snapshot and what is lost."""
    stop = " It is stopped first." if ref.status in RUNNING else ""
    after = " It is started afterwards." if start else ""
    return f"Roll back {ref.label} to snapshot '{name}'? Every change since that snapshot is lost.{stop}{after}"


def delete_question(ref: GuestRef, name: str) -> str:
    """The question asked before deleting a snapshot."""
    return f"Delete snapshot '{name}' of {ref.label}? It cannot be rolled back to afterwards."


async def rollback_snapshot(client: PVEClient, kind: str, ident: int | str, name: str, *, start: bool = False,
                            dry_run: bool = False, wait: bool = True, timeout: float = 300.0,
                            on_progress: ProgressCallback | None = None,
                            on_started: Started | None = None) -> SnapshotResult:
    """Roll the guest back to `name` (the guest stops first; starts again with RAM or `start`)."""
    name = check_snapshot_name(name)
    ref, config = await _guest_and_config(client, kind, ident)
    _require_snapshot(ref, await _names(client, ref), name)
    if config.get("lock"):
        raise _locked(ref, str(config["lock"]), "a rollback")
    result = SnapshotResult("rollback", ref, name, dry_run)
    if dry_run:
        if ref.status in RUNNING:
            result.notes.append(f"note: {ref.label} is running: the rollback stops it first")
        return result
    params = {"start": 1} if start else {}
    return await _run(client, result, await client.post(f"{ref.path}/snapshot/{name}/rollback", **params), wait,
                      timeout, on_progress, on_started)


async def delete_snapshot(client: PVEClient, kind: str, ident: int | str, name: str, *, force: bool = False,
                          dry_run: bool = False, wait: bool = True, timeout: float = 300.0,
                          on_progress: ProgressCallback | None = None,
                          on_started: Started | None = None) -> SnapshotResult:
    """Delete snapshot `name` (its children move up to its parent); `force` goes ahead on a locked guest."""
    name = check_snapshot_name(name)
    ref, config = await _guest_and_config(client, kind, ident)
    _require_snapshot(ref, await _names(client, ref), name)
    if config.get("lock") and not force:
        raise _locked(ref, str(config["lock"]), "deleting a snapshot", force_hint=True)
    result = SnapshotResult("delete", ref, name, dry_run)
    if dry_run:
        return result
    params = {"force": 1} if force else {}
    return await _run(client, result, await client.delete(f"{ref.path}/snapshot/{name}", **params), wait,
                      timeout, on_progress, on_started)


async def snapshot_guests(client: PVEClient, targets: list[tuple[str, int]], name: str, *,
                          description: str | None = None, timeout: float = 300.0,
                          on_started: Started | None = None) -> list[SnapshotResult | str]:
    """Snapshot several guests with one name (the console's bulk form): a result or an error line per guest."""
    name = check_snapshot_name(name)
    out: list[SnapshotResult | str] = []
    for kind, vmid in targets:
        try:
            out.append(await create_snapshot(client, kind, vmid, name, description=description, timeout=timeout,
                                             on_started=on_started))
        except PVEError as exc:  # one guest's failure must not stop the others; each is reported
            out.append(f"{'VM' if kind == 'qemu' else 'CT'} {vmid}: {exc}")
    return out
