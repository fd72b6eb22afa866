"""Storage definitions (storage.cfg) as `proxmox_storage_directory|lvm|lvmthin|nfs|zfspool|cifs|pbs`; the import
id is the storage id.

Removing a storage is destructive, and so is changing what it is: its type (another resource) or where it
points (path, server, export, share, volume group, thin pool, ZFS pool, datastore — PVE fixes these, so the
storage is removed and added again). Passwords are never written: import references a sensitive variable
(`var.storage_<id>_password`), and apply sends the value of `TF_VAR_storage_<id>_password` when set.
Storage types the provider has no resource for (rbd, cephfs, iscsi, btrfs, esxi, zfs over iSCSI …) are left
out of the code, and import says so.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from pmpc_tui.iac.hcl import Expr, render_block
from pmpc_tui.iac.objects import fields as f
from pmpc_tui.iac.objects.base import Answers, Body, ObjectType, Request, answer_list, flag, label_for, read
from pmpc_tui.iac.objects.fields import Field
from pmpc_tui.iac.pveconf import parse_props

_LIST = read("/storage")
FILE = "storage.tf"
_COMMON = (Field("content", "content", "set"), Field("disable", "disable", "bool"), Field("nodes", "nodes", "set"))
_SHARED = Field("shared", "shared", "bool")
_DIRS = (Field("create_base_path", "create-base-path", "bool"), Field("create_subdirs", "create-subdirs", "bool"),
         Field("preallocation", "preallocation"))
_CHAIN = Field("snapshot_as_volume_chain", "snapshot-as-volume-chain", "bool")


class StorageKind:
    """One storage type: its resource, arguments, the arguments PVE fixes, and whether it has a password."""

    def __init__(self, pve_type: str, resource: str, fields: tuple[Field, ...], fixed: tuple[str, ...],
                 backups: bool = False, password: bool = False) -> None:
        self.pve_type, self.resource, self.fields, self.fixed = pve_type, resource, fields, fixed
        self.backups, self.password = backups, password


KINDS = (
    StorageKind("dir", "directory", (Field("path", "path"), *_COMMON, _SHARED, *_DIRS), ("path",), backups=True),
    StorageKind("lvm", "lvm", (Field("volume_group", "vgname"), *_COMMON, _SHARED,
                               Field("wipe_removed_volumes", "saferemove", "bool")), ("volume_group",)),
    StorageKind("lvmthin", "lvmthin", (Field("volume_group", "vgname"), Field("thin_pool", "thinpool"), *_COMMON),
                ("volume_group", "thin_pool")),
    StorageKind("nfs", "nfs", (Field("server", "server"), Field("export", "export"), *_COMMON,
                               Field("options", "options"), *_DIRS, _CHAIN), ("server", "export"), backups=True),
    StorageKind("zfspool", "zfspool", (Field("zfs_pool", "pool"), *_COMMON, Field("blocksize", "blocksize"),
                                       Field("thin_provision", "sparse", "bool")), ("zfs_pool",)),
    StorageKind("cifs", "cifs", (Field("server", "server"), Field("share", "share"), Field("username", "username"),
                                 *_COMMON, Field("domain", "domain"), Field("options", "options"),
                                 Field("subdirectory", "subdir"), *_DIRS, _CHAIN),
                ("server", "share"), backups=True, password=True),
    StorageKind("pbs", "pbs", (Field("server", "server"), Field("datastore", "datastore"),
                               Field("username", "username"), *_COMMON, Field("fingerprint", "fingerprint"),
                               Field("namespace", "namespace")),
                ("server", "datastore"), backups=True, password=True),
)
SUPPORTED = {k.pve_type for k in KINDS}
_KEEP = ("keep_all", "keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")


def password_variable(key: str) -> str:
    return f"storage_{label_for(key)}_password"


def _backups(entry: dict[str, Any]) -> dict[str, Any]:
    """prune-backups and max-protected-backups as the `backups` block's arguments."""
    out: dict[str, Any] = {}
    for key, value in parse_props(str(entry.get("prune-backups") or "")).items():
        arg = key.replace("-", "_")
        if arg in _KEEP:
            out[arg] = flag(value) if arg == "keep_all" else int(value) if str(value).isdigit() else value
    if entry.get("max-protected-backups") not in (None, ""):
        out["max_protected_backups"] = int(entry["max-protected-backups"])
    return out


