"""Pending changes: what a running guest applies at once (hot-plug) and what waits for the next start.

PVE writes every config change to the `[PENDING]` section first. A stopped guest applies all of it
at once; a running one applies only what can change live, the rest waits for the next start:

- qemu (PVE's `vmconfig_hotplug_pending`): options without effect on the running VM (name,
  description, tags, onboot, protection, startup, shares, …, and the cloud-init options) always;
  `cpuunits`, `cpulimit` and `balloon` (not switching ballooning on/off); NICs with `network`
  hot-plug; disks (not ide/sata/efidisk/tpmstate) with `disk` hot-plug, unless an option such as
  `cache`, `discard`, `iothread` or `ssd` of an existing disk changes; CD-ROM media; `memory` only
  with `memory` hot-plug, `vcpus` only with `cpu` hot-plug. `cores`, `sockets`, `cpu`, `machine`,
  `bios`, `agent`, … always wait. The default `hotplug` is `network,disk,usb`.
- lxc (pve-container): hostname, description, tags, onboot, protection, startup, hookscript and
  `cores` at once; `memory`, `swap`, `cpulimit`, `cpuunits`, NICs, new mount points and devices
  live; everything else (rootfs, changed mount points, features, nameserver, …) waits.
"""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.simulator.model import Guest, parse_property_string

QEMU_FASTPLUG = {
    "description", "hookscript", "lock", "migrate_downtime", "migrate_speed", "name", "onboot", "protection",
    "shares", "startup", "tags", "vmstatestorage",
    # cloud-init options take effect when the image is regenerated, never by a restart
    "citype", "ciuser", "cipassword", "ciupgrade", "cicustom", "searchdomain", "nameserver", "sshkeys",
}
LXC_FASTPLUG = {"description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock"}
# drive options QEMU cannot change on a running disk
COLD_DRIVE_OPTIONS = ("aio", "discard", "iothread", "queues", "product", "cache", "ssd", "vendor", "ro")
DEFAULT_HOTPLUG = {"network", "disk", "usb"}

QEMU_DRIVE = re.compile(r"^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$")


def hotplug_features(guest: Guest) -> set[str]:
    """The guest's `hotplug` option as a set (`1` is the default set, `0` none)."""
    raw = str(guest.config.get("hotplug", "1")).strip()
    if raw in ("1", ""):
        return set(DEFAULT_HOTPLUG)
    if raw == "0":
        return set()
    return {part.strip() for part in raw.split(",") if part.strip()}


def _fastplug(guest: Guest, key: str) -> bool:
    if guest.kind == "lxc":
        return key in LXC_FASTPLUG
    return key in QEMU_FASTPLUG or bool(re.match(r"^ipconfig\d+$", key))


def _qemu_drive_hot(guest: Guest, key: str, value: str, features: set[str]) -> bool:
    if key in ("efidisk0", "tpmstate0"):
        return False
    new = parse_property_string(value, "file")
    if "cloudinit" in new.get("file", ""):
        return True  # PVE regenerates the cloud-init drive after the other changes
    old_text = guest.config.get(key)
    if old_text is not None:
        old = parse_property_string(str(old_text), "file")
        if (new.get("media") or "disk") != (old.get("media") or "disk"):
            return False
        if old.get("media") == "cdrom":
            return True  # a new medium is inserted at once
        if new.get("file") != old.get("file"):
            return "disk" in features
        return all(new.get(opt) == old.get(opt) for opt in COLD_DRIVE_OPTIONS)
    return "disk" in features and not re.match(r"^(ide|sata)\d+$", key)


