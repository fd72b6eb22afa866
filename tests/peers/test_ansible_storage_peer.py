"""A peer's view of storage definitions: community.proxmox's proxmox_storage against the simulator.

Directory, NFS, PBS and ZFS storages are created (lists of nodes and content types sent as repeated form
keys, as proxmoxer does; the module always sends `nodes` and `content`), a second run changes nothing, and
they are removed again.
"""

from __future__ import annotations

from typing import Any

import pytest
from ansible_support import Ansible, ansible_missing, play

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def task(title: str, /, **args: Any) -> dict[str, Any]:
    return {"name": title, "community.proxmox.proxmox_storage": args}


def storage(sim: SimulatorThread, sid: str) -> dict[str, Any] | None:
    def read() -> dict[str, Any] | None:
        st = sim.sim.cluster.storages.get(sid)
        return None if st is None else st.config()
    return sim.call(read)


STORAGES = [
    {"name": "isos", "type": "dir", "dir_options": {"path": "/srv/isos"}, "content": ["iso", "vztmpl"],
     "nodes": ["pve1", "pve2"]},
    {"name": "nfs-vms", "type": "nfs", "nfs_options": {"server": "10.0.0.9", "export": "/export/vms"},
     "content": ["images", "rootdir"], "nodes": ["pve1", "pve2", "pve3"]},
    {"name": "pbs-offsite", "type": "pbs", "content": ["backup"],
     "pbs_options": {"server": "10.0.0.11", "username": "sync@pbs", "password": "s3cret!", "datastore": "offsite"},
     "nodes": ["pve1"]},
    {"name": "tank", "type": "zfspool", "zfspool_options": {"pool": "tank/vms"}, "nodes": ["pve2"],
     "content": ["rootdir", "images"]},
]


def test_proxmox_storage_creates_once_and_removes(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    created = [task(f"create {s['name']}", state="present", **s) for s in STORAGES]
    again = [task(f"again {s['name']}", state="present", **s) for s in STORAGES]
    run = ansible.playbook(play(peer_sim, created + again))
    assert run.rc == 0, run.summary()
    assert [run.task(f"create {s['name']}").changed for s in STORAGES] == [True] * 4
    assert [run.task(f"again {s['name']}").changed for s in STORAGES] == [False] * 4
    assert storage(peer_sim, "isos") == {"storage": "isos", "type": "dir", "path": "/srv/isos",
                                         "content": "iso,vztmpl", "nodes": "pve1,pve2"}
    pbs = storage(peer_sim, "pbs-offsite")
    assert pbs is not None and pbs["datastore"] == "offsite" and "password" not in pbs
    assert storage(peer_sim, "tank") == {"storage": "tank", "type": "zfspool", "pool": "tank/vms",
                                         "content": "rootdir,images", "nodes": "pve2"}
    gone = ansible.playbook(play(peer_sim, [
        *(task(f"remove {s['name']}", name=s["name"], type=s["type"], state="absent") for s in STORAGES),
        task("remove again", name="isos", type="dir", state="absent"),
    ]))
    assert gone.rc == 0, gone.summary()
    assert [gone.task(f"remove {s['name']}").changed for s in STORAGES] == [True] * 4
    assert not gone.task("remove again").changed
    assert all(storage(peer_sim, s["name"]) is None for s in STORAGES)
