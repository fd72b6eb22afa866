"""One guest's differences as operations (set, delete, resize, move, detach, start, shutdown), each with its
impact: in place, needs a reboot, disruptive (stops a guest) or destructive (deletes a guest or a disk,
replaces a volume). Plan shows them; apply carries them out — the same function serves both, so a create
converges in one apply (clone, then whatever still differs) and the next plan has nothing left.

A disk is never replaced to change its size: growing is a resize, shrinking is refused (PVE cannot
shrink), moving to another storage is a move that keeps the old volume as `unusedN`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.iac.bpg import DISK_RE, config_differences
from pmpc_tui.iac.pveconf import parse_props

IMPACTS = ("in-place", "reboot", "disruptive", "destructive")  # mildest first
IMPACT_TEXT = {"in-place": "in place", "reboot": "needs a reboot", "disruptive": "disruptive",
               "destructive": "destructive"}
COMPUTED_KEYS = {"smbios_uuid"}  # values PVE picks and the code may leave open (terraform's computed values)
_ALLOCATION = re.compile(r"^([^:]+):\d+(\.\d+)?$")  # `local-lvm:16` = a new 16 GiB volume on local-lvm
_CT_DRIVE = re.compile(r"^(rootfs|mp\d+)$")
_VOLUME_FORMAT = re.compile(r"[.](raw|qcow2|vmdk)$")
_NIC_KEY = re.compile(r"net\d+")

# keys a running guest takes at once (qemu-server's and pve-container's hot-plug rules); any other change
# waits in PVE's `pending` until the next boot. Cloud-init options are used when the image is regenerated.
_LIVE = {
    "qemu": {"name", "description", "tags", "onboot", "protection", "startup", "hookscript", "balloon", "cpulimit",
             "cpuunits", "shares", "ciuser", "cicustom", "ciupgrade", "searchdomain", "nameserver", "sshkeys"},
    "lxc": {"hostname", "description", "tags", "onboot", "protection", "startup", "hookscript", "cores", "cpulimit",
            "cpuunits", "memory", "swap"},
}
_LIVE_PATTERN = {"qemu": re.compile(r"^ipconfig\d+$"), "lxc": re.compile(r"^(net|dev)\d+$")}
_HOTPLUG = {"memory": "memory", "vcpus": "cpu"}  # qemu keys live only when `hotplug` lists them


def worst(impacts: list[str]) -> str:
    """The most severe of `impacts` (in-place when there are none)."""
    return max(impacts, key=IMPACTS.index, default="in-place")


@dataclass
class AttributeChange:
    """One difference: the cluster's value, the code's, and what applying it does."""

    key: str
    before: Any
    after: Any
    impact: str = "in-place"
    op: str = "set"  # set | delete | resize | move | detach | start | shutdown
    detail: str = ""


@dataclass
class GuestDiff:
    """Every difference of one guest, plus what cannot be done (shrinking a disk)."""

    changes: list[AttributeChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_drive(kind: str, key: str) -> bool:
    return bool(DISK_RE.match(key) if kind == "qemu" else _CT_DRIVE.match(key))


def _storage(view: dict[str, Any]) -> str | None:
    if "storage" in view:
        return str(view["storage"])
    volume = view.get("file") or view.get("volume")
    return str(volume).split(":", 1)[0] if volume and ":" in str(volume) else None


def _volume(view: dict[str, Any]) -> str | None:
    """The volume the code names (None when it asks for a new one as `storage:size`, or says nothing), as
    `storage:name`: `nas:109/vm-109-disk-0.qcow2` and `nas:vm-109-disk-0` are one volume (file storages
    keep a VMID folder and a format suffix, block storages do not)."""
    volume = view.get("file") or view.get("volume")
    if not volume or _ALLOCATION.match(str(volume)) or ":" not in str(volume):
        return None
    storage, name = str(volume).split(":", 1)
    return f"{storage}:{_VOLUME_FORMAT.sub('', name.rsplit('/', 1)[-1])}"


def _size_gib(kind: str, key: str, view: dict[str, Any]) -> float | None:
    size = view.get("size")
    if size is None:
        return None
    if kind == "lxc" and key.startswith("mp"):
        return int(size) / 1024**3  # mount point views keep bytes
    return float(size)


def _gib_text(value: float) -> str:
    return f"{value:g} GiB"


def _drive_changes(kind: str, key: str, before: Any, after: Any, running: bool, hotplug: str) -> GuestDiff:
    """A disk's difference as resize / move / option set / attach / detach — never a replacement for a size."""
    diff = GuestDiff()
    if before is None:
        hot = kind == "lxc" or ("disk" in hotplug and not key.startswith(("ide", "sata")))
        live = not running or hot or "cloudinit" in after or "cdrom" in after
        diff.changes.append(AttributeChange(key, None, after, "in-place" if live else "reboot", "set",
                                            "a new drive is added"))
        return diff
    if after is None and not ({"file", "volume", "storage"} & set(before)):
        diff.changes.append(AttributeChange(key, before, None, "in-place", "delete", "the CD-ROM drive is removed"))
        return diff
    if after is None:
        diff.changes.append(AttributeChange(key, before, None, "destructive", "detach",
                                            "the drive is detached; PVE keeps its volume as unusedN"))
        return diff
    if not ({"file", "volume", "storage"} & set(before)) or not ({"file", "volume", "storage"} & set(after)):
        # CD-ROM (media changes live) or cloud-init drive: written as a whole
        diff.changes.append(AttributeChange(key, before, after, "in-place", "set"))
        return diff
    old_storage, new_storage = _storage(before), _storage(after)
    named = _volume(after)
    same_storage = not (new_storage and old_storage and new_storage != old_storage)
    if same_storage and named is not None and named != _volume(before) and _volume(before) is not None:
        diff.changes.append(AttributeChange(key, before, after, "destructive", "set",
                                            f"the drive is switched to volume {named}; the old one is kept as "
                                            "unusedN"))
        return diff
    if new_storage and old_storage and new_storage != old_storage:
        stops = kind == "lxc" and running
        diff.changes.append(AttributeChange(key, old_storage, new_storage, "disruptive" if stops else "in-place",
                                            "move", f"moved from {old_storage} to {new_storage}; the old volume "
                                                    "is kept as unusedN"
                                            + (" (the container is stopped for it)" if stops else "")))
    old_size, new_size = _size_gib(kind, key, before), _size_gib(kind, key, after)
    if old_size is not None and new_size is not None and new_size != old_size:
        if new_size < old_size:
            diff.errors.append(f"{key}: the code asks for {_gib_text(new_size)} but the disk has "
                               f"{_gib_text(old_size)}; disks cannot shrink — set size = {old_size:g} "
                               "(or make a new disk and copy the data)")
        else:
            diff.changes.append(AttributeChange(key, old_size, new_size, "in-place", "resize",
                                                f"grows from {_gib_text(old_size)} to {_gib_text(new_size)}"))
    ignore = {"file", "volume", "storage", "size"}
    options = {k for k in set(before) | set(after) if k not in ignore and after.get(k) is not None
               and before.get(k) != after.get(k)}
    if options:
        wanted = {k: after.get(k) for k in sorted(options)}
        diff.changes.append(AttributeChange(key, {k: before.get(k) for k in sorted(options)}, wanted,
                                            "reboot" if running else "in-place", "set",
                                            "drive options change; the volume and its data stay"))
    return diff


