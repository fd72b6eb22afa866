"""Declared parameters of the guest create/config routes (the long ones).

Every option PVE accepts on these routes is listed, so unknown names are rejected exactly as PVE
rejects them. `PS(keys, default_key)` lists a property string's keys (PVE's alias keys included, such as
`virtio=` for a NIC's MAC or `volume=` for a drive's `file=`); `default_key` names the key whose
value may be written without `key=`.
"""

from __future__ import annotations

from pmpc_tui.simulator.params import NODE, PS, VMID, B, E, I, N, P, S

# --- qemu ----------------------------------------------------------------------------------------------
# Drive options every bus accepts (throttling, caching, error policy, volume identity).
_DRIVE = (
    "file volume size format media cache aio discard detect_zeroes backup replicate shared snapshot serial "
    "rerror werror import-from "
    "bps bps_rd bps_wr bps_max_length bps_rd_max_length bps_wr_max_length bps_rd_length bps_wr_length "
    "iops iops_rd iops_wr iops_max iops_rd_max iops_wr_max iops_max_length iops_rd_max_length "
    "iops_wr_max_length iops_rd_length iops_wr_length "
    "mbps mbps_rd mbps_wr mbps_max mbps_rd_max mbps_wr_max"
)
_NIC_MODELS = (
    "e1000 e1000-82540em e1000-82544gc e1000-82545em e1000e i82551 i82557b i82559er ne2k_isa ne2k_pci pcnet "
    "rtl8139 virtio vmxnet3"
)
_OSTYPES_QEMU = ("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24",
                 "l26", "solaris")
_KEYBOARDS = ("de", "de-ch", "da", "en-gb", "en-us", "es", "fi", "fr", "fr-be", "fr-ca", "fr-ch", "hu", "is",
              "it", "ja", "lt", "mk", "nl", "no", "pl", "pt", "pt-br", "sv", "sl", "tr")

# Options that land in a VM's config; shared by create and both config routes.
QEMU_OPTIONS: dict[str, P] = {
    "acpi": B(),
    "affinity": S("pve-cpuset"),
    "agent": PS("enabled freeze-fs freeze-fs-on-backup fstrim_cloned_disks guest-fsfreeze type", "enabled"),
    "allow-ksm": B(),
    "amd-sev": S("pve-qemu-sev-fmt"),
    "arch": E("x86_64", "aarch64"),
    "args": S(),
    "audio0": PS("device driver"),
    "autostart": B(),
    "balloon": I(0),
    "bios": E("seabios", "ovmf"),
    "boot": S("pve-qm-boot"),
    "bootdisk": S("pve-qm-bootdisk", pattern=r"(ide|sata|scsi|virtio)\d+"),
    "cdrom": S("pve-qm-ide"),
    "cicustom": S("pve-qm-cicustom"),
    "cipassword": S(),
    "citype": E("configdrive2", "nocloud", "opennebula"),
    "ciupgrade": B(),
    "ciuser": S(),
    "cores": I(1),
    "cpu": S("pve-vm-cpu-conf"),
    "cpulimit": N(0, 128),
    "cpuunits": I(1, 262144),
    "description": S(max_length=8192),
    "efidisk0": PS("file volume size format efitype import-from ms-cert pre-enrolled-keys", "file"),
    "freeze": B(),
    "hookscript": S("pve-volume-id"),
    "hostpci[n]": S("pve-qm-hostpci"),
    "hotplug": S("pve-hotplug-features"),
    "hugepages": E("any", "2", "1024"),
    "ide[n]": PS(f"{_DRIVE} model ssd wwn", "file"),
    "intel-tdx": S("pve-qemu-tdx-fmt"),
    "ipconfig[n]": S("pve-qm-ipconfig"),
    "ivshmem": PS("name size"),
    "keephugepages": B(),
    "keyboard": E(*_KEYBOARDS),
    "kvm": B(),
    "localtime": B(),
    "lock": E("backup", "clone", "create", "migrate", "rollback", "snapshot", "snapshot-delete", "suspending",
              "suspended"),
    "machine": PS("type aw-bits enable-s3 enable-s4 viommu", "type"),
    "memory": PS("current", "current"),
    "migrate_downtime": N(0),
    "migrate_speed": I(0),
    "name": S("dns-name"),
    "nameserver": S("address-list"),
    "net[n]": PS(f"model macaddr bridge firewall link_down mtu queues rate tag trunks {_NIC_MODELS}",
                 "model"),
    "numa": B(),
    "numa[n]": PS("cpus hostnodes memory policy"),
    "onboot": B(),
    "ostype": E(*_OSTYPES_QEMU),
    "parallel[n]": S(pattern=r"/dev/parport\d+|/dev/usb/lp\d+"),
    "protection": B(),
    "reboot": B(),
    "rng0": S("pve-qm-rng"),
    "sata[n]": PS(f"{_DRIVE} ssd wwn", "file"),
    "scsi[n]": PS(f"{_DRIVE} iothread product queues ro scsiblock ssd vendor wwn", "file"),
    "scsihw": E("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"),
    "searchdomain": S(),
    "serial[n]": S(pattern=r"(/dev/.+|socket)"),
    "shares": I(0, 50000),
    "smbios1": S("pve-qm-smbios1", max_length=512),
    "smp": I(1),
    "sockets": I(1),
    "spice_enhancements": PS("foldersharing videostreaming"),
    "sshkeys": S("urlencoded"),
    "startdate": S(pattern=r"(now|\d{4}-\d{1,2}-\d{1,2}(T\d{1,2}:\d{1,2}:\d{1,2})?)"),
    "startup": S("pve-startup-order"),
    "tablet": B(),
    "tags": S("pve-tag-list"),
    "tdf": B(),
    "template": B(),
    "tpmstate0": PS("file volume size format import-from version", "file"),
    "unused[n]": PS("file volume", "file"),
    "usb[n]": PS("host mapping usb3", "host"),
    "vcpus": I(1),
    "vga": PS("type clipboard memory", "type"),
    "virtio[n]": PS(f"{_DRIVE} iothread ro", "file"),
    "virtiofs[n]": PS("dirid cache direct-io expose-acl expose-xattr", "dirid"),
    "vmgenid": S(pattern=r"(?:[a-fA-F0-9]{8}(?:-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}|[01])"),
    "vmstatestorage": S("pve-storage-id"),
    "watchdog": S("pve-qm-watchdog"),
}

