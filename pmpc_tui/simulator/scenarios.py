"""Scenario data: a realistic three-node homelab and a generated large cluster."""

from __future__ import annotations

import time
import uuid
from typing import Any

from pmpc_tui.simulator.backupvol import seed_backups
from pmpc_tui.simulator.firewall_scenarios import seed_homelab, seed_large
from pmpc_tui.simulator.model import (
    Cluster,
    GiB,
    Guest,
    Node,
    Pool,
    Storage,
    Volume,
    format_size,
    normalize_tags,
)
from pmpc_tui.simulator.scenario_config import homelab_config, large_config
from pmpc_tui.simulator.scenario_sdn import seed_homelab_sdn, seed_large_sdn

SCENARIOS = ("homelab", "large")


def _networks(index: int, lan_prefix: str = "192.168.1") -> list[dict[str, Any]]:
    addr = f"{lan_prefix}.{10 + index}"
    return [
        {"iface": "eno1", "type": "eth", "method": "manual", "method6": "manual", "active": 1, "exists": 1,
         "families": ["inet"], "priority": 3},
        {"iface": "eno2", "type": "eth", "method": "manual", "method6": "manual", "active": 1, "exists": 1,
         "families": ["inet"], "priority": 4},
        {"iface": "vmbr0", "type": "bridge", "method": "static", "method6": "manual", "active": 1,
         "autostart": 1, "address": addr, "netmask": "24", "cidr": f"{addr}/24",
         "gateway": f"{lan_prefix}.1", "bridge_ports": "eno1", "bridge_stp": "off", "bridge_fd": "0",
         "families": ["inet"], "priority": 5},
        {"iface": "vmbr1", "type": "bridge", "method": "manual", "method6": "manual", "active": 1,
         "autostart": 1, "bridge_ports": "eno2", "bridge_stp": "off", "bridge_fd": "0",
         "bridge_vlan_aware": 1, "bridge_vids": "2-4094", "families": ["inet"], "priority": 6,
         "comments": "VLAN trunk for lab networks\n"},
    ]


def _add_node(cluster: Cluster, name: str, nodeid: int, cores: int, mem_gib: int, disk_gib: int,
              model: str) -> None:
    cluster.nodes[name] = Node(
        name=name, nodeid=nodeid, ip=f"192.168.1.{10 + nodeid}", maxcpu=cores, maxmem=mem_gib * GiB,
        maxdisk=disk_gib * GiB, cpu_model=model, networks=_networks(nodeid),
        boot_time=time.time() - 86400 * (9 + nodeid),
    )


def _add_common_storage(cluster: Cluster, nodes: list[str], lvm_gib: int = 900, nas_gib: int = 8000) -> None:
    cluster.storages["local"] = Storage("local", "dir", ("iso", "vztmpl", "backup", "snippets"), 100 * GiB,
                                        base_used=9 * GiB, options={"path": "/var/lib/vz"})
    cluster.storages["local-lvm"] = Storage("local-lvm", "lvmthin", ("images", "rootdir"), lvm_gib * GiB,
                                            options={"thinpool": "data", "vgname": "pve"})
    cluster.storages["nas"] = Storage("nas", "nfs", ("images", "rootdir", "backup", "iso"), nas_gib * GiB,
                                      shared=True, base_used=1200 * GiB,
                                      options={"server": "192.168.1.5", "export": "/volume1/pve",
                                               "path": "/mnt/pve/nas", "options": "vers=4.2",
                                               "prune-backups": "keep-daily=7,keep-weekly=4"})
    for node in nodes:
        for name, size in (("debian-12.7.0-amd64-netinst.iso", 631 * 1024**2),
                           ("ubuntu-24.04.1-live-server-amd64.iso", 2772 * 1024**2)):
            volid = f"local:iso/{name}"
            cluster.volumes[f"{node}/{volid}"] = Volume(volid, "local", node, "iso", "iso", size)
        for name, size in (("debian-12-standard_12.7-1_amd64.tar.zst", 123 * 1024**2),
                           ("ubuntu-24.04-standard_24.04-2_amd64.tar.zst", 141 * 1024**2)):
            volid = f"local:vztmpl/{name}"
            cluster.volumes[f"{node}/{volid}"] = Volume(volid, "local", node, "vztmpl", "tzst", size)


