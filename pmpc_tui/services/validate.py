"""/validate: everything wrong with the workspace's code before a plan runs — parse errors, unknown
arguments, malformed values, duplicate names and VMIDs, and what the cluster cannot do (node offline,
storage, bridge, ISO or template missing, a clone source out of reach, a VMID taken, guests that do not fit).

`require_valid` is the gate apply goes through: errors stop it before anything is sent.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.iac.bpg import RESOURCE_TYPE, DesiredConfig, body_to_config
from pmpc_tui.iac.pveconf import parse_props
from pmpc_tui.iac.rules import Problem, body_problems, config_problems
from pmpc_tui.iac.terraform import DesiredGuest, DesiredObject
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.validate_memo import ValueMemo
from pmpc_tui.state.db import Database
from pmpc_tui.workspace.config import Workspace

MiB = 1024**2
_DRIVE = re.compile(r"^(ide|sata|scsi|virtio)\d+$|^(efidisk0|tpmstate0|rootfs)$|^mp\d+$")
_BRIDGE = re.compile(r"(?:^|,)bridge=([\w.-]+)")


@dataclass(frozen=True)
class Finding:
    """One problem: where (file:line, resource) and what, with what to do."""

    where: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "message": self.message, "severity": self.severity}


class CodeHasFindings(PVEError):
    """validate found errors in the workspace's code: nothing was planned for the cluster or sent to it."""

    exit_code = int(ExitCode.CHANGES)

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = [f for f in findings if f.severity == "error"]
        shown = "\n".join(f"  {f.where}: {f.message}" for f in self.findings[:20])
        more = f"\n  … and {len(self.findings) - 20} more" if len(self.findings) > 20 else ""
        super().__init__(f"validate found {len(self.findings)} error(s); nothing was applied:\n{shown}{more}",
                         "Fix them (`proxmox-mpc validate` lists them all) and apply again.")


def _unknown_names(guests: list[DesiredGuest], ctx: _Context) -> list[Finding]:
    """Arguments and blocks the bpg resources do not have (from the parsed, cached bodies: no second parse)."""
    from pmpc_tui.iac.checks import has_unknown_names, unknown_names_in

    findings = []
    for g in guests:
        if not has_unknown_names(RESOURCE_TYPE[g.kind], g.body):
            continue  # the file's text is only read to locate a finding
        for u in unknown_names_in(ctx.text(g.file), RESOURCE_TYPE[g.kind], g.label, g.body):
            findings.append(Finding(f"{ctx.ws.relative(g.file)}:{u.line}:{u.column}", u.message))
    return findings


def _object_findings(objects: list[DesiredObject], ctx: _Context) -> list[Finding]:
    """Cluster objects (pools, backup jobs, HA): unknown arguments, a missing id, one id declared twice."""
    if not objects:
        return []  # the object kinds are not even imported (a workspace of guests only)
    from pmpc_tui.iac.checks import locate
    from pmpc_tui.iac.objects import BY_RESOURCE
    from pmpc_tui.iac.vocabulary import META_ARGUMENTS

    findings = []
    seen: dict[tuple[str, str], str] = {}
    for obj in objects:
        otype = BY_RESOURCE[obj.resource_type]
        for name in sorted(set(obj.body) - otype.arguments - META_ARGUMENTS):
            line, column = locate(ctx.text(obj.file), obj.resource_type, obj.label, name)
            findings.append(Finding(f"{ctx.ws.relative(obj.file)}:{line}:{column}",
                                    f"{obj.address}: unknown argument '{name}' — a {otype.noun} has "
                                    + ", ".join(sorted(otype.arguments))
                                    + (NO_PASSWORDS if name == "password" else "")))
        key = otype.key(obj.body)
        if key is not None and (otype.kind, key) not in seen:
            seen[(otype.kind, key)] = obj.address
            continue  # no finding: the resource is not looked up in its file's text (slow on a big firewall.tf)
        line, column = locate(ctx.text(obj.file), obj.resource_type, obj.label, "resource")
        where = f"{ctx.ws.relative(obj.file)}:{line}:{column}"
        if key is None:
            findings.append(Finding(where, f"{obj.address}: names no {otype.noun} id"))
        else:
            findings.append(Finding(where, f"{obj.address}: {otype.noun} '{key}' is declared twice "
                                           f"(also {seen[otype.kind, key]})"))
    return findings


