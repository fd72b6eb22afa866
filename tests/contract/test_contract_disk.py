"""Contract: resize, move_disk/move_volume (to a storage or another guest) and unlink answer as PVE 9.1 does.

Parameters of these routes are checked against the schema with every other route (test_contract_schema.py);
here: each answer against the schema's `returns`, and the effects and refusals a user meets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, finish, refusal

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def config(client: httpx.Client, node: str, kind: str, vmid: int) -> dict[str, Any]:
    return dict(data(client.get(f"/nodes/{node}/{kind}/{vmid}/config")))


def test_resize_answers_a_task_and_a_shrink_fails_the_task_as_pve_9(api: httpx.Client, pve_returns) -> None:
    assert pve_returns[("PUT", "/nodes/{node}/qemu/{vmid}/resize")]["type"] == "string"
    upid = data(api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "+2G"}))
    assert upid.startswith("UPID:pve1:") and finish(api, upid)["exitstatus"] == "OK"
    assert "size=42G" in config(api, "pve1", "qemu", 109)["scsi0"]
    upid = data(api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "10G"}))
    assert "shrinking disks is not supported" in finish(api, upid)["exitstatus"]
    assert "size" in refusal(api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "-1G"}))


def test_unlink_keeps_the_volume_as_unused_and_force_destroys_it(api: httpx.Client, pve_returns) -> None:
    assert pve_returns[("PUT", "/nodes/{node}/qemu/{vmid}/unlink")]["type"] == "null"
    assert data(api.put("/nodes/pve1/qemu/109/config", data={"scsi1": "local-lvm:1", "scsi2": "local-lvm:1"})) \
        is None
    assert data(api.put("/nodes/pve1/qemu/109/unlink", data={"idlist": "scsi1"})) is None
    conf = config(api, "pve1", "qemu", 109)
    assert "scsi1" not in conf and any(v == "local-lvm:vm-109-disk-1" for k, v in conf.items()
                                       if k.startswith("unused"))
    assert data(api.put("/nodes/pve1/qemu/109/unlink", data={"idlist": "scsi2", "force": 1})) is None
    conf = config(api, "pve1", "qemu", 109)
    assert "scsi2" not in conf and "local-lvm:vm-109-disk-2" not in conf.values()
    volids = [c["volid"] for c in data(api.get("/nodes/pve1/storage/local-lvm/content", params={"vmid": 109}))]
    assert "local-lvm:vm-109-disk-2" not in volids and "local-lvm:vm-109-disk-1" in volids
    assert "idlist" in refusal(api.put("/nodes/pve1/qemu/109/unlink", data={}))


def test_move_disk_to_another_vm_renames_the_volume_for_its_new_owner(api: httpx.Client, pve_returns) -> None:
    assert pve_returns[("POST", "/nodes/{node}/qemu/{vmid}/move_disk")]["type"] == "string"
    unused = next(k for k, v in config(api, "pve1", "qemu", 109).items() if v == "local-lvm:vm-109-disk-1")
    upid = data(api.post("/nodes/pve1/qemu/109/move_disk", data={"disk": unused, "target-vmid": 106,
                                                                 "target-disk": "unused5"}))
    assert finish(api, upid)["exitstatus"] == "OK"
    assert unused not in config(api, "pve1", "qemu", 109)
    assert config(api, "pve1", "qemu", 106)["unused5"].startswith("local-lvm:vm-106-disk-")


def test_move_disk_refuses_as_pve_does(api: httpx.Client) -> None:
    both = {"disk": "scsi0", "storage": "nas", "target-vmid": 106}
    assert "not both" in refusal(api.post("/nodes/pve1/qemu/109/move_disk", data=both))
    assert "Provide either" in refusal(api.post("/nodes/pve1/qemu/109/move_disk", data={"disk": "scsi0"}))
    other_node = {"disk": "scsi0", "target-vmid": 107}
    assert "same node" in refusal(api.post("/nodes/pve1/qemu/109/move_disk", data=other_node))
    taken = {"disk": "scsi0", "target-vmid": 106, "target-disk": "scsi0"}
    assert "already in use" in refusal(api.post("/nodes/pve1/qemu/109/move_disk", data=taken))
    template = {"disk": "scsi0", "target-vmid": 100, "target-disk": "scsi3"}
    assert "template" in refusal(api.post("/nodes/pve1/qemu/109/move_disk", data=template))
    assert "rootfs" in refusal(api.post("/nodes/pve1/lxc/201/move_volume",
                                        data={"volume": "rootfs", "target-vmid": 200}))


def test_move_volume_of_a_stopped_container_logs_its_progress(api: httpx.Client) -> None:
    upid = data(api.post("/nodes/pve3/lxc/204/move_volume", data={"volume": "rootfs", "storage": "local-lvm"}))
    assert finish(api, upid)["exitstatus"] == "OK"
    lines = [e["t"] for e in data(api.get(f"/nodes/pve3/tasks/{upid}/log", params={"limit": 0}))]
    assert any("transferred" in line and "(100.00%)" in line for line in lines)
    conf = config(api, "pve3", "lxc", 204)
    assert conf["rootfs"].startswith("local-lvm:") and conf["unused0"].startswith("nas:")
