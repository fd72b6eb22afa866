"""A peer's view of access control: community.proxmox's proxmox_user, proxmox_group and proxmox_access_acl (and
proxmox_user_info, proxmox_group_info) against the simulator.

A group and a user in it are created (the user with a password it can then log in with), a second run changes
nothing, a change is made, an ACL entry is added and removed (each twice), and all is deleted again.
"""

from __future__ import annotations

import httpx
import pytest
from ansible_support import Ansible, ansible_missing, play, task

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def logs_in(sim: SimulatorThread, username: str, password: str) -> bool:
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=10) as client:
        return client.post("/access/ticket", data={"username": username, "password": password}).status_code == 200


def test_group_and_user_are_created_once_changed_and_deleted(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    group = task("group", "proxmox_group", groupid="media", comment="Plex users")
    user = task("user", "proxmox_user", userid="dave@pve", email="dave@example.com", groups=["media"],
                firstname="Dave", password="correct-horse")
    user_again = task("user again", "proxmox_user", userid="dave@pve", email="dave@example.com", groups=["media"],
                      firstname="Dave")  # a password is always set again, so the second run leaves it out
    run = ansible.playbook(play(peer_sim, [group, user, {**group, "name": "group again"}, user_again]))
    assert run.rc == 0, run.summary()
    assert [run.task(t).changed for t in ("group", "user", "group again", "user again")] == [True, True, False, False]
    assert logs_in(peer_sim, "dave@pve", "correct-horse")
    info = ansible.playbook(play(peer_sim, [task("users", "proxmox_user_info"),
                                            task("dave", "proxmox_user_info", userid="dave@pve"),
                                            task("groups", "proxmox_group_info")]))
    assert info.rc == 0, info.summary()
    assert "dave@pve" in {u["userid"] for u in info.result("users")["proxmox_users"]}
    assert "media" in {g["groupid"] for g in info.result("groups")["proxmox_groups"]}
    change = ansible.playbook(play(peer_sim, [
        task("disable", "proxmox_user", userid="dave@pve", enable=False, comment="on leave"),
        task("disable again", "proxmox_user", userid="dave@pve", enable=False, comment="on leave"),
    ]))
    assert change.rc == 0, change.summary()
    assert change.task("disable").changed and not change.task("disable again").changed
    assert not logs_in(peer_sim, "dave@pve", "correct-horse")  # a disabled user cannot log in
    gone = ansible.playbook(play(peer_sim, [
        task("user gone", "proxmox_user", userid="dave@pve", state="absent"),
        task("user gone again", "proxmox_user", userid="dave@pve", state="absent"),
        task("group gone", "proxmox_group", groupid="media", state="absent"),
        task("group gone again", "proxmox_group", groupid="media", state="absent"),
    ]))
    assert gone.rc == 0, gone.summary()
    assert [gone.task(t).changed for t in ("user gone", "user gone again", "group gone", "group gone again")] == \
        [True, False, True, False]


def test_acl_entries_are_added_and_removed_once(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    entry = {"path": "/vms/101", "roleid": "PVEVMUser", "type": "group", "ugid": "family"}
    run = ansible.playbook(play(peer_sim, [
        task("add", "proxmox_access_acl", state="present", **entry),
        task("add again", "proxmox_access_acl", state="present", **entry),
        task("remove", "proxmox_access_acl", state="absent", **entry),
        task("remove again", "proxmox_access_acl", state="absent", **entry),
    ]))
    assert run.rc == 0, run.summary()
    assert [run.task(t).changed for t in ("add", "add again", "remove", "remove again")] == [True, False, True, False]
    acl = peer_sim.call(lambda: [(e.path, e.ugid, e.role) for e in peer_sim.sim.access.acl])
    assert ("/vms/101", "family", "PVEVMUser") not in acl