NO_PASSWORDS = " (proxmox-mpc never reads or writes passwords: set it in PVE, e.g. `pveum passwd USER`)"


@dataclass
class _Context:
    """What the checks of one validate run share: the workspace, its files' text, the cluster."""

    ws: Workspace
    cluster: Any
    managed: set[int]
    declared: dict[int, DesiredGuest]
    texts: dict[Path, str] = field(default_factory=dict)
    # volumes that must exist: (node, storage, content) → {volid: where}
    volumes: dict[tuple[str, str, str], dict[str, tuple[str, str]]] = field(default_factory=lambda: defaultdict(dict))
    by_vmid: dict[int, Any] = field(default_factory=dict)  # the cluster's guests by VMID and by lowercased name
    by_name: dict[str, list[Any]] = field(default_factory=dict)
    check_cluster: bool = True  # False offline without a state DB: nothing to check nodes and storage against

    def __post_init__(self) -> None:
        for guest in self.cluster.guests:
            self.by_vmid[guest.vmid] = guest
            self.by_name.setdefault((guest.name or "").lower(), []).append(guest)

    def text(self, path: Path) -> str:
        """A .tf file's text (read once per run)."""
        if path not in self.texts:
            try:
                self.texts[path] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                self.texts[path] = ""
        return self.texts[path]

    def where(self, g: DesiredGuest, path: str = "", index: int = 0) -> str:
        """`file:line:column` of an argument of a guest's resource (its header when not written out)."""
        from pmpc_tui.iac.checks import locate

        line, column = locate(self.text(g.file), RESOURCE_TYPE[g.kind], g.label, path or "resource", index)
        return f"{self.ws.relative(g.file)}:{line}:{column}"


def _duplicates(guests: list[DesiredGuest], ctx: _Context) -> list[Finding]:
    findings = []
    seen_ids: dict[int, DesiredGuest] = {}
    seen_names: dict[str, DesiredGuest] = {}
    for g in guests:
        if g.vmid is None:
            if "vm_id" not in g.body:
                findings.append(Finding(ctx.where(g), f"{g.address}: vm_id is missing; give every guest a VMID"))
        elif g.vmid in seen_ids:
            findings.append(Finding(ctx.where(g, "vm_id"), f"{g.address}: VMID {g.vmid} is also used by "
                                                            f"{seen_ids[g.vmid].address}"))
        else:
            seen_ids[g.vmid] = g
        name = g.name.lower()
        path = "name" if g.kind == "qemu" else "initialization.hostname"
        if name and name in seen_names:
            findings.append(Finding(ctx.where(g, path), f"{g.address}: name '{g.name}' is also used by "
                                                        f"{seen_names[name].address}"))
        elif name:
            seen_names[name] = g
    return findings


def _values(g: DesiredGuest, ctx: _Context) -> tuple[list[Finding], DesiredConfig | None]:
    """Malformed values of one guest; its desired config when it can be read."""
    def found(problems: list[Problem]) -> list[Finding]:
        return [Finding(ctx.where(g, p.path, p.index), f"{g.address}: {p.path}: {p.message}") for p in problems]

    problems = body_problems(g.kind, g.body)
    if problems:
        return found(problems), None
    try:
        desired = body_to_config(g.kind, g.body)
    except PVEError as exc:
        return [Finding(ctx.where(g), f"{g.address}: {exc.message}")], None
    return found(config_problems(g.kind, desired.config, g.body.get("vm_id"), desired.node or None,
                                 desired.ostemplate)), desired


