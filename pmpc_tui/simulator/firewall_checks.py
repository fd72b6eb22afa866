"""What firewall rules may hold and PVE's checks of it: macros, protocols, services, ICMP types, addresses, ports.

Each check raises ValueError or returns PVE's message for a bad value; imports nothing else of the simulator.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from typing import Any

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9\-_]+$")  # security groups, aliases and IP sets
ALIAS_REF_RE = re.compile(r"^(?:(dc|guest)/)?([A-Za-z][A-Za-z0-9\-_]+)$")
IPSET_REF_RE = re.compile(r"^\+(?:(dc|guest)/)?([A-Za-z][A-Za-z0-9\-_]+)$")
RULE_KEYS = ("type", "action", "macro", "iface", "source", "dest", "proto", "dport", "sport", "icmp-type",
             "log", "comment", "enable")
LOG_LEVELS = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", "nolog")

# Names of PVE's standard macros (a fact of the API); the descriptions are our own short wording.
MACROS = {
    "Amanda": "Amanda backup", "Auth": "Auth (identd) traffic", "BGP": "Border Gateway Protocol traffic",
    "BitTorrent": "BitTorrent traffic (BitTorrent 3.1 and earlier)", "BitTorrent32": "BitTorrent 3.2+ traffic",
    "CVS": "Concurrent Versions System pserver traffic", "Ceph": "Ceph storage cluster traffic",
    "Citrix": "Citrix/ICA traffic", "DAAP": "Digital Audio Access Protocol traffic", "DCC": "Distributed "
    "Checksum Clearinghouse spam filtering", "DHCPfwd": "Forwarded DHCP traffic", "DHCPv6": "DHCPv6 traffic",
    "DNS": "Domain Name System traffic (udp and tcp)", "Distcc": "Distributed compiler service",
    "FTP": "File Transfer Protocol", "Finger": "Finger protocol (RFC 742)", "GNUnet": "GNUnet secure "
    "peer-to-peer networking traffic", "GRE": "Generic Routing Encapsulation tunneling protocol",
    "Git": "Git distributed revision control traffic", "HKP": "OpenPGP HTTP key server protocol traffic",
    "HTTP": "Hypertext Transfer Protocol (WWW)", "HTTPS": "Hypertext Transfer Protocol (WWW) over SSL",
    "ICPV2": "Internet Cache Protocol V2 (Squid) traffic", "ICQ": "AOL Instant Messenger traffic",
    "IMAP": "Internet Message Access Protocol", "IMAPS": "Internet Message Access Protocol over SSL",
    "IPIP": "IPIP capsulation traffic", "IPsec": "IPsec traffic", "IPsecah": "IPsec authentication (AH) "
    "traffic", "IPsecnat": "IPsec traffic and Nat-Traversal", "IRC": "Internet Relay Chat traffic",
    "Jetdirect": "HP Jetdirect printing", "L2TP": "Layer 2 Tunneling Protocol traffic",
    "LDAP": "Lightweight Directory Access Protocol traffic", "LDAPS": "Secure Lightweight Directory Access "
    "Protocol traffic", "MDNS": "Multicast DNS", "MSNP": "Microsoft Notification Protocol",
    "MSSQL": "Microsoft SQL Server", "Mail": "Mail traffic (SMTP, SMTPS, Submission)",
    "Munin": "Munin networked resource monitoring traffic", "MySQL": "MySQL server",
    "NNTP": "NNTP traffic (Usenet)", "NNTPS": "Encrypted NNTP traffic (Usenet)",
    "NTP": "Network Time Protocol (ntpd)", "NeighborDiscovery": "IPv6 neighbor solicitation, neighbor and "
    "router advertisement", "OSPF": "OSPF multicast traffic", "OpenVPN": "OpenVPN traffic",
    "PCA": "Symantec PCAnywere (tm)", "PMG": "Proxmox Mail Gateway web interface", "POP3": "POP3 traffic",
    "POP3S": "Encrypted POP3 traffic", "PPtP": "Point-to-Point Tunneling Protocol", "Ping": "ICMP echo request",
    "PostgreSQL": "PostgreSQL server", "Printer": "Line Printer protocol printing",
    "RDP": "Microsoft Remote Desktop Protocol traffic", "RIP": "Routing Information Protocol (bidirectional)",
    "RNDC": "BIND remote management protocol", "Razor": "Razor Antispam System",
    "Rdate": "Remote time retrieval (rdate)", "Rsync": "Rsync server", "SANE": "SANE network scanning",
    "SMB": "Microsoft SMB traffic", "SMBswat": "Samba Web Administration Tool", "SMTP": "Simple Mail "
    "Transfer Protocol", "SMTPS": "Encrypted Simple Mail Transfer Protocol", "SNMP": "Simple Network "
    "Management Protocol", "SPAMD": "Spam Assassin SPAMD traffic", "SSH": "Secure shell traffic",
    "SVN": "Subversion server (svnserve)", "SixXS": "SixXS IPv6 Deployment and Tunnel Broker",
    "Squid": "Squid web proxy traffic", "Submission": "Mail message submission traffic",
    "Syslog": "Syslog protocol (RFC 5424) traffic", "TFTP": "Trivial File Transfer Protocol traffic",
    "Telnet": "Telnet traffic", "Telnets": "Telnet over SSL", "Time": "RFC 868 Time protocol",
    "Trcrt": "Traceroute (for up to 30 hops) traffic", "VNC": "VNC traffic for VNC display's 0 - 99",
    "VNCL": "VNC traffic from Vncservers to Vncviewers in listen mode", "Web": "WWW traffic (HTTP and HTTPS)",
    "Webcache": "Web Cache/Proxy traffic (port 8080)", "Webmin": "Webmin traffic",
    "Whois": "Whois (nicname, RFC 3912) traffic",
}
MACRO_NAMES = {name.lower(): name for name in MACROS}  # any spelling -> PVE's
PROTOCOLS = {"ip": 0, "icmp": 1, "igmp": 2, "ggp": 3, "ipencap": 4, "st": 5, "tcp": 6, "egp": 8, "igp": 9,
             "pup": 12, "udp": 17, "hmp": 20, "xns-idp": 22, "rdp": 27, "iso-tp4": 29, "dccp": 33, "xtp": 36,
             "ddp": 37, "idpr-cmtp": 38, "ipv6": 41, "ipv6-route": 43, "ipv6-frag": 44, "idrp": 45,
             "rsvp": 46, "gre": 47, "esp": 50, "ah": 51, "skip": 57, "ipv6-icmp": 58, "icmpv6": 58,
             "ipv6-nonxt": 59, "ipv6-opts": 60, "rspf": 73, "vmtp": 81, "eigrp": 88, "ospf": 89,
             "ax.25": 93, "ipip": 94, "etherip": 97, "encap": 98, "pim": 103, "ipcomp": 108, "vrrp": 112,
             "l2tp": 115, "isis": 124, "sctp": 132, "fc": 133, "mobility-header": 135, "udplite": 136,
             "mpls-in-ip": 137, "manet": 138, "hip": 139, "shim6": 140, "wesp": 141, "rohc": 142}
PORT_PROTOCOLS = {"tcp", "udp", "6", "17", "dccp", "33", "sctp", "132", "udplite", "136"}
SERVICES = {"ftp-data", "ftp", "ssh", "telnet", "smtp", "domain", "tftp", "gopher", "finger", "http", "www",
            "kerberos", "pop3", "sunrpc", "auth", "nntp", "ntp", "netbios-ns", "netbios-ssn", "imap2", "imap",
            "snmp", "snmp-trap", "bgp", "irc", "ldap", "https", "microsoft-ds", "syslog", "submission",
            "ldaps", "rsync", "imaps", "pop3s", "openvpn", "ms-sql-s", "mysql", "rdp", "ms-wbt-server",
            "postgresql", "nfs", "svn", "git", "x11", "bootps", "bootpc", "isakmp", "ipsec-nat-t",
            "smtps", "iscsi-target", "rfb", "amqp", "redis", "http-alt", "webcache", "zabbix-agent"}
ICMP_TYPES = {"any", "echo-reply", "destination-unreachable", "network-unreachable", "host-unreachable",
              "protocol-unreachable", "port-unreachable", "fragmentation-needed", "source-route-failed",
              "network-unknown", "host-unknown", "network-prohibited", "host-prohibited", "TOS-network-"
              "unreachable", "TOS-host-unreachable", "communication-prohibited", "host-precedence-violation",
              "precedence-cutoff", "source-quench", "redirect", "network-redirect", "host-redirect",
              "TOS-network-redirect", "TOS-host-redirect", "echo-request", "router-advertisement",
              "router-solicitation", "time-exceeded", "ttl-zero-during-transit", "ttl-zero-during-reassembly",
              "parameter-problem", "ip-header-bad", "required-option-missing", "timestamp-request",
              "timestamp-reply", "address-mask-request", "address-mask-reply"}
ICMPV6_TYPES = {"destination-unreachable", "no-route", "communication-prohibited", "beyond-scope",
                "address-unreachable", "port-unreachable", "failed-policy", "reject-route", "packet-too-big",
                "time-exceeded", "ttl-zero-during-transit", "ttl-zero-during-reassembly", "parameter-problem",
                "bad-header", "unknown-header-type", "unknown-option", "echo-request", "echo-reply",
                "router-solicitation", "router-advertisement", "neighbor-solicitation", "neighbour-solicitation",
                "neighbor-advertisement", "neighbour-advertisement", "redirect"}


# --- value checks (PVE's messages) ------------------------------------------------------------
def _ip_or_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _address_version(item: str) -> int:
    """The IP version of one address, network or `a-b` range; raises ValueError when it is none."""
    if "-" in item:
        first, last = item.split("-", 1)
        a, b = ipaddress.ip_address(first), ipaddress.ip_address(last)
        if a.version != b.version or int(a) > int(b):
            raise ValueError(f"invalid IP address: invalid range '{item}'")
        return a.version
    net = _ip_or_network(item)
    if net is None:
        raise ValueError(f"invalid IP address: Invalid IP {item}")
    return net.version


def parse_address_list(text: str) -> int | None:
    """`pve-fw-addr-spec`: an IP set or alias reference, or a list of addresses; their IP version."""
    if text.startswith("+"):
        if len(text) > 65:
            raise ValueError("ipset name too long")
        return None
    if ALIAS_REF_RE.match(text):
        if len(text) > 64:
            raise ValueError("alias name too long")
        return None
    items = text.split(",")
    if any(not i for i in items):
        raise ValueError("extraneous commas in list")
    version = None
    for item in items:
        try:
            found = _address_version(item)
        except ValueError as exc:
            raise ValueError(str(exc) if "invalid" in str(exc) else f"invalid IP address: {exc}") from exc
        if version is not None and found != version:
            raise ValueError("file contains mixed IPv4/IPv6 addresses")
        version = found
    if len(items) > 1 and any("-" in i for i in items):
        raise ValueError("you can use a range in a list")
    return version


def parse_ports(text: str, dport: bool = True) -> None:
    """`pve-fw-dport-spec`/`sport-spec`: numbers, `a:b` ranges and service names, at most 15 ports."""
    items = text.split(",")
    if any(not i for i in items):
        raise ValueError("extraneous commas in list")
    count, icmp = 0, False
    for item in items:
        if m := re.fullmatch(r"(\d+):(\d+)", item):
            low, high = int(m.group(1)), int(m.group(2))
            for port in (low, high):
                if port > 65535:
                    raise ValueError(f"invalid port '{port}'")
            if low > high:
                raise ValueError(f"backwards range '{low}:{high}' not allowed, did you mean '{high}:{low}'?")
            count += 2
        elif item.isdigit():
            if int(item) > 65535:
                raise ValueError(f"invalid port '{item}'")
            count += 1
        elif dport and (item in ICMP_TYPES or item in ICMPV6_TYPES):
            icmp = True
        elif item in SERVICES:
            count += 1
        else:
            raise ValueError(f"invalid port '{item}'")
    if icmp and count:
        raise ValueError("ICMP ports not allowed in port range")
    if count > 15:
        raise ValueError("too many entries in port list (> 15 numbers)")


def _problem(check: Any, value: str) -> str | None:
    try:
        check(value)
    except ValueError as exc:
        return str(exc)
    return None


def check_protocol(value: str) -> str | None:
    if value.isdigit():
        return None if int(value) <= 255 else f"invalid protocol number '{value}'"
    return None if value in PROTOCOLS else f"unknown protocol '{value}'"


def check_icmp_type(value: str) -> str | None:
    if value.isdigit() or value in ICMP_TYPES or value in ICMPV6_TYPES:
        return None
    return f"invalid icmp-type '{value}'"


def check_iface(value: str) -> str | None:
    if re.fullmatch(r"[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?", value):
        return None
    return f"invalid network interface name '{value}'"


def check_ip_or_cidr(value: str) -> str | None:
    return None if _ip_or_network(value) is not None else "value does not look like a valid IP address or CIDR " \
                                                           "network"


def check_ip_cidr_or_alias(value: str) -> str | None:
    if _ip_or_network(value) is not None or ALIAS_REF_RE.match(value):
        return None
    return "value does not look like a valid IP address, CIDR network or alias"


FORMAT_CHECKS = {
    "pve-fw-addr-spec": lambda v: _problem(parse_address_list, v),
    "pve-fw-dport-spec": lambda v: _problem(parse_ports, v),
    "pve-fw-sport-spec": lambda v: _problem(lambda x: parse_ports(x, dport=False), v),
    "pve-fw-protocol-spec": check_protocol,
    "pve-fw-icmp-type-spec": check_icmp_type,
    "pve-iface": check_iface,
    "IPorCIDR": check_ip_or_cidr,
    "IPorCIDRorAlias": check_ip_cidr_or_alias,
}


def clean_cidr(value: str) -> str:
    """An address or network the way PVE stores it in an IP set (IPv6 shortened, lowercase)."""
    if ":" not in value:
        return value
    address, _, length = value.partition("/")
    short = ipaddress.ip_address(address).compressed
    return f"{short}/{length}" if length else short


def ip_version(value: str) -> int | None:
    net = _ip_or_network(value)
    return net.version if net is not None else None


def digest_of(value: Any) -> str:
    """SHA-1 of a section of a firewall config: changes whenever the section does."""
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()
