"""A peer's view of HA on PVE 9: community.proxmox's HA resource, rule and group modules against the simulator.

The modules run as Ansible runs them (ansible-playbook, proxmoxer, token auth): a resource and a rule are
created, a second run changes nothing, a change is applied and both are deleted; the group module is refused
because PVE 9 migrated groups to rules.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, play, task

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def ha(sim: SimulatorThread) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    return sim.call(lambda: ({k: dict(v) for k, v in sim.sim.cluster.ha_resources.items()},
                             {k: dict(v) for k, v in sim.sim.cluster.ha_rules.items()}))


def test_an_ha_resource_is_added_changed_and_removed(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    add = task("add", "proxmox_cluster_ha_resources", name="vm:104", state="present", comment="k8s control plane",
               max_restart=2)
    run = ansible.playbook(play(peer_sim, [add, {**add, "name": "add again"}]))
    assert run.rc == 0, run.summary()
    assert run.task("add").changed and not run.task("add again").changed
    resources, _ = ha(peer_sim)
    assert {"type": "vm", "state": "started", "max_restart": 2, "max_relocate": 1,
            "comment": "k8s control plane"}.items() <= resources["vm:104"].items()
    change = ansible.playbook(play(peer_sim, [
        task("stop", "proxmox_cluster_ha_resources", name="vm:104", state="present", comment="k8s control plane",
             max_restart=2, hastate="stopped"),
    ]))
    assert change.task("stop").changed and ha(peer_sim)[0]["vm:104"]["state"] == "stopped"
    gone = ansible.playbook(play(peer_sim, [
        task("remove", "proxmox_cluster_ha_resources", name="vm:104", state="absent"),
        task("remove again", "proxmox_cluster_ha_resources", name="vm:104", state="absent"),
    ]))
    assert gone.rc == 0, gone.summary()
    assert gone.task("remove").changed and not gone.task("remove again").changed
    assert "vm:104" not in ha(peer_sim)[0]


def test_an_ha_rule_is_created_changed_and_deleted(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    rule = task("rule", "proxmox_cluster_ha_rules", name="workers-on-pve3", state="present", type="node-affinity",
                resources=["vm:106", "vm:105"], nodes=["pve3:2", "pve1"], strict=True, comment="workers")
    run = ansible.playbook(play(peer_sim, [
        task("ha 105", "proxmox_cluster_ha_resources", name="vm:105", state="present", comment="worker"),
        task("ha 106", "proxmox_cluster_ha_resources", name="vm:106", state="present", comment="worker"),
        rule, {**rule, "name": "rule again"},
    ]))
    assert run.rc == 0, run.summary()
    assert run.task("rule").changed and not run.task("rule again").changed
    assert ha(peer_sim)[1]["workers-on-pve3"]["nodes"] == {"pve3": 2, "pve1": 0}
    changed = ansible.playbook(play(peer_sim, [
        task("loosen", "proxmox_cluster_ha_rules", name="workers-on-pve3", state="present", type="node-affinity",
             resources=["vm:105", "vm:106"], nodes=["pve3"], strict=False, comment="workers"),
    ]))
    assert changed.task("loosen").changed
    assert {"nodes": {"pve3": 0}, "strict": 0}.items() <= ha(peer_sim)[1]["workers-on-pve3"].items()
    gone = ansible.playbook(play(peer_sim, [
        task("delete", "proxmox_cluster_ha_rules", name="workers-on-pve3", state="absent"),
        task("delete again", "proxmox_cluster_ha_rules", name="workers-on-pve3", state="absent"),
    ]))
    assert gone.rc == 0, gone.summary()
    assert gone.task("delete").changed and not gone.task("delete again").changed
    assert "workers-on-pve3" not in ha(peer_sim)[1]


def test_an_infeasible_rule_fails_as_pve_refuses_it(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        {**task("second rule for the database", "proxmox_cluster_ha_rules", name="db-on-pve1", state="present",
                type="node-affinity", resources=["vm:103"], nodes=["pve1"]), "ignore_errors": True},
    ]))
    failed = run.task("second rule for the database")
    assert failed.failed and "create ha rule failed: 400 Rule 'db-on-pve1' is invalid." in failed.msg


def test_ha_groups_are_refused_as_pve_9_refuses_them(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        {**task("group", "proxmox_cluster_ha_groups", name="prefer-pve1", state="present", nodes=["pve1"]),
         "ignore_errors": True},
    ]))
    failed = run.task("group")
    assert failed.failed and "cannot index groups: ha groups have been migrated to rules" in failed.msg


def test_without_a_comment_every_run_reports_a_change_as_against_pve(peer_sim: SimulatorThread,
                                                                     ansible: Ansible) -> None:
    """The module sends `comment=""` by default; PVE does not keep an empty comment, so the module never sees it
    back and updates the resource on every run. The simulator keeps that behaviour instead of hiding it."""
    add = task("add", "proxmox_cluster_ha_resources", name="vm:110", state="present")
    run = ansible.playbook(play(peer_sim, [add, {**add, "name": "add again"}]))
    assert run.rc == 0, run.summary()
    assert run.task("add").changed and run.task("add again").changed
    assert "comment" not in ha(peer_sim)[0]["vm:110"] or ha(peer_sim)[0]["vm:110"]["comment"] == ""