def _number(value: Any, default: int) -> int:
    try:
        return int(float(str(value).split(",")[0].removeprefix("current=")))
    except ValueError:
        return default


def _storage_check(ctx: _Context, g: DesiredGuest, node: str, storage: str, content: str, what: str,
                   path: str, index: int = 0) -> Finding | None:
    entry = ctx.cluster.storages.get((node, storage))
    if entry is None:
        return Finding(ctx.where(g, path, index), f"{g.address}: {what}: storage '{storage}' does not exist on {node}")
    if content not in str(entry.content).split(","):
        return Finding(ctx.where(g, path, index), f"{g.address}: {what}: storage '{storage}' does not hold {content} "
                                                  f"(it holds {entry.content or 'nothing'})")
    return None


def _need_volume(ctx: _Context, g: DesiredGuest, node: str, volid: str, content: str, path: str) -> Finding | None:
    storage = volid.split(":", 1)[0]
    problem = _storage_check(ctx, g, node, storage, content, path, path)
    if problem is None:
        ctx.volumes[(node, storage, content)][volid] = (ctx.where(g, path), g.address)
    return problem


def _volid(key: str, value: Any) -> str:
    props = parse_props(str(value), "volume" if key == "rootfs" or key.startswith("mp") else "file")
    return props.get("file") or props.get("volume") or ""


def _disks(g: DesiredGuest, d: DesiredConfig, ctx: _Context, actual: Any) -> list[Finding]:
    """Storage, ISO and bridge of each drive and NIC — those the apply would set, not what the guest already has
    (an ISO deleted after the install must not stop an unrelated change)."""
    findings: list[Finding | None] = []
    content = "images" if g.kind == "qemu" else "rootdir"
    had = actual.config if actual is not None and actual.node == d.node else {}
    for key, value in sorted(d.config.items()):
        if not isinstance(value, str):
            continue
        if _DRIVE.match(key):
            volid = _volid(key, value)
            if ":" not in volid or volid.startswith("/") or (key in had and _volid(key, had[key]) == volid):
                continue
            number = int(re.sub(r"\D", "", key) or 0)
            path = {"efidisk0": "efi_disk.datastore_id", "tpmstate0": "tpm_state.datastore_id",
                    "rootfs": "disk.datastore_id"}.get(key, "mount_point.volume" if key.startswith("mp") else
                                                       "disk.datastore_id")
            if "media=cdrom" in value:
                if "cloudinit" in volid:
                    findings.append(_storage_check(ctx, g, d.node, volid.split(":")[0], "images", "cloud-init drive",
                                                   "initialization.datastore_id"))
                else:
                    findings.append(_need_volume(ctx, g, d.node, volid, "iso", "cdrom.file_id"))
                continue
            if d.clone and actual is None and key != "rootfs" and not key.startswith("mp"):
                continue  # the clone brings its disks
            findings.append(_storage_check(ctx, g, d.node, volid.split(":")[0], content, key, path,
                                           number if key.startswith("mp") else 0))
        elif key.startswith("net"):
            bridge = _BRIDGE.search(value)
            before = _BRIDGE.search(str(had.get(key, "")))
            if bridge and (d.node, bridge.group(1)) not in ctx.cluster.bridges and \
                    not (before and before.group(1) == bridge.group(1)):
                findings.append(Finding(ctx.where(g, "network_device.bridge" if g.kind == "qemu" else
                                                  "network_interface.bridge", int(key[3:] or 0)),
                                        f"{g.address}: {key}: bridge '{bridge.group(1)}' does not exist on {d.node}"))
    return [f for f in findings if f is not None]


