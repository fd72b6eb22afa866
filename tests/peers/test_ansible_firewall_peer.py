"""A peer's view of the firewall: community.proxmox's proxmox_firewall and proxmox_firewall_info against the simulator.

The modules run as Ansible runs them (child processes of ansible-playbook, proxmoxer inside, token auth). Each
object type is created, changed and deleted, and a second run of the same task reports `changed: false`, as
against PVE: aliases, IP sets with members (an unescaped `/` in the member's path), security groups and their
rules, a VM's rules placed at the positions asked (the module moves each new rule from the top, where PVE puts
it); the info module reports what is there.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, play

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def task(title: str, module: str = "proxmox_firewall", /, **args: Any) -> dict[str, Any]:
    return {"name": title, f"community.proxmox.{module}": args}


def changes(run: Any, *titles: str) -> list[bool]:
    assert run.rc == 0, run.summary()
    return [run.task(t).changed for t in titles]


def test_aliases_are_created_changed_and_deleted_idempotently(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    alias = {"name": "backup-target", "cidr": "192.168.1.50", "comment": "Offsite sync"}
    moved = {**alias, "cidr": "192.168.1.51"}
    run = ansible.playbook(play(peer_sim, [
        task("create", aliases=[alias]), task("again", aliases=[alias]), task("change", aliases=[moved]),
        task("change again", aliases=[moved]), task("delete", state="absent", aliases=[moved]),
        task("delete again", state="absent", aliases=[moved]),
    ]))
    assert changes(run, "create", "again", "change", "change again", "delete", "delete again") == \
        [True, False, True, False, True, False]
    assert peer_sim.call(lambda: peer_sim.sim.cluster.firewall.alias("backup-target")) is None


def test_ip_sets_and_their_members_are_idempotent(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    hosts = {"name": "dmz-hosts", "comment": "DMZ", "cidrs": [
        {"cidr": "172.16.0.0/24", "comment": "DMZ net"}, {"cidr": "172.16.0.9", "nomatch": True}]}
    grown = {**hosts, "cidrs": [*hosts["cidrs"], {"cidr": "172.16.1.0/24"}]}
    run = ansible.playbook(play(peer_sim, [
        task("create", ip_sets=[hosts]), task("again", ip_sets=[hosts]), task("grow", ip_sets=[grown]),
        task("grow again", ip_sets=[grown]),
        task("drop a member", state="absent", ip_sets=[{"name": "dmz-hosts", "cidrs": [{"cidr": "172.16.1.0/24"}]}]),
        task("delete", state="absent", ip_sets=[{"name": "dmz-hosts"}]),
        task("delete again", state="absent", ip_sets=[{"name": "dmz-hosts"}]),
    ]))
    assert changes(run, "create", "again", "grow", "grow again", "drop a member", "delete", "delete again") == \
        [True, False, True, False, True, True, False]
    assert peer_sim.call(lambda: "dmz-hosts" in peer_sim.sim.cluster.firewall.ipsets) is False


def test_security_groups_and_their_rules(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    rules = [{"pos": 0, "type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "25", "enable": True,
              "comment": "SMTP in"}]
    run = ansible.playbook(play(peer_sim, [
        task("group", group_conf=True, group="mailrelay", comment="Mail relay"),
        task("group again", group_conf=True, group="mailrelay", comment="Mail relay"),
        task("rules", level="group", group="mailrelay", rules=rules),
        task("rules again", level="group", group="mailrelay", rules=rules),
        {**task("delete while it holds rules", state="absent", group_conf=True, group="mailrelay"),
         "ignore_errors": True},
        task("delete its rule", level="group", group="mailrelay", state="absent", pos=0),
        task("delete", state="absent", group_conf=True, group="mailrelay"),
        task("delete again", state="absent", group_conf=True, group="mailrelay"),
    ]))
    assert changes(run, "group", "group again", "rules", "rules again") == [True, False, True, False]
    refused = run.task("delete while it holds rules")
    assert refused.failed and "is not empty" in refused.msg
    assert changes(run, "delete its rule", "delete", "delete again") == [True, True, False]


def test_vm_rules_land_at_their_positions_and_change_in_place(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    rules = [
        {"pos": 0, "type": "in", "action": "ACCEPT", "macro": "SSH", "source": "+dc/management", "enable": True},
        {"pos": 1, "type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "8080", "enable": True,
         "comment": "app"},
        {"pos": 2, "type": "in", "action": "DROP", "enable": True, "log": "info"},
    ]
    changed = [rules[0], {**rules[1], "dport": "8443"}, rules[2]]
    run = ansible.playbook(play(peer_sim, [
        task("rules", level="vm", vmid=109, rules=rules),
        task("rules again", level="vm", vmid=109, rules=rules),
        task("change one", level="vm", vmid=109, rules=changed),
        task("change again", level="vm", vmid=109, rules=changed),
        task("read", "proxmox_firewall_info", level="vm", vmid=109),
        task("delete the last", level="vm", vmid=109, state="absent", pos=2),
        task("delete it again", level="vm", vmid=109, state="absent", pos=2),
    ]))
    assert changes(run, "rules", "rules again", "change one", "change again") == [True, False, True, False]
    listed = run.result("read")["firewall_rules"]
    assert [(r["pos"], r.get("macro") or r["action"], r.get("dport")) for r in listed] == \
        [(0, "SSH", None), (1, "ACCEPT", "8443"), (2, "DROP", None)]
    assert {"webservers", "ssh-admin"} <= set(run.result("read")["groups"])
    assert changes(run, "delete the last", "delete it again") == [True, False]
    assert peer_sim.call(lambda: len(peer_sim.sim.cluster.guests[109].firewall.rules)) == 2


def test_firewall_info_reports_the_cluster(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [task("cluster", "proxmox_firewall_info"),
                                           task("one rule", "proxmox_firewall_info", pos=0)]))
    assert run.rc == 0, run.summary()
    result = run.result("cluster")
    assert not result["changed"]
    assert {a["name"] for a in result["aliases"]} >= {"lan", "gateway", "nas"}
    sets = {s["name"]: [c["cidr"] for c in s["cidrs"]] for s in result["ip_sets"]}
    assert sets["management"] == ["192.168.1.100", "192.168.1.101"]
    assert result["firewall_rules"][0]["comment"] == "Drop known scanners"
    assert run.result("one rule")["firewall_rules"]["pos"] == 0


def test_a_containers_aliases_and_rules(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    alias = {"name": "mqtt-clients", "cidr": "192.168.1.0/24", "comment": "IoT devices"}
    rules = [{"pos": 0, "type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "1883",
              "source": "guest/mqtt-clients", "enable": True}]
    run = ansible.playbook(play(peer_sim, [
        task("alias", level="vm", vmid=205, aliases=[alias]),
        task("alias again", level="vm", vmid=205, aliases=[alias]),
        task("rules", level="vm", vmid=205, rules=rules),
        task("rules again", level="vm", vmid=205, rules=rules),
        task("read", "proxmox_firewall_info", level="vm", vmid=205),
    ]))
    assert changes(run, "alias", "alias again", "rules", "rules again") == [True, False, True, False]
    read = run.result("read")
    assert [a["name"] for a in read["aliases"]] == ["mqtt-clients"]
    assert read["firewall_rules"][0]["source"] == "guest/mqtt-clients"
    assert read["firewall_rules"][0]["ipversion"] == 4
