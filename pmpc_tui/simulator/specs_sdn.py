"""Declared parameters of the SDN routes: apply/lock/rollback, zones, VNets and subnets (`/cluster/sdn`)."""

from __future__ import annotations

from pmpc_tui.simulator.params import P

_STR = P("string")
_BOOL = P("boolean")
_ZONE_TYPE_OPT = P("string", enum=("evpn", "faucet", "qinq", "simple", "vlan", "vxlan"))
_DHCP = P("string", enum=("dnsmasq",))
_DNS_NAME = P("string", format="dns-name")
_INT = P("integer")
_NODE_LIST = P("string", format="pve-node-list")
_EXITNODES_PRIMARY = P("string", format="pve-node")
_FABRIC = P("string", format="pve-sdn-fabric-id")
_MAC = P("string", format="mac-addr")
_PEERS = P("string", format="ip-list")
_RT_IMPORT = P("string", format="pve-sdn-bgp-rt-list")
_TAG = P("integer", minimum=0)
_ZONE_TYPE = P(
    "string", optional=False, enum=("evpn", "faucet", "qinq", "simple", "vlan", "vxlan"), format="pve-configid"
)
_VLAN_PROTOCOL = P("string", enum=("802.1q", "802.1ad"))
_VXLAN_ID = P("integer", minimum=1, maximum=16777215)
_VXLAN_PORT = P("integer", minimum=1, maximum=65536)
_ZONE = P("string", optional=False, format="pve-sdn-zone-id")
_DELETE = P("string", format="pve-configid-list", max_length=4096)
_DIGEST = P("string", max_length=64)
_ALIAS = P("string", pattern="(?^i:[\\(\\)-_.\\w\\d\\s]{0,256})", max_length=256)
_VNET_TYPE = P("string", enum=("vnet",))
_VNET = P("string", optional=False, format="pve-sdn-vnet-id")
_STR_REQ = P("string", optional=False)
_IP = P("string", format="ip")
_DHCP_RANGE = P("array")  # repeated `dhcp-range=start-address=…,end-address=…` values
_SUBNET = P("string", optional=False, format="pve-sdn-subnet-id")
_SUBNET_TYPE = P("string", optional=False, enum=("subnet",))

