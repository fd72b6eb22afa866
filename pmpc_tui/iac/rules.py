"""Value rules for every PVE parameter the bpg mapping writes: ranges, enums, formats and lengths.

`body_problems` checks the types of a resource body as the bpg provider reads it (a number where a
number belongs: `size = "10G"` is caught here); `config_problems` checks the PVE config that
`body_to_config` made from it against what PVE accepts. Each problem names the bpg argument (with
the index of its block) so /validate can point at the line. `tests/contract/test_rules_contract.py` compares
every rule with the official PVE 9.1 schema.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.iac.pveconf import parse_props
from pmpc_tui.pve.errors import ValidationFailed


@dataclass(frozen=True)
class Rule:
    """What PVE accepts for one parameter (or one key of a property string), and the bpg argument behind it."""

    type: str = "string"  # integer | number | boolean | string
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None  # PVE's named format (checked by FORMATS)
    max_length: int | None = None
    pattern: str | None = None  # PVE's regex pattern (whole value)
    bpg: str = ""  # the bpg argument path this value comes from (`cpu.cores`)
    keys: dict[str, Rule] = field(default_factory=dict)  # property-string keys
    default_key: str | None = None


@dataclass(frozen=True)
class Problem:
    """One malformed value: the bpg argument path, the index of its block, and what is wrong."""

    path: str
    message: str
    index: int = 0


def R(type_: str = "string", minimum: float | None = None, maximum: float | None = None, *, bpg: str = "",
      enum: tuple[str, ...] | None = None, fmt: str | None = None, max_length: int | None = None,
      pattern: str | None = None) -> Rule:
    """A rule (short constructor for the tables below)."""
    return Rule(type_, minimum, maximum, enum, fmt, max_length, pattern, bpg)


def PS(bpg: str, default_key: str | None = None, **keys: Rule) -> Rule:
    """A property string whose keys have rules (`_` in a key name stands for `-`)."""
    return Rule(bpg=bpg, keys={k.replace("__", "-"): v for k, v in keys.items()}, default_key=default_key)


# --- formats ---------------------------------------------------------------------------------------
_LABEL = r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?"
_DNS = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}$")
_STORAGE = r"[a-z][a-z0-9\-_.]*[a-z0-9]"
_VOLUME = re.compile(rf"^{_STORAGE}:.+$", re.I)  # PVE storage IDs ignore case
_TAG = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_\-+.]*$")
_MAC = re.compile(r"^[a-fA-F0-9][02468aceACE](:[a-fA-F0-9]{2}){5}$")
_BOOT_DEVICE = re.compile(r"^((ide|sata|scsi|virtio|net|hostpci|usb)\d+|efidisk0|tpmstate0)$")
_HOTPLUG = {"network", "disk", "cpu", "memory", "usb", "cloudinit"}
_CPUSET = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")
_CPUTYPE = re.compile(r"^(custom-)?[A-Za-z0-9_.+\-]+$")
_CPUFLAGS = re.compile(r"^[+-][A-Za-z0-9_\-.]+(;[+-][A-Za-z0-9_\-.]+)*$")
_SIZE = re.compile(r"^\d+(\.\d+)?[KMGT]?$")
_UUID = re.compile(r"^[a-fA-F0-9]{8}(-[a-fA-F0-9]{4}){3}-[a-fA-F0-9]{12}$")
_STARTUP = re.compile(r"^((order=)?\d+)?(,?(up|down)=\d+)*$")


def _ip(value: str, version: int | None = None, cidr: bool = False) -> bool:
    try:
        ip = ipaddress.ip_interface(value) if cidr else ipaddress.ip_address(value)
    except ValueError:
        return False
    return (not cidr or "/" in value) and (version is None or ip.version == version)


def _volume(value: str) -> str | None:
    return None if _VOLUME.match(value) else "not a volume ID (STORAGE:NAME, e.g. local:iso/debian-12.iso)"


def _qm_path(value: str) -> str | None:
    if value in ("none", "cdrom") or value.startswith("/dev/"):
        return None
    return _volume(value)


def _ipconfig(value: str) -> str | None:
    p = parse_props(value)
    if "ip" in p and p["ip"] != "dhcp" and not _ip(p["ip"], 4, cidr=True):
        return f"ip '{p['ip']}' is not an IPv4 address with a prefix (192.168.1.10/24) or dhcp"
    if "gw" in p and not _ip(p["gw"], 4):
        return f"gateway '{p['gw']}' is not an IPv4 address"
    if "ip6" in p and p["ip6"] not in ("dhcp", "auto") and not _ip(p["ip6"], 6, cidr=True):
        return f"ip6 '{p['ip6']}' is not an IPv6 address with a prefix, dhcp or auto"
    if "gw6" in p and not _ip(p["gw6"], 6):
        return f"gateway '{p['gw6']}' is not an IPv6 address"
    return None


def _each(value: str, check: Any, what: str) -> str | None:
    bad = [item for item in re.split(r"[,;\s]+", value.strip()) if item and not check(item)]
    return f"'{bad[0]}' is not {what}" if bad else None


def _cpu_conf(value: str) -> str | None:
    p = parse_props(value, "cputype")
    if not _CPUTYPE.match(p.get("cputype", "kvm64")):
        return f"'{p.get('cputype')}' is not a CPU type (e.g. host, x86-64-v2-AES)"
    if p.get("flags") and not _CPUFLAGS.match(p["flags"]):
        return f"flags '{p['flags']}' must look like +FLAG;-FLAG"
    return None


def _boot(value: str) -> str | None:
    p = parse_props(value, "legacy")
    bad = [d for d in p.get("order", "").split(";") if d and not _BOOT_DEVICE.match(d)]
    return f"boot device '{bad[0]}' is not a disk or NIC (scsi0, ide2, net0, …)" if bad else None


def _hotplug(value: str) -> str | None:
    if value in ("0", "1"):
        return None
    bad = [f for f in value.split(",") if f not in _HOTPLUG]
    return f"'{bad[0]}' is not one of {', '.join(sorted(_HOTPLUG))}" if bad else None


def _cicustom(value: str) -> str | None:
    for key, volume in parse_props(value).items():
        if key not in ("user", "network", "meta", "vendor"):
            return f"'{key}' is not one of user, network, meta, vendor"
        if _volume(volume):
            return f"{key} '{volume}' is not a volume ID (local:snippets/user.yaml)"
    return None


def _smbios(value: str) -> str | None:
    uuid = parse_props(value).get("uuid")
    return f"'{uuid}' is not a UUID" if uuid is not None and not _UUID.match(uuid) else None


def _lxc_ip(version: int, words: tuple[str, ...]) -> Any:
    def check(value: str) -> str | None:
        if value in words or _ip(value, version, cidr=True):
            return None
        return f"'{value}' is not an IPv{version} address with a prefix or one of {', '.join(words)}"
    return check


def _mp_string(value: str) -> str | None:
    if value.startswith("/"):
        return None
    return _volume(value)


FORMATS: dict[str, Any] = {
    "dns-name": lambda v: None if _DNS.match(v) else "not a valid DNS name (letters, digits, '-' and '.')",
    "pve-node": lambda v: None if re.match(rf"^{_LABEL}$", v) else "not a valid node name",
    "pve-vmid": lambda v: None,  # the range says it all
    "pve-tag-list": lambda v: _each(v, _TAG.match, "a valid tag (letters, digits, _ - + .)"),
    "pve-volume-id": _volume,
    "pve-volume-id-or-qm-path": _qm_path,
    "pve-vm-cpu-conf": _cpu_conf,
    "pve-qm-boot": _boot,
    "pve-hotplug-features": _hotplug,
    "pve-cpuset": lambda v: None if _CPUSET.match(v) else "not a CPU list (0-3,8)",
    "pve-qm-ipconfig": _ipconfig,
    "pve-qm-cicustom": _cicustom,
    "pve-qm-smbios1": _smbios,
    "pve-startup-order": lambda v: None if _STARTUP.match(v) else "not a startup order (order=1,up=30,down=60)",
    "address-list": lambda v: _each(v, _ip, "an IP address"),
    "lxc-ip-with-ll-iface-list": lambda v: _each(v, lambda x: _ip(x.split("%")[0]), "an IP address"),
    "dns-name-list": lambda v: _each(v, _DNS.match, "a valid DNS name"),
    "mac-addr": lambda v: None if _MAC.match(v) else "not a unicast MAC address (BC:24:11:00:00:01)",
    "pve-bridge-id": lambda v: None if re.fullmatch(r"[-_.\w\d]+", v) else "not a bridge name",
    "ipv4": lambda v: None if _ip(v, 4) else "not an IPv4 address",
    "ipv6": lambda v: None if _ip(v, 6) else "not an IPv6 address",
    "pve-ipv4-config": _lxc_ip(4, ("dhcp", "manual")),
    "pve-ipv6-config": _lxc_ip(6, ("dhcp", "auto", "manual")),
    "urlencoded": lambda v: None if re.fullmatch(r"([^%]|%[0-9a-fA-F]{2})*", v) else "not URL-encoded",
    "disk-size": lambda v: None if _SIZE.match(v) else "not a size (32G)",
    "pve-lxc-mp-string": _mp_string,
    "pve-lxc-dev-string": lambda v: None if v.startswith("/dev/") else "not a device path under /dev/",
}

# --- the rules, by PVE parameter ---------------------------------------------------------------------
_BOOL = "boolean"
_DISK_FORMATS = ("raw", "qcow", "qed", "qcow2", "vmdk", "cloop")


def _drive(bus: str) -> Rule:
    keys: dict[str, Rule] = {
        "file": R(fmt="pve-volume-id-or-qm-path", bpg="disk.datastore_id"),
        "format": R(enum=_DISK_FORMATS, bpg="disk.file_format"),
        "size": R(fmt="disk-size", bpg="disk.size"),
        "media": R(enum=("cdrom", "disk"), bpg="cdrom.file_id"),
        "backup": R(_BOOL, bpg="disk.backup"), "replicate": R(_BOOL, bpg="disk.replicate"),
        "discard": R(enum=("ignore", "on"), bpg="disk.discard"),
        "cache": R(enum=("none", "writethrough", "writeback", "unsafe", "directsync"), bpg="disk.cache"),
        "aio": R(enum=("native", "threads", "io_uring"), bpg="disk.aio"),
        "serial": R(fmt="urlencoded", max_length=60, bpg="disk.serial"),
    }
    if bus != "virtio":
        keys["ssd"] = R(_BOOL, bpg="disk.ssd")
    if bus in ("scsi", "virtio"):
        keys["iothread"] = R(_BOOL, bpg="disk.iothread")
    return Rule(bpg="disk", keys=keys, default_key="file")


_QEMU_NIC = ("e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b",
             "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3")

QEMU: dict[str, Rule] = {
    "vmid": R("integer", 100, 999999999, fmt="pve-vmid", bpg="vm_id"),
    "node": R(fmt="pve-node", bpg="node_name"),
    "name": R(fmt="dns-name", bpg="name"),
    "description": R(max_length=8192, bpg="description"),
    "tags": R(fmt="pve-tag-list", bpg="tags"),
    "template": R(_BOOL, bpg="template"),
    "onboot": R(_BOOL, bpg="on_boot"),
    "protection": R(_BOOL, bpg="protection"),
    "bios": R(enum=("seabios", "ovmf"), bpg="bios"),
    "machine": PS("machine", "type", type=R(max_length=40, bpg="machine", pattern=(
        r"(pc|pc(-i440fx)?-\d+(\.\d+)+(\+pve\d+)?(\.pxe)?|q35|pc-q35-\d+(\.\d+)+(\+pve\d+)?(\.pxe)?|"
        r"virt(?:-\d+(\.\d+)+)?(\+pve\d+)?)"))),
    "ostype": R(enum=("other", "wxp", "w2k", "w2k3", "w2k8", "wvista", "win7", "win8", "win10", "win11", "l24",
                      "l26", "solaris"), bpg="operating_system.type"),
    "scsihw": R(enum=("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi"),
                bpg="scsi_hardware"),
    "boot": R(fmt="pve-qm-boot", bpg="boot_order"),
    "acpi": R(_BOOL, bpg="acpi"),
    "tablet": R(_BOOL, bpg="tablet_device"),
    "keyboard": R(enum=("de", "de-ch", "da", "en-gb", "en-us", "es", "fi", "fr", "fr-be", "fr-ca", "fr-ch", "hu",
                        "is", "it", "ja", "lt", "mk", "nl", "no", "pl", "pt", "pt-br", "sv", "sl", "tr"),
                  bpg="keyboard_layout"),
    "hotplug": R(fmt="pve-hotplug-features", bpg="hotplug"),
    "args": R(bpg="kvm_arguments"),
    "hookscript": R(fmt="pve-volume-id", bpg="hook_script_file_id"),
    "agent": PS("agent", "enabled", enabled=R(_BOOL, bpg="agent.enabled"),
                fstrim_cloned_disks=R(_BOOL, bpg="agent.trim"),
                type=R(enum=("virtio", "isa"), bpg="agent.type")),
    "cpu": R(fmt="pve-vm-cpu-conf", bpg="cpu.type"),
    "cores": R("integer", 1, bpg="cpu.cores"),
    "sockets": R("integer", 1, bpg="cpu.sockets"),
    "numa": R(_BOOL, bpg="cpu.numa"),
    "vcpus": R("integer", 1, bpg="cpu.hotplugged"),
    "cpulimit": R("number", 0, 128, bpg="cpu.limit"),
    "cpuunits": R("integer", 1, 262144, bpg="cpu.units"),
    "affinity": R(fmt="pve-cpuset", bpg="cpu.affinity"),
    "arch": R(enum=("x86_64", "aarch64"), bpg="cpu.architecture"),
    "memory": PS("memory.dedicated", "current", current=R("integer", 16, bpg="memory.dedicated")),
    "balloon": R("integer", 0, bpg="memory.floating"),
    "shares": R("integer", 0, 50000, bpg="memory.shared"),
    "hugepages": R(enum=("any", "2", "1024"), bpg="memory.hugepages"),
    "keephugepages": R(_BOOL, bpg="memory.keep_hugepages"),
    "ide[n]": _drive("ide"), "sata[n]": _drive("sata"), "scsi[n]": _drive("scsi"), "virtio[n]": _drive("virtio"),
    "efidisk0": PS("efi_disk", "file", file=R(fmt="pve-volume-id-or-qm-path", bpg="efi_disk.datastore_id"),
                   efitype=R(enum=("2m", "4m"), bpg="efi_disk.type"),
                   pre__enrolled__keys=R(_BOOL, bpg="efi_disk.pre_enrolled_keys")),
    "tpmstate0": PS("tpm_state", "file", file=R(fmt="pve-volume-id-or-qm-path", bpg="tpm_state.datastore_id"),
                    version=R(enum=("v1.2", "v2.0"), bpg="tpm_state.version")),
    "net[n]": Rule(bpg="network_device", default_key="model", keys={
        "model": R(enum=_QEMU_NIC, bpg="network_device.model"),
        "macaddr": R(fmt="mac-addr", bpg="network_device.mac_address"),
        "bridge": R(fmt="pve-bridge-id", bpg="network_device.bridge"),
        "firewall": R(_BOOL, bpg="network_device.firewall"),
        "link_down": R(_BOOL, bpg="network_device.disconnected"),
        "tag": R("integer", 1, 4094, bpg="network_device.vlan_id"),
        "trunks": R(pattern=r"(?:\d+(?:-\d+)?(?:;\d+(?:-\d+)?)*)", bpg="network_device.trunks"),
        "mtu": R("integer", 1, 65520, bpg="network_device.mtu"),
        "queues": R("integer", 0, 64, bpg="network_device.queues"),
        "rate": R("number", 0, bpg="network_device.rate_limit"),
    }),
    "ipconfig[n]": R(fmt="pve-qm-ipconfig", bpg="initialization.ip_config"),
    "ciuser": R(bpg="initialization.user_account.username"),
    "sshkeys": R(fmt="urlencoded", bpg="initialization.user_account.keys"),
    "nameserver": R(fmt="address-list", bpg="initialization.dns.servers"),
    "searchdomain": R(bpg="initialization.dns.domain"),
    "cicustom": R(fmt="pve-qm-cicustom", bpg="initialization.user_data_file_id"),
    "ciupgrade": R(_BOOL, bpg="initialization.upgrade"),
    "serial[n]": R(pattern=r"(/dev/.+|socket)", bpg="serial_device.device"),
    "vga": PS("vga", "type", type=R(enum=("cirrus", "qxl", "qxl2", "qxl3", "qxl4", "none", "serial0", "serial1",
                                          "serial2", "serial3", "std", "virtio", "virtio-gl", "vmware"),
                                    bpg="vga.type"),
              memory=R("integer", 4, 512, bpg="vga.memory"), clipboard=R(enum=("vnc",), bpg="vga.clipboard")),
    "smbios1": R(fmt="pve-qm-smbios1", max_length=512, bpg="smbios.uuid"),
    "startup": R(fmt="pve-startup-order", bpg="startup"),
}

_MOUNT_OPTIONS = (r"(?:(?:(discard|lazytime|noatime|nodev|noexec|nosuid))"
                  r"(;(?:(discard|lazytime|noatime|nodev|noexec|nosuid)))*)")

LXC: dict[str, Rule] = {
    "vmid": R("integer", 100, 999999999, fmt="pve-vmid", bpg="vm_id"),
    "node": R(fmt="pve-node", bpg="node_name"),
    "ostemplate": R(max_length=255, bpg="operating_system.template_file_id"),
    "hostname": R(fmt="dns-name", max_length=255, bpg="initialization.hostname"),
    "description": R(max_length=8192, bpg="description"),
    "tags": R(fmt="pve-tag-list", bpg="tags"),
    "template": R(_BOOL, bpg="template"),
    "onboot": R(_BOOL, bpg="start_on_boot"),
    "protection": R(_BOOL, bpg="protection"),
    "unprivileged": R(_BOOL, bpg="unprivileged"),
    "hookscript": R(fmt="pve-volume-id", bpg="hook_script_file_id"),
    "arch": R(enum=("amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"), bpg="cpu.architecture"),
    "cores": R("integer", 1, 8192, bpg="cpu.cores"),
    "cpulimit": R("number", 0, 8192, bpg="cpu.limit"),
    "cpuunits": R("integer", 0, 500000, bpg="cpu.units"),
    "memory": R("integer", 16, bpg="memory.dedicated"),
    "swap": R("integer", 0, bpg="memory.swap"),
    "rootfs": PS("disk", "volume", volume=R(fmt="pve-lxc-mp-string", bpg="disk.datastore_id"),
                 size=R(fmt="disk-size", bpg="disk.size")),
    "mp[n]": PS("mount_point", "volume", volume=R(fmt="pve-lxc-mp-string", bpg="mount_point.volume"),
                mp=R(fmt="pve-lxc-mp-string", bpg="mount_point.path"),
                size=R(fmt="disk-size", bpg="mount_point.size"),
                backup=R(_BOOL, bpg="mount_point.backup"), ro=R(_BOOL, bpg="mount_point.read_only"),
                shared=R(_BOOL, bpg="mount_point.shared"), replicate=R(_BOOL, bpg="mount_point.replicate"),
                acl=R(_BOOL, bpg="mount_point.acl"), quota=R(_BOOL, bpg="mount_point.quota"),
                mountoptions=R(pattern=_MOUNT_OPTIONS, bpg="mount_point.mount_options")),
    "net[n]": PS("network_interface", None, name=R(pattern=r"[-_.\w\d]+", bpg="network_interface.name"),
                 bridge=R(pattern=r"[-_.\w\d]+", bpg="network_interface.bridge"),
                 firewall=R(_BOOL, bpg="network_interface.firewall"),
                 hwaddr=R(fmt="mac-addr", bpg="network_interface.mac_address"),
                 ip=R(fmt="pve-ipv4-config", bpg="initialization.ip_config.ipv4.address"),
                 gw=R(fmt="ipv4", bpg="initialization.ip_config.ipv4.gateway"),
                 ip6=R(fmt="pve-ipv6-config", bpg="initialization.ip_config.ipv6.address"),
                 gw6=R(fmt="ipv6", bpg="initialization.ip_config.ipv6.gateway"),
                 mtu=R("integer", 64, 65535, bpg="network_interface.mtu"),
                 rate=R("number", bpg="network_interface.rate_limit"),
                 tag=R("integer", 1, 4094, bpg="network_interface.vlan_id"),
                 link_down=R(_BOOL, bpg="network_interface.enabled"),
                 type=R(enum=("veth",), bpg="network_interface")),
    "nameserver": R(fmt="lxc-ip-with-ll-iface-list", bpg="initialization.dns.servers"),
    "searchdomain": R(fmt="dns-name-list", bpg="initialization.dns.domain"),
    "features": PS("features", None, nesting=R(_BOOL, bpg="features.nesting"),
                   keyctl=R(_BOOL, bpg="features.keyctl"), fuse=R(_BOOL, bpg="features.fuse"),
                   mknod=R(_BOOL, bpg="features.mknod"), mount=R(pattern=r"(?:[a-zA-Z0-9_; ]+)", bpg="features.mount")),
    "ostype": R(enum=("debian", "devuan", "ubuntu", "centos", "fedora", "opensuse", "archlinux", "alpine",
                      "gentoo", "nixos", "unmanaged"), bpg="operating_system.type"),
    "startup": R(fmt="pve-startup-order", bpg="startup"),
    "console": R(_BOOL, bpg="console.enabled"),
    "tty": R("integer", 0, 6, bpg="console.tty_count"),
    "cmode": R(enum=("shell", "console", "tty"), bpg="console.type"),
    "dev[n]": PS("device_passthrough", "path", path=R(fmt="pve-lxc-dev-string", bpg="device_passthrough.path"),
                 deny__write=R(_BOOL, bpg="device_passthrough.deny_write"),
                 gid=R("integer", 0, bpg="device_passthrough.gid"), uid=R("integer", 0, bpg="device_passthrough.uid"),
                 mode=R(pattern=r"0[0-7]{3}", bpg="device_passthrough.mode")),
}

RULES = {"qemu": QEMU, "lxc": LXC}
_INDEXED = re.compile(r"^([a-z]+)(\d+)$")
_NIC_ALIAS = set(_QEMU_NIC)


def rule_for(kind: str, param: str) -> tuple[Rule | None, int]:
    """The rule for a PVE parameter (`net1` → `net[n]`) and its index."""
    rules = RULES[kind]
    if param in rules:
        return rules[param], 0
    match = _INDEXED.match(param)
    if match and f"{match.group(1)}[n]" in rules:
        return rules[f"{match.group(1)}[n]"], int(match.group(2))
    return None, 0


# --- checking --------------------------------------------------------------------------------------
def _show(value: Any) -> str:
    text = str(value)
    return '"' + (text if len(text) <= 40 else text[:37] + "…") + '"'



def check_value(rule: Rule, value: Any) -> str | None:
    """What is wrong with one value (as PVE reads it, text), or None."""
    raw = str(int(value) if isinstance(value, bool) else value)
    if rule.type in ("integer", "number"):
        ok = re.fullmatch(r"-?\d+", raw.strip()) if rule.type == "integer" else \
            re.fullmatch(r"-?\d+(\.\d+)?", raw.strip())
        if not ok:
            return f"{_show(value)} is not {'a whole number' if rule.type == 'integer' else 'a number'}"
        number = float(raw)
        if rule.minimum is not None and number < rule.minimum:
            return f"{raw} is below the minimum of {rule.minimum:g}"
        if rule.maximum is not None and number > rule.maximum:
            return f"{raw} is above the maximum of {rule.maximum:g}"
        return None
    if rule.type == "boolean":
        return None if raw.lower() in ("0", "1", "true", "false", "on", "off", "yes", "no") else \
            f"{_show(value)} is not true or false"
    if rule.enum is not None and raw not in rule.enum:
        return f"{_show(value)} is not one of {', '.join(rule.enum)}"
    if rule.max_length is not None and len(raw) > rule.max_length:
        return f"{len(raw)} characters long; at most {rule.max_length} are allowed"
    if rule.pattern is not None and not re.fullmatch(rule.pattern, raw):
        return f"{_show(value)} does not have the form PVE expects"
    if rule.format is not None and rule.format in FORMATS:
        problem = FORMATS[rule.format](raw)
        if problem:
            return f"{_show(value)} is {problem}" if problem.startswith("not ") else problem
    return None


def _property_string(rule: Rule, raw: str) -> list[tuple[Rule, str]]:
    """(rule, problem) for each key of a property string that breaks its rule."""
    found: list[tuple[Rule, str]] = []
    for key, value in parse_props(raw, rule.default_key).items():
        if key in _NIC_ALIAS and "macaddr" in rule.keys:
            found += [(rule.keys["model"], p) for p in [check_value(rule.keys["model"], key)] if p]
            key = "macaddr"
        sub = rule.keys.get(key)
        if sub is None:
            continue  # keys the mapping does not write are PVE's to judge
        problem = check_value(sub, value) if value != "" or sub.type == "string" else None
        if problem:
            found.append((sub, problem))
    return found


def config_problems(kind: str, config: dict[str, Any], vmid: Any = None, node: Any = None,
                    ostemplate: str | None = None) -> list[Problem]:
    """Every value of a desired PVE config (plus VMID, node and ostemplate) that PVE would refuse."""
    values: dict[str, Any] = dict(config)
    extra = {"vmid": vmid, "node": node, "ostemplate": ostemplate}
    values.update({k: v for k, v in extra.items() if v is not None})
    problems: list[Problem] = []
    from pmpc_tui.iac.hcl import Expr

    for param, value in values.items():
        if value is None or isinstance(value, Expr):
            continue  # a reference is known at apply time only
        rule, index = rule_for(kind, param)
        if rule is None:
            continue
        if rule.keys:
            cdrom = rule.bpg == "disk" and "media=cdrom" in str(value)
            for sub, text in _property_string(rule, str(value)):
                problems.append(Problem("cdrom.file_id" if cdrom else sub.bpg, text, 0 if cdrom else index))
            continue
        problem = check_value(rule, value)
        if problem:
            problems.append(Problem(rule.bpg, problem, index))
    return problems


# --- bpg argument types ------------------------------------------------------------------------------
_NUMBER_ARGS = {
    "vm_id", "cpu.cores", "cpu.sockets", "cpu.hotplugged", "cpu.limit", "cpu.units", "memory.dedicated",
    "memory.floating", "memory.shared", "memory.swap", "disk.size", "network_device.vlan_id", "network_device.mtu",
    "network_device.queues", "network_device.rate_limit", "network_interface.vlan_id", "network_interface.mtu",
    "network_interface.rate_limit", "vga.memory", "startup.order", "startup.up_delay", "startup.down_delay",
    "console.tty_count", "clone.vm_id", "device_passthrough.uid", "device_passthrough.gid",
}
_BOOL_ARGS = {
    "template", "on_boot", "start_on_boot", "started", "protection", "unprivileged", "acpi", "tablet_device",
    "cpu.numa", "memory.keep_hugepages", "agent.enabled", "agent.trim", "disk.iothread", "disk.ssd", "disk.backup",
    "disk.replicate", "network_device.firewall", "network_device.disconnected", "network_device.enabled",
    "network_interface.firewall", "network_interface.enabled", "efi_disk.pre_enrolled_keys", "clone.full",
    "cdrom.enabled", "initialization.upgrade", "console.enabled", "features.nesting", "features.keyctl",
    "features.fuse", "features.mknod", "device_passthrough.deny_write",
}
_LIST_ARGS = {"tags", "boot_order", "cpu.flags", "initialization.dns.servers", "initialization.user_account.keys",
              "features.mount", "mount_point.mount_options"}
_WHOLE_ARGS = {"vm_id", "cpu.cores", "cpu.sockets", "cpu.hotplugged", "cpu.units", "memory.dedicated",
               "memory.floating", "memory.shared", "memory.swap", "network_device.vlan_id", "network_device.mtu",
               "network_device.queues", "network_interface.vlan_id", "network_interface.mtu", "vga.memory",
               "console.tty_count", "clone.vm_id", "disk.size"}


def _type_problem(path: str, value: Any) -> str | None:
    from pmpc_tui.iac.hcl import Expr

    if isinstance(value, Expr):
        return None  # a reference: known at apply time only
    if path in _NUMBER_ARGS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            unit = " (GiB)" if path == "disk.size" else ""
            return f"must be a number{unit}, not {_show(value)}"
        if path in _WHOLE_ARGS and not float(value).is_integer():
            return f"must be a whole number, not {value}"
    elif path in _BOOL_ARGS:
        if not isinstance(value, bool):
            return f"must be true or false, not {_show(value)}"
    elif path in _LIST_ARGS:
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            return f"must be a list of strings, not {_show(value)}"
    elif isinstance(value, list | dict):
        return f"must be a single value, not {_show(value)}"
    return None


def body_problems(kind: str, body: dict[str, Any]) -> list[Problem]:
    """Arguments of a resource body whose type the bpg provider would refuse (and blocks written as values)."""
    from pmpc_tui.iac.vocabulary import RESOURCE_NAMES

    names = RESOURCE_NAMES.get("proxmox_virtual_environment_vm" if kind == "qemu" else
                               "proxmox_virtual_environment_container", {})
    problems: list[Problem] = []

    def walk(block: dict[str, Any], vocabulary: dict[str, Any], prefix: str, index: int) -> None:
        for key, value in block.items():
            if not isinstance(vocabulary, dict) or key not in vocabulary:
                continue  # meta-arguments (lifecycle, …); unknown names are reported by checks.unknown_names
            path = prefix + key
            nested = vocabulary[key]
            if isinstance(nested, dict):
                if not isinstance(value, list) or not all(isinstance(b, dict) for b in value):
                    problems.append(Problem(path, f"must be a block ({key} {{ … }}), not {_show(value)}", index))
                    continue
                for i, item in enumerate(value):
                    walk(item, nested, path + ".", i if not prefix else index)
                continue
            problem = _type_problem(path, value)
            if problem:
                problems.append(Problem(path, problem, index))

    walk(body, names, "", 0)
    return problems


class WrongTypes(ValidationFailed):
    """A resource body has values of the wrong type: it cannot be turned into a PVE config (nothing is planned)."""

    exit_code = ExitCode.DOES_NOT_PARSE  # the code is wrong; never 2, which a plan means as "changes"

    def __init__(self, kind: str, body: dict[str, Any], cause: Exception) -> None:
        problems = body_problems(kind, body)
        errors = {p.path: p.message for p in problems} or {"body": f"cannot be read: {cause}"}
        super().__init__(f"{body.get('name') or body.get('vm_id') or 'a guest'}: values of the wrong type "
                         "(`proxmox-mpc validate` shows where)", errors)