def _clone(g: DesiredGuest, d: DesiredConfig, ctx: _Context) -> list[Finding]:
    clone = d.clone or {}
    source_id = clone.get("vm_id")
    if not isinstance(source_id, int):
        return []
    where = ctx.where(g, "clone.vm_id")
    source = ctx.by_vmid.get(source_id)
    if source is None:
        if source_id in ctx.declared:
            return []  # made by the same apply
        return [Finding(where, f"{g.address}: clone source {source_id} does not exist in the cluster")]
    findings: list[Finding] = []
    if source.kind != g.kind:
        findings.append(Finding(where, f"{g.address}: clone source {source_id} is a "
                                       f"{'VM' if source.kind == 'qemu' else 'container'}"))
    template = str(source.config.get("template", 0)) in ("1", "True", "true")
    if not template:
        linked = clone.get("full") is False
        findings.append(Finding(where, f"{g.address}: clone source {source_id} '{source.name}' is not a template"
                                       + ("; a linked clone needs one" if linked else
                                          " (cloning a guest in use copies disks that are changing)"),
                                "error" if linked else "warning"))
    if source.node != d.node and clone.get("node_name") != source.node:  # node_name set: clone there, migrate
        local = sorted({v.split(":")[0] for v in _disk_volumes(source.config)
                        if not _shared(ctx, source.node, v.split(":")[0])})
        if local:
            findings.append(Finding(where, (
                f"{g.address}: clone source {source_id} '{source.name}' is on {source.node} with its disks on local "
                f"storage ({', '.join(local)}), which {d.node} cannot reach: clone it on {source.node} and migrate "
                f"it to {d.node} afterwards (the bpg provider does this when clone.node_name = \"{source.node}\"), "
                "or keep the template on shared storage")))
    target = clone.get("datastore_id")
    if isinstance(target, str) and target:
        problem = _storage_check(ctx, g, d.node, target, "images" if g.kind == "qemu" else "rootdir",
                                 "clone.datastore_id", "clone.datastore_id")
        if problem:
            findings.append(problem)
    return findings


def _disk_volumes(config: dict[str, Any]) -> list[str]:
    """Volume IDs of a guest's disks (CD-ROMs and bind mounts left out)."""
    volids = [_volid(k, v) for k, v in config.items() if _DRIVE.match(k) and "media=cdrom" not in str(v)]
    return [v for v in volids if ":" in v and not v.startswith("/")]


def _snippets(g: DesiredGuest, d: DesiredConfig, ctx: _Context) -> list[Finding]:
    """Each `cicustom` snippet (user=local:snippets/x.yaml …) must be on a storage that holds snippets; whether
    the file is there is looked up with the other volumes. Snippets cannot be uploaded through the API."""
    findings = []
    for part in str(d.config.get("cicustom") or "").split(","):
        kind, _, volid = part.strip().partition("=")
        if ":" not in volid:
            continue
        storage = volid.split(":", 1)[0]
        what, path = f"cicustom {kind} snippet {volid}", f"initialization.{kind}_data_file_id"
        problem = _storage_check(ctx, g, d.node, storage, "snippets", what, path)
        if problem is None:
            ctx.volumes[(d.node, storage, "snippets")][volid] = (ctx.where(g, path), g.address)
        else:
            findings.append(problem)
    return findings


def _shared(ctx: _Context, node: str, storage: str) -> bool:
    entry = ctx.cluster.storages.get((node, storage))
    return bool(entry is not None and entry.shared)


