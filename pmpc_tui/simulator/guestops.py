"""Guest config mechanics: drive allocation, NIC MACs, tag normalisation, list/status entries."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from pmpc_tui.simulator.harules import guest_ha
from pmpc_tui.simulator.model import (
    Cluster,
    GiB,
    Guest,
    format_size,
    normalize_tags,
    parse_property_string,
    parse_size,
    print_property_string,
)
from pmpc_tui.simulator.params import NIC_MODELS

QEMU_DRIVE = re.compile(r"^(ide|sata|scsi|virtio)\d+$|^efidisk0$|^tpmstate0$")
LXC_DRIVE = re.compile(r"^rootfs$|^mp\d+$")
NEW_VOLUME = re.compile(r"^(?P<storage>[a-z][a-z0-9\-_.]*[a-z0-9]):(?P<size>\d+(\.\d+)?)$")
CLOUDINIT_VOLUME = re.compile(r"[:/]vm-\d+-cloudinit(\.\w+)?$")


def is_drive(kind: str, key: str) -> bool:
    """True when `key` is a disk/CD-ROM slot of this guest kind (scsi0, ide2, rootfs, mp0, …)."""
    return bool(QEMU_DRIVE.match(key) if kind == "qemu" else LXC_DRIVE.match(key))


def drive_key(kind: str) -> str:
    """The property holding the volume in a drive string: `file` (qemu) or `volume` (lxc)."""
    return "file" if kind == "qemu" else "volume"


def check_drive_storage(cluster: Cluster, node: str, kind: str, config: dict[str, Any]) -> dict[str, str]:
    """Parameter errors for drives on unknown storage and NICs on unknown bridges."""
    errors: dict[str, str] = {}
    bridges = cluster.nodes[node].bridges() | cluster.sdn_vnets_on(node)  # applied SDN VNets are bridges too
    for key, value in config.items():
        text = str(value)
        if is_drive(kind, key):
            try:
                drive = parse_property_string(text, drive_key(kind))
            except ValueError as exc:
                errors[key] = str(exc)
                continue
            volume = drive.get(drive_key(kind), "")
            if drive.get("media") == "cdrom" or volume in ("none", "cdrom", ""):
                continue
            storage = volume.split(":", 1)[0] if ":" in volume else None
            if storage is None:
                continue
            st = cluster.storages.get(storage)
            if st is None or not st.available_on(node):
                errors[key] = f"storage '{storage}' does not exist"
                continue
            wanted = "rootdir" if kind == "lxc" else "images"
            if "cloudinit" not in volume and wanted not in st.content:
                errors[key] = f"storage '{storage}' does not support content-type '{wanted}'"
                continue
            match = NEW_VOLUME.match(volume)
            if match and float(match.group("size")) <= 0:
                errors[key] = f"invalid size '{match.group('size')}'"
            size = drive.get("size")
            if size is not None:
                try:
                    parse_size(size)
                except ValueError:
                    errors[key] = f"invalid format - unable to parse size '{size}'\n"
        elif re.match(r"^net\d+$", key):
            try:
                nic = parse_property_string(text, "model")
            except ValueError as exc:
                errors[key] = str(exc)
                continue
            bridge = nic.get("bridge")
            if bridge and bridge not in bridges:
                errors[key] = f"bridge '{bridge}' does not exist"
            if kind == "lxc" and "name" not in nic:
                errors[key] = "missing 'name' for network device"
    return errors


def _normalize_nic(cluster: Cluster, kind: str, text: str, fresh: bool) -> str:
    nic = parse_property_string(text, "model")
    if kind == "lxc":
        if fresh or "hwaddr" not in nic:
            nic["hwaddr"] = cluster.new_mac()
        nic.setdefault("type", "veth")
        return print_property_string(nic, ("name",))
    model = nic.pop("model", None)
    mac = nic.pop("macaddr", None)
    for candidate in NIC_MODELS:
        if candidate in nic:
            model, mac = candidate, nic.pop(candidate)
            break
    model = model or "virtio"
    if fresh or not mac:
        mac = cluster.new_mac()
    return f"{model}={mac.upper()}" + ("," + print_property_string(nic) if nic else "")


def normalize_guest_config(cluster: Cluster, node: str, kind: str, config: dict[str, Any],
                           fresh_identity: bool = False) -> dict[str, Any]:
    """Normalise a config as PVE writes it: NIC MACs filled in, tags sorted, identity fields set."""
    out = dict(config)
    for key, value in config.items():
        if re.match(r"^net\d+$", key):
            out[key] = _normalize_nic(cluster, kind, str(value), fresh_identity)
        elif key == "tags":
            out[key] = normalize_tags(str(value))
            if not out[key]:
                del out[key]
    if kind == "qemu":
        if fresh_identity or "smbios1" not in out:
            out["smbios1"] = f"uuid={uuid.UUID(int=cluster.rng.getrandbits(128), version=4)}"
        if fresh_identity or "vmgenid" not in out:
            out["vmgenid"] = str(uuid.UUID(int=cluster.rng.getrandbits(128), version=4))
        out.setdefault("meta", "creation-qemu=9.2.0,ctime=1732400000")
    return out


def allocate_drives(cluster: Cluster, guest: Guest, log: Callable[[str], None],
                    clone_from: Guest | None = None, storage_override: str | None = None) -> None:
    """Turn `STORAGE:SIZE` drives (and a clone source's disks) into real volumes. ValueError on no space."""
    kind = guest.kind
    dkey = drive_key(kind)
    for key in sorted(guest.config):
        if not is_drive(kind, key):
            continue
        drive = parse_property_string(str(guest.config[key]), dkey)
        volume = drive.get(dkey, "")
        if volume in ("none", "cdrom"):
            continue
        if volume.endswith(":cloudinit") or (clone_from is not None and is_cloudinit(volume)):
            drive[dkey] = f"{volume.split(':')[0]}:vm-{guest.vmid}-cloudinit"  # a clone gets its own
            drive["media"] = "cdrom"
            guest.config[key] = print_property_string(drive, (dkey,), bare_first=True)
            continue
        match = NEW_VOLUME.match(volume)
        if match:
            storage, size = match.group("storage"), int(float(match.group("size")) * GiB)
        elif clone_from is not None and ":" in volume and "cloudinit" not in volume and drive.get("media") != "cdrom":
            storage = storage_override or volume.split(":", 1)[0]
            size = parse_size(drive.get("size", "0"))
        else:
            _reread_size(cluster, guest.node, key, drive, dkey)
            guest.config[key] = print_property_string(drive, (dkey,), bare_first=True)
            continue
        if cluster.free_space(storage, guest.node) < size:
            raise ValueError(f"no space left on storage '{storage}' (wanted {format_size(size)})")
        vol = cluster.allocate_volume(storage, guest.node, guest.vmid, kind, size)
        log(f"allocated {vol.volid} ({format_size(size)})")
        drive[dkey] = vol.volid
        drive["size"] = format_size(size)
        guest.config[key] = print_property_string(drive, (dkey,), bare_first=True)


def guest_volids(guest: Guest) -> dict[str, str]:
    """Every drive key of the guest with the volume id it names (cdroms with an image included)."""
    dkey = drive_key(guest.kind)
    out: dict[str, str] = {}
    for key, value in guest.config.items():
        if is_drive(guest.kind, key):
            volid = parse_property_string(str(value), dkey).get(dkey, "")
            if volid and volid not in ("none", "cdrom") and ":" in volid:
                out[key] = volid
    return out


def uses_only_shared_storage(cluster: Cluster, guest: Guest) -> bool:
    """True when every volume of the guest (disks, ISOs, cloud-init) lives on shared storage."""
    for volid in guest_volids(guest).values():
        st = cluster.storages.get(volid.split(":", 1)[0])
        if st is None or not st.shared:
            return False
    return True


def is_cloudinit(volid: str) -> bool:
    """A cloud-init drive: `STORAGE:cloudinit` to create, `vm-N-cloudinit` once made."""
    return volid.endswith(":cloudinit") or bool(CLOUDINIT_VOLUME.search(volid))


def _names_existing_volume(volume: str) -> bool:
    return (volume not in ("", "none", "cdrom") and ":" in volume and not NEW_VOLUME.match(volume)
            and not is_cloudinit(volume))


def check_volumes_exist(cluster: Cluster, node: str, kind: str, config: dict[str, Any]) -> None:
    """ValueError `volume 'X' does not exist` when a drive names a volume the node cannot see."""
    dkey = drive_key(kind)
    for key in sorted(config):
        if is_drive(kind, key):
            volume = parse_property_string(str(config[key]), dkey).get(dkey, "")
            if _names_existing_volume(volume) and cluster.find_volume(volume, node) is None:
                raise ValueError(f"volume '{volume}' does not exist")


def _reread_size(cluster: Cluster, node: str, key: str, drive: dict[str, str], dkey: str) -> None:
    """Set `size=` from the volume itself, as PVE re-reads it (ValueError when the volume is missing)."""
    volume = drive.get(dkey, "")
    if not _names_existing_volume(volume):
        return
    vol = cluster.find_volume(volume, node)
    if vol is None:
        raise ValueError(f"volume '{volume}' does not exist")
    drive["size"] = format_size(vol.size)


def release_volumes(cluster: Cluster, guest: Guest) -> list[str]:
    """Remove every volume owned by the guest; returns their ids."""
    owned = [volid for volid, vol in cluster.volumes.items() if vol.vmid == guest.vmid]
    for volid in owned:
        del cluster.volumes[volid]
    return owned


def mac_of(text: str) -> str | None:
    match = re.search(r"([0-9A-F]{2}(:[0-9A-F]{2}){5})", text, re.I)
    return match.group(1) if match else None


def guest_list_entry(cluster: Cluster, g: Guest, resource: bool) -> dict[str, Any]:
    """An entry of /cluster/resources (resource=True) or of the per-node qemu/lxc list."""
    running = g.status in ("running", "paused")
    entry: dict[str, Any] = {
        "vmid": g.vmid, "name": g.name, "status": "running" if g.status == "paused" else g.status,
        "cpu": cluster.guest_cpu(g), "mem": cluster.guest_mem(g), "maxmem": g.maxmem(),
        "disk": 0 if g.kind == "qemu" else (cluster.guest_maxdisk(g) // 4 if running else 0),
        "maxdisk": cluster.guest_maxdisk(g), "uptime": cluster.guest_uptime(g),
        "netin": g.netin if running else 0, "netout": g.netout if running else 0,
        "diskread": g.vmid * 1_000_000 if running else 0, "diskwrite": g.vmid * 500_000 if running else 0,
    }
    if resource:
        entry.update({"id": f"{g.kind}/{g.vmid}", "type": g.kind, "node": g.node, "maxcpu": g.cpus(),
                      "template": 1 if g.is_template else 0})
        pool = cluster.pool_of(g.vmid)
        if pool is not None:
            entry["pool"] = pool
        hastate = guest_ha(cluster, g.kind, g.vmid).get("state")
        if hastate is not None:
            entry["hastate"] = hastate
    else:
        entry["cpus"] = g.cpus()
        if g.kind == "lxc":
            entry["type"] = "lxc"
            entry["vmid"] = str(g.vmid)  # PVE returns the CT list's vmid as a string
            entry["maxswap"] = int(g.config.get("swap", 512)) * 1024 * 1024
            entry["swap"] = 0
        if g.is_template:
            entry["template"] = 1
        if running:
            entry["pid"] = 10000 + g.vmid
    if "tags" in g.config:
        entry["tags"] = g.config["tags"]
    if g.lock:
        entry["lock"] = g.lock
    return entry


def guest_status(cluster: Cluster, g: Guest) -> dict[str, Any]:
    """The `status/current` answer for a guest."""
    entry = guest_list_entry(cluster, g, resource=False)
    entry["vmid"] = g.vmid
    entry["ha"] = guest_ha(cluster, g.kind, g.vmid)
    if g.kind == "qemu":
        agent = parse_property_string(str(g.config.get("agent", "0")), "enabled").get("enabled", "0")
        entry["agent"] = 1 if agent in ("1", "true") else 0
        entry["qmpstatus"] = g.status
        if g.status == "paused":
            entry["status"] = "running"
        if g.status in ("running", "paused"):
            entry.update({"running-machine": "pc-i440fx-9.2+pve1", "running-qemu": "9.2.0",
                          "balloon": g.maxmem(), "freemem": g.maxmem() - cluster.guest_mem(g),
                          "proxmox-support": {
                              "backup-max-workers": True, "pbs-dirty-bitmap": True,
                              "pbs-dirty-bitmap-migration": True, "pbs-dirty-bitmap-savevm": True,
                              "pbs-library-version": "1.5.1 (UNKNOWN)", "pbs-masterkey": True,
                              "query-bitmap-info": True,
                          }})
        entry["shares"] = 1000
    return entry
