"""SDN zones, VNets and subnets of the demo scenarios, all applied (running = pending)."""

from __future__ import annotations

import copy

from pmpc_tui.simulator.model import Cluster


def _applied(c: Cluster) -> None:
    c.sdn["running"] = copy.deepcopy(c.sdn["config"])


def seed_homelab_sdn(c: Cluster) -> None:
    """A simple zone with a DHCP lab network and a VLAN zone for IoT and guests."""
    cfg = c.sdn["config"]
    cfg["zones"]["lab"] = {"type": "simple", "dhcp": "dnsmasq", "ipam": "pve"}
    cfg["zones"]["vlans"] = {"type": "vlan", "bridge": "vmbr0", "ipam": "pve"}
    cfg["vnets"]["labnet"] = {"type": "vnet", "zone": "lab", "alias": "Isolated lab"}
    cfg["vnets"]["iot"] = {"type": "vnet", "zone": "vlans", "tag": 30, "alias": "IoT devices"}
    cfg["vnets"]["guests"] = {"type": "vnet", "zone": "vlans", "tag": 40}
    cfg["subnets"]["lab-10.10.0.0-24"] = {"type": "subnet", "vnet": "labnet", "gateway": "10.10.0.1", "snat": 1,
                                          "dhcp-range": ["start-address=10.10.0.100,end-address=10.10.0.199"]}
    cfg["subnets"]["vlans-192.168.30.0-24"] = {"type": "subnet", "vnet": "iot", "gateway": "192.168.30.1"}
    _applied(c)


def seed_large_sdn(c: Cluster) -> None:
    """One VLAN zone per environment with a VNet and subnet per role, plus an EVPN-free VXLAN overlay."""
    cfg = c.sdn["config"]
    nodes = ",".join(sorted(c.nodes))
    for e, env in enumerate(("prod", "staging", "dev")):
        cfg["zones"][env] = {"type": "vlan", "bridge": "vmbr0", "ipam": "pve"}
        for r, role in enumerate(("web", "api", "db")):
            tag = 100 * (e + 1) + r
            vnet = f"{env[:4]}{role}"
            cfg["vnets"][vnet] = {"type": "vnet", "zone": env, "tag": tag}
            cfg["subnets"][f"{env}-10.{e + 100}.{r}.0-24"] = {"type": "subnet", "vnet": vnet,
                                                               "gateway": f"10.{e + 100}.{r}.1"}
    cfg["zones"]["overlay"] = {"type": "vxlan", "peers": ",".join(f"10.0.0.{i + 1}" for i in range(len(c.nodes))),
                               "mtu": 1450, "nodes": nodes}
    cfg["vnets"]["tenant1"] = {"type": "vnet", "zone": "overlay", "tag": 10001}
    _applied(c)
