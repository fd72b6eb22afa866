"""Declared parameters of the routes that move guests and volumes: migrate, move_disk, move_volume."""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, VMID, VMID_OPT, B, E, I, N, P, S

_QEMU_DRIVES = tuple([f"ide{i}" for i in range(4)] + [f"scsi{i}" for i in range(31)]
                     + [f"virtio{i}" for i in range(16)] + [f"sata{i}" for i in range(6)]
                     + ["efidisk0", "tpmstate0"] + [f"unused{i}" for i in range(256)])
_LXC_VOLUMES = ("rootfs", *(f"mp{i}" for i in range(256)), *(f"unused{i}" for i in range(256)))
TARGET_NODE = S("pve-node", optional=False)

MOVE_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("POST", "/nodes/{node}/qemu/{vmid}/migrate"): {
        "bwlimit": I(0), "force": B(), "migration_network": S("CIDR"), "migration_type": E("secure", "insecure"),
        "node": NODE, "online": B(), "target": TARGET_NODE, "targetstorage": S("storage-pair-list"),
        "vmid": VMID, "with-conntrack-state": B(), "with-local-disks": B(),
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/migrate"): {
        "bwlimit": N(0), "node": NODE, "online": B(), "restart": B(), "target": TARGET_NODE,
        "target-storage": S("storage-pair-list"), "timeout": I(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/move_disk"): {
        "bwlimit": I(0), "delete": B(), "digest": S(max_length=40), "disk": E(*_QEMU_DRIVES, optional=False),
        "format": E("raw", "qcow2", "vmdk"), "node": NODE, "storage": S("pve-storage-id"),
        "target-digest": S(max_length=40), "target-disk": E(*_QEMU_DRIVES), "target-vmid": VMID_OPT, "vmid": VMID,
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/move_volume"): {
        "bwlimit": N(0), "delete": B(), "digest": S(max_length=40), "node": NODE, "storage": S("pve-storage-id"),
        "target-digest": S(max_length=40), "target-vmid": VMID_OPT, "target-volume": E(*_LXC_VOLUMES),
        "vmid": VMID, "volume": E(*_LXC_VOLUMES, optional=False),
    },
    ("PUT", "/nodes/{node}/qemu/{vmid}/unlink"): {
        "force": B(), "idlist": S("pve-configid-list", optional=False), "node": NODE, "vmid": VMID,
    },
}
