"""Declared parameters of every route the simulator serves (see params.py for the notation)."""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, VMID, VMID_OPT, B, E, I, N, P, S
from pmpc_tui.simulator.specs_guest import (
    LXC_CONFIG_PUT,
    LXC_CREATE,
    QEMU_CONFIG_POST,
    QEMU_CONFIG_PUT,
    QEMU_CREATE,
)

SNAPNAME = P("string", optional=False, format="pve-configid", max_length=40)
SNAPNAME_OPT = P("string", format="pve-configid", max_length=40)
UPID = S(optional=False)
STORAGE = S("pve-storage-id", optional=False)

_QEMU_DISKS = tuple(
    [f"ide{i}" for i in range(4)] + [f"scsi{i}" for i in range(31)] + [f"virtio{i}" for i in range(16)]
    + [f"sata{i}" for i in range(6)] + ["efidisk0", "tpmstate0"]
)
_LXC_DISKS = ("rootfs", *(f"mp{i}" for i in range(256)))
SIZE = S(optional=False, pattern=r"\+?\d+(\.\d+)?[KMGT]?")

ROUTE_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/access/ticket"): {},
    ("POST", "/access/ticket"): {
        "new-format": B(), "otp": S(), "password": S(optional=False),
        "path": S(max_length=64), "privs": P("string", format="pve-priv-list", max_length=64),
        "realm": P("string", format="pve-realm", max_length=32), "tfa-challenge": S(),
        "username": P("string", optional=False, max_length=64),
    },
    ("GET", "/access/domains"): {},
    ("GET", "/version"): {},
    ("GET", "/cluster/status"): {},
    ("GET", "/cluster/resources"): {"type": E("vm", "storage", "node", "sdn")},
    ("GET", "/cluster/nextid"): {"vmid": VMID_OPT},
    ("GET", "/cluster/tasks"): {},
    ("GET", "/nodes"): {},
    ("GET", "/nodes/{node}/status"): {"node": NODE},
    # --- qemu ---
    ("GET", "/nodes/{node}/qemu"): {"full": B(), "node": NODE},
    ("POST", "/nodes/{node}/qemu"): QEMU_CREATE,
    ("GET", "/nodes/{node}/qemu/{vmid}"): {"node": NODE, "vmid": VMID},
    ("DELETE", "/nodes/{node}/qemu/{vmid}"): {
        "destroy-unreferenced-disks": B(), "node": NODE, "purge": B(), "skiplock": B(), "vmid": VMID,
    },
    ("GET", "/nodes/{node}/qemu/{vmid}/pending"): {"node": NODE, "vmid": VMID},
    ("GET", "/nodes/{node}/qemu/{vmid}/config"): {
        "current": B(), "node": NODE, "snapshot": SNAPNAME_OPT, "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/config"): QEMU_CONFIG_POST,
    ("PUT", "/nodes/{node}/qemu/{vmid}/config"): QEMU_CONFIG_PUT,
    ("GET", "/nodes/{node}/qemu/{vmid}/status"): {"node": NODE, "vmid": VMID},
    ("GET", "/nodes/{node}/qemu/{vmid}/status/current"): {"node": NODE, "vmid": VMID},
    ("POST", "/nodes/{node}/qemu/{vmid}/status/start"): {
        "force-cpu": S(), "machine": P("string", format="property-string",
                                       keys=("aw-bits", "enable-s3", "enable-s4", "type", "viommu"),
                                       default_key="type"),
        "migratedfrom": S("pve-node"), "migration_network": S("CIDR"),
        "migration_type": E("secure", "insecure"),
        "nets-host-mtu": S(pattern=r"net\d+=\d+(,net\d+=\d+)*"), "node": NODE, "skiplock": B(),
        "stateuri": S(max_length=128), "targetstorage": S("storage-pair-list"), "timeout": I(0),
        "vmid": VMID, "with-conntrack-state": B(),
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/status/stop"): {
        "keepActive": B(), "migratedfrom": S("pve-node"), "node": NODE, "overrule-shutdown": B(),
        "skiplock": B(), "timeout": I(0), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/status/shutdown"): {
        "forceStop": B(), "keepActive": B(), "node": NODE, "skiplock": B(), "timeout": I(0), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/status/reboot"): {"node": NODE, "timeout": I(0), "vmid": VMID},
    ("POST", "/nodes/{node}/qemu/{vmid}/status/suspend"): {
        "node": NODE, "skiplock": B(), "statestorage": S("pve-storage-id"), "todisk": B(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/status/resume"): {
        "nocheck": B(), "node": NODE, "skiplock": B(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/clone"): {
        "bwlimit": I(0), "description": S(), "format": E("raw", "qcow2", "vmdk"), "full": B(),
        "name": S("dns-name"), "newid": VMID, "node": NODE, "pool": S("pve-poolid"),
        "snapname": SNAPNAME_OPT, "storage": S("pve-storage-id"), "target": S("pve-node"), "vmid": VMID,
    },
    ("PUT", "/nodes/{node}/qemu/{vmid}/resize"): {
        "digest": S(max_length=40), "disk": E(*_QEMU_DISKS, optional=False), "node": NODE, "size": SIZE,
        "skiplock": B(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/qemu/{vmid}/status/reset"): {"node": NODE, "skiplock": B(), "vmid": VMID},
    ("POST", "/nodes/{node}/qemu/{vmid}/template"): {
        "disk": E(*_QEMU_DISKS), "node": NODE, "vmid": VMID,
    },
    ("GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces"): {"node": NODE, "vmid": VMID},
    # --- lxc ---
    ("GET", "/nodes/{node}/lxc"): {"node": NODE},
    ("POST", "/nodes/{node}/lxc"): LXC_CREATE,
    ("GET", "/nodes/{node}/lxc/{vmid}"): {"node": NODE, "vmid": VMID},
    ("DELETE", "/nodes/{node}/lxc/{vmid}"): {
        "destroy-unreferenced-disks": B(), "force": B(), "node": NODE, "purge": B(), "vmid": VMID,
    },
    ("GET", "/nodes/{node}/lxc/{vmid}/pending"): {"node": NODE, "vmid": VMID},
    ("GET", "/nodes/{node}/lxc/{vmid}/config"): {
        "current": B(), "node": NODE, "snapshot": SNAPNAME_OPT, "vmid": VMID,
    },
    ("PUT", "/nodes/{node}/lxc/{vmid}/config"): LXC_CONFIG_PUT,
    ("GET", "/nodes/{node}/lxc/{vmid}/status"): {"node": NODE, "vmid": VMID},
    ("GET", "/nodes/{node}/lxc/{vmid}/status/current"): {"node": NODE, "vmid": VMID},
    ("POST", "/nodes/{node}/lxc/{vmid}/status/start"): {
        "debug": B(), "node": NODE, "skiplock": B(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/status/stop"): {
        "node": NODE, "overrule-shutdown": B(), "skiplock": B(), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/status/shutdown"): {
        "forceStop": B(), "node": NODE, "timeout": I(0), "vmid": VMID,
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/status/reboot"): {"node": NODE, "timeout": I(0), "vmid": VMID},
    ("POST", "/nodes/{node}/lxc/{vmid}/status/suspend"): {"node": NODE, "vmid": VMID},
    ("POST", "/nodes/{node}/lxc/{vmid}/status/resume"): {"node": NODE, "vmid": VMID},
    ("POST", "/nodes/{node}/lxc/{vmid}/clone"): {
        "bwlimit": N(0), "description": S(), "full": B(), "hostname": S("dns-name"), "newid": VMID,
        "node": NODE, "pool": S("pve-poolid"), "snapname": SNAPNAME_OPT, "storage": S("pve-storage-id"),
        "target": S("pve-node"), "vmid": VMID,
    },
    ("PUT", "/nodes/{node}/lxc/{vmid}/resize"): {
        "digest": S(max_length=40), "disk": E(*_LXC_DISKS, optional=False), "node": NODE, "size": SIZE,
        "vmid": VMID,
    },
    ("POST", "/nodes/{node}/lxc/{vmid}/template"): {"node": NODE, "vmid": VMID},
    ("GET", "/nodes/{node}/lxc/{vmid}/interfaces"): {"node": NODE, "vmid": VMID},
    # --- cluster configuration: storage.cfg (pools: specs_pools.py) ---
    ("GET", "/storage"): {
        "type": E("btrfs", "cephfs", "cifs", "dir", "esxi", "iscsi", "iscsidirect", "lvm", "lvmthin", "nfs", "pbs",
                  "rbd", "zfs", "zfspool"),
    },
    ("GET", "/storage/{storage}"): {"storage": STORAGE},
    # --- storage, network, tasks ---
    ("GET", "/nodes/{node}/storage"): {
        "content": S("pve-storage-content-list"), "enabled": B(), "format": B(), "node": NODE,
        "storage": S("pve-storage-id"), "target": S("pve-node"),
    },
    ("GET", "/nodes/{node}/storage/{storage}/content"): {
        "content": S("pve-storage-content"), "node": NODE, "storage": STORAGE, "vmid": VMID_OPT,
    },
    ("GET", "/nodes/{node}/storage/{storage}/status"): {"node": NODE, "storage": STORAGE},
    ("GET", "/nodes/{node}/network"): {
        "node": NODE,
        "type": E("bridge", "bond", "eth", "alias", "vlan", "fabric", "OVSBridge", "OVSBond", "OVSPort",
                  "OVSIntPort", "vnet", "any_bridge", "any_local_bridge", "include_sdn"),
    },
    ("GET", "/nodes/{node}/tasks"): {
        "errors": B(), "limit": I(0), "node": NODE, "since": I(), "source": E("archive", "active", "all"),
        "start": I(0), "statusfilter": S("pve-task-status-type-list"), "typefilter": S(), "until": I(),
        "userfilter": S(), "vmid": VMID_OPT,
    },
    ("GET", "/nodes/{node}/tasks/{upid}"): {"node": NODE, "upid": UPID},
    ("DELETE", "/nodes/{node}/tasks/{upid}"): {"node": NODE, "upid": UPID},
    ("GET", "/nodes/{node}/tasks/{upid}/log"): {
        "download": B(), "limit": I(0), "node": NODE, "start": I(0), "upid": UPID,
    },
    ("GET", "/nodes/{node}/tasks/{upid}/status"): {"node": NODE, "upid": UPID},
}

from pmpc_tui.simulator.specs_move import MOVE_PARAMS  # noqa: E402  (migrate, move_disk, move_volume)

ROUTE_PARAMS.update(MOVE_PARAMS)
from pmpc_tui.simulator.specs_firewall import FIREWALL_PARAMS  # noqa: E402,I001  (cluster and guest firewall)
ROUTE_PARAMS.update(FIREWALL_PARAMS)

from pmpc_tui.simulator.specs_backup import BACKUP_PARAMS  # noqa: E402  (vzdump, backup volumes)

ROUTE_PARAMS.update(BACKUP_PARAMS)
from pmpc_tui.simulator.specs_snapshot import SNAPSHOT_PARAMS  # noqa: E402,I001  (guest snapshots)
ROUTE_PARAMS.update(SNAPSHOT_PARAMS)
from pmpc_tui.simulator.specs_storage import STORAGE_FILE_PARAMS  # noqa: E402,I001  (download-url, upload, version)
ROUTE_PARAMS.update(STORAGE_FILE_PARAMS)
from pmpc_tui.simulator.specs_pools import POOL_PARAMS  # noqa: E402,I001  (resource pools)
ROUTE_PARAMS.update(POOL_PARAMS)
from pmpc_tui.simulator.specs_backupjobs import BACKUP_JOB_PARAMS  # noqa: E402,I001  (backup jobs)
ROUTE_PARAMS.update(BACKUP_JOB_PARAMS)
from pmpc_tui.simulator.specs_ha import HA_PARAMS  # noqa: E402,I001  (HA resources, rules, groups, status)
ROUTE_PARAMS.update(HA_PARAMS)
from pmpc_tui.simulator.specs_sdn import SDN_PARAMS  # noqa: E402,I001  (SDN zones, VNets, subnets)
ROUTE_PARAMS.update(SDN_PARAMS)
from pmpc_tui.simulator.specs_access import ACCESS_PARAMS  # noqa: E402,I001  (users, tokens, groups, roles, ACL)
ROUTE_PARAMS.update(ACCESS_PARAMS)
from pmpc_tui.simulator.specs_storage_cfg import STORAGE_CFG_PARAMS  # noqa: E402,I001  (storage.cfg writes)
ROUTE_PARAMS.update(STORAGE_CFG_PARAMS)
from pmpc_tui.simulator.specs_domains import DOMAIN_PARAMS  # noqa: E402,I001  (authentication realms)
ROUTE_PARAMS.update(DOMAIN_PARAMS)
