"""A peer's view of disks: community.proxmox's proxmox_disk against the simulator (issue #16) — create,
grow, move to a storage and to another VM, detach (kept as unusedN) and remove, with PVE's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, proxmox_auth

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def disk(title: str, /, ignore_errors: bool = False, **args: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": title, "community.proxmox.proxmox_disk": args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def config(sim: SimulatorThread, vmid: int) -> dict[str, Any]:
    return sim.call(lambda: dict(sim.sim.cluster.guests[vmid].config))


def test_proxmox_disk_creates_grows_moves_detaches_and_removes(peer_sim: SimulatorThread,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    ansible = Ansible(tmp_path_factory.mktemp("ansible-disk"))
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/community.proxmox.proxmox": proxmox_auth(peer_sim.info)},
             "tasks": [
                 disk("create", vmid=109, disk="scsi1", storage="local-lvm", size=2, state="present"),
                 disk("grow", vmid=109, disk="scsi1", size="+1G", state="resized"),
                 disk("shrink", vmid=109, disk="scsi1", size="1G", state="resized", ignore_errors=True),
                 disk("move to nas", vmid=109, disk="scsi1", target_storage="nas", state="moved"),
                 disk("move again", vmid=109, disk="scsi1", target_storage="nas", state="moved"),
                 disk("detach", vmid=109, disk="scsi1", state="detached"),
                 disk("give unused to 106", vmid=109, disk="unused0", target_vmid=106, target_disk="unused3",
                      state="moved"),
                 disk("to a VM on another node", vmid=109, disk="unused1", target_vmid=107,
                      target_disk="unused3", state="moved", ignore_errors=True),
                 disk("remove", vmid=106, disk="unused3", state="absent"),
                 disk("remove again", vmid=106, disk="unused3", state="absent"),
             ]}]
    run = ansible.playbook(play)
    assert run.rc == 0, run.summary()
    assert run.task("create").changed and run.task("grow").changed
    assert run.task("shrink").failed and "shrinking disks is not supported" in run.result("shrink")["msg"]
    assert not run.task("move again").changed  # the module sees it is there already
    assert run.task("detach").changed and run.task("give unused to 106").changed
    assert run.task("to a VM on another node").failed
    assert "same node" in run.result("to a VM on another node")["msg"]
    assert run.task("remove").changed and not run.task("remove again").changed
    mine, theirs = config(peer_sim, 109), config(peer_sim, 106)
    assert "scsi1" not in mine and "unused3" not in theirs
    kept = [v for k, v in mine.items() if k.startswith("unused")]  # the detached disk; the old copy went to 106
    assert kept == ["nas:109/vm-109-disk-0.qcow2"]
    volids = peer_sim.call(lambda: set(peer_sim.sim.cluster.volumes))
    assert "local-lvm:vm-106-disk-1" not in volids and "local-lvm:vm-109-disk-1" not in volids  # removed for good
