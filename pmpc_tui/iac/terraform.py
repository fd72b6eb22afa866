"""Terraform files for a workspace: one file per guest (import block + bpg resource) and the provider files."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.config.files import atomic_write
from pmpc_tui.iac.bpg import RESOURCE_TYPE, GuestState, Mapped, guest_to_body, import_lifecycle
from pmpc_tui.iac.gate import SyntaxProblem, hcl_problems
from pmpc_tui.iac.hcl import (
    Body,
    Expr,
    HclError,
    HclFile,
    Import,
    Resource,
    parse,
    parse_fast,
    render_import,
    render_resource,
)
from pmpc_tui.iac.render import render_template
from pmpc_tui.pve.errors import CodeDoesNotParse

KIND_PREFIX = {"qemu": "vm", "lxc": "ct"}


def guest_file_name(kind: str, vmid: int) -> str:
    """`vm-101.tf` / `ct-200.tf`: named by VMID so a rename keeps the file (and its history)."""
    return f"{KIND_PREFIX[kind]}-{vmid}.tf"


def resource_label(name: str, vmid: int, taken: set[str]) -> str:
    """A Terraform label from the guest name (`web-01` → `web_01`), unique within `taken`."""
    label = re.sub(r"[^A-Za-z0-9_]", "_", name).strip("_") or f"guest_{vmid}"
    if not re.match(r"[A-Za-z_]", label):
        label = f"guest_{label}"
    if label in taken:
        label = f"{label}_{vmid}"
    return label


def render_guest_file(kind: str, label: str, mapped: Mapped, import_id: str | None, title: str) -> str:
    """The text of one guest's .tf file."""
    body = dict(mapped.body)
    lines = [f"# {title}"]
    if import_id:
        lifecycle = import_lifecycle(kind)
        if lifecycle:
            body["lifecycle"] = [lifecycle]
        lines.append("# Imported by proxmox-mpc: `terraform plan` adopts the existing guest instead of creating it.")
    if mapped.unmanaged:
        lines.append(f"# Not managed here (left as they are): {', '.join(mapped.unmanaged)}")
    for warning in mapped.warnings:
        lines.append(f"# Note: {warning}")
    parts = ["\n".join(lines) + "\n"]
    resource = Resource(RESOURCE_TYPE[kind], label, body)
    if import_id:
        parts.append(render_import(Import(resource.address, import_id)))
    parts.append(render_resource(resource))
    return "\n".join(parts)


def guest_file(guest: GuestState, label: str, ct_template: str | None = None, imported: bool = True) -> tuple[str, str]:
    """(file name, text) for a synced guest."""
    mapped = guest_to_body(guest, ct_template)
    import_id = f"{guest.node}/{guest.vmid}" if imported else None
    return guest_file_name(guest.kind, guest.vmid), render_guest_file(guest.kind, label, mapped, import_id,
                                                                      guest_title(guest))


def guest_title(guest: GuestState) -> str:
    """The first comment line of a guest's file."""
    what = "VM" if guest.kind == "qemu" else "container"
    return f"{what} {guest.vmid} '{guest.name}' on {guest.node}"


def provider_files(provider_version: str, endpoint: str, insecure: bool) -> dict[str, str]:
    """versions.tf and variables.tf."""
    return {"versions.tf": render_template("versions.tf", provider_version=provider_version),
            "variables.tf": render_template("variables.tf", endpoint=endpoint, insecure=insecure)}


# --- reading the desired state ----------------------------------------------------------------
@dataclass
class DesiredGuest:
    """One guest resource the workspace's .tf files declare."""

    kind: str
    label: str
    file: Path
    body: dict[str, object]
    imported_id: str | None = None

    @property
    def vmid(self) -> int | None:
        vmid = self.body.get("vm_id")
        return vmid if isinstance(vmid, int) else None

    @property
    def node(self) -> str:
        return str(self.body.get("node_name", ""))

    @property
    def name(self) -> str:
        if self.kind == "qemu":
            return str(self.body.get("name", ""))
        init = self.body.get("initialization")
        if isinstance(init, list) and init and isinstance(init[0], dict):
            return str(init[0].get("hostname", ""))
        return ""

    @property
    def address(self) -> str:
        return f"{RESOURCE_TYPE[self.kind]}.{self.label}"