SDN_PARAMS: dict[tuple[str, str], dict[str, P]] = {
    ("GET", "/cluster/sdn"): {},
    ("PUT", "/cluster/sdn"): {"lock-token": _STR, "release-lock": _BOOL},
    ("POST", "/cluster/sdn/lock"): {"allow-pending": _BOOL},
    ("DELETE", "/cluster/sdn/lock"): {"force": _BOOL, "lock-token": _STR},
    ("POST", "/cluster/sdn/rollback"): {"lock-token": _STR, "release-lock": _BOOL},
    ("GET", "/cluster/sdn/zones"): {"pending": _BOOL, "running": _BOOL, "type": _ZONE_TYPE_OPT},
    ("POST", "/cluster/sdn/zones"): {
        "advertise-subnets": _BOOL,
        "bridge": _STR,
        "bridge-disable-mac-learning": _BOOL,
        "controller": _STR,
        "dhcp": _DHCP,
        "disable-arp-nd-suppression": _BOOL,
        "dns": _STR,
        "dnszone": _DNS_NAME,
        "dp-id": _INT,
        "exitnodes": _NODE_LIST,
        "exitnodes-local-routing": _BOOL,
        "exitnodes-primary": _EXITNODES_PRIMARY,
        "fabric": _FABRIC,
        "ipam": _STR,
        "lock-token": _STR,
        "mac": _MAC,
        "mtu": _INT,
        "nodes": _NODE_LIST,
        "peers": _PEERS,
        "reversedns": _STR,
        "rt-import": _RT_IMPORT,
        "tag": _TAG,
        "type": _ZONE_TYPE,
        "vlan-protocol": _VLAN_PROTOCOL,
        "vrf-vxlan": _VXLAN_ID,
        "vxlan-port": _VXLAN_PORT,
        "zone": _ZONE,
    },
    ("GET", "/cluster/sdn/zones/{zone}"): {"pending": _BOOL, "running": _BOOL, "zone": _ZONE},
    ("PUT", "/cluster/sdn/zones/{zone}"): {
        "advertise-subnets": _BOOL,
        "bridge": _STR,
        "bridge-disable-mac-learning": _BOOL,
        "controller": _STR,
        "delete": _DELETE,
        "dhcp": _DHCP,
        "digest": _DIGEST,
        "disable-arp-nd-suppression": _BOOL,
        "dns": _STR,
        "dnszone": _DNS_NAME,
        "dp-id": _INT,
        "exitnodes": _NODE_LIST,
        "exitnodes-local-routing": _BOOL,
        "exitnodes-primary": _EXITNODES_PRIMARY,
        "fabric": _FABRIC,
        "ipam": _STR,
        "lock-token": _STR,
        "mac": _MAC,
        "mtu": _INT,
        "nodes": _NODE_LIST,
        "peers": _PEERS,
        "reversedns": _STR,
        "rt-import": _RT_IMPORT,
        "tag": _TAG,
        "vlan-protocol": _VLAN_PROTOCOL,
        "vrf-vxlan": _VXLAN_ID,
        "vxlan-port": _VXLAN_PORT,
        "zone": _ZONE,
    },
    ("DELETE", "/cluster/sdn/zones/{zone}"): {"lock-token": _STR, "zone": _ZONE},
    ("GET", "/cluster/sdn/vnets"): {"pending": _BOOL, "running": _BOOL},
    ("POST", "/cluster/sdn/vnets"): {
        "alias": _ALIAS,
        "isolate-ports": _BOOL,
        "lock-token": _STR,
        "tag": _VXLAN_ID,
        "type": _VNET_TYPE,
        "vlanaware": _BOOL,
        "vnet": _VNET,
        "zone": _STR_REQ,
    },
    ("GET", "/cluster/sdn/vnets/{vnet}"): {"pending": _BOOL, "running": _BOOL, "vnet": _VNET},
    ("PUT", "/cluster/sdn/vnets/{vnet}"): {
        "alias": _ALIAS,
        "delete": _DELETE,
        "digest": _DIGEST,
        "isolate-ports": _BOOL,
        "lock-token": _STR,
        "tag": _VXLAN_ID,
        "vlanaware": _BOOL,
        "vnet": _VNET,
        "zone": _STR,
    },
    ("DELETE", "/cluster/sdn/vnets/{vnet}"): {"lock-token": _STR, "vnet": _VNET},
    ("GET", "/cluster/sdn/vnets/{vnet}/subnets"): {"pending": _BOOL, "running": _BOOL, "vnet": _VNET},
    ("POST", "/cluster/sdn/vnets/{vnet}/subnets"): {
        "dhcp-dns-server": _IP,
        "dhcp-range": _DHCP_RANGE,
        "dnszoneprefix": _DNS_NAME,
        "gateway": _IP,
        "lock-token": _STR,
        "snat": _BOOL,
        "subnet": _SUBNET,
        "type": _SUBNET_TYPE,
        "vnet": _STR_REQ,
    },
    ("GET", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}"): {
        "pending": _BOOL,
        "running": _BOOL,
        "subnet": _SUBNET,
        "vnet": _VNET,
    },
    ("PUT", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}"): {
        "delete": _DELETE,
        "dhcp-dns-server": _IP,
        "dhcp-range": _DHCP_RANGE,
        "digest": _DIGEST,
        "dnszoneprefix": _DNS_NAME,
        "gateway": _IP,
        "lock-token": _STR,
        "snat": _BOOL,
        "subnet": _SUBNET,
        "vnet": _STR,
    },
    ("DELETE", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}"): {"lock-token": _STR, "subnet": _SUBNET, "vnet": _VNET},
    ("GET", "/cluster/sdn/vnets/{vnet}/firewall/rules"): {"vnet": _VNET},
}
