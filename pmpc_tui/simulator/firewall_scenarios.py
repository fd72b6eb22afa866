"""Scenario data of the firewall: what the homelab and the large cluster start with."""

from __future__ import annotations

from typing import Any

from pmpc_tui.simulator.firewall import FirewallConfig, rule, verify_rule


def seed_homelab(cluster: FirewallConfig, guests: dict[int, FirewallConfig]) -> None:
    """A homelab's firewall: LAN aliases, an admin IP set, web/ssh/monitoring groups, and guests using them."""
    cluster.options.update({"enable": 1, "policy_in": "DROP", "policy_out": "ACCEPT"})
    cluster.add_alias("lan", "192.168.1.0/24", "Home LAN")
    cluster.add_alias("gateway", "192.168.1.1", "Router")
    cluster.add_alias("nas", "192.168.1.5", "Synology NAS")
    cluster.add_ipset("management", ("192.168.1.100", "192.168.1.101"), "Admin workstations")
    cluster.add_ipset("blocklist", ("203.0.113.0/24", "198.51.100.0/24"), "Known scanners")
    cluster.groups["webservers"] = [rule("in", "ACCEPT", macro="HTTPS", comment="HTTPS from anywhere"),
                                    rule("in", "ACCEPT", macro="HTTP", comment="Redirect to HTTPS")]
    cluster.group_comments["webservers"] = "Public web traffic"
    cluster.groups["ssh-admin"] = [rule("in", "ACCEPT", macro="SSH", source="+dc/management")]
    cluster.group_comments["ssh-admin"] = "SSH from admin workstations"
    cluster.groups["monitoring"] = [rule("in", "ACCEPT", proto="tcp", dport="9100", source="192.168.1.61",
                                         comment="node_exporter scraped by Prometheus")]
    cluster.rules.extend([
        rule("in", "DROP", source="+dc/blocklist", log="info", comment="Drop known scanners"),
        rule("in", "ACCEPT", macro="SSH", source="+dc/management", comment="Admins reach the nodes"),
        rule("in", "ACCEPT", proto="tcp", dport="8006", source="lan", comment="Web UI from the LAN"),
        rule("in", "ACCEPT", proto="icmp", icmp_type="echo-request", enable=0),
    ])
    for entry in cluster.rules + [r for rules in cluster.groups.values() for r in rules]:
        _set_version(entry, cluster)
    web = [rule("group", "webservers"), rule("group", "ssh-admin"), rule("group", "monitoring")]
    for vmid in (101, 102):
        if vmid in guests:
            guests[vmid].options.update({"enable": 1, "policy_in": "DROP", "log_level_in": "nolog"})
            guests[vmid].rules.extend(copy_rules(web))
    if 103 in guests:
        db = guests[103]
        db.options.update({"enable": 1, "policy_in": "DROP", "ipfilter": 1})
        db.add_ipset("app-servers", ("192.168.1.21", "192.168.1.22"), "Web tier")
        db.rules.extend([rule("in", "ACCEPT", proto="tcp", dport="5432", source="+guest/app-servers",
                              comment="PostgreSQL from the web tier"), rule("group", "ssh-admin")])
    if 200 in guests:
        guests[200].options.update({"enable": 1, "policy_in": "DROP"})
        guests[200].add_alias("clients", "192.168.1.0/24", "Who may ask for DNS")
        guests[200].rules.extend([rule("in", "ACCEPT", macro="DNS", source="guest/clients"),
                                  rule("in", "ACCEPT", proto="tcp", dport="80", source="lan",
                                       comment="Pi-hole admin page")])
    for conf in guests.values():
        for entry in conf.rules:
            _set_version(entry, cluster, conf)


def seed_large(cluster: FirewallConfig, guests: dict[int, FirewallConfig]) -> None:
    """A generated cluster's firewall: per-environment networks, a few groups, the first guests using them."""
    cluster.options.update({"enable": 1, "policy_in": "DROP"})
    for index, env in enumerate(("prod", "staging", "dev")):
        cluster.add_alias(f"{env}-net", f"10.{index}.0.0/16", f"{env} network")
    cluster.add_ipset("bastions", ("10.250.0.10", "10.250.0.11"), "Jump hosts")
    for role, port in (("web", "80,443"), ("db", "5432"), ("cache", "6379")):
        cluster.groups[f"{role}-tier"] = [rule("in", "ACCEPT", proto="tcp", dport=port),
                                          rule("in", "ACCEPT", macro="SSH", source="+dc/bastions")]
    cluster.rules.append(rule("in", "ACCEPT", macro="SSH", source="+dc/bastions"))
    for vmid in sorted(guests)[:30]:
        guests[vmid].options.update({"enable": 1})
        guests[vmid].rules.append(rule("group", ("web-tier", "db-tier", "cache-tier")[vmid % 3]))


def copy_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(r) for r in rules]


def _set_version(entry: dict[str, Any], cluster: FirewallConfig, local: FirewallConfig | None = None) -> None:
    errors = verify_rule(entry, cluster, local, "vm" if local is not None else "cluster")
    assert not errors, (entry, errors)  # scenario data must pass PVE's own checks