@dataclass
class DesiredObject:
    """One cluster object resource (pool, backup job, HA …, see iac/objects) the .tf files declare."""

    resource_type: str
    label: str
    file: Path
    body: dict[str, object]
    imported_id: str | None = None

    @property
    def address(self) -> str:
        return f"{self.resource_type}.{self.label}"


@dataclass
class DesiredState:
    """Everything the workspace's terraform/*.tf files declare, and why files could not be read."""

    guests: list[DesiredGuest] = field(default_factory=list)
    objects: list[DesiredObject] = field(default_factory=list)
    problems: list[SyntaxProblem] = field(default_factory=list)
    root: Path | None = None  # problems are shown relative to this folder
    digests: dict[Path, str] = field(default_factory=dict)  # sha256 of each file read (validate's memo key)
    # the parse cache's write, when `load_desired_state(save_later=True)` left it to the caller
    save_cache: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[str]:
        """Each problem as `file:line:column: message`."""
        return [p.render(self.root) for p in self.problems]

    def by_vmid(self) -> dict[int, DesiredGuest]:
        return {g.vmid: g for g in self.guests if g.vmid is not None}

    def require_parsed(self) -> DesiredState:
        """Raise CodeDoesNotParse when any file failed: nothing may be planned from partial code."""
        if self.problems:
            raise CodeDoesNotParse(self.errors)
        return self

_RESOURCE_HEAD = re.compile(r'^resource\s+"(proxmox_virtual_environment_(?:vm|container))"\s+"([^"]+)"', re.M)
_TOP_VMID = re.compile(r"^ {0,2}vm_id\s*=\s*(\d+)", re.M)
_IMPORT_TO = re.compile(r"^\s*to\s*=\s*([\w.]+)", re.M)


@dataclass
class ScannedGuest:
    """A guest resource found by a quick text scan (no full parse): enough to keep labels stable."""

    kind: str
    label: str
    vmid: int | None
    file: Path
    imported: bool