def _settled(key: str, before: Any, after: Any) -> bool:
    """True when the only differences are values the cluster chose where the code says nothing: a MAC
    address, the SMBIOS UUID, the name PVE gave a volume the code asked to allocate (`storage:size`)."""
    if after is None:
        return key in COMPUTED_KEYS
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return False
    return all(after.get(sub) is None or after.get(sub) == before.get(sub) for sub in set(before) | set(after))


def _key_impact(kind: str, key: str, running: bool, hotplug: str) -> str:
    if not running:
        return "in-place"
    if key in _LIVE[kind] or _LIVE_PATTERN[kind].match(key):
        return "in-place"
    if kind == "qemu" and key in _HOTPLUG:
        return "in-place" if _HOTPLUG[key] in hotplug else "reboot"
    if kind == "qemu" and _NIC_KEY.fullmatch(key) and "network" in hotplug:
        return "in-place"
    return "reboot"


def guest_diff(kind: str, actual: dict[str, Any], desired: dict[str, Any], status: str | None,
               started: bool | None, cloned: bool) -> GuestDiff:
    """Every difference between a guest's config (`actual`, its `status`) and what the code asks for."""
    diff = GuestDiff()
    running = status == "running"
    hotplug = str(actual.get("hotplug", "1")).replace("1", "network,disk,usb") if actual.get("hotplug") != "0" else ""
    follows_memory = "balloon" not in actual and "balloon" not in desired
    for key, (before, after) in config_differences(kind, actual, desired).items():
        if key == "balloon" and follows_memory:
            continue
        if cloned and after in (None, [], "", {}):
            continue  # what the code leaves out, a clone keeps from its source
        if is_drive(kind, key):
            drive = _drive_changes(kind, key, before, after, running, hotplug)
            diff.changes += drive.changes
            diff.errors += drive.errors
            continue
        if _settled(key, before, after):
            continue
        impact = _key_impact(kind, key, running, hotplug)
        diff.changes.append(AttributeChange(key, before, after, impact, "delete" if after is None else "set"))
    if started is not None and started != running:
        if started:
            diff.changes.append(AttributeChange("status", status, "running", "in-place", "start"))
        else:
            diff.changes.append(AttributeChange("status", status, "stopped", "disruptive", "shutdown",
                                                "the guest is shut down"))
    return diff


