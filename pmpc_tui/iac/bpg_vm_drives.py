"""The drives of a bpg VM body, both ways: disks, the CD-ROM, the cloud-init drive, EFI disk and TPM state."""

from __future__ import annotations

import math
import re
from typing import Any

from pmpc_tui.iac.bpg_common import Mapped, gib, split_volume, volume_format
from pmpc_tui.iac.hcl import Body
from pmpc_tui.iac.pveconf import GiB, flag, format_props, parse_props, parse_size

DISK_RE = re.compile(r"^(ide|sata|scsi|virtio)(\d+)$")
BUS_ORDER = {"ide": 0, "sata": 1, "scsi": 2, "virtio": 3}

_DISK_BOOL = {"iothread": "iothread", "ssd": "ssd", "backup": "backup", "replicate": "replicate"}
_DISK_STR = {"discard": "discard", "cache": "cache", "aio": "aio", "serial": "serial"}
_DISK_DEFAULTS = {"discard": "ignore", "iothread": False, "ssd": False, "backup": True, "replicate": True,
                  "cache": "none", "aio": "io_uring"}



def disk_block(iface: str, props: dict[str, str], warnings: list[str]) -> Body | None:
    """A `disk` block of a drive's properties (None for a pass-through device)."""
    file = props.get("file", "")
    if ":" not in file:
        warnings.append(f"{iface}: pass-through device {file} is not managed")
        return None
    store, path = split_volume(file)
    disk: Body = {"interface": iface, "datastore_id": store, "path_in_datastore": path,
                  "file_format": props.get("format") or volume_format(path),
                  "size": gib(props.get("size", "0"), iface, warnings)}
    for key, value in props.items():
        if key in _DISK_BOOL:
            disk[_DISK_BOOL[key]] = flag(value)
        elif key in _DISK_STR:
            disk[_DISK_STR[key]] = value
        elif key not in ("file", "size", "format", "media"):
            warnings.append(f"{iface}: option {key}={value} is not managed")
    return disk


def put_drives(c: dict[str, Any], m: Mapped) -> Body | None:
    """The drives of a VM config into `m`'s body; returns the cloud-init drive (storage, interface) if any."""
    w, body = m.warnings, m.body
    disks: list[Body] = []
    cdroms: list[Body] = []
    cloudinit: Body | None = None
    drives = sorted(((DISK_RE.match(k), k) for k in c if DISK_RE.match(k)),
                    key=lambda t: (BUS_ORDER[t[0].group(1)], int(t[0].group(2))))  # type: ignore[union-attr]
    for _, iface in drives:
        props = parse_props(str(c[iface]), "file")
        if props.get("media") == "cdrom":
            file = props.get("file", "none")
            if "cloudinit" in file:
                cloudinit = {"datastore_id": split_volume(file)[0], "interface": iface}
            else:
                cdroms.append({"enabled": True, "file_id": file, "interface": iface})
            continue
        disk = disk_block(iface, props, w)
        if disk is None:
            m.unmanaged.append(iface)
        else:
            disks.append(disk)
    if disks:
        body["disk"] = disks
    if cdroms:
        body["cdrom"] = cdroms[:1]
        for extra in cdroms[1:]:
            w.append(f"{extra['interface']}: only one CD-ROM drive can be managed")
            m.unmanaged.append(str(extra["interface"]))
    if "efidisk0" in c:
        p = parse_props(str(c["efidisk0"]), "file")
        store, path = split_volume(p.get("file", ""))
        efi: Body = {"datastore_id": store, "file_format": p.get("format") or volume_format(path),
                     "type": p.get("efitype", "2m")}
        if "pre-enrolled-keys" in p:
            efi["pre_enrolled_keys"] = flag(p["pre-enrolled-keys"])
        body["efi_disk"] = [efi]
    if "tpmstate0" in c:
        p = parse_props(str(c["tpmstate0"]), "file")
        body["tpm_state"] = [{"datastore_id": split_volume(p.get("file", ""))[0],
                              "version": p.get("version", "v1.2")}]
    return cloudinit


def drives_config(body: Body, c: dict[str, Any]) -> None:
    """A VM body's disks, CD-ROM, EFI disk and TPM state as PVE drive keys."""
    for disk in body.get("disk", []):
        store = disk.get("datastore_id", "local-lvm")
        size = int(disk.get("size", 8))
        path = disk.get("path_in_datastore")
        file = f"{store}:{path}" if path else f"{store}:{size}"
        items: list[tuple[str, str | None]] = [("file", file)]
        fmt = disk.get("file_format")
        if fmt and path and fmt != volume_format(path):
            items.append(("format", fmt))
        for key, name in sorted(_DISK_BOOL.items()):
            if name in disk:
                items.append((key, str(int(bool(disk[name])))))
        for key, name in sorted(_DISK_STR.items()):
            if name in disk:
                items.append((key, str(disk[name])))
        items.append(("size", f"{size}G"))
        c[disk["interface"]] = format_props(items, bare_first=True)
    for cd in body.get("cdrom", []):
        if cd.get("enabled", True):
            c[cd.get("interface", "ide3")] = f"{cd.get('file_id', 'cdrom')},media=cdrom"
    for efi in body.get("efi_disk", []):
        items = [("file", f"{efi.get('datastore_id', 'local-lvm')}:1"), ("efitype", efi.get("type", "2m"))]
        if "pre_enrolled_keys" in efi:
            items.append(("pre-enrolled-keys", str(int(bool(efi["pre_enrolled_keys"])))))
        c["efidisk0"] = format_props(items, bare_first=True)
    for tpm in body.get("tpm_state", []):
        c["tpmstate0"] = format_props([("file", f"{tpm.get('datastore_id', 'local-lvm')}:1"),
                                       ("version", tpm.get("version", "v2.0"))], bare_first=True)


def drive_view(props: dict[str, str]) -> dict[str, Any]:
    """Canonical values of one drive (defaults left out)."""
    view: dict[str, Any] = {}
    file = props.get("file", "")
    if props.get("media") == "cdrom":
        if "cloudinit" in file:
            return {"cloudinit": split_volume(file)[0]}
        return {"cdrom": file}
    view["file"] = file
    view["size"] = math.ceil(parse_size(props.get("size", "0")) / GiB)
    fmt = props.get("format")
    if fmt and fmt != volume_format(split_volume(file)[1]):
        view["format"] = fmt
    for key in list(_DISK_BOOL) + list(_DISK_STR):
        if key in props:
            value: Any = flag(props[key]) if key in _DISK_BOOL else props[key]
            if value != _DISK_DEFAULTS.get(key):
                view[key] = value
    return view


def put_drive_views(c: dict[str, Any], v: dict[str, Any]) -> None:
    """Canonical values of a VM config's drives, EFI disk and TPM state into the view `v`."""
    for key in c:
        if DISK_RE.match(key):
            v[key] = drive_view(parse_props(str(c[key]), "file"))
    if "efidisk0" in c:
        p = parse_props(str(c["efidisk0"]), "file")
        v["efidisk0"] = {"storage": split_volume(p.get("file", ""))[0], "efitype": p.get("efitype", "2m"),
                         "pre-enrolled-keys": flag(p.get("pre-enrolled-keys", "0"))}
    if "tpmstate0" in c:
        p = parse_props(str(c["tpmstate0"]), "file")
        v["tpmstate0"] = {"storage": split_volume(p.get("file", ""))[0], "version": p.get("version", "v1.2")}