def _qemu_change_hot(guest: Guest, key: str, value: Any, features: set[str]) -> bool:
    if key == "hotplug":
        current = str(guest.config.get("hotplug", ""))
        return not re.search(r"memory|cpu", f"{value} {current}")
    if key == "tablet" or re.match(r"^usb\d+$", key):
        return "usb" in features
    if key == "vcpus":
        return "cpu" in features
    if key == "balloon":
        was_on = str(guest.config.get("balloon", "1")) != "0"
        return was_on == (str(value) != "0")
    if re.match(r"^net\d+$", key):
        old = guest.config.get(key)  # bridge, tag, rate, firewall, link_down change without hot-plug
        return "network" in features or (old is not None and _nic_device(str(old)) == _nic_device(str(value)))
    if QEMU_DRIVE.match(key):
        return _qemu_drive_hot(guest, key, str(value), features)
    if key == "memory":
        return "memory" in features
    return key in ("cpuunits", "cpulimit")


def _nic_device(text: str) -> tuple[str, str]:
    """The part of a NIC that is the device itself: model (with MAC) and queues."""
    first = text.split(",", 1)[0]
    return first.upper(), parse_property_string(text, "model").get("queues", "")


def _qemu_delete_hot(guest: Guest, key: str, features: set[str]) -> bool:
    if key == "hotplug":
        return not re.search(r"memory|cpu", str(guest.config.get("hotplug", "")))
    if key == "tablet" or re.match(r"^usb\d+$", key):
        return "usb" in features
    if key == "vcpus":
        return "cpu" in features
    if key == "balloon":
        return str(guest.config.get("balloon", "1")) != "0"
    if re.match(r"^net\d+$", key):
        return "network" in features
    if QEMU_DRIVE.match(key):
        return "disk" in features and not re.match(r"^(efidisk|ide|sata|tpmstate)\d+$", key)
    if key == "memory":
        return "memory" in features
    return key in ("cpuunits", "cpulimit")


def _lxc_change_hot(guest: Guest, key: str) -> bool:
    if key in ("cpulimit", "cpuunits", "memory", "swap") or re.match(r"^net\d+$", key):
        return True
    if re.match(r"^(mp|dev)\d+$", key):
        return key not in guest.config  # a new mount point or device is hot-plugged, a changed one waits
    return False


def _lxc_delete_hot(key: str) -> bool:
    return key in ("swap", "cpulimit", "cpuunits") or bool(re.match(r"^net\d+$", key))


def hot_keys(guest: Guest) -> tuple[set[str], set[str]]:
    """Which pending changes and which pending deletes a running guest applies at once."""
    features = hotplug_features(guest)
    changes, deletes = set(), set()
    for key, value in guest.pending.items():
        if _fastplug(guest, key) or (_lxc_change_hot(guest, key) if guest.kind == "lxc"
                                     else _qemu_change_hot(guest, key, value, features)):
            changes.add(key)
    for key in guest.pending_delete:
        if _fastplug(guest, key) or (_lxc_delete_hot(key) if guest.kind == "lxc"
                                     else _qemu_delete_hot(guest, key, features)):
            deletes.add(key)
    return changes, deletes


def config_with_pending(guest: Guest) -> dict[str, Any]:
    """The config as `GET …/config` shows it by default: pending values applied, pending deletes gone."""
    conf = {k: v for k, v in guest.config.items() if k not in guest.pending_delete}
    conf.update(guest.pending)
    return conf


def pending_entries(guest: Guest) -> list[dict[str, Any]]:
    """`GET …/pending`: one `{key, value, pending, delete}` entry per option, as PVE lists them."""
    out: list[dict[str, Any]] = []
    conf = {**guest.config, "digest": guest.digest()}
    for key in sorted(conf):
        entry: dict[str, Any] = {"key": key, "value": conf[key]}
        if key in guest.pending:
            entry["pending"] = guest.pending[key]
        if key in guest.pending_delete:
            entry["delete"] = 2 if guest.pending_delete[key] else 1
        out.append(entry)
    for key in sorted(set(guest.pending) - set(conf)):
        out.append({"key": key, "pending": guest.pending[key]})
    for key in sorted(set(guest.pending_delete) - set(conf) - set(guest.pending)):
        out.append({"key": key, "delete": 2 if guest.pending_delete[key] else 1})
    return out
