"""Guest disks: grow one (`resize`), checked before anything is sent.

Disk keys are PVE's: scsi0 to 30, virtio0 to 15, sata0 to 5, ide0 to 3, efidisk0, tpmstate0 for VMs;
rootfs and mp0 to 255 for containers. A size is PVE's `+?N[.N][KMGT]` (`+10G` adds, `64G` is the new
total); PVE cannot shrink a disk, so a smaller size is refused here with its words, naming the current size.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.formatting import human_bytes
from pmpc_tui.iac.pveconf import format_size, parse_props, parse_size
from pmpc_tui.pve.client import ProgressCallback, PVEClient
from pmpc_tui.pve.errors import NotFound, ResourceLocked, ValidationFailed
from pmpc_tui.services.guest_ref import shown
from pmpc_tui.services.inventory import GuestRef, find_guest
from pmpc_tui.services.outcome import outcome
from pmpc_tui.services.snapshots import Started

log = logging.getLogger("pmpc.disks")
SIZE_RE = re.compile(r"(\+?)(\d+(?:\.\d+)?)([KMGT]?)", re.ASCII)
QEMU_DISK_RE = re.compile(r"(?:scsi(?:[12]?\d|30)|virtio(?:1[0-5]|\d)|sata[0-5]|ide[0-3]|efidisk0|tpmstate0)",
                          re.ASCII)
LXC_DISK_RE = re.compile(r"(?:rootfs|mp(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))", re.ASCII)


def check_disk_key(kind: str, value: object, field_name: str = "disk") -> str:
    """A disk key PVE knows for this kind of guest (scsi0, virtio1, rootfs, mp0 …), else ValidationFailed."""
    text = str(value or "").strip()
    pattern, example = (QEMU_DISK_RE, "scsi0, virtio1, sata0, ide0, efidisk0") if kind == "qemu" \
        else (LXC_DISK_RE, "rootfs, mp0 … mp255")
    if not pattern.fullmatch(text):
        raise ValidationFailed("invalid", {field_name: f"{shown(text)} is not a disk of a "
                                                       f"{'VM' if kind == 'qemu' else 'container'} (e.g. {example})"})
    return text


@dataclass(frozen=True)
class SizeRequest:
    """A parsed size: `grow` adds `amount` bytes to the current size, else `amount` is the new total."""

    text: str
    grow: bool
    amount: int

    def target(self, current: int) -> int:
        return current + self.amount if self.grow else self.amount


def parse_size_request(value: object, field_name: str = "size") -> SizeRequest:
    """`+10G` or `64G` as PVE's resize accepts it (K, M, G, T; a bare number is bytes)."""
    text = str(value or "").strip()
    match = SIZE_RE.fullmatch(text)
    if text.startswith("-"):
        raise ValidationFailed("invalid", {field_name: f"shrinking disks is not supported: {shown(text)} would "
                                                       "make it smaller (PVE only grows disks, e.g. +10G)"})
    if not match:
        raise ValidationFailed("invalid", {field_name: f"{shown(text)} is not a size: write +10G to grow by "
                                                       "10 GiB, or 64G for a total of 64 GiB (units K, M, G, T)"})
    amount = parse_size(match.group(2) + match.group(3))
    if amount <= 0:
        raise ValidationFailed("invalid", {field_name: f"{shown(text)} is no size: give a positive size"})
    return SizeRequest(text, bool(match.group(1)), amount)


def drive_size(config: dict[str, Any], key: str, kind: str) -> int | None:
    """The size written in the disk's drive string (`size=32G`), None when it has none."""
    props = parse_props(str(config.get(key, "")), "file" if kind == "qemu" else "volume")
    try:
        return parse_size(props["size"]) if props.get("size") else None
    except ValueError:
        return None


