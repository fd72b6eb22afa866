"""A guest config update as PVE does it: changes go to pending, then apply at once or at the next start."""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.simulator.guestops import (
    allocate_drives,
    check_volumes_exist,
    drive_key,
    guest_volids,
    is_cloudinit,
    is_drive,
    mac_of,
    normalize_guest_config,
)
from pmpc_tui.simulator.model import Cluster, Guest, parse_property_string
from pmpc_tui.simulator.pending import hot_keys


def update_config(cluster: Cluster, guest: Guest, changes: dict[str, Any], deletes: list[str],
                  force: bool = False) -> None:
    """PVE's config update: changes go to pending; a stopped guest applies them all, a running one what hot-plugs.

    Drives naming an existing volume must name one that exists (ValueError otherwise) and get its
    real `size=`; `STORAGE:SIZE` drives are allocated at once.
    """
    check_volumes_exist(cluster, guest.node, guest.kind, changes)
    normalized = normalize_guest_config(cluster, guest.node, guest.kind, changes)
    for key in ("smbios1", "vmgenid", "meta"):
        if key not in changes:
            normalized.pop(key, None)
    for key, value in normalized.items():
        if re.match(r"^net\d+$", key):
            old = guest.pending.get(key, guest.config.get(key))
            old_mac = mac_of(str(old)) if old is not None else None
            if old_mac and not mac_of(str(changes[key])):
                normalized[key] = re.sub(r"([0-9A-F]{2}(:[0-9A-F]{2}){5})", old_mac, str(value), count=1,
                                         flags=re.I)
    drives = {k: v for k, v in normalized.items() if is_drive(guest.kind, k)}
    if drives:
        probe = Guest(guest.vmid, guest.kind, guest.node, dict(drives))
        allocate_drives(cluster, probe, lambda _line: None)
        normalized.update(probe.config)
    for key in deletes:
        if key.startswith("unused"):  # an unused volume is removed at once, for good
            volid = str(guest.config.pop(key, ""))
            guest.pending.pop(key, None)
            if volid in cluster.volumes and cluster.volumes[volid].vmid == guest.vmid:
                del cluster.volumes[volid]
            continue
        guest.pending.pop(key, None)
        if key in guest.config:
            guest.pending_delete[key] = force
    for key, value in normalized.items():
        guest.pending[key] = value
        guest.pending_delete.pop(key, None)
    for key in [k for k, v in guest.pending.items() if k in guest.config and str(guest.config[k]) == str(v)]:
        del guest.pending[key]  # a "change" to the current value is no change
    if guest.status == "stopped":
        apply_pending(cluster, guest)
    else:
        apply_pending(cluster, guest, *hot_keys(guest))


def apply_pending(cluster: Cluster, guest: Guest, changes: set[str] | None = None,
                  deletes: set[str] | None = None) -> None:
    """Move pending values (all, or the given keys) into the config; replaced and removed disks become unusedN."""
    dkey = drive_key(guest.kind)
    for key in [k for k in guest.pending_delete if deletes is None or k in deletes]:
        force = guest.pending_delete.pop(key)
        old = guest.config.pop(key, None)
        if old is not None and is_drive(guest.kind, key):
            volid = _owned_disk(cluster, guest, str(old))
            if volid and force:
                del cluster.volumes[volid]
            elif volid:
                _add_unused(guest, volid)
    for key in [k for k in guest.pending if changes is None or k in changes]:
        value = guest.pending.pop(key)
        old = guest.config.get(key)
        if old is not None and is_drive(guest.kind, key):
            volid = _owned_disk(cluster, guest, str(old))
            new_volid = parse_property_string(str(value), dkey).get(dkey)
            if volid and volid != new_volid:
                _add_unused(guest, volid)
        guest.config[key] = value
    in_use = set(guest_volids(guest).values())
    for key in [k for k in guest.config if k.startswith("unused") and guest.config[k] in in_use]:
        del guest.config[key]  # a volume attached again is no longer unused


def _owned_disk(cluster: Cluster, guest: Guest, text: str) -> str | None:
    """The volume id of a drive when it is a disk (not a CD-ROM or cloud-init) the guest owns."""
    drive = parse_property_string(text, drive_key(guest.kind))
    volid = drive.get(drive_key(guest.kind), "")
    if drive.get("media") == "cdrom" or is_cloudinit(volid):
        return None
    vol = cluster.volumes.get(volid)
    return volid if vol is not None and vol.vmid == guest.vmid else None


def _add_unused(guest: Guest, volid: str) -> None:
    """Register a volume as the first free `unusedN` (never twice)."""
    if any(k.startswith("unused") and v == volid for k, v in guest.config.items()):
        return
    index = 0
    while f"unused{index}" in guest.config:
        index += 1
    guest.config[f"unused{index}"] = volid