def _vm(cluster: Cluster, vmid: int, node: str, name: str, cores: int, mem_mib: int, disk_gib: int,
        status: str = "stopped", tags: str = "", ip: str | None = None, template: bool = False,
        storage: str = "local-lvm", agent: bool = True, ostype: str = "l26", description: str = "",
        onboot: bool = False) -> Guest:
    vol = cluster.allocate_volume(storage, node, vmid, "qemu", disk_gib * GiB)
    config: dict[str, Any] = {
        "name": name,
        "cores": cores,
        "sockets": 1,
        "memory": str(mem_mib),
        "cpu": "x86-64-v2-AES",
        "ostype": ostype,
        "scsihw": "virtio-scsi-single",
        "scsi0": f"{vol.volid},discard=on,iothread=1,size={format_size(vol.size)},ssd=1",
        "net0": f"virtio={cluster.new_mac()},bridge=vmbr0,firewall=1",
        "boot": "order=scsi0;net0",
        "onboot": 1 if onboot else 0,
        "smbios1": f"uuid={uuid.UUID(int=cluster.rng.getrandbits(128), version=4)}",
        "vmgenid": str(uuid.UUID(int=cluster.rng.getrandbits(128), version=4)),
        "meta": f"creation-qemu=9.2.0,ctime={int(time.time()) - 86400 * 30}",
    }
    if agent:
        config["agent"] = "enabled=1"
    if ip:
        config["ide2"] = f"{storage}:vm-{vmid}-cloudinit,media=cdrom"
        config["ipconfig0"] = f"ip={ip},gw=192.168.1.1"
        config["ciuser"] = "admin"
    if tags:
        config["tags"] = normalize_tags(tags)
    if description:
        config["description"] = description
    if template:
        config["template"] = 1
    guest = Guest(vmid, "qemu", node, config)
    _set_status(guest, status)
    cluster.guests[vmid] = guest
    return guest


def _ct(cluster: Cluster, vmid: int, node: str, hostname: str, cores: int, mem_mib: int, disk_gib: int,
        status: str = "stopped", tags: str = "", ip: str = "dhcp", template: bool = False,
        storage: str = "local-lvm", ostype: str = "debian", onboot: bool = False) -> Guest:
    vol = cluster.allocate_volume(storage, node, vmid, "lxc", disk_gib * GiB)
    net = f"name=eth0,bridge=vmbr0,firewall=1,hwaddr={cluster.new_mac()},ip={ip}"
    if ip != "dhcp":
        net = f"name=eth0,bridge=vmbr0,firewall=1,gw=192.168.1.1,hwaddr={cluster.new_mac()},ip={ip}"
    config: dict[str, Any] = {
        "arch": "amd64",
        "hostname": hostname,
        "cores": cores,
        "memory": mem_mib,
        "swap": 512,
        "ostype": ostype,
        "rootfs": f"{vol.volid},size={format_size(vol.size)}",
        "net0": net + ",type=veth",
        "features": "nesting=1",
        "unprivileged": 1,
        "onboot": 1 if onboot else 0,
    }
    if tags:
        config["tags"] = normalize_tags(tags)
    if template:
        config["template"] = 1
    guest = Guest(vmid, "lxc", node, config)
    _set_status(guest, status)
    cluster.guests[vmid] = guest
    return guest


def _set_status(guest: Guest, status: str) -> None:
    guest.status = status
    if status == "running":
        guest.started_at = time.time() - 3600 * (5 + guest.vmid % 200)
        guest.netin = guest.vmid * 7_654_321
        guest.netout = guest.vmid * 1_234_567


