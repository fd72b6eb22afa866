"""Moving, detaching and deleting a guest's disks, checked before anything is sent.

- move: to another storage (qemu `move_disk`, lxc `move_volume`; the old volume stays as `unusedN` unless
  `delete_source`), or to another guest on the same node (`target-vmid`: PVE renames the volume for its new
  owner). A running container cannot move a volume; a disk moves to or from a running guest only when unused.
- detach: the disk leaves the config and is kept as `unusedN` (PUT config `delete=KEY`).
- delete: destroys the volume for good (qemu `unlink` with `force`; an `unusedN` is deleted from the config).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from typing import Any

from pmpc_tui.iac.pveconf import parse_props
from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import ConflictError, NotFound, ValidationFailed
from pmpc_tui.services.disks import (
    LXC_DISK_RE,
    QEMU_DISK_RE,
    DiskResult,
    drive_size,
    guest_config,
    refuse_locked,
    require_disk,
    run_task,
)
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.snapshots import Started
from pmpc_tui.services.task_progress import ProgressUpdate, follow_task

UNUSED_RE = re.compile(r"unused(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)", re.ASCII)
STORAGE_RE = re.compile(r"[a-z][a-z0-9._-]*[a-z0-9]", re.ASCII | re.IGNORECASE)
Updates = Callable[[ProgressUpdate], None]


def check_any_disk(kind: str, value: object, field_name: str = "disk") -> str:
    """A disk key or an `unusedN` of this kind of guest, else ValidationFailed."""
    text = str(value or "").strip()
    if UNUSED_RE.fullmatch(text) or (QEMU_DISK_RE if kind == "qemu" else LXC_DISK_RE).fullmatch(text):
        return text
    example = "scsi0, virtio1, unused0" if kind == "qemu" else "rootfs, mp0, unused0"
    raise ValidationFailed("invalid", {field_name: f"{shown(text)} is not a disk of a "
                                                   f"{'VM' if kind == 'qemu' else 'container'} (e.g. {example})"})


def check_move_target(kind: str, disk: str, storage: str | None, to_vmid: object, to_disk: str | None,
                      delete_source: bool) -> tuple[str | None, int | None, str | None]:
    """Exactly one of a storage or a target guest; the target disk key like the source (unused stays unused)."""
    if (storage is None) == (to_vmid is None):
        raise ValidationFailed("invalid", {"target": "give either --storage S (another storage) or --to-vmid N "
                                                     "(another guest on the same node)"})
    if storage is not None:
        if not STORAGE_RE.fullmatch(storage.strip()):
            raise ValidationFailed("invalid", {"--storage": f"{shown(storage)} is not a storage ID"})
        if to_disk is not None:
            raise ValidationFailed("invalid", {"--to-disk": "only with --to-vmid"})
        return storage.strip(), None, None
    text = str(to_vmid).strip()
    if not re.fullmatch(r"\d+", text, re.ASCII) or not 100 <= int(text) <= 999_999_999:
        raise ValidationFailed("invalid", {"--to-vmid": f"{shown(text)} is not a VMID (100 to 999999999)"})
    if delete_source:
        raise ValidationFailed("invalid", {"--delete-source": "only with --storage: a disk moved to another guest "
                                                              "leaves no copy behind"})
    target_disk = check_any_disk(kind, to_disk if to_disk is not None else disk, "--to-disk")
    if disk.startswith("unused") != target_disk.startswith("unused"):
        raise ValidationFailed("invalid", {"--to-disk": f"{disk} cannot become {target_disk}: an unused disk stays "
                                                        "unused, a drive stays a drive"})
    if kind == "lxc" and disk == "rootfs":
        raise ValidationFailed("invalid", {"disk": "a container's rootfs cannot move to another container"})
    return None, int(text), target_disk


def _label(kind: str) -> str:
    return "VM" if kind == "qemu" else "CT"


def _volume(ref: GuestRef, config: dict[str, Any], key: str) -> str:
    props = parse_props(str(config[key]), "file" if ref.kind == "qemu" else "volume")
    if props.get("media") == "cdrom":
        raise ValidationFailed("invalid", {"disk": f"{key} of {ref.label} is a CD-ROM drive, not a disk"})
    return props.get("file" if ref.kind == "qemu" else "volume", "")


async def _attached_volume(client: PVEClient, kind: str, ident: int | str, key: str,
                           doing: str) -> tuple[GuestRef, dict[str, Any], str]:
    """The guest, its config and the volume of its disk `key`: refused when it has no such disk, when `key` is
    a CD-ROM drive, or while the guest is locked (`doing` names the action)."""
    ref, config = await guest_config(client, kind, ident)
    require_disk(ref, config, key)
    volid = _volume(ref, config, key)
    refuse_locked(ref, config, doing)
    return ref, config, volid


async def _storages(client: PVEClient, node: str) -> dict[str, dict[str, Any]]:
    return {str(s["storage"]): s for s in await client.get(f"/nodes/{node}/storage")}


async def check_move(client: PVEClient, kind: str, ident: int | str, disk: str, *, storage: str | None = None,
                     to_vmid: object = None, to_disk: str | None = None,
                     delete_source: bool = False) -> tuple[DiskResult, dict[str, Any]]:
    """Every check of a move (nothing sent): the result to fill and the parameters for PVE."""
    key = check_any_disk(kind, disk)
    storage, target_vmid, target_disk = check_move_target(kind, key, storage, to_vmid, to_disk, delete_source)
    ref, config, volid = await _attached_volume(client, kind, ident, key, "moving a disk")
    result = DiskResult("move", ref, key, False, size_before=drive_size(config, key, kind))
    params: dict[str, Any] = {"disk" if kind == "qemu" else "volume": key, "digest": config.get("digest")}
    if storage is not None:
        current = volid.split(":", 1)[0]
        if storage == current:
            raise ValidationFailed("invalid", {"--storage": f"{key} is already on '{storage}': choose another"})
        known = await _storages(client, ref.node)
        st = known.get(storage)
        content = "images" if kind == "qemu" else "rootdir"
        if st is None or content not in str(st.get("content", "")).split(","):
            usable = [s for s, v in known.items() if content in str(v.get("content", "")).split(",")]
            raise NotFound(f"storage '{storage}' cannot hold {_label(kind)} disks on {ref.node}",
                           f"Storages that can: {', '.join(sorted(usable)) or 'none'}")
        if kind == "lxc" and ref.status == "running":
            raise ConflictError(f"{ref.label} is running: a container's volume moves only while it is stopped",
                                f"Stop it first: proxmox-mpc shutdown ct {ref.vmid}")
        params["storage"] = storage
        if delete_source:
            params["delete"] = 1
        result.detail = f"from '{current}' to '{storage}'" + (" (the source is deleted)" if delete_source
                                                              else " (the source is kept as unusedN)")
        return result, params
    assert target_vmid is not None and target_disk is not None
    if target_vmid == ref.vmid:
        raise ValidationFailed("invalid", {"--to-vmid": f"{key} already belongs to {ref.label}"})
    target = await find_guest(client, kind, target_vmid)
    if target.node != ref.node:
        raise ConflictError(f"{target.label} is not on {ref.node}: a disk moves only between guests on one node",
                            f"Migrate one of them first: proxmox-mpc migrate {'vm' if kind == 'qemu' else 'ct'} "
                            f"{target.vmid} {ref.node}")
    target_config = await client.get(f"{target.path}/config", current=1)
    refuse_locked(target, target_config, "moving a disk to it")
    if config.get("template") or target_config.get("template"):
        raise ConflictError("templates neither give nor take disks", "Clone the template and use the clone.")
    if target_disk in target_config:
        raise ConflictError(f"{target.label} already has {target_disk}",
                            "Choose a free key with --to-disk (e.g. the next scsiN or unusedN).")
    if not key.startswith("unused"):
        for who in (ref, target):
            if who.status in ("running", "paused"):
                raise ConflictError(f"{who.label} is running: a drive moves between guests only while both are "
                                    "stopped", "Detach it first (proxmox-mpc disk detach …) and move the unusedN, "
                                    "or stop the guest")
    params.update({"target-vmid": target_vmid, "target-digest": target_config.get("digest")})
    params["target-disk" if kind == "qemu" else "target-volume"] = target_disk
    result.detail = f"to {target.label} as {target_disk}"
    return result, params


async def move_disk(client: PVEClient, kind: str, ident: int | str, disk: str, *, storage: str | None = None,
                    to_vmid: object = None, to_disk: str | None = None, delete_source: bool = False,
                    dry_run: bool = False, wait: bool = True, timeout: float = 3600.0,
                    on_update: Updates | None = None, on_started: Started | None = None) -> DiskResult:
    """Move a disk to another storage or another guest; `on_update` gets the copy's progress."""
    result, params = await check_move(client, kind, ident, disk, storage=storage, to_vmid=to_vmid,
                                      to_disk=to_disk, delete_source=delete_source)
    result.dry_run = dry_run
    if dry_run:
        return result
    route = "move_disk" if kind == "qemu" else "move_volume"
    upid = await client.post(f"{result.guest.path}/{route}", **{k: v for k, v in params.items() if v is not None})
    result.upid = upid
    if on_started is not None:
        on_started(upid)
    if wait:
        async for update in follow_task(client, upid, timeout=timeout):
            if on_update is not None:
                on_update(update)
            if update.done:
                result.exitstatus = update.exitstatus
    return result


