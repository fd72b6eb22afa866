"""Declared parameters of the guest create/config routes (the long ones)."""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, VMID, B, E, I, P, PS, S

_DRIVE_KEYS = "file size media discard ssd iothread cache format backup replicate"
_NET_KEYS = "model macaddr bridge firewall tag mtu queues rate link_down trunks virtio e1000 vmxnet3 rtl8139"

QEMU_COMMON: dict[str, P] = {
    "agent": PS("enabled freeze-fs freeze-fs-on-backup fstrim_cloned_disks guest-fsfreeze type", "enabled"),
    "boot": S("pve-qm-boot"),
    "cores": I(1),
    "cpu": S("pve-vm-cpu-conf"),
    "description": S(max_length=8192),
    "ide[n]": PS(_DRIVE_KEYS, "file"),
    "ipconfig[n]": S("pve-qm-ipconfig"),
    "memory": PS("current", "current"),
    "name": S("dns-name"),
    "net[n]": PS(_NET_KEYS, "model"),
    "onboot": B(),
    "ostype": E("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24",
                "l26", "solaris"),
    "sata[n]": PS(_DRIVE_KEYS, "file"),
    "scsi[n]": PS(_DRIVE_KEYS, "file"),
    "scsihw": E("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"),
    "sockets": I(1),
    "tags": S("pve-tag-list"),
    "template": B(),
    "virtio[n]": PS(_DRIVE_KEYS, "file"),
    "ciuser": S(),
    "nameserver": S("address-list"),
    "searchdomain": S(),
}

QEMU_CREATE: dict[str, P] = {**QEMU_COMMON, "node": NODE, "vmid": VMID, "start": B(), "pool": S("pve-poolid"),
                             "storage": S("pve-storage-id")}
QEMU_CONFIG_POST: dict[str, P] = {**QEMU_COMMON, "node": NODE, "vmid": VMID, "delete": S("pve-configid-list"),
                                  "digest": S(max_length=40), "skiplock": B(), "revert": S("pve-configid-list")}
QEMU_CONFIG_PUT: dict[str, P] = dict(QEMU_CONFIG_POST)

LXC_COMMON: dict[str, P] = {
    "arch": E("amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"),
    "cores": I(1, 8192),
    "description": S(max_length=8192),
    "features": S(),
    "hostname": S("dns-name"),
    "memory": I(16),
    "mp[n]": PS("volume mp size backup ro acl", "volume"),
    "nameserver": S("address-list"),
    "net[n]": PS("name bridge firewall gw gw6 hwaddr ip ip6 mtu rate tag trunks type link_down"),
    "onboot": B(),
    "ostype": E("debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine",
                "gentoo", "nixos", "unmanaged"),
    "rootfs": PS("volume size backup ro acl", "volume"),
    "searchdomain": S(),
    "swap": I(0),
    "tags": S("pve-tag-list"),
    "template": B(),
    "unprivileged": B(),
}
LXC_CREATE: dict[str, P] = {**LXC_COMMON, "node": NODE, "vmid": VMID,
                            "ostemplate": P("string", optional=False, max_length=255),
                            "password": S(), "pool": S("pve-poolid"), "start": B(),
                            "storage": S("pve-storage-id"), "ssh-public-keys": S()}
LXC_CONFIG_PUT: dict[str, P] = {**LXC_COMMON, "node": NODE, "vmid": VMID, "delete": S("pve-configid-list"),
                                "digest": S(max_length=40), "revert": S("pve-configid-list")}

# Parameters of the create/config routes that steer the call rather than land in the config.
CONTROL_PARAMS = frozenset({
    "node", "vmid", "start", "pool", "storage", "delete", "digest", "skiplock", "revert", "ostemplate",
    "password", "ssh-public-keys", "archive", "force", "unique", "live-restore", "bwlimit",
    "import-working-storage", "ignore-unpack-errors", "restore", "background_delay",
    "ha-managed",
})
