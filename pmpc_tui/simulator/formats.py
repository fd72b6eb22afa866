"""Named formats of the PVE schema that are more than a regex: CPU types, hot-plug lists, cpusets, …

Each check returns PVE's message for a bad value, or None.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from pmpc_tui.simulator import calendar

# qemu-server's built-in x86_64 and aarch64 CPU models (CPUConfig.pm), plus the generic levels
_CPU_MODEL_TEXT = """
486 pentium pentium2 pentium3 coreduo core2duo Conroe Penryn Nehalem Nehalem-IBRS Westmere Westmere-IBRS
SandyBridge SandyBridge-IBRS IvyBridge IvyBridge-IBRS Haswell Haswell-IBRS Haswell-noTSX Haswell-noTSX-IBRS
Broadwell Broadwell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Skylake-Client Skylake-Client-IBRS
Skylake-Client-noTSX-IBRS Skylake-Client-v4 Skylake-Server Skylake-Server-IBRS Skylake-Server-noTSX-IBRS
Skylake-Server-v4 Skylake-Server-v5 Cascadelake-Server Cascadelake-Server-v2 Cascadelake-Server-noTSX
Cascadelake-Server-v4 Cascadelake-Server-v5 Cooperlake Cooperlake-v2 KnightsMill Icelake-Client
Icelake-Client-noTSX Icelake-Server Icelake-Server-noTSX Icelake-Server-v3 Icelake-Server-v4 Icelake-Server-v5
Icelake-Server-v6 Icelake-Server-v7 SapphireRapids SapphireRapids-v2 SapphireRapids-v3 SapphireRapids-v4
GraniteRapids GraniteRapids-v2 GraniteRapids-v3 SierraForest SierraForest-v2 SierraForest-v3 ClearwaterForest
athlon phenom Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5 EPYC EPYC-IBPB EPYC-v3 EPYC-v4 EPYC-v5
EPYC-Rome EPYC-Rome-v2 EPYC-Rome-v3 EPYC-Rome-v4 EPYC-Rome-v5 EPYC-Milan EPYC-Milan-v2 EPYC-Milan-v3
EPYC-Genoa EPYC-Genoa-v2 EPYC-Turin kvm32 kvm64 qemu32 qemu64 max host
x86-64-v2 x86-64-v2-AES x86-64-v3 x86-64-v4
a64fx cortex-a35 cortex-a53 cortex-a55 cortex-a57 cortex-a710 cortex-a72 cortex-a76 neoverse-n1 neoverse-n2
neoverse-v1
"""
CPU_MODELS = frozenset(_CPU_MODEL_TEXT.split())
# the CPU flags a VM's own config may set (CPUFlags.pm)
VM_CPU_FLAGS = ("aes", "amd-no-ssb", "amd-ssbd", "hv-evmcs", "hv-tlbflush", "ibpb", "md-clear", "nested-virt",
                "pcid", "pdpe1gb", "spec-ctrl", "ssbd", "virt-ssbd")
CPU_KEYS = ("cputype", "flags", "guest-phys-bits", "hidden", "hv-vendor-id", "phys-bits", "reported-model")
HOTPLUG_FEATURES = ("network", "disk", "cpu", "memory", "usb", "cloudinit")
STORAGE_CONTENT = ("images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import")


def _split(value: str, default_key: str, keys: tuple[str, ...]) -> dict[str, str] | str:
    """A property string as a dict, or an error message."""
    out: dict[str, str] = {}
    for index, part in enumerate(p for p in value.split(",") if p.strip()):
        key, _, val = part.partition("=") if "=" in part else (default_key if index == 0 else "", "", part)
        key = key.strip()
        if key not in keys:
            return f"property is not defined in schema and the schema does not allow additional properties: {key}"
        if key in out:
            return f"duplicate key in comma-separated list property: {key}"
        out[key] = val.strip()
    return out


def check_cpu(value: str) -> str | None:
    """`pve-vm-cpu-conf`: a known CPU type, VM-specific flags only, no `reported-model`."""
    cpu = _split(value, "cputype", CPU_KEYS)
    if isinstance(cpu, str):
        return cpu
    cputype = cpu.get("cputype")
    if not cputype:
        return "CPU is missing cputype"
    if not cputype.startswith("custom-") and cputype not in CPU_MODELS:
        return f"Built-in cputype '{cputype}' is not defined (missing 'custom-' prefix?)"
    flags = cpu.get("flags")
    flag_re = rf"[+-]({'|'.join(re.escape(f) for f in VM_CPU_FLAGS)})"
    if flags and not re.fullmatch(rf"{flag_re}(;{flag_re})*", flags):
        return "VM-specific CPU flags must be a subset of: " + ", ".join(VM_CPU_FLAGS)
    if "reported-model" in cpu:
        return "Property 'reported-model' not allowed in VM-specific CPU config."
    bits = cpu.get("phys-bits")
    if bits is not None and not (bits == "host" or (bits.isdigit() and 8 <= int(bits) <= 64)):
        return "value must be an integer between 8 and 64 or 'host'"
    if cpu.get("hidden") is not None and cpu["hidden"] not in ("0", "1"):
        return f"type check ('boolean') failed - got '{cpu['hidden']}'"
    return None


def check_hotplug(value: str) -> str | None:
    """`pve-hotplug-features`: `0`, `1` or a list of known features."""
    if value in ("0", "1"):
        return None
    for part in value.split(","):
        if part.strip() not in HOTPLUG_FEATURES:
            return f"invalid hotplug feature '{part.strip()}'"
    return None


def check_cpuset(value: str) -> str | None:
    """`pve-cpuset`: CPU numbers and ranges such as `0,5,8-11`."""
    for part in value.split(","):
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part.strip())
        if not match or (match.group(2) is not None and int(match.group(2)) < int(match.group(1))):
            return f"invalid format - '{value}' is not a valid CPU set"
    return None


def check_ipconfig(value: str) -> str | None:
    """`pve-qm-ipconfig`: ip/ip6 in CIDR (or dhcp/auto), gateways as addresses of that family."""
    conf = _split(value, "", ("ip", "gw", "ip6", "gw6"))
    if isinstance(conf, str):
        return conf
    for key, version, special in (("ip", 4, ("dhcp",)), ("ip6", 6, ("dhcp", "auto"))):
        if key in conf and conf[key] not in special:
            try:
                net = ipaddress.ip_interface(conf[key])
            except ValueError:
                return f"{key}: invalid format - value does not look like a valid IPv{version} CIDR"
            if net.version != version or "/" not in conf[key]:
                return f"{key}: invalid format - value does not look like a valid IPv{version} CIDR"
    for key, version in (("gw", 4), ("gw6", 6)):
        if key in conf:
            try:
                ok = ipaddress.ip_address(conf[key]).version == version
            except ValueError:
                ok = False
            if not ok:
                return f"{key}: invalid format - value does not look like a valid IPv{version} address"
    return None


def check_boot(value: str) -> str | None:
    """`pve-qm-boot`: `order=dev;dev` (device names) or the legacy `[acdn]{1,4}`."""
    conf = _split(value, "legacy", ("legacy", "order"))
    if isinstance(conf, str):
        return conf
    if "legacy" in conf and not re.fullmatch(r"[acdn]{1,4}", conf["legacy"]):
        return "legacy: value does not match the regex pattern"
    for device in (d for d in conf.get("order", "").split(";") if d):
        if not re.fullmatch(r"(ide|sata|scsi|virtio|net|hostpci|usb)\d+|efidisk0|tpmstate0", device):
            return f"order: invalid format - invalid boot device '{device}'"
    return None


def check_volume_id(value: str) -> str | None:
    """`pve-volume-id`: `STORAGE:VOLNAME`."""
    if not re.fullmatch(r"[a-z][a-z0-9\-_.]*[a-z0-9]:.+", value):
        return f"unable to parse volume ID '{value}'"
    return None


def check_cidr(value: str) -> str | None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return "value does not look like a valid CIDR network"
    return None if "/" in value else "value does not look like a valid CIDR network"


def check_storage_content(value: str) -> str | None:
    for part in re.split(r"[,;\0\s]+", value.strip()):  # NUL: a repeated form key, as PVE joins them
        if part and part not in STORAGE_CONTENT:
            return f"invalid content type '{part}'"
    return None


_POOL_NAME = re.compile(r"^[A-Za-z0-9.\-_]+(?:/[A-Za-z0-9.\-_]+){0,2}$")
_VMID = re.compile(r"^[1-9][0-9]{2,8}$")
_STORAGE_ID = re.compile(r"^[a-z][a-z0-9\-_.]*[a-z0-9]$", re.I)


def _items(value: str) -> list[str]:
    """PVE's split_list: items separated by commas, semicolons, NULs or whitespace."""
    return [item for item in re.split(r"[,;\0\s]+", value) if item]


