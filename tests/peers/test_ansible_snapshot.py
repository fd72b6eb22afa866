"""A peer's view of snapshots: community.proxmox's proxmox_snap against the simulator (issue #15) — retention
keeps the tree whole, a locked guest refuses removal unless forced, errors read as PVE's."""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, proxmox_auth

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def snap(title: str, /, ignore_errors: bool = False, **args: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": title, "community.proxmox.proxmox_snap": args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def tree(sim: SimulatorThread, vmid: int) -> dict[str, str | None]:
    """Snapshot → parent as the simulator holds it, plus where `current` hangs."""
    def read() -> dict[str, str | None]:
        g = sim.sim.cluster.guests[vmid]
        return {**{n: s.get("parent") for n, s in g.snapshots.items()}, "current": g.snapshot_parent}
    return sim.call(read)


def test_retention_force_and_errors_as_ansible_sees_them(peer_sim: SimulatorThread,
                                                         tmp_path_factory: pytest.TempPathFactory) -> None:
    ansible = Ansible(tmp_path_factory.mktemp("ansible-snap"))
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/community.proxmox.proxmox": proxmox_auth(peer_sim.info)},
             "tasks": [
                 snap("first", hostname="web-02", snapname="first"),
                 snap("second", vmid=102, snapname="second"),
                 snap("third keeps two", vmid=102, snapname="third", retention=2),
                 snap("ct snapshot", hostname="grafana", snapname="ct-one", description="before upgrade"),
                 snap("roll back to a missing one", vmid=102, snapname="nope", state="rollback",
                      ignore_errors=True),
                 snap("current is listed", vmid=102, snapname="current", ignore_errors=True),
                 snap("a reserved name", vmid=102, snapname="pending", ignore_errors=True),
             ]}]
    run = ansible.playbook(play)
    assert run.rc == 0, run.summary()
    assert tree(peer_sim, 102) == {"second": None, "third": "second", "current": "third"}  # oldest gone, tree whole
    assert run.task("ct snapshot").changed
    assert peer_sim.call(lambda: peer_sim.sim.cluster.guests[202].snapshots["ct-one"]["description"]) == \
        "before upgrade"
    assert run.result("roll back to a missing one")["msg"] == "Snapshot nope does not exist"  # the module checks
    assert not run.task("roll back to a missing one").changed
    assert run.result("current is listed")["msg"] == "Snapshot current is already present"  # as on PVE
    assert run.task("a reserved name").failed and "reserved name" in run.result("a reserved name")["msg"]

    peer_sim.control("POST", "/guests/102/config", {"lock": "backup"})
    run = ansible.playbook([{**play[0], "tasks": [
        snap("remove while locked", vmid=102, snapname="second", state="absent", timeout=3, ignore_errors=True),
        snap("remove with force", vmid=102, snapname="third", state="absent", force=True),
    ]}])
    assert run.rc == 0, run.summary()
    assert run.task("remove while locked").failed
    assert tree(peer_sim, 102) == {"second": None, "current": "second"}  # third's child (current) moved up
