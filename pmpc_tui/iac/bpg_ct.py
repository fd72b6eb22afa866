"""The bpg mapping of LXC containers: config → `proxmox_virtual_environment_container` body, body → config, view."""

from __future__ import annotations

import math
import re
from typing import Any

from pmpc_tui.iac.bpg_common import (
    GuestState,
    Mapped,
    bool_opt,
    dns_config,
    gib,
    header_config,
    header_view,
    indexed,
    ip_addresses,
    ip_config,
    num,
    opt,
    put_cpu_limits,
    put_dns,
    put_header,
    put_startup,
    split_volume,
    startup_config,
)
from pmpc_tui.iac.hcl import Body
from pmpc_tui.iac.pveconf import GiB, flag, format_props, parse_props, parse_size

IMPORTED_CT_TEMPLATE = "local:vztmpl/imported-container.tar.zst"
_VIEW_KEY = re.compile(r"(mp|net|dev)\d+")
_MP_BOOL = {"backup": "backup", "ro": "read_only", "shared": "shared", "replicate": "replicate", "acl": "acl",
            "quota": "quota"}


def ct_body(g: GuestState, m: Mapped, ct_template: str | None) -> None:
    """Fill `m` with the container resource body describing `g` (and what it could not describe)."""
    c, w, body = g.config, m.warnings, m.body
    put_header(g, body, {"start_on_boot": flag(c.get("onboot", 0)), "unprivileged": flag(c.get("unprivileged", 0))})
    if "hookscript" in c:
        body["hook_script_file_id"] = str(c["hookscript"])
    cpu: Body = {"architecture": str(c.get("arch", "amd64"))}
    if "cores" in c:
        cpu["cores"] = int(c["cores"])
    else:
        w.append("cores: not set (all host cores); the provider's default of 1 core would apply")
    put_cpu_limits(c, cpu)
    body["cpu"] = [cpu]
    memory = {"dedicated": int(c.get("memory", 512))}
    if "swap" in c:
        memory["swap"] = int(c["swap"])
    body["memory"] = [memory]
    if "rootfs" in c:
        p = parse_props(str(c["rootfs"]), "volume")
        body["disk"] = [{"datastore_id": split_volume(p.get("volume", ""))[0],
                         "size": gib(p.get("size", "0"), "rootfs", w)}]
        for key in sorted(set(p) - {"volume", "size"}):
            w.append(f"rootfs: option {key}={p[key]} is not managed")
    mps = indexed(c, "mp")
    if mps:
        if sorted(mps) != list(range(len(mps))):
            w.append("mount points: numbering has gaps; they are renumbered from mp0")
        body["mount_point"] = [mount_block(parse_props(mps[i], "volume")) for i in sorted(mps)]
    nets = indexed(c, "net")
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
                nic["rate_limit"] = num(p["rate"])
            if flag(p.get("link_down", "0")):
                nic["enabled"] = False
            nics.append(nic)
            ip_configs.append(ip_config(p))
        body["network_interface"] = nics
    init: Body = {"hostname": str(c.get("hostname", g.name))}
    put_dns(c, init)
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
    devs = indexed(c, "dev")
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
    put_startup(c, body)


def mount_block(p: dict[str, str]) -> Body:
    """A `mount_point` block of a mount point's properties."""
    mount: Body = {"volume": p.get("volume", ""), "path": p.get("mp", "")}
    if "size" in p:
        mount["size"] = p["size"]
    for key, name in _MP_BOOL.items():
        if key in p:
            mount[name] = flag(p[key])
    if "mountoptions" in p:
        mount["mount_options"] = [o for o in p["mountoptions"].split(";") if o]
    return mount


def ct_config(body: Body) -> dict[str, Any]:
    """The PVE config a container resource body asks for."""
    c: dict[str, Any] = {}
    header_config(body, c, {"onboot": int(bool(body.get("start_on_boot", True))),
                            "unprivileged": int(bool(body.get("unprivileged", False)))})
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
        v4, v6 = ip_addresses(ipc)
        items = [("name", nic.get("name")), ("bridge", nic.get("bridge", "vmbr0")),
                 ("firewall", str(int(bool(nic.get("firewall", False))))), ("gw", v4.get("gateway")),
                 ("gw6", v6.get("gateway")), ("hwaddr", nic.get("mac_address")), ("ip", v4.get("address")),
                 ("ip6", v6.get("address")), ("mtu", opt(nic.get("mtu"))), ("rate", opt(nic.get("rate_limit"))),
                 ("tag", opt(nic.get("vlan_id"))), ("type", "veth")]
        if nic.get("enabled", True) is False:
            items.append(("link_down", "1"))
        c[f"net{i}"] = format_props(items)
    if "hostname" in init:
        c["hostname"] = init["hostname"]
    dns_config(init, c)
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
        c[f"dev{i}"] = format_props([("path", dev.get("path")), ("deny-write", bool_opt(dev.get("deny_write"))),
                                     ("gid", opt(dev.get("gid"))), ("mode", opt(dev.get("mode"))),
                                     ("uid", opt(dev.get("uid")))])
    startup_config(body, c)
    return c


def ct_view(c: dict[str, Any]) -> dict[str, Any]:
    """Canonical values of every key managed on a container (defaults filled, property strings parsed)."""
    v: dict[str, Any] = {
        **header_view(c), "hostname": c.get("hostname"),
        "unprivileged": flag(c.get("unprivileged", 0)), "arch": c.get("arch", "amd64"),
        "cores": int(c["cores"]) if "cores" in c else None,
        "swap": int(c.get("swap", 512)), "ostype": c.get("ostype"),
        "features": {k: (val if k == "mount" else flag(val))
                     for k, val in parse_props(str(c.get("features", ""))).items()},
        "console": flag(c.get("console", 1)), "tty": int(c.get("tty", 2)), "cmode": c.get("cmode", "tty"),
    }
    if "rootfs" in c:
        p = parse_props(str(c["rootfs"]), "volume")
        v["rootfs"] = {"storage": split_volume(p.get("volume", ""))[0],
                       "size": math.ceil(parse_size(p.get("size", "0")) / GiB)}
    for key in c:
        if _VIEW_KEY.fullmatch(key):
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
