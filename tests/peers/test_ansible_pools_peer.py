"""A peer's view of resource pools: community.proxmox's proxmox_pool and proxmox_pool_member against the simulator.

The modules run as Ansible runs them (child processes of ansible-playbook, proxmoxer inside, token auth): a
pool is created, a second run changes nothing, guests and storage join and leave it, a pool with members is
refused, and an empty one is deleted.
"""

from __future__ import annotations

import pytest
from ansible_support import Ansible, ansible_missing, play, task

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def pool(sim: SimulatorThread, poolid: str) -> tuple[str | None, set[int], set[str]] | None:
    def read() -> tuple[str | None, set[int], set[str]] | None:
        p = sim.sim.cluster.pools.get(poolid)
        return None if p is None else (p.comment, set(p.vmids), set(p.storages))
    return sim.call(read)


def test_proxmox_pool_creates_once_and_deletes(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    create = task("create", "proxmox_pool", poolid="media", comment="Plex and friends")
    run = ansible.playbook(play(peer_sim, [create, {**create, "name": "again"}]))
    assert run.rc == 0, run.summary()
    assert run.task("create").changed and not run.task("again").changed
    assert pool(peer_sim, "media") == ("Plex and friends", set(), set())
    gone = ansible.playbook(play(peer_sim, [task("delete", "proxmox_pool", poolid="media", state="absent"),
                                            task("delete again", "proxmox_pool", poolid="media", state="absent")]))
    assert gone.rc == 0, gone.summary()
    assert gone.task("delete").changed and not gone.task("delete again").changed
    assert pool(peer_sim, "media") is None


def test_proxmox_pool_member_adds_and_removes_guests_and_storage(peer_sim: SimulatorThread,
                                                                 ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("pool", "proxmox_pool", poolid="backups"),
        task("add vm", "proxmox_pool_member", poolid="backups", member="win11-desktop"),
        task("add vm again", "proxmox_pool_member", poolid="backups", member="107"),
        task("add storage", "proxmox_pool_member", poolid="backups", member="nas", type="storage"),
        task("add storage again", "proxmox_pool_member", poolid="backups", member="nas", type="storage"),
    ]))
    assert run.rc == 0, run.summary()
    assert [run.task(t).changed for t in ("add vm", "add vm again", "add storage", "add storage again")] == \
        [True, False, True, False]
    assert pool(peer_sim, "backups") == (None, {107}, {"nas"})
    refused = ansible.playbook(play(peer_sim, [
        {**task("delete with members", "proxmox_pool", poolid="backups", state="absent"), "ignore_errors": True},
    ]))
    assert refused.task("delete with members").failed
    assert "Please remove members from pool first" in refused.task("delete with members").msg
    out = ansible.playbook(play(peer_sim, [
        task("remove vm", "proxmox_pool_member", poolid="backups", member="107", state="absent"),
        task("remove vm again", "proxmox_pool_member", poolid="backups", member="107", state="absent"),
        task("remove storage", "proxmox_pool_member", poolid="backups", member="nas", type="storage", state="absent"),
        task("delete", "proxmox_pool", poolid="backups", state="absent"),
    ]))
    assert out.rc == 0, out.summary()
    assert [out.task(t).changed for t in ("remove vm", "remove vm again", "remove storage", "delete")] == \
        [True, False, True, True]
    assert pool(peer_sim, "backups") is None


def test_a_guest_in_another_pool_is_refused_with_pves_message(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("pool", "proxmox_pool", poolid="web"),
        {**task("take web-01", "proxmox_pool_member", poolid="web", member="101"), "ignore_errors": True},
    ]))
    failed = run.task("take web-01")
    assert failed.failed and "VM 101 belongs already to pool 'production' and 'allow-move' is not set" in failed.msg
    production = pool(peer_sim, "production")
    assert production is not None and 101 in production[1]