def _cluster_findings(g: DesiredGuest, d: DesiredConfig, ctx: _Context) -> list[Finding]:
    """What the cluster cannot do for one guest (from the last sync)."""
    node = ctx.cluster.nodes.get(d.node)
    if node is None:
        known = ", ".join(sorted(ctx.cluster.nodes)) or "none synced yet (run sync)"
        return [Finding(ctx.where(g, "node_name"), f"{g.address}: node '{d.node}' does not exist (nodes: {known})")]
    findings: list[Finding] = []
    if node.status != "online":
        findings.append(Finding(ctx.where(g, "node_name"), f"{g.address}: node '{d.node}' is {node.status} "
                                                           "(sync again once it is back)"))
    actual = ctx.by_vmid.get(g.vmid) if g.vmid is not None else None
    creating = actual is None
    if actual is not None and g.vmid not in ctx.managed and g.imported_id is None:
        findings.append(Finding(ctx.where(g, "vm_id"), (
            f"{g.address}: VMID {g.vmid} is already used by {'VM' if actual.kind == 'qemu' else 'container'} "
            f"'{actual.name}' on {actual.node}, which this workspace does not manage; choose a free VMID "
            "(or `proxmox-mpc import` it to manage it)")))
    for other in ctx.by_name.get(g.name.lower(), []) if g.name else []:
        if other.vmid != g.vmid and other.vmid not in ctx.declared:
            findings.append(Finding(ctx.where(g, "name" if g.kind == "qemu" else "initialization.hostname"),
                                    f"{g.address}: name '{g.name}' is already used by guest {other.vmid} on "
                                    f"{other.node}"))
    findings += _disks(g, d, ctx, actual)
    findings += _snippets(g, d, ctx)
    if creating and d.clone:
        findings += _clone(g, d, ctx)
    if creating and g.kind == "lxc" and not d.clone:
        if not d.ostemplate:
            findings.append(Finding(ctx.where(g, "operating_system"), (
                f"{g.address}: operating_system.template_file_id is missing: a new container needs a template "
                "(e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst; `pveam` lists them)")))
        else:
            problem = _need_volume(ctx, g, d.node, d.ostemplate, "vztmpl", "operating_system.template_file_id")
            if problem:
                findings.append(problem)
    cores = _number(d.config.get("cores", 1), 1) * _number(d.config.get("sockets", 1), 1)
    if node.maxcpu and cores > node.maxcpu:
        findings.append(Finding(ctx.where(g, "cpu.cores"), f"{g.address}: {cores} vCPUs do not fit on {node.name} "
                                                           f"({node.maxcpu} CPUs)"))
    memory = _number(d.config.get("memory", 0), 0)
    if node.maxmem and memory * MiB > node.maxmem:
        findings.append(Finding(ctx.where(g, "memory.dedicated"), f"{g.address}: {memory} MiB of memory does not fit "
                                                                  f"on {node.name} ({node.maxmem // MiB} MiB)"))
    return findings


def _guest_findings(guests: list[DesiredGuest], ctx: _Context, memo: ValueMemo | None = None,
                    digests: dict[Path, str] | None = None) -> list[Finding]:
    """Everything about the declared guests that needs no request: names, values, the last sync.

    With `memo`, the value rules' findings of a guest whose file is unchanged are read, not worked out again."""
    digests = digests or {}
    unknown: list[Finding] = []
    per_guest: list[tuple[DesiredGuest, list[Finding], DesiredConfig | None]] = []
    for g in guests:
        key, sha256 = f"{g.file.name}:{g.kind}:{g.label}", digests.get(g.file)
        entry = memo.get(key, sha256) if memo is not None else None
        if entry is not None:
            unknown += [Finding(*f) for f in entry["unknown"]]
            per_guest.append((g, [Finding(*f) for f in entry["values"]], _config_from(g, entry["config"])))
            continue
        found_unknown = _unknown_names([g], ctx)
        found_values, config = _values(g, ctx)
        if memo is not None:
            memo.put(key, sha256, {"unknown": [_row(f) for f in found_unknown],
                                   "values": [_row(f) for f in found_values], "config": _config_row(config)})
        unknown += found_unknown
        per_guest.append((g, found_values, config))
    findings = unknown + _duplicates(guests, ctx)
    for g, values, desired in per_guest:
        findings += values
        if desired is not None and ctx.check_cluster:
            findings += _cluster_findings(g, desired, ctx)
    return findings


def _row(finding: Finding) -> list[str]:
    return [finding.where, finding.message, finding.severity]


def _config_row(config: DesiredConfig | None) -> Any:
    """The desired config as the memo keeps it: its fields, True when they are not plain JSON, None when unreadable."""
    if config is None:
        return None
    row = dict(config.__dict__)
    return row if _plain(row) else True