def guest_disks(config: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The guest's disks (no CD-ROMs) and its unused volumes, in key order, with volume and size."""
    pattern = QEMU_DISK_RE if kind == "qemu" else LXC_DISK_RE
    dkey = "file" if kind == "qemu" else "volume"
    rows = []
    for key in sorted(config, key=_key_order):
        if pattern.fullmatch(key):
            props = parse_props(str(config[key]), dkey)
            if props.get("media") == "cdrom":
                continue
            size = drive_size(config, key, kind)
            rows.append({"disk": key, "volume": props.get(dkey, ""), "size": size,
                         "size_text": human_bytes(size) if size is not None else ""})
        elif re.fullmatch(r"unused\d+", key):
            rows.append({"disk": key, "volume": str(config[key]), "size": None, "size_text": ""})
    return rows


def _key_order(key: str) -> tuple[str, int]:
    match = re.fullmatch(r"([a-z]+)(\d*)", key)
    return (match.group(1), int(match.group(2) or 0)) if match else (key, 0)


@dataclass
class DiskResult:
    """What a disk action did (or would do, for a dry run)."""

    action: str
    guest: GuestRef
    disk: str
    dry_run: bool
    detail: str = ""
    size_before: int | None = None
    size_after: int | None = None
    upid: str | None = None
    exitstatus: str | None = None
    notes: list[str] = field(default_factory=list)
    notice: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, **self.guest.fields,
                "disk": self.disk, "dry_run": self.dry_run, "detail": self.detail,
                "size_before": self.size_before, "size_after": self.size_after, "upid": self.upid,
                "exitstatus": self.exitstatus, "notes": self.notes, "notice": self.notice}

    @property
    def message(self) -> str:
        what = f"{self.action} {self.disk} of {self.guest.label}" + (f" {self.detail}" if self.detail else "")
        text = what  # a change PVE made without a task reads as it is
        if self.dry_run or self.exitstatus or self.upid:
            text = outcome(what, self.dry_run, self.exitstatus, self.upid)
        lines = [text, *self.notes]
        if self.notice:
            lines.append(self.notice)
        return "\n".join(lines)


async def guest_config(client: PVEClient, kind: str, ident: int | str) -> tuple[GuestRef, dict[str, Any]]:
    """The guest and its current config."""
    ref = await find_guest(client, kind, ident)
    return ref, await client.get(f"{ref.path}/config", current=1)


def require_disk(ref: GuestRef, config: dict[str, Any], key: str) -> None:
    """NotFound naming the guest's disks when `key` is not one of them."""
    if key not in config:
        known = ", ".join(d["disk"] for d in guest_disks(config, ref.kind)) or "none"
        raise NotFound(f"{ref.label} has no disk {key} (disks: {known})",
                       f"List them: proxmox-mpc describe {'vm' if ref.kind == 'qemu' else 'ct'} {ref.vmid}")


def refuse_locked(ref: GuestRef, config: dict[str, Any], what: str) -> None:
    """ResourceLocked when the guest holds a config lock."""
    if config.get("lock"):
        raise ResourceLocked(f"{ref.label} is locked ({config['lock']}): {what} would fail")


async def run_task(client: PVEClient, result: DiskResult, upid: str, wait: bool, timeout: float,
                   on_progress: ProgressCallback | None, on_started: Started | None) -> DiskResult:
    """Follow the task PVE started for `result` (unless `wait` is off)."""
    log.info("%s %s of %s: task %s", result.action, result.disk, result.guest.label, upid)
    result.upid = upid
    if on_started is not None:
        on_started(upid)
    if wait:
        status = await client.wait_task(upid, timeout=timeout, on_progress=on_progress)
        result.exitstatus = status.get("exitstatus")
    return result


async def resize_disk(client: PVEClient, kind: str, ident: int | str, disk: str, size: str, *,
                      dry_run: bool = False, wait: bool = True, timeout: float = 300.0,
                      on_progress: ProgressCallback | None = None,
                      on_started: Started | None = None) -> DiskResult:
    """Grow `disk` by `+N` or to `N`; refuses shrinking (PVE cannot) and a size it already has."""
    key = check_disk_key(kind, disk)
    request = parse_size_request(size)
    ref, config = await guest_config(client, kind, ident)
    require_disk(ref, config, key)
    if parse_props(str(config[key]), "file").get("media") == "cdrom":
        raise ValidationFailed("invalid", {"disk": f"{key} of {ref.label} is a CD-ROM drive: it has no size"})
    refuse_locked(ref, config, "a resize")
    current = drive_size(config, key, kind)
    result = DiskResult("resize", ref, key, dry_run, size_before=current)
    if current is not None:
        target = request.target(current)
        if target < current:
            raise ValidationFailed("invalid", {"size": f"shrinking disks is not supported: {key} is "
                                                       f"{format_size(current)} and {request.text} is smaller"})
        if target == current:
            result.size_after = current
            result.detail = f"is already {format_size(current)}"
            result.notes.append("nothing to do: nothing sent")
            return result
        result.size_after = target
        result.detail = f"from {format_size(current)} to {format_size(target)}"
    else:
        result.detail = f"by {request.text}" if request.grow else f"to {request.text}"
    if dry_run:
        return result
    params = {"disk": key, "size": request.text, "digest": config.get("digest")}
    upid = await client.put(f"{ref.path}/resize", **{k: v for k, v in params.items() if v})
    await run_task(client, result, upid, wait, timeout, on_progress, on_started)
    if wait:
        _, after = await guest_config(client, kind, ref.vmid)
        result.size_after = drive_size(after, key, kind) or result.size_after
    return result