_CONFIG_CONTROL: dict[str, P] = {
    "delete": S("pve-configid-list"), "digest": S(max_length=40), "force": B(),
    "revert": S("pve-configid-list"), "skiplock": B(),
}

QEMU_CREATE: dict[str, P] = {
    **QEMU_OPTIONS, "node": NODE, "vmid": VMID,
    "archive": S(max_length=255), "bwlimit": I(0), "force": B(), "ha-managed": B(),
    "import-working-storage": S("pve-storage-id"), "live-restore": B(), "pool": S("pve-poolid"), "start": B(),
    "storage": S("pve-storage-id"), "unique": B(),
}
QEMU_CONFIG_POST: dict[str, P] = {
    **QEMU_OPTIONS, "node": NODE, "vmid": VMID, **_CONFIG_CONTROL,
    "background_delay": I(1, 30), "import-working-storage": S("pve-storage-id"),
}
QEMU_CONFIG_PUT: dict[str, P] = {**QEMU_OPTIONS, "node": NODE, "vmid": VMID, **_CONFIG_CONTROL}

# --- lxc -----------------------------------------------------------------------------------------------
_MOUNT = "volume size acl mountoptions quota replicate ro shared"

LXC_OPTIONS: dict[str, P] = {
    "arch": E("amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"),
    "cmode": E("shell", "console", "tty"),
    "console": B(),
    "cores": I(1, 8192),
    "cpulimit": N(0, 8192),
    "cpuunits": I(0, 500000),
    "debug": B(),
    "description": S(max_length=8192),
    "dev[n]": PS("path deny-write gid mode uid", "path"),
    "entrypoint": S(pattern=r"(?^:[^\x00-\x08\x10-\x1F\x7F]+)"),
    "env": S(pattern=r"(?^:(?:\w+=[^\x00-\x08\x10-\x1F\x7F]*)(?:\0\w+=[^\x00-\x08\x10-\x1F\x7F]*)*)"),
    "features": PS("force_rw_sys fuse keyctl mknod mount nesting"),
    "hookscript": S("pve-volume-id"),
    "hostname": S("dns-name", max_length=255),
    "lock": E("backup", "create", "destroyed", "disk", "fstrim", "migrate", "mounted", "rollback", "snapshot",
              "snapshot-delete"),
    "memory": I(16),
    "mp[n]": PS(f"{_MOUNT} mp backup keepattrs", "volume"),
    "nameserver": S("lxc-ip-with-ll-iface-list"),
    "net[n]": PS("name bridge firewall gw gw6 host-managed hwaddr ip ip6 link_down mtu rate tag trunks type"),
    "onboot": B(),
    "ostype": E("debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine", "gentoo",
                "nixos", "unmanaged"),
    "protection": B(),
    "rootfs": PS(_MOUNT, "volume"),
    "searchdomain": S("dns-name-list"),
    "startup": S("pve-startup-order"),
    "swap": I(0),
    "tags": S("pve-tag-list"),
    "template": B(),
    "timezone": S("pve-ct-timezone"),
    "tty": I(0, 6),
    "unprivileged": B(),
    "unused[n]": PS("volume", "volume"),
}

LXC_CREATE: dict[str, P] = {
    **LXC_OPTIONS, "node": NODE, "vmid": VMID,
    "bwlimit": N(0), "force": B(), "ha-managed": B(), "ignore-unpack-errors": B(),
    "ostemplate": S(optional=False, max_length=255), "password": S(min_length=5), "pool": S("pve-poolid"),
    "restore": B(), "ssh-public-keys": S(), "start": B(), "storage": S("pve-storage-id"), "unique": B(),
}
LXC_CONFIG_PUT: dict[str, P] = {
    **LXC_OPTIONS, "node": NODE, "vmid": VMID,
    "delete": S("pve-configid-list"), "digest": S(max_length=40), "revert": S("pve-configid-list"),
}

# Parameters of the create/config routes that steer the call rather than land in the config.
CONTROL_PARAMS = frozenset({
    "node", "vmid", "start", "pool", "storage", "delete", "digest", "skiplock", "revert", "ostemplate",
    "password", "ssh-public-keys", "archive", "force", "unique", "live-restore", "bwlimit",
    "import-working-storage", "ignore-unpack-errors", "restore", "background_delay",
    "ha-managed",
})
