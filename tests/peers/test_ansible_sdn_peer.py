"""A peer's view of SDN: community.proxmox's proxmox_zone, proxmox_vnet and proxmox_subnet (and their `_info`)
against the simulator.

The modules run as Ansible runs them (token auth, the global SDN lock around every change, apply at the end):
a zone, a VNet and a subnet are created and applied, a second run changes nothing, a change is applied, and
all three are deleted again.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, play, task

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def running(sim: SimulatorThread, kind: str) -> dict[str, dict[str, Any]]:
    """The applied SDN objects of `kind` (zones, vnets, subnets)."""
    return sim.call(lambda: {k: dict(v) for k, v in sim.sim.cluster.sdn["running"][kind].items()})


def test_zone_vnet_and_subnet_are_created_applied_and_idempotent(peer_sim: SimulatorThread,
                                                                 ansible: Ansible) -> None:
    zone = task("zone", "proxmox_zone", zone="office", type="vlan", bridge="vmbr0")
    vnet = task("vnet", "proxmox_vnet", vnet="staff", zone="office", tag=50, alias="Staff LAN")
    subnet = task("subnet", "proxmox_subnet", vnet="staff", zone="office", subnet="10.50.0.0/24",
                  gateway="10.50.0.1", snat=True,
                  dhcp_range=[{"start": "10.50.0.100", "end": "10.50.0.150"}])
    zone_again = task("zone again", "proxmox_zone", zone="office", type="vlan", bridge="vmbr0", update=False)
    run = ansible.playbook(play(peer_sim, [zone, vnet, subnet, zone_again,  # an `update` run always PUTs
                                           {**vnet, "name": "vnet again"}, {**subnet, "name": "subnet again"}]))
    assert run.rc == 0, run.summary()
    assert [run.task(t).changed for t in ("zone", "vnet", "subnet")] == [True, True, True]
    assert [run.task(t).changed for t in ("zone again", "vnet again", "subnet again")] == [False, False, False]
    assert running(peer_sim, "zones")["office"] == {"type": "vlan", "bridge": "vmbr0"}
    assert running(peer_sim, "vnets")["staff"]["tag"] == 50
    sub = running(peer_sim, "subnets")["office-10.50.0.0-24"]
    assert sub["gateway"] == "10.50.0.1" and sub["dhcp-range"] == ["start-address=10.50.0.100,end-address=10.50.0.150"]
    assert peer_sim.call(lambda: peer_sim.sim.cluster.sdn["lock"]) is None


def test_info_modules_list_what_is_there(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [task("zones", "proxmox_zone_info"),
                                           task("vnets", "proxmox_vnet_info")]))
    assert run.rc == 0, run.summary()
    assert {"lab", "vlans"} <= {z["zone"] for z in run.result("zones")["zones"]}
    assert {"labnet", "iot"} <= {v["vnet"] for v in run.result("vnets")["vnets"]}


def test_a_change_is_applied_and_everything_is_deleted(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("vnet change", "proxmox_vnet", vnet="staff", zone="office", tag=51, update=True),
        task("subnet gone", "proxmox_subnet", vnet="staff", zone="office", subnet="10.50.0.0/24", state="absent"),
        task("vnet gone", "proxmox_vnet", vnet="staff", zone="office", state="absent"),
        task("zone gone", "proxmox_zone", zone="office", type="vlan", state="absent"),
        task("zone gone again", "proxmox_zone", zone="office", type="vlan", state="absent"),
    ]))
    assert run.rc == 0, run.summary()
    assert [run.task(t).changed for t in ("vnet change", "subnet gone", "vnet gone", "zone gone")] == [True] * 4
    assert not run.task("zone gone again").changed
    assert "office" not in running(peer_sim, "zones") and "staff" not in running(peer_sim, "vnets")
