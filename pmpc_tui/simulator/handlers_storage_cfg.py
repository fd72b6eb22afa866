"""Route handlers for storage.cfg writes: `POST /storage`, `PUT` and `DELETE /storage/{storage}`, as PVE 9 does them.

Types dir, nfs, cifs, lvm, lvmthin, zfspool and pbs, each with its required properties and content types.
Passwords (CIFS, PBS) are kept apart from storage.cfg and never answered. Like PVE, removing a storage does not
look at guests' disks: their volumes stay where they are (and are seen again if the storage comes back); it
leaves the pools and the ACL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from pmpc_tui.simulator.handlers import _err, route
from pmpc_tui.simulator.model import GiB, Storage

if TYPE_CHECKING:
    from pmpc_tui.simulator.api import Call

_FILE_CONTENT = ("images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import")
CONTENT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # type -> (allowed, default)
    "dir": (_FILE_CONTENT, ("images", "rootdir")),
    "nfs": (_FILE_CONTENT, ("images",)),
    "cifs": (_FILE_CONTENT, ("images",)),
    "lvm": (("images", "rootdir"), ("images", "rootdir")),
    "lvmthin": (("images", "rootdir"), ("images", "rootdir")),
    "zfspool": (("images", "rootdir"), ("images", "rootdir")),
    "pbs": (("backup",), ("backup",)),
}
REQUIRED = {"dir": ("path",), "nfs": ("server", "export"), "cifs": ("server", "share"), "lvm": ("vgname",),
            "lvmthin": ("vgname", "thinpool"), "zfspool": ("pool",), "pbs": ("server", "datastore", "username")}
OWN = {  # options only some types take (everything else here is common to them)
    "dir": ("path", "mkdir", "create-base-path", "create-subdirs", "is_mountpoint", "content-dirs", "shared",
            "preallocation", "format"),
    "nfs": ("server", "export", "options", "path", "mkdir", "create-base-path", "create-subdirs", "content-dirs",
            "preallocation", "format"),
    "cifs": ("server", "share", "username", "password", "domain", "smbversion", "subdir", "options", "path", "mkdir",
             "create-base-path", "create-subdirs", "content-dirs", "preallocation", "format"),
    "lvm": ("vgname", "base", "saferemove", "saferemove-stepsize", "saferemove_throughput", "tagged_only", "shared",
            "snapshot-as-volume-chain"),
    "lvmthin": ("vgname", "thinpool"),
    "zfspool": ("pool", "blocksize", "sparse", "mountpoint"),
    "pbs": ("server", "datastore", "username", "password", "fingerprint", "namespace", "encryption-key",
            "master-pubkey", "port", "max-protected-backups"),
}
COMMON = ("content", "nodes", "disable", "bwlimit", "prune-backups", "max-protected-backups")
NETWORK = ("nfs", "cifs", "pbs")  # shared by nature
SECRETS = ("password", "encryption-key")
CONTROL = ("storage", "type", "digest", "delete")


def _split(text: str) -> list[str]:
    return [item for item in re.split(r"[,;\0\s]+", text) if item]


def _content(kind: str, raw: str) -> tuple[str, ...]:
    allowed = CONTENT[kind][0]
    items = _split(raw)
    for item in items:
        if item not in allowed:
            raise _err(500, f"storage does not support content type '{item}'")
    return tuple(items)


def _options(call: Call, kind: str) -> dict[str, Any]:
    """The request's storage.cfg options; an option of another type is refused as PVE's section config does."""
    options, errors = {}, {}
    for key, value in call.params.items():
        if key in CONTROL:
            continue
        if key not in COMMON and key not in OWN[kind]:
            errors[key] = "property is not defined in schema and the schema does not allow additional properties"
        else:
            options[key] = value
    if errors:
        raise _err(400, "Parameter verification failed.", errors)
    return options


def _apply(st: Storage, options: dict[str, Any]) -> None:
    for key, value in options.items():
        if key == "content":
            st.content = _content(st.type, value)
        elif key == "nodes":
            st.nodes = tuple(_split(value)) or None
        elif key == "shared":
            st.shared = bool(value)
        elif key in SECRETS:
            st.secrets[key] = value
        else:
            st.options[key] = str(value)


def _answer(st: Storage) -> dict[str, Any]:
    answer: dict[str, Any] = {"storage": st.storage, "type": st.type}
    if "encryption-key" in st.secrets:
        answer["config"] = {"encryption-key": st.secrets["encryption-key"]}
    return answer


@route("POST", "/storage")
async def create_storage(call: Call) -> dict[str, Any]:
    call.require("/storage", "Datastore.Allocate")
    sid, kind = call.params["storage"], call.params["type"]
    if kind not in CONTENT:
        raise _err(500, f"create storage failed: storage type '{kind}' is not supported by the simulator")
    missing = {key: "property is missing and it is not optional" for key in REQUIRED[kind] if key not in call.params}
    if missing:
        raise _err(400, "Parameter verification failed.", missing)
    options = _options(call, kind)
    storages = call.cluster.storages
    if sid in storages:
        raise _err(500, f"create storage failed: storage ID '{sid}' already defined")
    nodes = tuple(_split(options.get("nodes", "")))
    unknown = [n for n in nodes if n not in call.cluster.nodes]
    if unknown:
        raise _err(500, f"create storage failed: node '{unknown[0]}' does not exist")
    st = Storage(sid, kind, CONTENT[kind][1], 1024 * GiB, shared=kind in NETWORK)
    if kind == "nfs" or kind == "cifs":
        st.options["path"] = f"/mnt/pve/{sid}"
    _apply(st, options)
    storages[sid] = st
    return _answer(st)


@route("PUT", "/storage/{storage}")
async def update_storage(call: Call) -> dict[str, Any]:
    call.require("/storage", "Datastore.Allocate")
    sid = call.params["storage"]
    c = call.cluster
    st = c.storages.get(sid)
    if st is None:
        raise _err(500, f"update storage failed: storage '{sid}' does not exist")
    digest = call.params.get("digest")
    if digest and digest != c.storage_digest():
        raise _err(500, "update storage failed: detected modified configuration - file changed by other user? "
                        "Try again.")
    options = _options(call, st.type)
    for key in _split(call.params.get("delete", "")):
        if key in options:
            raise _err(400, "Parameter verification failed.",
                       {"delete": f"cannot set and delete property '{key}' at the same time"})
        if key in REQUIRED[st.type] or (key not in COMMON and key not in OWN[st.type]):
            raise _err(500, f"update storage failed: cannot delete required option '{key}'"
                       if key in REQUIRED[st.type] else f"update storage failed: unexpected property '{key}'")
        if key == "content":
            st.content = CONTENT[st.type][1]
        elif key == "nodes":
            st.nodes = None
        elif key == "shared":
            st.shared = st.type in NETWORK
        else:
            st.options.pop(key, None)
            st.secrets.pop(key, None)
    _apply(st, options)
    return _answer(st)


@route("DELETE", "/storage/{storage}")
async def delete_storage(call: Call) -> None:
    call.require("/storage", "Datastore.Allocate")
    sid = call.params["storage"]
    c = call.cluster
    if sid not in c.storages:
        raise _err(500, f"delete storage failed: storage '{sid}' does not exist")
    del c.storages[sid]
    for pool in c.pools.values():
        pool.storages.discard(sid)
    acl = call.sim.access.acl
    acl[:] = [e for e in acl if e.path != f"/storage/{sid}"]