def check_poolid(value: str) -> str | None:
    """`pve-poolid`: up to three `/`-separated levels of letters, digits, `.`, `-` and `_`."""
    if len(value.split("/")) > 3:
        return f"pool name '{value}' nested too deeply (max levels = 3)"
    if not _POOL_NAME.match(value):
        return f"pool name '{value}' contains invalid characters"
    return None


def check_vmid_list(value: str) -> str | None:
    """`pve-vmid-list`: VMIDs separated by commas, semicolons or spaces."""
    return next(("value does not look like a valid VMID" for v in _items(value) if not _VMID.match(v)), None)


def check_storage_id_list(value: str) -> str | None:
    """`pve-storage-id-list`: storage IDs separated by commas, semicolons or spaces."""
    return next((f"storage ID '{s}' contains illegal characters" for s in _items(value)
                 if not _STORAGE_ID.match(s)), None)


_HA_NODE = re.compile(r"^([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)(:\d+)?$")
_HA_RESOURCE = re.compile(r"^[a-z]+:\S+$")


def check_ha_node_list(value: str) -> str | None:
    """`pve-ha-node-list`: `node[:priority]` items."""
    return next(("value does not look like a valid ha node" for n in _items(value) if not _HA_NODE.match(n)), None)


def check_ha_resource_id_list(value: str) -> str | None:
    """`pve-ha-resource-id-list`: `type:name` items such as `vm:101,ct:200`."""
    return next(("value does not look like a valid ha resource id" for s in _items(value)
                 if not _HA_RESOURCE.match(s)), None)


