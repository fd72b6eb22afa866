"""A peer's view of cloning: community.proxmox's proxmox_kvm `clone` against the simulator (issue #16) —
a linked clone of a template, a full clone to another storage with a given VMID, the next free VMID by
default, and PVE's refusal of a linked clone of a guest that is no template."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, proxmox_auth

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def kvm(title: str, /, ignore_errors: bool = False, **args: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": title, "community.proxmox.proxmox_kvm": args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def guest(sim: SimulatorThread, vmid: int) -> dict[str, Any] | None:
    def read() -> dict[str, Any] | None:
        g = sim.sim.cluster.guests.get(vmid)
        return None if g is None else {"node": g.node, **g.config}
    return sim.call(read)


def test_proxmox_kvm_clones_as_pve_lets_it(peer_sim: SimulatorThread,
                                           tmp_path_factory: pytest.TempPathFactory) -> None:
    ansible = Ansible(tmp_path_factory.mktemp("ansible-clone"))
    nextid = peer_sim.call(lambda: min(v for v in range(100, 1000) if v not in peer_sim.sim.cluster.guests))
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/community.proxmox.proxmox": proxmox_auth(peer_sim.info)},
             "tasks": [
                 kvm("linked clone of the template", clone="debian-12-template", name="ans-linked", node="pve1",
                     full=False, format="unspecified", timeout=20),
                 kvm("full clone with a VMID", clone="dev-sandbox", name="ans-full", node="pve1", newid=180,
                     storage="nas", format="qcow2", timeout=20),
                 kvm("the same again changes nothing", clone="dev-sandbox", name="ans-full", node="pve1",
                     newid=180, timeout=20),
                 kvm("linked clone of a guest", clone="dev-sandbox", name="ans-bad", node="pve1", newid=181,
                     full=False, format="unspecified", timeout=20, ignore_errors=True),
             ]}]
    run = ansible.playbook(play)
    assert run.rc == 0, run.summary()
    linked = guest(peer_sim, nextid)
    assert run.task("linked clone of the template").changed
    assert int(run.result("linked clone of the template")["vmid"]) == nextid  # the next free VMID
    assert linked is not None and linked["name"] == "ans-linked" and "lock" not in linked
    full = guest(peer_sim, 180)
    assert full is not None and full["name"] == "ans-full" and str(full["scsi0"]).startswith("nas:")
    assert not run.task("the same again changes nothing").changed
    assert run.task("linked clone of a guest").failed and "Linked clone" in run.result("linked clone of a guest")["msg"]
    assert guest(peer_sim, 181) is None