def _normalize_backups(raw: Any) -> dict[str, Any]:
    item = raw[0] if isinstance(raw, list) and raw else raw
    if not isinstance(item, dict):
        return {}
    out: dict[str, Any] = {}
    for arg in (*_KEEP, "max_protected_backups"):
        value = item.get(arg)
        if value is None or value is False:
            continue
        out[arg] = value if isinstance(value, bool) else int(value) if str(value).lstrip("-").isdigit() else value
    return out


def _backup_params(block: dict[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    keep = [f"{k.replace('_', '-')}={int(v) if isinstance(v, bool) else v}" for k, v in block.items() if k in _KEEP]
    if keep:
        params["prune-backups"] = ",".join(keep)
    if "max_protected_backups" in block:
        params["max-protected-backups"] = block["max_protected_backups"]
    return params


def _storage_type(kind: StorageKind) -> ObjectType:
    fields = kind.fields
    arguments = frozenset({"id", *(x.arg for x in fields), *(("backups",) if kind.backups else ()),
                           *(("password",) if kind.password else ())})

    def body_of(entry: dict[str, Any]) -> Body:
        body: Body = {"id": str(entry["storage"]), **f.from_pve(entry, fields)}
        if kind.backups and (backups := _backups(entry)):
            body["backups"] = [backups]
        return body

    def actual(answers: Answers) -> dict[str, Body]:
        return {str(e["storage"]): body_of(e) for e in answer_list(answers, _LIST)
                if e.get("storage") and e.get("type") == kind.pve_type}

    def normalize(body: Body) -> Body:
        out: Body = {"id": str(body.get("id")), **f.normalize(body, fields)}
        if kind.backups and (backups := _normalize_backups(body.get("backups"))):
            out["backups"] = [backups]
        return out  # the password is never compared: PVE never answers it

    def params(body: Body) -> dict[str, Any]:
        out = f.to_pve(body, fields)
        if body.get("backups"):
            out.update(_backup_params(body["backups"][0]))
        return out

    def create(key: str, body: Body) -> list[Request]:
        secret = os.environ.get(f"TF_VAR_{password_variable(key)}") if kind.password else None
        return [Request("POST", "/storage", {"storage": key, "type": kind.pve_type, **params(body),
                                             **({"password": secret} if secret else {})})]

    def update(key: str, before: Body, after: Body) -> list[Request]:
        if any(before.get(arg) != after.get(arg) for arg in kind.fixed):
            return [Request("DELETE", f"/storage/{key}"), *create(key, after)]
        old, new = params(before), params(after)
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if gone := sorted(k for k in old if k not in new):
            changed["delete"] = ",".join(gone)
        return [Request("PUT", f"/storage/{key}", changed)] if changed else []

    def written(key: str, body: Body) -> Body:
        return {**body, "password": Expr(f"var.{password_variable(key)}")} if kind.password else body

    def extra(key: str, _body: Body) -> list[str]:
        if not kind.password:
            return []
        return [render_block("variable", [password_variable(key)], {
            "description": f"password of storage {key} (set TF_VAR_{password_variable(key)})",
            "type": Expr("string"), "sensitive": True})]

    return ObjectType(
        kind=f"storage_{kind.resource}", noun=f"{kind.pve_type} storage",
        resource_type=f"proxmox_storage_{kind.resource}",
        file=FILE, rank=5, arguments=arguments, reads=lambda: [_LIST], more_reads=lambda _a: [], actual=actual,
        key=lambda body: str(body["id"]) if isinstance(body.get("id"), str) and body["id"] else None,
        normalize=normalize, import_id=lambda key, _body: key, create=create, update=update,
        delete=lambda key, _body: [Request("DELETE", f"/storage/{key}")],
        impact=lambda arg, _b, _a: "destructive" if arg in kind.fixed else "in-place",
        written=written, extra=extra,
    )




def unsupported_storages(answers: Answers) -> list[str]:
    """Storages the provider has no resource for, as notes for the import summary."""
    return [f"storage {e.get('storage')} (type {e.get('type')}): the bpg provider has no resource for it; "
            "not written to code" for e in answer_list(answers, _LIST) if e.get("type") not in SUPPORTED]


STORAGE_TYPES = tuple(replace(_storage_type(k), skipped=unsupported_storages if k.pve_type == "dir" else None)
                      for k in KINDS)