def check_ha_resource_or_vm_id(value: str) -> str | None:
    """`pve-ha-resource-or-vm-id`: `vm:101`, `ct:200` or a bare VMID."""
    ok = _HA_RESOURCE.match(value) or re.fullmatch(r"\d+", value)
    return None if ok else "value does not look like a valid ha resource id"


def check_day_of_week_list(value: str) -> str | None:
    """`pve-day-of-week-list`: `mon`, `tue`, … separated by commas, semicolons or spaces."""
    return next((f"invalid day '{d}'" for d in _items(value) if d not in calendar.DAYS), None)


def _sdn_id(kind: str) -> Callable[[str], str | None]:
    """`pve-sdn-zone-id` / `pve-sdn-vnet-id`: a letter, letters or digits, a letter or digit; at most 8."""
    def check(value: str) -> str | None:
        if not re.fullmatch(r"[a-z][a-z0-9]*[a-z0-9]", value, re.I):
            return f"{kind} ID '{value}' contains illegal characters"
        return f"{kind} ID '{value}' can't be more than 8 characters" if len(value) > 8 else None
    return check


def check_ip_list(value: str) -> str | None:
    """`ip-list`: IP addresses separated by commas, semicolons or spaces."""
    for item in _items(value):
        try:
            ipaddress.ip_address(item)
        except ValueError:
            return f"invalid IP address '{item}'"
    return None


def check_node_list(value: str) -> str | None:
    """`pve-node-list`: node names separated by commas, semicolons or spaces."""
    ok = all(re.fullmatch(r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?", n) for n in _items(value))
    return None if ok else "value does not look like a valid node name"


CHECKS = {
    "pve-sdn-zone-id": _sdn_id("zone"),
    "pve-sdn-vnet-id": _sdn_id("vnet"),
    "ip-list": check_ip_list,
    "pve-node-list": check_node_list,
    "pve-calendar-event": calendar.check,
    "pve-day-of-week-list": check_day_of_week_list,
    "pve-ha-node-list": check_ha_node_list,
    "pve-ha-resource-id-list": check_ha_resource_id_list,
    "pve-ha-resource-or-vm-id": check_ha_resource_or_vm_id,
    "pve-poolid": check_poolid,
    "pve-vmid-list": check_vmid_list,
    "pve-storage-id-list": check_storage_id_list,
    "pve-vm-cpu-conf": check_cpu,
    "pve-hotplug-features": check_hotplug,
    "pve-cpuset": check_cpuset,
    "pve-qm-ipconfig": check_ipconfig,
    "pve-qm-boot": check_boot,
    "pve-volume-id": check_volume_id,
    "CIDR": check_cidr,
    "pve-storage-content": check_storage_content,
    "pve-storage-content-list": check_storage_content,
}