def _plain(value: Any) -> bool:
    """Whether JSON gives this value back exactly (no tuples, no Expr or other subclasses, no NaN)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if kind is list:
        return all(_plain(v) for v in value)
    if kind is float:
        return value == value and value not in (float("inf"), float("-inf"))
    return kind in (str, int, bool, type(None))


def _config_from(g: DesiredGuest, row: Any) -> DesiredConfig | None:
    if row is None:
        return None
    if isinstance(row, dict):
        return DesiredConfig(**row)
    return body_to_config(g.kind, g.body)  # readable, but not kept in the memo: work it out again


async def _volume_findings(ctx: _Context, client: PVEClient) -> list[Finding]:
    """ISOs, container templates and cicustom snippets the code names that their storage does not hold: one request per
    storage and content type (shared storage is listed once), never one per guest."""
    wanted: dict[tuple[str, str], tuple[str, dict[str, tuple[str, str]]]] = {}
    for (node, storage, content), volids in ctx.volumes.items():
        key = (storage if _shared(ctx, node, storage) else f"{node}/{storage}", content)
        if key in wanted:
            wanted[key][1].update(volids)
        else:
            wanted[key] = (node, dict(volids))

    async def listing(node: str, storage: str, content: str) -> set[str] | None:
        try:
            items = await client.get(f"/nodes/{node}/storage/{storage}/content", content=content)
        except PVEError:
            return None
        return {str(i.get("volid")) for i in items or []}

    keys = list(wanted)
    results = await asyncio.gather(*(listing(wanted[k][0], k[0].rsplit("/", 1)[-1], k[1]) for k in keys))
    findings = []
    for key, held in zip(keys, results, strict=True):
        node, volids = wanted[key]
        for volid, (where, address) in sorted(volids.items()):
            if held is None:
                findings.append(Finding(where, f"{address}: cannot list {key[1]} on {volid.split(':')[0]} to check "
                                               f"{volid}", "warning"))
            elif volid not in held and key[1] == "snippets":
                file, storage = volid.split(":", 1)[1], volid.split(":", 1)[0]
                findings.append(Finding(where, f"{address}: cicustom snippet {file} is not in storage '{storage}' "
                                               f"on {node} — snippets cannot be uploaded through the PVE API: copy "
                                               "it to the storage's snippets/ folder on the node (scp)"))
            elif volid not in held:
                what = "ISO image" if key[1] == "iso" else "container template"
                findings.append(Finding(where, f"{address}: {what} {volid} does not exist on {node}"))
    return findings


async def _image_findings(objects: list[DesiredObject], ctx: _Context, client: PVEClient) -> list[Finding]:
    """Declared images PVE would not download as written (services/image_checks.py)."""
    from pmpc_tui.iac.checks import locate
    from pmpc_tui.services.image_checks import image_problems

    findings = []
    for obj, argument, problem in await image_problems(objects, client):
        line, column = locate(ctx.text(obj.file), obj.resource_type, obj.label, argument)
        findings.append(Finding(f"{ctx.ws.relative(obj.file)}:{line}:{column}", f"{obj.address}: {problem}"))
    return findings


@dataclass
class _NoCluster:
    """What validate knows of the cluster offline in a fresh checkout: nothing."""

    nodes: dict[str, Any] = field(default_factory=dict)
    storages: dict[tuple[str, str], Any] = field(default_factory=dict)
    bridges: set[tuple[str, str]] = field(default_factory=set)
    guests: list[Any] = field(default_factory=list)


def offline_has_cluster(ws: Workspace) -> bool:
    """Whether `validate --offline` has a last sync to check against: the workspace's state DB exists
    (or PMPC_DATABASE_URL names one). A fresh checkout has none: it gets syntax and value rules only,
    and no state DB is created for it."""
    import os

    return bool(os.environ.get("PMPC_DATABASE_URL")) or ws.db_path.exists()


NO_CLUSTER = Finding(".proxmox-mpc/state.db",
                     "no state DB in this checkout: nodes, storage, bridges and VMIDs were not checked "
                     "(`proxmox-mpc sync` reads them, or run validate without --offline)", "warning")


async def _last_sync(db: Database | None, state_file: Path | None) -> Any:
    """The cluster as the last sync saw it: a SQLite state file is read with stdlib sqlite3 (no
    SQLAlchemy import: `validate --offline` passes `state_file` and no `db`), else through the ORM."""
    from pmpc_tui.services.last_sync import read_last_sync

    path = state_file if state_file is not None else (db.sqlite_path if db is not None else None)
    if path is not None:
        cluster = await asyncio.to_thread(read_last_sync, path)
        if cluster is not None:
            return cluster
    if db is None and state_file is not None:  # not readable as is (e.g. an older schema): open and migrate it
        from pmpc_tui.state.db import sqlite_url

        opened = Database(sqlite_url(state_file))
        try:
            await opened.open()
            return await _orm_cluster(opened)
        finally:
            await opened.close()
    if db is None:
        return _NoCluster()
    return await _orm_cluster(db)


async def _orm_cluster(db: Database) -> Any:
    from pmpc_tui.services.iac import _cluster  # imports SQLModel (~0.5 s)

    return await _cluster(db)


def offline_state_file(ws: Workspace) -> Path | None:
    """The SQLite state file `validate --offline` reads directly (None when PMPC_DATABASE_URL names
    another database or the checkout has none: then open the DB as usual, or skip the cluster checks)."""
    import os

    url = os.environ.get("PMPC_DATABASE_URL")
    if url:
        return Path(url.split(":///", 1)[1]) if url.startswith("sqlite") and ":///" in url else None
    return ws.db_path if ws.db_path.is_file() else None


async def validate_workspace(ws: Workspace, db: Database | None, client: PVEClient | None = None,
                             state_file: Path | None = None) -> list[Finding]:
    """All findings, in file order; no errors means plan/apply can run. With `client`, the ISOs and
    templates the code names are looked up too (one request per storage). Without `db` and `state_file`
    (offline in a fresh checkout) only the syntax and value rules run."""
    from pmpc_tui.services.plan import load_code, managed_guests

    desired = await asyncio.to_thread(load_code, ws, False)  # the syntax gate, as a list: validate goes on
    findings = [Finding(f"{ws.relative(p.path)}:{p.line}:{p.column}", f"does not parse: {p.message}")
                for p in desired.problems]
    cluster: Any = await _last_sync(db, state_file)
    ctx = _Context(ws, cluster, set(await asyncio.to_thread(managed_guests, ws)),
                   {g.vmid: g for g in desired.guests if g.vmid is not None})
    ctx.check_cluster = not isinstance(cluster, _NoCluster)
    memo = ValueMemo(ws.state_dir / "validate-memo.json" if ws.state_dir.is_dir() else None,
                     write=not ws.read_only)  # a read-only MCP server writes nothing
    # CPU work: off the event loop
    findings += await asyncio.to_thread(_guest_findings, desired.guests, ctx, memo, desired.digests)
    findings += _object_findings(desired.objects, ctx)
    await asyncio.to_thread(memo.save)
    if not ctx.check_cluster:
        findings.append(NO_CLUSTER)
    if client is not None and ctx.volumes:
        findings += await _volume_findings(ctx, client)
    if client is not None:
        findings += await _image_findings(desired.objects, ctx, client)
    return sorted(findings, key=_position)


def _position(finding: Finding) -> tuple[str, int, int]:
    """Sort key: file, then line and column."""
    file, _, rest = finding.where.partition(":")
    numbers = [int(n) for n in re.findall(r"\d+", rest)[:2]] + [0, 0]
    return file, numbers[0], numbers[1]


async def require_valid(ws: Workspace, db: Database, client: PVEClient | None = None) -> None:
    """The gate before apply: raise CodeHasFindings when validate finds an error (warnings pass)."""
    findings = await validate_workspace(ws, db, client)
    if any(f.severity == "error" for f in findings):
        raise CodeHasFindings(findings)