def scan_guest_resources(terraform_dir: Path, memo_path: Path | None = None, write_memo: bool = True,
                         ) -> list[ScannedGuest]:
    """Labels, VMIDs and import status of the guest resources in terraform/*.tf, found with regular
    expressions — about 50x faster than parsing, which matters when re-importing thousands of guests.

    With `memo_path`, what a file held is remembered by its size and modification time: for folders only
    proxmox-mpc writes (the records of generated files), where reading 1,500 files cost every plan ~0.1 s."""
    if not terraform_dir.is_dir():
        return []
    memo: dict[str, Any] = {}
    if memo_path is not None:
        try:
            memo = json.loads(memo_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            memo = {}
        memo = memo if isinstance(memo, dict) else {}
    kinds = {v: k for k, v in RESOURCE_TYPE.items()}
    found: list[ScannedGuest] = []
    fresh: dict[str, Any] = {}
    with os.scandir(terraform_dir) as entries:
        files = sorted((e.name, e) for e in entries if e.name.endswith(".tf") and e.is_file())
    for name, entry in files:
        path = terraform_dir / name
        if memo_path is not None:
            try:
                stat = entry.stat()
            except OSError:
                continue
            stamp = [stat.st_mtime_ns, stat.st_size]
            hit = memo.get(name)
            if isinstance(hit, dict) and hit.get("stamp") == stamp:
                fresh[name] = hit
                found += [ScannedGuest(k, label, vmid, path, imported) for k, label, vmid, imported in hit["guests"]]
                continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        imported = set(_IMPORT_TO.findall(text))
        heads = list(_RESOURCE_HEAD.finditer(text))
        scanned = []
        for i, head in enumerate(heads):
            segment = text[head.end():heads[i + 1].start() if i + 1 < len(heads) else len(text)]
            vmid = _TOP_VMID.search(segment)
            scanned.append(ScannedGuest(kinds[head.group(1)], head.group(2), int(vmid.group(1)) if vmid else None,
                                        path, f"{head.group(1)}.{head.group(2)}" in imported))
        found += scanned
        if memo_path is not None:
            fresh[name] = {"stamp": stamp, "guests": [[g.kind, g.label, g.vmid, g.imported] for g in scanned]}
    if memo_path is not None and write_memo and fresh != memo:
        try:
            atomic_write(memo_path, json.dumps(fresh, separators=(",", ":")), backup=False)
        except OSError:
            pass  # a read-only checkout: scanned all the same, only not remembered
    return found


def remember_scanned(folder: Path, memo_path: Path, written: dict[str, list[ScannedGuest]]) -> None:
    """Put in `scan_guest_resources`' memo what files just written to `folder` hold (by their size and time
    now), so no scan reads them again: import takes what it rendered, not a re-read of 1,500 files."""
    try:
        memo = json.loads(memo_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        memo = {}
    memo = memo if isinstance(memo, dict) else {}
    for name, guests in written.items():
        try:
            stat = (folder / name).stat()
        except OSError:
            memo.pop(name, None)
            continue
        memo[name] = {"stamp": [stat.st_mtime_ns, stat.st_size],
                      "guests": [[g.kind, g.label, g.vmid, g.imported] for g in guests]}
    try:
        atomic_write(memo_path, json.dumps(memo, separators=(",", ":")), backup=False)
    except OSError:
        pass  # a memo only saves time


_PLAIN = frozenset({str, int, float, bool, type(None)})  # kept as they are, without a call (~3x faster)


def _encode(value: Any) -> Any:
    """The cache's JSON form of a body: each Expr as `{"__expr__": "var.x"}`."""
    kind = type(value)
    if kind is dict:
        return {k: v if type(v) in _PLAIN else _encode(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else _encode(v) for v in value]
    if isinstance(value, Expr):
        return {"__expr__": str(value)}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode_object(value: dict[str, Any]) -> Any:
    """json object_hook: `{"__expr__": "var.x"}` becomes Expr("var.x")."""
    if len(value) == 1 and "__expr__" in value:
        return Expr(value["__expr__"])
    return value


Read = tuple[list[tuple[str, str, Body, str | None]], list[tuple[str, str, Body, str | None]]]


def _parse_guests(text: str, path: Path, parsed: HclFile | None = None) -> Read:
    """(guests, cluster objects) of one file: kind or resource type, label, body, import id."""
    from pmpc_tui.iac.objects import BY_RESOURCE

    kinds = {v: k for k, v in RESOURCE_TYPE.items()}
    parsed = parsed or parse(text, str(path), keep_other=False)
    imports = {imp.to: imp.id for imp in parsed.imports}
    return ([(kinds[r.type], r.name, r.body, imports.get(r.address)) for r in parsed.resources if r.type in kinds],
            [(r.type, r.name, r.body, imports.get(r.address)) for r in parsed.resources if r.type in BY_RESOURCE])


def _plain_read(data: bytes, path: Path) -> tuple[list[SyntaxProblem], HclFile | None]:
    """A file the fast reader reads needs no second parse by Terraform's grammar (pygohcl, ~0.6 ms a file, the
    larger half of reading a fresh checkout): its subset is plain HCL Terraform accepts — blocks opened at the
    end of a line, known top-level blocks, literal strings without control characters, ASCII names
    (tests/iac/test_hcl_fast_reader.py checks mutated files against pygohcl). (problems, the file or None)."""
    from pmpc_tui.iac.gate import text_problem

    bad = text_problem(data, path)
    if bad is not None:
        return [bad], None
    return [], parse_fast(data.decode("utf-8"), keep_other=False)


# a file's stamp is trusted only when it was last written this long before it was read: a change in the same
# clock tick as the read (same size, same times) could not be told apart (git's "racy clean" rule)
_STAMP_SETTLED_S = 3.0


def _stamp(st: os.stat_result) -> list[int]:
    """What changes whenever a file's content does: size, modification and change time (the latter cannot be set
    back by touch or by a tool that keeps times), inode (a file replaced by a copy)."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _read_cache(cache_path: Path) -> dict[str, Any]:
    """The parse cache (an empty one when missing or damaged); expressions are decoded while the JSON is read."""
    import gc

    enabled = gc.isenabled()
    gc.disable()  # ~30,000 containers that all survive: collecting while they are built only costs time
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"), object_hook=_decode_object)
    except (OSError, ValueError):
        cache = {}
    finally:
        if enabled:
            gc.enable()
    return cache if isinstance(cache, dict) else {}


def load_desired_state(terraform_dir: Path, cache_path: Path | None = None, write_cache: bool = True,
                       strict: bool = True, save_later: bool = False) -> DesiredState:
    """Parse every .tf file and collect the bpg VM and container resources (and the cluster objects').

    Each file passes the syntax gate first (UTF-8 text, Terraform's HCL grammar — a file the fast reader
    reads is in it already, see `_plain_read`); with `strict` any failing file raises CodeDoesNotParse,
    otherwise the problems are returned with the guests read. With `cache_path`, results are remembered
    per file content (sha256): a plan over thousands of unchanged files reads the cache instead; a file whose
    stamp (size, times, inode) is the one remembered with its content is not even read again (`_stamp`).
    `write_cache=False` reads the cache but never writes it (for callers that must touch no file); with
    `save_later` the write is left to the caller as `state.save_cache` (a plan does it while the cluster is read).
    """
    import time

    state = DesiredState(root=terraform_dir.parent)
    if not terraform_dir.is_dir():
        return state
    cache = _read_cache(cache_path) if cache_path is not None else {}
    fresh: dict[str, Any] = {}
    settled = time.time() - _STAMP_SETTLED_S
    # iterdir's Paths are made without parsing each one again (`dir / name` cost ~10 µs a file); sorted by name:
    # comparing Paths is ~10x slower
    for path in sorted((p for p in terraform_dir.iterdir() if p.name.endswith(".tf")), key=lambda p: p.name):
        name = path.name
        hit = cache.get(name)
        stamp = None
        if cache_path is not None:
            try:
                st = os.stat(path)
                stamp = _stamp(st) if st.st_mtime < settled and st.st_ctime < settled else None
            except OSError:
                pass  # reading it tells what is wrong
        if stamp is not None and isinstance(hit, dict) and hit.get("stamp") == stamp and "objects" in hit:
            digest = state.digests[path] = hit["sha256"]  # the content remembered with exactly this stamp
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                state.problems.append(SyntaxProblem(path, 1, 1, f"cannot read: {exc.strerror or exc}"))
                continue
            digest = state.digests[path] = hashlib.sha256(data).hexdigest()
        if isinstance(hit, dict) and hit.get("sha256") == digest and "objects" in hit:
            if hit.get("stamp") != stamp:
                hit = {**hit, "stamp": stamp}
            fresh[name] = hit  # the same object: comparing with the cache below is then cheap
            state.guests.extend(DesiredGuest(kind, label, path, body, imported)
                                for kind, label, body, imported in hit["guests"])
            state.objects.extend(DesiredObject(rtype, label, path, body, imported)
                                 for rtype, label, body, imported in hit["objects"])
            continue
        problems, plain = _plain_read(data, path)
        if plain is not None:
            guests, objects = _parse_guests("", path, plain)
        elif not problems:
            problems = hcl_problems(data, path)
        if plain is None and not problems:
            try:
                guests, objects = _parse_guests(data.decode("utf-8"), path)
            except HclError as exc:
                problems = [SyntaxProblem(path, 1, 1, str(exc).removeprefix(f"{path}: "))]
        if problems:
            state.problems.extend(problems)
            continue
        fresh[name] = {"sha256": digest, "stamp": stamp, "guests": [[k, n, b, i] for k, n, b, i in guests],
                       "objects": [[t, n, b, i] for t, n, b, i in objects]}
        state.guests.extend(DesiredGuest(kind, label, path, body, imported) for kind, label, body, imported in guests)
        state.objects.extend(DesiredObject(rtype, label, path, body, imported)
                             for rtype, label, body, imported in objects)
    if cache_path is not None and write_cache and fresh != cache:
        def save(path: Path = cache_path, entries: dict[str, Any] = fresh) -> None:
            atomic_write(path, json.dumps(_encode(entries), separators=(",", ":")), backup=False)
        if save_later:
            state.save_cache = save
        else:
            save()
    if strict:
        state.require_parsed()
    return state
