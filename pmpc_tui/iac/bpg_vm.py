"""The bpg mapping of QEMU VMs: config → `proxmox_virtual_environment_vm` body, body → config, canonical view
(drives in `bpg_vm_drives`, cloud-init in `bpg_cloudinit`)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote as urlunquote

from pmpc_tui.iac.bpg_cloudinit import cloud_init_config, put_cloud_init
from pmpc_tui.iac.bpg_common import (
    GuestState,
    Mapped,
    header_config,
    header_view,
    indexed,
    num,
    opt,
    put_cpu_limits,
    put_header,
    put_startup,
    startup_config,
)
from pmpc_tui.iac.bpg_vm_drives import drives_config, put_drive_views, put_drives
from pmpc_tui.iac.hcl import Body
from pmpc_tui.iac.pveconf import flag, format_props, parse_props

_INDEXED_KEY = re.compile(r"(net|ipconfig|serial)\d+")  # the view's numbered keys, one match per config key
NIC_MODELS = {"e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b",
              "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3"}


def nic_block(props: dict[str, str]) -> Body:
    """A `network_device` block of a NIC's properties."""
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
        nic["rate_limit"] = num(props["rate"])
    if flag(props.get("link_down", "0")):
        nic["disconnected"] = True
    return nic



def vm_body(g: GuestState, m: Mapped) -> None:
    """Fill `m` with the VM resource body describing `g` (and what it could not describe)."""
    c, w, body = g.config, m.warnings, m.body
    body["name"] = str(c.get("name", g.name))
    put_header(g, body, {"on_boot": flag(c.get("onboot", 0))})
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
    put_cpu_limits(c, cpu)
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

    cloudinit = put_drives(c, m)

    nets = indexed(c, "net")
    if nets:
        body["network_device"] = [nic_block(parse_props(nets[i])) if i in nets else {"enabled": False}
                                  for i in range(max(nets) + 1)]

    put_cloud_init(c, cloudinit, body, w)

    serials = indexed(c, "serial")
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
    put_startup(c, body)


def vm_config(body: Body) -> dict[str, Any]:
    """The PVE config a VM resource body asks for."""
    c: dict[str, Any] = {"name": body.get("name", "")}
    header_config(body, c, {"onboot": int(bool(body.get("on_boot", True)))})
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
    drives_config(body, c)
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
    cloud_init_config(body, c)
    for i, serial in enumerate(body.get("serial_device", [])):
        c[f"serial{i}"] = serial.get("device", "socket")
    for vga in body.get("vga", []):
        c["vga"] = format_props([("type", vga.get("type", "std")), ("memory", opt(vga.get("memory"))),
                                 ("clipboard", vga.get("clipboard"))], bare_first=True)
    for smbios in body.get("smbios", []):
        if "uuid" in smbios:
            c["smbios1"] = f"uuid={smbios['uuid']}"
    startup_config(body, c)
    return c


def vm_view(c: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of every key managed on a VM (defaults filled, property strings parsed)."""
    v: dict[str, Any] = {
        **header_view(c), "name": c.get("name"),
        "bios": c.get("bios", "seabios"), "machine": c.get("machine"), "ostype": c.get("ostype", "other"),
        "scsihw": c.get("scsihw", "lsi"), "acpi": flag(c.get("acpi", 1)), "tablet": flag(c.get("tablet", 1)),
        "keyboard": c.get("keyboard"), "hotplug": c.get("hotplug", "network,disk,usb"), "args": c.get("args"),
        "cores": int(c.get("cores", 1)), "sockets": int(c.get("sockets", 1)), "numa": flag(c.get("numa", 0)),
        "vcpus": int(c.get("vcpus", 0)), "affinity": c.get("affinity"), "arch": c.get("arch"),
        "shares": int(c.get("shares", 1000)),
        "hugepages": c.get("hugepages"), "keephugepages": flag(c.get("keephugepages", 0)),
        "ciuser": c.get("ciuser"),
        "sshkeys": [k for k in urlunquote(str(c.get("sshkeys", ""))).splitlines() if k.strip()],
        "cicustom": parse_props(str(c.get("cicustom", ""))), "ciupgrade": flag(c.get("ciupgrade", 1)),
        "vga": parse_props(str(c.get("vga", "std")), "type"),
        "smbios_uuid": parse_props(str(c.get("smbios1", ""))).get("uuid"),
    }
    v["balloon"] = int(c.get("balloon", v["memory"]))
    boot = parse_props(str(c.get("boot", "")), "legacy")
    v["boot"] = boot.get("order", "").split(";") if "order" in boot else boot.get("legacy")
    agent = parse_props(str(c.get("agent", "0")), "enabled")
    v["agent"] = {"enabled": flag(agent.get("enabled", "0")), "trim": flag(agent.get("fstrim_cloned_disks", "0")),
                  "type": agent.get("type", "virtio")}
    cpu = parse_props(str(c.get("cpu", "kvm64")), "cputype")
    v["cpu"] = {"type": cpu.get("cputype", "kvm64"), "flags": [f for f in cpu.get("flags", "").split(";") if f]}
    put_drive_views(c, v)
    for key in c:
        m = _INDEXED_KEY.fullmatch(key)
        if m is None:
            continue
        if m.group(1) == "net":
            nic = nic_block(parse_props(str(c[key])))
            nic.setdefault("disconnected", False)
            v[key] = nic
        elif m.group(1) == "ipconfig":
            v[key] = parse_props(str(c[key]))
        else:
            v[key] = str(c[key])
    return v