def homelab(seed: int = 1) -> Cluster:
    """Three nodes of mixed size with the guests a typical homelab runs."""
    c = Cluster("homelab", seed)
    _add_node(c, "pve1", 1, 8, 32, 480, "Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz")
    _add_node(c, "pve2", 2, 16, 64, 960, "AMD Ryzen 9 5950X 16-Core Processor")
    _add_node(c, "pve3", 3, 4, 16, 240, "Intel(R) N100")
    _add_common_storage(c, list(c.nodes))
    _vm(c, 100, "pve1", "debian-12-template", 2, 2048, 16, template=True, tags="template")
    _vm(c, 101, "pve1", "web-01", 2, 2048, 32, "running", "prod;web", ip="192.168.1.21/24", onboot=True)
    _vm(c, 102, "pve2", "web-02", 2, 2048, 32, "running", "prod;web", ip="192.168.1.22/24", onboot=True)
    _vm(c, 103, "pve2", "db-01", 4, 8192, 100, "running", "db;prod", ip="192.168.1.23/24", onboot=True,
        description="PostgreSQL 16 primary")
    _vm(c, 104, "pve2", "k8s-cp-1", 2, 4096, 40, "running", "k8s", ip="192.168.1.31/24")
    _vm(c, 105, "pve2", "k8s-worker-1", 4, 8192, 60, "running", "k8s", ip="192.168.1.32/24")
    _vm(c, 106, "pve1", "k8s-worker-2", 4, 8192, 60, "running", "k8s", ip="192.168.1.33/24")
    _vm(c, 107, "pve2", "win11-desktop", 4, 8192, 128, "stopped", "desktop", ostype="win11", agent=False)
    _vm(c, 108, "pve3", "homeassistant", 2, 4096, 32, "running", "iot", onboot=True)
    _vm(c, 109, "pve1", "dev-sandbox", 2, 4096, 40, "stopped", "dev")
    _vm(c, 110, "pve3", "backup-server", 2, 4096, 64, "running", "backup", storage="nas", onboot=True)
    _ct(c, 200, "pve1", "pihole", 1, 512, 8, "running", "dns;infra", ip="192.168.1.53/24", onboot=True)
    _ct(c, 201, "pve1", "nginx-proxy", 1, 512, 8, "running", "infra;web", ip="192.168.1.80/24", onboot=True)
    _ct(c, 202, "pve2", "grafana", 2, 1024, 16, "running", "monitoring", ip="192.168.1.60/24")
    _ct(c, 203, "pve2", "prometheus", 2, 2048, 32, "running", "monitoring", ip="192.168.1.61/24")
    _ct(c, 204, "pve3", "minio", 2, 2048, 64, "stopped", "storage", storage="nas")
    _ct(c, 205, "pve3", "mqtt", 1, 256, 4, "running", "iot")
    _ct(c, 206, "pve1", "ubuntu-ct-template", 1, 512, 8, template=True, tags="template", ostype="ubuntu")
    seed_homelab(c.firewall, {vmid: g.firewall for vmid, g in c.guests.items()})
    c.pools["production"] = Pool("production", "Services the household relies on", {101, 102, 103, 200})
    seed_backups(c)  # a PBS datastore and last nights' archives
    homelab_config(c)  # more pools, backup jobs, HA
    seed_homelab_sdn(c)
    return c


def large(nodes: int = 5, vms: int = 1000, cts: int = 500, seed: int = 1) -> Cluster:
    """A generated cluster of the requested size, spread evenly across nodes."""
    c = Cluster("large", seed)
    for i in range(1, nodes + 1):
        _add_node(c, f"pve{i}", i, 64, 512, 3840, "AMD EPYC 9354 32-Core Processor")
    _add_common_storage(c, list(c.nodes), lvm_gib=200_000, nas_gib=400_000)
    roles = ["web", "api", "db", "cache", "worker", "queue", "batch", "ci"]
    envs = ["prod", "staging", "dev"]
    vmid = 1000
    for i in range(vms):
        node = f"pve{i % nodes + 1}"
        role = roles[i % len(roles)]
        env = envs[(i // len(roles)) % len(envs)]
        status = "running" if c.rng.random() < 0.8 else "stopped"
        _vm(c, vmid, node, f"{role}-{env}-{i:04d}", c.rng.choice([1, 2, 4, 8]),
            c.rng.choice([1024, 2048, 4096, 8192]), c.rng.choice([16, 32, 64]), status, f"{env};{role}",
            ip=f"10.{(i // 250) % 250}.{i % 250}.{10 + (i % 200)}/16" if i % 3 == 0 else None)
        vmid += 1
    seed_large(c.firewall, {g.vmid: g.firewall for g in c.guests.values()})  # the VMs' firewall
    for i in range(cts):
        node = f"pve{i % nodes + 1}"
        role = roles[i % len(roles)]
        status = "running" if c.rng.random() < 0.85 else "stopped"
        _ct(c, vmid, node, f"ct-{role}-{i:04d}", c.rng.choice([1, 2]), c.rng.choice([256, 512, 1024]),
            c.rng.choice([4, 8, 16]), status, f"ct;{role}")
        vmid += 1
    large_config(c)  # pools, backup jobs, HA
    seed_large_sdn(c)
    return c


def build(scenario: str, seed: int = 1, nodes: int | None = None, vms: int | None = None,
          cts: int | None = None) -> Cluster:
    """Build the named scenario; explicit counts always produce a generated cluster."""
    if scenario == "large" or any(v is not None for v in (nodes, vms, cts)):
        return large(nodes or 5, 1000 if vms is None else vms, 500 if cts is None else cts, seed)
    if scenario == "homelab":
        return homelab(seed)
    raise ValueError(f"unknown scenario '{scenario}' (choose from {', '.join(SCENARIOS)})")
