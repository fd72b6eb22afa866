"""A peer's view of backups: community.proxmox's proxmox_backup and proxmox_backup_info against the simulator.

The modules run as Ansible runs them (child processes of ansible-playbook, proxmoxer inside, token auth): a
backup of guests on two nodes sends one vzdump per node and waits for both, the archives appear in storage
content, a node without the guests answers OK, and the backup jobs are reported per guest.
"""

from __future__ import annotations

import pytest
from ansible_support import Ansible, ansible_missing, play, task

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def archives(sim: SimulatorThread, vmid: int) -> list[str]:
    return sim.call(lambda: sorted(v.volid for v in sim.sim.cluster.volumes.values()
                                   if v.content == "backup" and v.vmid == vmid))


def test_proxmox_backup_backs_up_guests_on_two_nodes_and_waits(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    before = {v: archives(peer_sim, v) for v in (201, 202)}
    run = ansible.playbook(play(peer_sim, [
        task("back up two containers", "proxmox_backup", mode="include", vmids=[201, 202], storage="pbs",
             compress="zstd", wait=True, wait_timeout=30),
        task("a node without them", "proxmox_backup", mode="include", vmids=[201], storage="pbs", node="pve3"),
    ]))
    assert run.rc == 0, run.summary()
    result = run.result("back up two containers")
    assert result["changed"] and result["msg"] == "Backups succeeded"
    assert {b["node"]: b["status"] for b in result["backups"] if b["upid"] != "OK"} == {"pve1": "success",
                                                                                          "pve2": "success"}
    assert any("INFO: Backup job finished successfully" in b["log"] for b in result["backups"])
    for vmid in (201, 202):
        new = set(archives(peer_sim, vmid)) - set(before[vmid])
        assert len(new) == 1 and next(iter(new)).startswith(f"pbs:backup/ct/{vmid}/")
    elsewhere = run.result("a node without them")
    assert not elsewhere["changed"] and elsewhere["msg"] == "Backup request sent to proxmox, no tasks created"


def test_proxmox_backup_names_a_missing_storage(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        {**task("no such storage", "proxmox_backup", mode="include", vmids=[101], storage="tape"),
         "ignore_errors": True},
    ]))
    failed = run.task("no such storage")
    assert failed.failed and "Storage tape does not exist" in failed.msg


def test_proxmox_backup_info_reports_jobs_per_guest(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("jobs", "proxmox_backup_info", backup_jobs=True),
        task("per guest", "proxmox_backup_info"),
        task("one guest", "proxmox_backup_info", vm_name="db-01"),
    ]))
    assert run.rc == 0, run.summary()
    jobs = run.result("jobs")["backup_info"]
    assert jobs[0]["storage"] == "pbs" and jobs[0]["schedule"] == "02:00"
    per_guest = run.result("per guest")["backup_info"]
    assert {(i["vmid"], i["vm_name"]) for i in per_guest} == {("101", "web-01"), ("103", "db-01"),
                                                                ("200", "pihole"), ("201", "nginx-proxy")}
    assert [i["vmid"] for i in run.result("one guest")["backup_info"]] == ["103"]