def progress_updates(client: PVEClient, upid: str, timeout: float) -> AsyncIterator[ProgressUpdate]:
    """The move's progress (for front ends that draw it themselves)."""
    return follow_task(client, upid, timeout=timeout)


async def detach_disk(client: PVEClient, kind: str, ident: int | str, disk: str, *,
                      dry_run: bool = False) -> DiskResult:
    """Take a disk out of the config, keeping its volume as `unusedN` (a running guest may wait for a reboot)."""
    key = check_any_disk(kind, disk)
    if key.startswith("unused"):
        raise ValidationFailed("invalid", {"disk": f"{key} is already detached: delete it with `disk delete`"})
    if kind == "lxc" and key == "rootfs":
        raise ValidationFailed("invalid", {"disk": "a container cannot run without its rootfs: it cannot be "
                                                   "detached"})
    ref, config, volid = await _attached_volume(client, kind, ident, key, "detaching a disk")
    result = DiskResult("detach", ref, key, dry_run, detail=f"({volid}, kept as unusedN)")
    if dry_run:
        return result
    await client.put(f"{ref.path}/config", delete=key, digest=config.get("digest"))
    after = await client.get(f"{ref.path}/config")
    unused = next((k for k, v in after.items() if UNUSED_RE.fullmatch(k) and v == volid), None)
    if unused is not None:
        result.detail = f"({volid}, kept as {unused})"
    elif key in after:
        result.notes.append(f"pending until reboot: {key} stays attached until {ref.label} restarts")
    result.exitstatus = "OK"
    return result


