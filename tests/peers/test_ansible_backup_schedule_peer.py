"""A peer's view of backup jobs: community.proxmox's proxmox_backup_schedule against the simulator's jobs.

The module reads `/cluster/backup` and `/cluster/backup/{id}` and rewrites a job's `vmid` list; it runs as
Ansible runs it (ansible-playbook, proxmoxer, token auth): adding a guest changes the job once, a second run
changes nothing, removing it by job or across all jobs changes it back.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, play

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))
NIGHTLY = "backup-3c9d51e2-7f0a"  # the homelab's nightly job: 101,103 to PBS
WEEKLY = "backup-8e41f0b7-55d2"  # its weekly container job: 200,201 to local


def schedule(title: str, **args: Any) -> dict[str, Any]:
    return {"name": title, "community.proxmox.proxmox_backup_schedule": args}


def vmids(sim: SimulatorThread, jobid: str) -> str:
    return str(sim.call(lambda: sim.sim.cluster.backup_jobs[jobid]["vmid"]))


def test_a_guest_joins_and_leaves_a_backup_job_once(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        schedule("add web-02", vm_name="web-02", backup_id=NIGHTLY, state="present"),
        schedule("add web-02 again", vm_id="102", backup_id=NIGHTLY, state="present"),
    ]))
    assert run.rc == 0, run.summary()
    assert run.task("add web-02").changed and not run.task("add web-02 again").changed
    assert vmids(peer_sim, NIGHTLY) == "101,103,102"
    out = ansible.playbook(play(peer_sim, [
        schedule("remove web-02", vm_id="102", backup_id=NIGHTLY, state="absent"),
        schedule("remove web-02 again", vm_id="102", backup_id=NIGHTLY, state="absent"),
        schedule("remove nginx-proxy from every job", vm_id="201", state="absent"),
    ]))
    assert out.rc == 0, out.summary()
    assert [out.task(t).changed for t in ("remove web-02", "remove web-02 again",
                                          "remove nginx-proxy from every job")] == [True, False, True]
    assert vmids(peer_sim, NIGHTLY) == "101,103" and vmids(peer_sim, WEEKLY) == "200"
