"""Declared parameters of the storage.cfg writes: `POST /storage`, `PUT` and `DELETE /storage/{storage}`."""

from __future__ import annotations

from pmpc_tui.simulator.params import P

_STR = P("string")
_BASE = P("string", format="pve-volume-id")
_BWLIMIT = P("string", format="property-string", keys=("clone", "default", "migration", "move", "restore"))
_CONTENT = P("string", format="pve-storage-content-list")
_CONTENT_DIRS = P("string", format="pve-dir-override-list")
_BOOL = P("boolean")
_DOMAIN = P("string", max_length=256)
_EXPORT = P("string", format="pve-storage-path")
_FINGERPRINT = P("string", pattern="([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}")
_FORMAT = P("string", enum=("raw", "qcow2", "subvol", "vmdk"))
_FS_NAME = P("string", format="pve-configid")
_MAX_PROTECTED_BACKUPS = P("integer", minimum=-1)
_MONHOST = P("string", format="pve-storage-portal-dns-list")
_NODES = P("string", format="pve-node-list")
_OPTIONS = P("string", format="pve-storage-options")
_PORT = P("integer", minimum=1, maximum=65535)
_PORTAL = P("string", format="pve-storage-portal-dns")
_PREALLOCATION = P("string", enum=("off", "metadata", "falloc", "full"))
_PRUNE_BACKUPS = P("string", format="prune-backups")
_SAFEREMOVE_STEPSIZE = P("integer", enum=("1", "2", "4", "8", "16", "32"))
_SERVER = P("string", format="pve-storage-server")
_SMBVERSION = P("string", enum=("default", "2.0", "2.1", "3", "3.0", "3.11"))
_STORAGE = P("string", optional=False, format="pve-storage-id")
_THINPOOL = P("string", format="pve-storage-vgname")
_TYPE = P(
    "string",
    optional=False,
    enum=(
        "btrfs",
        "cephfs",
        "cifs",
        "dir",
        "esxi",
        "iscsi",
        "iscsidirect",
        "lvm",
        "lvmthin",
        "nfs",
        "pbs",
        "rbd",
        "zfs",
        "zfspool",
    ),
)
_DELETE = P("string", format="pve-configid-list", max_length=4096)
_DIGEST = P("string", max_length=64)

STORAGE_CFG_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("POST", "/storage"): {
        "authsupported": _STR,
        "base": _BASE,
        "blocksize": _STR,
        "bwlimit": _BWLIMIT,
        "comstar_hg": _STR,
        "comstar_tg": _STR,
        "content": _CONTENT,
        "content-dirs": _CONTENT_DIRS,
        "create-base-path": _BOOL,
        "create-subdirs": _BOOL,
        "data-pool": _STR,
        "datastore": _STR,
        "disable": _BOOL,
        "domain": _DOMAIN,
        "encryption-key": _STR,
        "export": _EXPORT,
        "fingerprint": _FINGERPRINT,
        "format": _FORMAT,
        "fs-name": _FS_NAME,
        "fuse": _BOOL,
        "is_mountpoint": _STR,
        "iscsiprovider": _STR,
        "keyring": _STR,
        "krbd": _BOOL,
        "lio_tpg": _STR,
        "master-pubkey": _STR,
        "max-protected-backups": _MAX_PROTECTED_BACKUPS,
        "mkdir": _BOOL,
        "monhost": _MONHOST,
        "mountpoint": _EXPORT,
        "namespace": _STR,
        "nocow": _BOOL,
        "nodes": _NODES,
        "nowritecache": _BOOL,
        "options": _OPTIONS,
        "password": _DOMAIN,
        "path": _EXPORT,
        "pool": _STR,
        "port": _PORT,
        "portal": _PORTAL,
        "preallocation": _PREALLOCATION,
        "prune-backups": _PRUNE_BACKUPS,
        "saferemove": _BOOL,
        "saferemove-stepsize": _SAFEREMOVE_STEPSIZE,
        "saferemove_throughput": _STR,
        "server": _SERVER,
        "share": _STR,
        "shared": _BOOL,
        "skip-cert-verification": _BOOL,
        "smbversion": _SMBVERSION,
        "snapshot-as-volume-chain": _BOOL,
        "sparse": _BOOL,
        "storage": _STORAGE,
        "subdir": _EXPORT,
        "tagged_only": _BOOL,
        "target": _STR,
        "thinpool": _THINPOOL,
        "type": _TYPE,
        "username": _STR,
        "vgname": _THINPOOL,
        "zfs-base-path": _EXPORT,
    },
    ("PUT", "/storage/{storage}"): {
        "blocksize": _STR,
        "bwlimit": _BWLIMIT,
        "comstar_hg": _STR,
        "comstar_tg": _STR,
        "content": _CONTENT,
        "content-dirs": _CONTENT_DIRS,
        "create-base-path": _BOOL,
        "create-subdirs": _BOOL,
        "data-pool": _STR,
        "delete": _DELETE,
        "digest": _DIGEST,
        "disable": _BOOL,
        "domain": _DOMAIN,
        "encryption-key": _STR,
        "fingerprint": _FINGERPRINT,
        "format": _FORMAT,
        "fs-name": _FS_NAME,
        "fuse": _BOOL,
        "is_mountpoint": _STR,
        "keyring": _STR,
        "krbd": _BOOL,
        "lio_tpg": _STR,
        "master-pubkey": _STR,
        "max-protected-backups": _MAX_PROTECTED_BACKUPS,
        "mkdir": _BOOL,
        "monhost": _MONHOST,
        "mountpoint": _EXPORT,
        "namespace": _STR,
        "nocow": _BOOL,
        "nodes": _NODES,
        "nowritecache": _BOOL,
        "options": _OPTIONS,
        "password": _DOMAIN,
        "pool": _STR,
        "port": _PORT,
        "preallocation": _PREALLOCATION,
        "prune-backups": _PRUNE_BACKUPS,
        "saferemove": _BOOL,
        "saferemove-stepsize": _SAFEREMOVE_STEPSIZE,
        "saferemove_throughput": _STR,
        "server": _SERVER,
        "shared": _BOOL,
        "skip-cert-verification": _BOOL,
        "smbversion": _SMBVERSION,
        "snapshot-as-volume-chain": _BOOL,
        "sparse": _BOOL,
        "storage": _STORAGE,
        "subdir": _EXPORT,
        "tagged_only": _BOOL,
        "username": _STR,
        "zfs-base-path": _EXPORT,
    },
    ("DELETE", "/storage/{storage}"): {"storage": _STORAGE},
}