def delete_question(ref: GuestRef, key: str, volid: str) -> str:
    """The question asked before destroying a disk, naming the guest, the key and the volume."""
    return f"Delete {key} ({volid}) of {ref.label}? The volume is destroyed and cannot be recovered."


async def describe_delete(client: PVEClient, kind: str, ident: int | str, disk: str) -> tuple[GuestRef, str, str]:
    """The guest, disk key and volume a delete would destroy (every check, nothing sent)."""
    key = check_any_disk(kind, disk)
    if kind == "lxc" and key == "rootfs":
        raise ValidationFailed("invalid", {"disk": "a container's rootfs goes only with the container: "
                                                   "proxmox-mpc delete ct …"})
    ref, _, volid = await _attached_volume(client, kind, ident, key, "deleting a disk")
    if kind == "lxc" and not key.startswith("unused") and ref.status in ("running", "paused"):
        raise ConflictError(f"{ref.label} is running: a mount point is deleted only while it is stopped",
                            f"Detach it (kept as unusedN), or stop it first: proxmox-mpc shutdown ct {ref.vmid}")
    return ref, key, volid


async def delete_disk(client: PVEClient, kind: str, ident: int | str, disk: str, *,
                      dry_run: bool = False) -> DiskResult:
    """Destroy a disk's volume: qemu `unlink` with force; an `unusedN` (and a stopped CT's mpN) from the config."""
    ref, key, volid = await describe_delete(client, kind, ident, disk)
    result = DiskResult("delete", ref, key, dry_run, detail=f"({volid})")
    if dry_run:
        return result
    if kind == "qemu":
        await client.put(f"{ref.path}/unlink", idlist=key, force=1)
    elif key.startswith("unused"):
        await client.put(f"{ref.path}/config", delete=key)
    else:  # a stopped container: detach, then delete the unusedN it became
        await client.put(f"{ref.path}/config", delete=key)
        after = await client.get(f"{ref.path}/config")
        unused = next((k for k, v in after.items() if UNUSED_RE.fullmatch(k) and v == volid), None)
        if unused is not None:
            await client.put(f"{ref.path}/config", delete=unused)
    after = await client.get(f"{ref.path}/config")
    if key in after:
        result.notes.append(f"pending until reboot: {key} goes when {ref.label} restarts")
    result.exitstatus = "OK"
    return result


__all__ = ["check_move", "delete_disk", "detach_disk", "move_disk", "run_task"]
