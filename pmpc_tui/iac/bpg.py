"""Map PVE guest configs to bpg/proxmox resource bodies and back.

`guest_to_body` turns a synced guest into a `proxmox_virtual_environment_vm|container` body that
describes it completely; `body_to_config` turns a body back into the PVE config it stands for.
`managed_view` is the canonical form both are compared in: for every key we manage, a config and
`body_to_config(guest_to_body(config))` have the same view — so a plan right after import changes
nothing. Keys we do not manage are listed by `unmanaged_keys` (see docs/iac.md).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as urlquote
from urllib.parse import unquote as urlunquote

from pmpc_tui.iac.hcl import Body, Expr
from pmpc_tui.iac.pveconf import GiB, flag, format_props, parse_props, parse_size, split_tags

VM_TYPE = "proxmox_virtual_environment_vm"
CT_TYPE = "proxmox_virtual_environment_container"
RESOURCE_TYPE = {"qemu": VM_TYPE, "lxc": CT_TYPE}
IMPORTED_CT_TEMPLATE = "local:vztmpl/imported-container.tar.zst"

NIC_MODELS = {"e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b",
              "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3"}
DISK_RE = re.compile(r"^(ide|sata|scsi|virtio)(\d+)$")
BUS_ORDER = {"ide": 0, "sata": 1, "scsi": 2, "virtio": 3}

# keys PVE maintains itself (not desired state) — never written to IaC, never compared
PVE_OWNED = {
    "qemu": re.compile(r"^(digest|vmgenid|meta|lock|parent|snaptime|runningmachine|runningcpu|pending|"
                       r"unused\d+|cipassword)$"),
    "lxc": re.compile(r"^(digest|lock|parent|snaptime|unused\d+|lxc)$"),
}
MANAGED = {
    "qemu": re.compile(
        r"^(name|description|tags|template|onboot|protection|bios|machine|ostype|scsihw|boot|acpi|tablet|"
        r"keyboard|hotplug|args|hookscript|agent|cpu|cores|sockets|numa|vcpus|cpulimit|cpuunits|affinity|arch|"
        r"memory|balloon|shares|hugepages|keephugepages|(ide|sata|scsi|virtio)\d+|efidisk0|tpmstate0|net\d+|"
        r"ipconfig\d+|ciuser|sshkeys|nameserver|searchdomain|cicustom|ciupgrade|serial\d+|vga|smbios1|startup)$"),
    "lxc": re.compile(
        r"^(hostname|description|tags|template|onboot|protection|arch|cores|cpulimit|cpuunits|memory|swap|"
        r"rootfs|mp\d+|net\d+|nameserver|searchdomain|features|unprivileged|ostype|startup|console|tty|cmode|"
        r"hookscript|dev\d+)$"),
}


@dataclass
class GuestState:
    """A guest as the state DB knows it (the input of an import)."""

    kind: str  # "qemu" or "lxc"
    vmid: int
    node: str
    name: str
    status: str
    config: dict[str, Any]


@dataclass
class Mapped:
    """A resource body plus what could not be expressed in it."""

    body: Body
    unmanaged: list[str] = field(default_factory=list)  # config keys present but not represented
    warnings: list[str] = field(default_factory=list)


@dataclass
class DesiredConfig:
    """What a resource body asks for, in PVE terms."""

    kind: str
    node: str
    vmid: int | None
    config: dict[str, Any]
    started: bool | None
    clone: dict[str, Any] | None = None
    ostemplate: str | None = None


def unmanaged_keys(kind: str, config: dict[str, Any]) -> list[str]:
    """Config keys present that the IaC does not describe (PVE-owned keys excluded)."""
    return sorted(k for k in config if not MANAGED[kind].match(k) and not PVE_OWNED[kind].match(k))


def _indexed(config: dict[str, Any], prefix: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, value in config.items():
        m = re.fullmatch(prefix + r"(\d+)", key)
        if m:
            out[int(m.group(1))] = str(value)
    return out


def _gib(size_text: str, what: str, warnings: list[str]) -> int:
    size = parse_size(size_text)
    if size % GiB:
        warnings.append(f"{what}: size {size_text} is not a whole GiB; written rounded up")
    return max(1, math.ceil(size / GiB))


def _volume_format(path: str) -> str:
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return ext if ext in ("qcow2", "raw", "vmdk") else "raw"


def _split_volume(volid: str) -> tuple[str, str]:
    store, _, path = volid.partition(":")
    return store, path


# --- QEMU -----------------------------------------------------------------------------------
_DISK_BOOL = {"iothread": "iothread", "ssd": "ssd", "backup": "backup", "replicate": "replicate"}
_DISK_STR = {"discard": "discard", "cache": "cache", "aio": "aio", "serial": "serial"}
_DISK_DEFAULTS = {"discard": "ignore", "iothread": False, "ssd": False, "backup": True, "replicate": True,
                  "cache": "none", "aio": "io_uring"}


def _vm_disk(iface: str, props: dict[str, str], warnings: list[str]) -> Body | None:
    file = props.get("file", "")
    if ":" not in file:
        warnings.append(f"{iface}: pass-through device {file} is not managed")
        return None
    store, path = _split_volume(file)
    disk: Body = {"interface": iface, "datastore_id": store, "path_in_datastore": path,
                  "file_format": props.get("format") or _volume_format(path),
                  "size": _gib(props.get("size", "0"), iface, warnings)}
    for key, value in props.items():
        if key in _DISK_BOOL:
            disk[_DISK_BOOL[key]] = flag(value)
        elif key in _DISK_STR:
            disk[_DISK_STR[key]] = value
        elif key not in ("file", "size", "format", "media"):
            warnings.append(f"{iface}: option {key}={value} is not managed")
    return disk


def _vm_nic(props: dict[str, str]) -> Body:
    model = next((k for k in props if k in NIC_MODELS), props.get("model", "virtio"))
    mac = props.get(model) or props.get("macaddr", "")
    nic: Body = {"model": model, "bridge": props.get("bridge", ""), "firewall": flag(props.get("firewall", "0"))}
    if mac:
        nic["mac_address"] = mac.upper()
    if "tag" in props:
        nic["vlan_id"] = int(props["tag"])
    if "trunks" in props:
        nic["trunks"] = props["trunks"]
    if "mtu" in props:
        nic["mtu"] = int(props["mtu"])
    if "queues" in props:
        nic["queues"] = int(props["queues"])
    if "rate" in props:
        nic["rate_limit"] = _num(props["rate"])
    if flag(props.get("link_down", "0")):
        nic["disconnected"] = True
    return nic


def _num(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _ip_config(ip: str | None, gw: str | None, ip6: str | None, gw6: str | None) -> Body:
    block: Body = {}
    if ip or gw:
        v4: Body = {}
        if ip:
            v4["address"] = ip
        if gw:
            v4["gateway"] = gw
        block["ipv4"] = [v4]
    if ip6 or gw6:
        v6: Body = {}
        if ip6:
            v6["address"] = ip6
        if gw6:
            v6["gateway"] = gw6
        block["ipv6"] = [v6]
    return block


def _startup(text: str) -> Body:
    p = parse_props(text, "order")
    block: Body = {}
    for key, name in (("order", "order"), ("up", "up_delay"), ("down", "down_delay")):
        if key in p:
            block[name] = int(p[key])
    return block


def _vm_body(g: GuestState, m: Mapped) -> None:
    c, w, body = g.config, m.warnings, m.body
    body["name"] = str(c.get("name", g.name))
    body["node_name"] = g.node
    body["vm_id"] = g.vmid
    if c.get("description"):
        body["description"] = str(c["description"])
    if c.get("tags"):
        body["tags"] = split_tags(str(c["tags"]))
    template = flag(c.get("template", 0))
    if template:
        body["template"] = True
    body["started"] = g.status == "running" and not template
    body["on_boot"] = flag(c.get("onboot", 0))
    if flag(c.get("protection", 0)):
        body["protection"] = True
    if "bios" in c:
        body["bios"] = str(c["bios"])
    if "machine" in c:
        body["machine"] = str(c["machine"])
    body["scsi_hardware"] = str(c.get("scsihw", "lsi"))
    if "boot" in c:
        boot = parse_props(str(c["boot"]), "legacy")
        if "order" in boot:
            body["boot_order"] = [d for d in boot["order"].split(";") if d]
        else:
            w.append(f"boot: legacy boot setting {c['boot']} is not managed")
    for key, name in (("acpi", "acpi"), ("tablet", "tablet_device")):
        if key in c:
            body[name] = flag(c[key])
    for key, name in (("keyboard", "keyboard_layout"), ("hotplug", "hotplug"), ("args", "kvm_arguments"),
                      ("hookscript", "hook_script_file_id")):
        if key in c:
            body[name] = str(c[key])
    if "agent" in c:
        agent = parse_props(str(c["agent"]), "enabled")
        block: Body = {"enabled": flag(agent.get("enabled", "0"))}
        if "fstrim_cloned_disks" in agent:
            block["trim"] = flag(agent["fstrim_cloned_disks"])
        if "type" in agent:
            block["type"] = agent["type"]
        body["agent"] = [block]
    # absent keys stay absent: the provider then reads back exactly its own default (no diff)
    cpu: Body = {"cores": int(c.get("cores", 1)), "sockets": int(c.get("sockets", 1))}
    cpu_props = parse_props(str(c["cpu"]), "cputype") if "cpu" in c else {}
    if "cputype" in cpu_props:
        cpu["type"] = cpu_props["cputype"]
    if cpu_props.get("flags"):
        cpu["flags"] = [f for f in cpu_props["flags"].split(";") if f]
    if "numa" in c:
        cpu["numa"] = flag(c["numa"])
    if "vcpus" in c:
        cpu["hotplugged"] = int(c["vcpus"])
    if "cpulimit" in c:
        cpu["limit"] = _num(str(c["cpulimit"]))
    if "cpuunits" in c:
        cpu["units"] = int(c["cpuunits"])
    if "affinity" in c:
        cpu["affinity"] = str(c["affinity"])
    if "arch" in c:
        cpu["architecture"] = str(c["arch"])
    body["cpu"] = [cpu]
    dedicated = int(c.get("memory", 512))
    memory: Body = {"dedicated": dedicated}
    if "balloon" in c:
        memory["floating"] = int(c["balloon"])
    if "shares" in c:
        memory["shared"] = int(c["shares"])
    if "hugepages" in c:
        memory["hugepages"] = str(c["hugepages"])
    if "keephugepages" in c:
        memory["keep_hugepages"] = flag(c["keephugepages"])
    body["memory"] = [memory]
    body["operating_system"] = [{"type": str(c.get("ostype", "other"))}]

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
                cloudinit = {"datastore_id": _split_volume(file)[0], "interface": iface}
            else:
                cdroms.append({"enabled": True, "file_id": file, "interface": iface})
            continue
        disk = _vm_disk(iface, props, w)
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
        store, path = _split_volume(p.get("file", ""))
        efi: Body = {"datastore_id": store, "file_format": p.get("format") or _volume_format(path),
                     "type": p.get("efitype", "2m")}
        if "pre-enrolled-keys" in p:
            efi["pre_enrolled_keys"] = flag(p["pre-enrolled-keys"])
        body["efi_disk"] = [efi]
    if "tpmstate0" in c:
        p = parse_props(str(c["tpmstate0"]), "file")
        body["tpm_state"] = [{"datastore_id": _split_volume(p.get("file", ""))[0],
                              "version": p.get("version", "v1.2")}]

    nets = _indexed(c, "net")
    if nets:
        body["network_device"] = [_vm_nic(parse_props(nets[i])) if i in nets else {"enabled": False}
                                  for i in range(max(nets) + 1)]

    ipconfigs = _indexed(c, "ipconfig")
    init_keys = ("ciuser", "sshkeys", "nameserver", "searchdomain", "cicustom", "ciupgrade")
    if cloudinit is not None or ipconfigs or any(k in c for k in init_keys):
        init: Body = dict(cloudinit or {})
        if cloudinit is None:
            w.append("cloud-init settings without a cloud-init drive")
        if "nameserver" in c or "searchdomain" in c:
            dns: Body = {}
            if "searchdomain" in c:
                dns["domain"] = str(c["searchdomain"])
            if "nameserver" in c:
                dns["servers"] = str(c["nameserver"]).split()
            init["dns"] = [dns]
        if ipconfigs:
            blocks = []
            for i in range(max(ipconfigs) + 1):
                p = parse_props(ipconfigs.get(i, ""))
                blocks.append(_ip_config(p.get("ip"), p.get("gw"), p.get("ip6"), p.get("gw6")))
            init["ip_config"] = blocks
        if "ciuser" in c or "sshkeys" in c:
            account: Body = {}
            if "ciuser" in c:
                account["username"] = str(c["ciuser"])
            if "sshkeys" in c:
                account["keys"] = [k for k in urlunquote(str(c["sshkeys"])).splitlines() if k.strip()]
            init["user_account"] = [account]
        if "cicustom" in c:
            custom = parse_props(str(c["cicustom"]))
            for key in ("user", "network", "meta", "vendor"):
                if key in custom:
                    init[f"{key}_data_file_id"] = custom[key]
        if "ciupgrade" in c:
            init["upgrade"] = flag(c["ciupgrade"])
        body["initialization"] = [init]

    serials = _indexed(c, "serial")
    if serials:
        body["serial_device"] = [{"device": serials.get(i, "socket")} for i in range(max(serials) + 1)]
        for i in range(max(serials) + 1):
            if i not in serials:
                w.append(f"serial{i}: gap in serial ports; written as a socket")
    if "vga" in c:
        p = parse_props(str(c["vga"]), "type")
        vga: Body = {"type": p.get("type", "std")}
        if "memory" in p:
            vga["memory"] = int(p["memory"])
        if "clipboard" in p:
            vga["clipboard"] = p["clipboard"]
        body["vga"] = [vga]
    if "smbios1" in c:
        p = parse_props(str(c["smbios1"]))
        if "uuid" in p:
            body["smbios"] = [{"uuid": p["uuid"]}]
        if set(p) - {"uuid"}:
            w.append("smbios1: only the uuid is managed")
    if "startup" in c:
        body["startup"] = [_startup(str(c["startup"]))]


def _vm_config(body: Body) -> dict[str, Any]:
    c: dict[str, Any] = {"name": body.get("name", "")}
    if body.get("description"):
        c["description"] = body["description"]
    if body.get("tags"):
        c["tags"] = ";".join(split_tags(";".join(body["tags"])))
    if body.get("template"):
        c["template"] = 1
    c["onboot"] = int(bool(body.get("on_boot", True)))
    if body.get("protection"):
        c["protection"] = 1
    for name, key in (("bios", "bios"), ("machine", "machine"), ("scsi_hardware", "scsihw"),
                      ("keyboard_layout", "keyboard"), ("hotplug", "hotplug"), ("kvm_arguments", "args"),
                      ("hook_script_file_id", "hookscript")):
        if name in body:
            c[key] = body[name]
    if "boot_order" in body:
        c["boot"] = "order=" + ";".join(body["boot_order"])
    for name, key in (("acpi", "acpi"), ("tablet_device", "tablet")):
        if name in body:
            c[key] = int(bool(body[name]))
    for agent in body.get("agent", []):
        c["agent"] = format_props([("enabled", str(int(bool(agent.get("enabled", False))))),
                                   ("fstrim_cloned_disks", str(int(agent["trim"])) if "trim" in agent else None),
                                   ("type", agent.get("type"))])
    for cpu in body.get("cpu", []):
        c["cores"] = int(cpu.get("cores", 1))
        c["sockets"] = int(cpu.get("sockets", 1))
        flags = ";".join(cpu.get("flags", [])) or None
        if "type" in cpu:
            cputype = str(cpu["type"])
            c["cpu"] = format_props([("cputype", cputype), ("flags", flags)]) if flags else cputype
        for name, key in (("numa", "numa"), ("hotplugged", "vcpus"), ("limit", "cpulimit"), ("units", "cpuunits"),
                          ("affinity", "affinity"), ("architecture", "arch")):
            if name in cpu:
                c[key] = int(cpu[name]) if isinstance(cpu[name], bool) else cpu[name]
    for mem in body.get("memory", []):
        c["memory"] = str(mem.get("dedicated", 512))
        if "floating" in mem:
            c["balloon"] = int(mem["floating"])
        for name, key in (("shared", "shares"), ("hugepages", "hugepages"), ("keep_hugepages", "keephugepages")):
            if name in mem:
                c[key] = int(mem[name]) if isinstance(mem[name], bool) else mem[name]
    for os_ in body.get("operating_system", []):
        c["ostype"] = os_.get("type", "other")
    for disk in body.get("disk", []):
        store = disk.get("datastore_id", "local-lvm")
        size = int(disk.get("size", 8))
        path = disk.get("path_in_datastore")
        file = f"{store}:{path}" if path else f"{store}:{size}"
        items: list[tuple[str, str | None]] = [("file", file)]
        fmt = disk.get("file_format")
        if fmt and path and fmt != _volume_format(path):
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
    for i, nic in enumerate(body.get("network_device", [])):
        if nic.get("enabled", True) is False:
            continue
        model = nic.get("model", "virtio")
        items = [(model, nic.get("mac_address")), ("bridge", nic.get("bridge", "vmbr0"))]
        if nic.get("mac_address") is None:
            items = [("model", model), ("bridge", nic.get("bridge", "vmbr0"))]
        items.append(("firewall", str(int(bool(nic.get("firewall", False))))))
        for name, key in (("vlan_id", "tag"), ("trunks", "trunks"), ("mtu", "mtu"), ("queues", "queues"),
                          ("rate_limit", "rate")):
            if name in nic:
                items.append((key, str(nic[name])))
        if nic.get("disconnected"):
            items.append(("link_down", "1"))
        c[f"net{i}"] = format_props(items)
    for init in body.get("initialization", []):
        store = init.get("datastore_id", "local-lvm")
        c[init.get("interface", "ide2")] = f"{store}:cloudinit,media=cdrom"  # how PVE is asked to make one
        for dns in init.get("dns", []):
            if "domain" in dns:
                c["searchdomain"] = dns["domain"]
            if "servers" in dns:
                c["nameserver"] = " ".join(dns["servers"])
        for i, ipc in enumerate(init.get("ip_config", [])):
            v4 = (ipc.get("ipv4") or [{}])[0]
            v6 = (ipc.get("ipv6") or [{}])[0]
            text = format_props([("ip", v4.get("address")), ("gw", v4.get("gateway")),
                                 ("ip6", v6.get("address")), ("gw6", v6.get("gateway"))])
            if text:
                c[f"ipconfig{i}"] = text
        for account in init.get("user_account", []):
            if "username" in account:
                c["ciuser"] = account["username"]
            if account.get("keys"):
                c["sshkeys"] = urlquote("\n".join(account["keys"]) + "\n", safe="")
        custom = [(key, init.get(f"{key}_data_file_id")) for key in ("user", "network", "meta", "vendor")]
        if any(v for _, v in custom):
            c["cicustom"] = format_props(custom)
        if "upgrade" in init:
            c["ciupgrade"] = int(bool(init["upgrade"]))
    for i, serial in enumerate(body.get("serial_device", [])):
        c[f"serial{i}"] = serial.get("device", "socket")
    for vga in body.get("vga", []):
        c["vga"] = format_props([("type", vga.get("type", "std")), ("memory", _opt(vga.get("memory"))),
                                 ("clipboard", vga.get("clipboard"))], bare_first=True)
    for smbios in body.get("smbios", []):
        if "uuid" in smbios:
            c["smbios1"] = f"uuid={smbios['uuid']}"
    for startup in body.get("startup", []):
        c["startup"] = _startup_text(startup)
    return c


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _startup_text(block: Body) -> str:
    return format_props([("order", _opt(block.get("order"))), ("up", _opt(block.get("up_delay"))),
                         ("down", _opt(block.get("down_delay")))])


# --- LXC ------------------------------------------------------------------------------------
def _ct_body(g: GuestState, m: Mapped, ct_template: str | None) -> None:
    c, w, body = g.config, m.warnings, m.body
    body["node_name"] = g.node
    body["vm_id"] = g.vmid
    if c.get("description"):
        body["description"] = str(c["description"])
    if c.get("tags"):
        body["tags"] = split_tags(str(c["tags"]))
    template = flag(c.get("template", 0))
    if template:
        body["template"] = True
    body["started"] = g.status == "running" and not template
    body["start_on_boot"] = flag(c.get("onboot", 0))
    body["unprivileged"] = flag(c.get("unprivileged", 0))
    if flag(c.get("protection", 0)):
        body["protection"] = True
    if "hookscript" in c:
        body["hook_script_file_id"] = str(c["hookscript"])
    cpu: Body = {"architecture": str(c.get("arch", "amd64"))}
    if "cores" in c:
        cpu["cores"] = int(c["cores"])
    else:
        w.append("cores: not set (all host cores); the provider's default of 1 core would apply")
    if "cpulimit" in c:
        cpu["limit"] = _num(str(c["cpulimit"]))
    if "cpuunits" in c:
        cpu["units"] = int(c["cpuunits"])
    body["cpu"] = [cpu]
    memory = {"dedicated": int(c.get("memory", 512))}
    if "swap" in c:
        memory["swap"] = int(c["swap"])
    body["memory"] = [memory]
    if "rootfs" in c:
        p = parse_props(str(c["rootfs"]), "volume")
        body["disk"] = [{"datastore_id": _split_volume(p.get("volume", ""))[0],
                         "size": _gib(p.get("size", "0"), "rootfs", w)}]
        for key in sorted(set(p) - {"volume", "size"}):
            w.append(f"rootfs: option {key}={p[key]} is not managed")
    mps = _indexed(c, "mp")
    if mps:
        if sorted(mps) != list(range(len(mps))):
            w.append("mount points: numbering has gaps; they are renumbered from mp0")
        body["mount_point"] = [_ct_mount(parse_props(mps[i], "volume")) for i in sorted(mps)]
    nets = _indexed(c, "net")
    ip_configs: list[Body] = []
    if nets:
        nics: list[Body] = []
        for i in range(max(nets) + 1):
            p = parse_props(nets.get(i, ""))
            if i not in nets:
                nics.append({"name": f"eth{i}", "enabled": False})
                ip_configs.append({})
                continue
            nic: Body = {"name": p.get("name", f"eth{i}"), "bridge": p.get("bridge", ""),
                         "firewall": flag(p.get("firewall", "0"))}
            if "hwaddr" in p:
                nic["mac_address"] = p["hwaddr"].upper()
            for key, name in (("tag", "vlan_id"), ("mtu", "mtu")):
                if key in p:
                    nic[name] = int(p[key])
            if "rate" in p:
                nic["rate_limit"] = _num(p["rate"])
            if flag(p.get("link_down", "0")):
                nic["enabled"] = False
            nics.append(nic)
            ip_configs.append(_ip_config(p.get("ip"), p.get("gw"), p.get("ip6"), p.get("gw6")))
        body["network_interface"] = nics
    init: Body = {"hostname": str(c.get("hostname", g.name))}
    if "nameserver" in c or "searchdomain" in c:
        dns: Body = {}
        if "searchdomain" in c:
            dns["domain"] = str(c["searchdomain"])
        if "nameserver" in c:
            dns["servers"] = str(c["nameserver"]).split()
        init["dns"] = [dns]
    while ip_configs and not ip_configs[-1]:
        ip_configs.pop()
    if ip_configs:
        init["ip_config"] = ip_configs
    body["initialization"] = [init]
    body["operating_system"] = [{"template_file_id": ct_template or IMPORTED_CT_TEMPLATE,
                                 "type": str(c.get("ostype", "unmanaged"))}]
    if "features" in c:
        p = parse_props(str(c["features"]))
        features: Body = {}
        for key in ("nesting", "keyctl", "fuse", "mknod"):
            if key in p:
                features[key] = flag(p[key])
        if "mount" in p:
            features["mount"] = [x for x in p["mount"].split(";") if x]
        body["features"] = [features]
    if any(k in c for k in ("console", "tty", "cmode")):
        console: Body = {}
        if "console" in c:
            console["enabled"] = flag(c["console"])
        if "tty" in c:
            console["tty_count"] = int(c["tty"])
        if "cmode" in c:
            console["type"] = str(c["cmode"])
        body["console"] = [console]
    devs = _indexed(c, "dev")
    if devs:
        passthrough = []
        for i in sorted(devs):
            p = parse_props(devs[i], "path")
            dev: Body = {"path": p.get("path", "")}
            for key, name in (("mode", "mode"), ("uid", "uid"), ("gid", "gid")):
                if key in p:
                    dev[name] = int(p[key]) if key != "mode" else p[key]
            if "deny-write" in p:
                dev["deny_write"] = flag(p["deny-write"])
            passthrough.append(dev)
        body["device_passthrough"] = passthrough
    if "startup" in c:
        body["startup"] = [_startup(str(c["startup"]))]


_MP_BOOL = {"backup": "backup", "ro": "read_only", "shared": "shared", "replicate": "replicate", "acl": "acl",
            "quota": "quota"}


def _ct_mount(p: dict[str, str]) -> Body:
    mount: Body = {"volume": p.get("volume", ""), "path": p.get("mp", "")}
    if "size" in p:
        mount["size"] = p["size"]
    for key, name in _MP_BOOL.items():
        if key in p:
            mount[name] = flag(p[key])
    if "mountoptions" in p:
        mount["mount_options"] = [o for o in p["mountoptions"].split(";") if o]
    return mount


def _ct_config(body: Body) -> dict[str, Any]:
    c: dict[str, Any] = {}
    if body.get("description"):
        c["description"] = body["description"]
    if body.get("tags"):
        c["tags"] = ";".join(split_tags(";".join(body["tags"])))
    if body.get("template"):
        c["template"] = 1
    c["onboot"] = int(bool(body.get("start_on_boot", True)))
    c["unprivileged"] = int(bool(body.get("unprivileged", False)))
    if body.get("protection"):
        c["protection"] = 1
    if "hook_script_file_id" in body:
        c["hookscript"] = body["hook_script_file_id"]
    for cpu in body.get("cpu", []):
        c["arch"] = cpu.get("architecture", "amd64")
        c["cores"] = int(cpu.get("cores", 1))
        if "limit" in cpu:
            c["cpulimit"] = cpu["limit"]
        if "units" in cpu:
            c["cpuunits"] = int(cpu["units"])
    for mem in body.get("memory", []):
        c["memory"] = int(mem.get("dedicated", 512))
        if "swap" in mem:
            c["swap"] = int(mem["swap"])
    for disk in body.get("disk", []):
        c["rootfs"] = f"{disk.get('datastore_id', 'local')}:{disk.get('size', 4)},size={disk.get('size', 4)}G"
    for i, mount in enumerate(body.get("mount_point", [])):
        items: list[tuple[str, str | None]] = [("volume", mount.get("volume", "")), ("mp", mount.get("path"))]
        for key, name in _MP_BOOL.items():
            if name in mount:
                items.append((key, str(int(bool(mount[name])))))
        if mount.get("mount_options"):
            items.append(("mountoptions", ";".join(mount["mount_options"])))
        if "size" in mount:
            items.append(("size", str(mount["size"])))
        c[f"mp{i}"] = format_props(items, bare_first=True)
    inits = body.get("initialization", [{}])
    init = inits[0] if inits else {}
    ip_configs = init.get("ip_config", [])
    for i, nic in enumerate(body.get("network_interface", [])):
        if nic.get("enabled", True) is False and "bridge" not in nic:
            continue
        ipc = ip_configs[i] if i < len(ip_configs) else {}
        v4 = (ipc.get("ipv4") or [{}])[0]
        v6 = (ipc.get("ipv6") or [{}])[0]
        items = [("name", nic.get("name")), ("bridge", nic.get("bridge", "vmbr0")),
                 ("firewall", str(int(bool(nic.get("firewall", False))))), ("gw", v4.get("gateway")),
                 ("gw6", v6.get("gateway")), ("hwaddr", nic.get("mac_address")), ("ip", v4.get("address")),
                 ("ip6", v6.get("address")), ("mtu", _opt(nic.get("mtu"))), ("rate", _opt(nic.get("rate_limit"))),
                 ("tag", _opt(nic.get("vlan_id"))), ("type", "veth")]
        if nic.get("enabled", True) is False:
            items.append(("link_down", "1"))
        c[f"net{i}"] = format_props(items)
    if "hostname" in init:
        c["hostname"] = init["hostname"]
    for dns in init.get("dns", []):
        if "domain" in dns:
            c["searchdomain"] = dns["domain"]
        if "servers" in dns:
            c["nameserver"] = " ".join(dns["servers"])
    for os_ in body.get("operating_system", []):
        if os_.get("type") and os_.get("type") != "unmanaged":
            c["ostype"] = os_["type"]
    for features in body.get("features", []):
        items = [(k, str(int(bool(features[k])))) for k in ("fuse", "keyctl", "mknod", "nesting") if k in features]
        if features.get("mount"):
            items.append(("mount", ";".join(features["mount"])))
        c["features"] = format_props(items)
    for console in body.get("console", []):
        if "enabled" in console:
            c["console"] = int(bool(console["enabled"]))
        if "tty_count" in console:
            c["tty"] = int(console["tty_count"])
        if "type" in console:
            c["cmode"] = console["type"]
    for i, dev in enumerate(body.get("device_passthrough", [])):
        c[f"dev{i}"] = format_props([("path", dev.get("path")), ("deny-write", _bool_opt(dev.get("deny_write"))),
                                     ("gid", _opt(dev.get("gid"))), ("mode", _opt(dev.get("mode"))),
                                     ("uid", _opt(dev.get("uid")))])
    for startup in body.get("startup", []):
        c["startup"] = _startup_text(startup)
    return c


def _bool_opt(value: Any) -> str | None:
    return None if value is None else str(int(bool(value)))


# --- public API -----------------------------------------------------------------------------
def guest_to_body(guest: GuestState, ct_template: str | None = None) -> Mapped:
    """The bpg resource body describing `guest` (plus unmanaged keys and warnings)."""
    mapped = Mapped(body={})
    if guest.kind == "qemu":
        _vm_body(guest, mapped)
    elif guest.kind == "lxc":
        _ct_body(guest, mapped, ct_template)
    else:
        raise ValueError(f"unknown guest kind {guest.kind!r}")
    mapped.unmanaged = sorted(set(mapped.unmanaged) | set(unmanaged_keys(guest.kind, guest.config)))
    return mapped


def body_to_config(kind: str, body: Body) -> DesiredConfig:
    """The PVE config a resource body asks for (what apply would write)."""
    try:
        config = _vm_config(body) if kind == "qemu" else _ct_config(body)
        clone = (body.get("clone") or [None])[0]
        ostemplate = None
        if kind == "lxc":
            ostemplate = (body.get("operating_system") or [{}])[0].get("template_file_id")
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:  # e.g. size = "10G"
        from pmpc_tui.iac.rules import WrongTypes

        raise WrongTypes(kind, body, exc) from None
    started = body.get("started")
    vmid = body.get("vm_id")
    return DesiredConfig(kind=kind, node=str(body.get("node_name", "")),
                         vmid=int(vmid) if isinstance(vmid, int) else None,
                         config=config, started=None if started is None else bool(started), clone=clone,
                         ostemplate=ostemplate)


def import_lifecycle(kind: str) -> Body:
    """`lifecycle` for an imported guest: arguments that only matter at creation are ignored."""
    if kind == "lxc":
        return {"ignore_changes": [Expr("operating_system[0].template_file_id")]}
    return {}


# --- comparison -----------------------------------------------------------------------------
def _drive_view(props: dict[str, str]) -> dict[str, Any]:
    view: dict[str, Any] = {}
    file = props.get("file", "")
    if props.get("media") == "cdrom":
        if "cloudinit" in file:
            return {"cloudinit": _split_volume(file)[0]}
        return {"cdrom": file}
    view["file"] = file
    view["size"] = math.ceil(parse_size(props.get("size", "0")) / GiB)
    fmt = props.get("format")
    if fmt and fmt != _volume_format(_split_volume(file)[1]):
        view["format"] = fmt
    for key in list(_DISK_BOOL) + list(_DISK_STR):
        if key in props:
            value: Any = flag(props[key]) if key in _DISK_BOOL else props[key]
            if value != _DISK_DEFAULTS.get(key):
                view[key] = value
    return view


def _vm_view(c: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {
        "name": c.get("name"), "description": c.get("description") or None,
        "tags": split_tags(str(c.get("tags", ""))), "template": flag(c.get("template", 0)),
        "onboot": flag(c.get("onboot", 0)), "protection": flag(c.get("protection", 0)),
        "bios": c.get("bios", "seabios"), "machine": c.get("machine"), "ostype": c.get("ostype", "other"),
        "scsihw": c.get("scsihw", "lsi"), "acpi": flag(c.get("acpi", 1)), "tablet": flag(c.get("tablet", 1)),
        "keyboard": c.get("keyboard"), "hotplug": c.get("hotplug", "network,disk,usb"), "args": c.get("args"),
        "hookscript": c.get("hookscript"),
        "cores": int(c.get("cores", 1)), "sockets": int(c.get("sockets", 1)), "numa": flag(c.get("numa", 0)),
        "vcpus": int(c.get("vcpus", 0)), "cpulimit": float(c.get("cpulimit", 0)),
        "cpuunits": int(c.get("cpuunits", 100)), "affinity": c.get("affinity"), "arch": c.get("arch"),
        "memory": int(c.get("memory", 512)), "shares": int(c.get("shares", 1000)),
        "hugepages": c.get("hugepages"), "keephugepages": flag(c.get("keephugepages", 0)),
        "ciuser": c.get("ciuser"), "searchdomain": c.get("searchdomain"),
        "nameserver": str(c.get("nameserver", "")).split(),
        "sshkeys": [k for k in urlunquote(str(c.get("sshkeys", ""))).splitlines() if k.strip()],
        "cicustom": parse_props(str(c.get("cicustom", ""))), "ciupgrade": flag(c.get("ciupgrade", 1)),
        "vga": parse_props(str(c.get("vga", "std")), "type"),
        "smbios_uuid": parse_props(str(c.get("smbios1", ""))).get("uuid"),
        "startup": parse_props(str(c.get("startup", "")), "order"),
    }
    v["balloon"] = int(c.get("balloon", v["memory"]))
    boot = parse_props(str(c.get("boot", "")), "legacy")
    v["boot"] = boot.get("order", "").split(";") if "order" in boot else boot.get("legacy")
    agent = parse_props(str(c.get("agent", "0")), "enabled")
    v["agent"] = {"enabled": flag(agent.get("enabled", "0")), "trim": flag(agent.get("fstrim_cloned_disks", "0")),
                  "type": agent.get("type", "virtio")}
    cpu = parse_props(str(c.get("cpu", "kvm64")), "cputype")
    v["cpu"] = {"type": cpu.get("cputype", "kvm64"), "flags": [f for f in cpu.get("flags", "").split(";") if f]}
    for key in c:
        if DISK_RE.match(key):
            v[key] = _drive_view(parse_props(str(c[key]), "file"))
        elif re.fullmatch(r"net\d+", key):
            nic = _vm_nic(parse_props(str(c[key])))
            nic.setdefault("disconnected", False)
            v[key] = nic
        elif re.fullmatch(r"ipconfig\d+", key):
            v[key] = parse_props(str(c[key]))
        elif re.fullmatch(r"serial\d+", key):
            v[key] = str(c[key])
    if "efidisk0" in c:
        p = parse_props(str(c["efidisk0"]), "file")
        v["efidisk0"] = {"storage": _split_volume(p.get("file", ""))[0], "efitype": p.get("efitype", "2m"),
                         "pre-enrolled-keys": flag(p.get("pre-enrolled-keys", "0"))}
    if "tpmstate0" in c:
        p = parse_props(str(c["tpmstate0"]), "file")
        v["tpmstate0"] = {"storage": _split_volume(p.get("file", ""))[0], "version": p.get("version", "v1.2")}
    return v


def _ct_view(c: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {
        "hostname": c.get("hostname"), "description": c.get("description") or None,
        "tags": split_tags(str(c.get("tags", ""))), "template": flag(c.get("template", 0)),
        "onboot": flag(c.get("onboot", 0)), "protection": flag(c.get("protection", 0)),
        "unprivileged": flag(c.get("unprivileged", 0)), "arch": c.get("arch", "amd64"),
        "cores": int(c["cores"]) if "cores" in c else None, "cpulimit": float(c.get("cpulimit", 0)),
        "cpuunits": int(c.get("cpuunits", 100)), "memory": int(c.get("memory", 512)),
        "swap": int(c.get("swap", 512)), "ostype": c.get("ostype"), "hookscript": c.get("hookscript"),
        "searchdomain": c.get("searchdomain"), "nameserver": str(c.get("nameserver", "")).split(),
        "features": {k: (val if k == "mount" else flag(val))
                     for k, val in parse_props(str(c.get("features", ""))).items()},
        "console": flag(c.get("console", 1)), "tty": int(c.get("tty", 2)), "cmode": c.get("cmode", "tty"),
        "startup": parse_props(str(c.get("startup", "")), "order"),
    }
    if "rootfs" in c:
        p = parse_props(str(c["rootfs"]), "volume")
        v["rootfs"] = {"storage": _split_volume(p.get("volume", ""))[0],
                       "size": math.ceil(parse_size(p.get("size", "0")) / GiB)}
    for key in c:
        if re.fullmatch(r"(mp|net|dev)\d+", key):
            p = parse_props(str(c[key]), "volume" if key.startswith("mp") else "path")
            if key.startswith("net"):
                p["firewall"] = str(int(flag(p.get("firewall", "0"))))
                if p.get("hwaddr"):  # absent in the code: PVE picks one (not a difference)
                    p["hwaddr"] = p["hwaddr"].upper()
                else:
                    p.pop("hwaddr", None)
                p.setdefault("type", "veth")
            if key.startswith("mp") and "size" in p:
                p["size"] = str(parse_size(p["size"]))
            v[key] = p
    return v


def managed_view(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of every managed key (defaults filled, property strings parsed)."""
    return _vm_view(config) if kind == "qemu" else _ct_view(config)


def config_differences(kind: str, actual: dict[str, Any], desired: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Managed keys whose canonical values differ: {key: (actual, desired)}."""
    a, d = managed_view(kind, actual), managed_view(kind, desired)
    return {k: (a.get(k), d.get(k)) for k in sorted(set(a) | set(d)) if a.get(k) != d.get(k)}