def pending_config(config: dict[str, Any], pending: list[dict[str, Any]]) -> tuple[dict[str, Any], set[str]]:
    """A config with PVE's pending values applied (GET …/pending), and the keys that wait for a reboot."""
    merged = dict(config)
    waiting: set[str] = set()
    for item in pending:
        key = str(item.get("key", ""))
        if not key or key == "digest":
            continue
        if item.get("delete"):
            merged.pop(key, None)
            waiting.add(key)
        elif "pending" in item:
            merged[key] = item["pending"]
            waiting.add(key)
    return merged, waiting


def drive_value(kind: str, current: str, desired: str) -> str:
    """The value that changes a drive's options while keeping its volume and size (never a new blank disk)."""
    first = "file" if kind == "qemu" else "volume"
    now = parse_props(current, first)
    wanted = parse_props(desired, first)
    wanted[first] = now.get(first, wanted.get(first, ""))
    if "size" in now:
        wanted["size"] = now["size"]
    head = wanted.pop(first)
    return ",".join([head, *(f"{k}={v}" if v != "" else k for k, v in wanted.items())])


def nic_value(kind: str, current: str, desired: str) -> str:
    """A NIC's new value keeping the MAC address PVE gave it when the code leaves the MAC open (PVE would
    otherwise make up a new one, and the guest's DHCP lease and udev names would change)."""
    from pmpc_tui.iac.bpg import NIC_MODELS

    now, wanted = parse_props(current), parse_props(desired)
    if kind == "lxc":
        if now.get("hwaddr") and not wanted.get("hwaddr"):
            wanted["hwaddr"] = now["hwaddr"]
        return ",".join(f"{k}={v}" for k, v in wanted.items())
    mac = next((now[m] for m in now if m in NIC_MODELS), None) or now.get("macaddr")
    model = wanted.pop("model", None)
    if model is None or not mac:
        return desired
    return ",".join([f"{model}={mac}", *(f"{k}={v}" for k, v in wanted.items())])
