"""Backup archives as PVE names and lists them: vzdump files on dir/nfs storage, snapshots on PBS."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.simulator.model import Cluster, GiB, Guest, Storage, Volume

# vzdump `compress` value -> file suffix (`1` is lzo, as vzdump reads it).
COMPRESS_SUFFIX = {"0": "", "1": ".lzo", "lzo": ".lzo", "gzip": ".gz", "zstd": ".zst"}
# How much of the guest's disk an archive takes with each compressor (sparse data already left out).
COMPRESS_RATIO = {"": 0.45, ".lzo": 0.22, ".gz": 0.17, ".zst": 0.15}


@dataclass
class BackupVolume(Volume):
    """A backup archive: the guest kind and config it holds, its notes and protection."""

    subtype: str = "qemu"  # qemu or lxc
    notes: str | None = None
    protected: bool = False
    guest_config: dict[str, Any] = field(default_factory=dict)

    def listing(self) -> dict[str, Any]:
        """The extra fields `GET …/content` shows for a backup."""
        entry: dict[str, Any] = {"subtype": self.subtype}
        if self.notes:
            entry["notes"] = self.notes.splitlines()[0]
        if self.protected:
            entry["protected"] = 1
        if self.storage_type == "pbs":
            entry["verification"] = {"state": "ok", "upid": ""}
        return entry

    @property
    def storage_type(self) -> str:
        return "pbs" if self.format.startswith("pbs-") else "dir"


def archive_name(storage: Storage, kind: str, vmid: int, when: float, compress: str) -> tuple[str, str]:
    """The volid and format of a new archive: `local:backup/vzdump-qemu-101-…vma.zst` or a PBS snapshot."""
    if storage.type == "pbs":
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
        btype = "vm" if kind == "qemu" else "ct"
        return f"{storage.storage}:backup/{btype}/{vmid}/{stamp}", f"pbs-{btype}"
    stamp = time.strftime("%Y_%m_%d-%H_%M_%S", time.localtime(when))
    base = "vma" if kind == "qemu" else "tar"
    suffix = COMPRESS_SUFFIX.get(compress, "")
    return f"{storage.storage}:backup/vzdump-{kind}-{vmid}-{stamp}.{base}{suffix}", base + suffix


def archive_path(storage: Storage, volid: str) -> str:
    """Where vzdump writes the archive (the log names it)."""
    if storage.type == "pbs":
        return volid.split(":", 1)[1]
    return f"{storage.options.get('path', '/var/lib/vz')}/dump/{volid.split('/', 1)[1]}"


def new_backup(cluster: Cluster, storage: str, node: str, guest: Guest, when: float, compress: str,
               notes: str | None, disk_bytes: int) -> BackupVolume:
    """An archive of `guest` (its config as it is now) for `storage`, not yet stored (vzdump writes it last)."""
    st = cluster.storages[storage]
    volid, fmt = archive_name(st, guest.kind, guest.vmid, when, compress)
    while cluster.find_volume(volid, node) is not None:  # two runs within a second
        when += 1
        volid, fmt = archive_name(st, guest.kind, guest.vmid, when, compress)
    suffix = "." + fmt.split(".", 1)[1] if "." in fmt else ""
    ratio = 0.12 if st.type == "pbs" else COMPRESS_RATIO[suffix]  # PBS keeps only changed chunks
    config = {k: v for k, v in copy.deepcopy(guest.config).items() if k != "lock"}
    return BackupVolume(volid, storage, None if st.shared else node, "backup", fmt,
                        max(1024 * 1024, int(disk_bytes * ratio)), guest.vmid, int(when), subtype=guest.kind,
                        notes=notes, guest_config=config)


def store(cluster: Cluster, vol: BackupVolume) -> None:
    """Put the archive on its storage (per node for local storage, as the cluster keys volumes)."""
    cluster.volumes[vol.volid if vol.node is None else f"{vol.node}/{vol.volid}"] = vol


def backups_of(cluster: Cluster) -> list[BackupVolume]:
    """Every backup archive in the cluster."""
    return [v for v in cluster.volumes.values() if isinstance(v, BackupVolume)]


def seed_backups(cluster: Cluster) -> None:
    """A PBS datastore and the archives a homelab keeps: nightly backups of the important guests."""
    cluster.storages["pbs"] = Storage("pbs", "pbs", ("backup",), 4000 * GiB, shared=True, base_used=650 * GiB,
                                      options={"server": "192.168.1.6", "datastore": "homelab",
                                               "username": "backup@pbs",
                                               "fingerprint": "a3:5f:" + ":".join(["c2"] * 30)})
    day = 86400
    midnight = (int(time.time()) // day) * day
    plan = ((101, "pbs", "zstd", 1), (101, "pbs", "zstd", 2), (103, "pbs", "zstd", 1),
            (200, "local", "zstd", 1), (109, "local", "lzo", 3), (201, "nas", "gzip", 2))
    for vmid, storage, compress, days_ago in plan:
        guest = cluster.guests.get(vmid)
        if guest is None:
            continue
        when = midnight - days_ago * day + 2 * 3600 + vmid
        store(cluster, new_backup(cluster, storage, guest.node, guest, when, compress, guest.name,
                                  cluster.guest_maxdisk(guest) or 8 * GiB))
