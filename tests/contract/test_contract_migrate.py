"""Contract: migrate, clone and template answer as PVE 9.1 does — the answer types of the schema, the refusals
a user meets, and the progress lines PVE writes to the task log (parameters: test_contract_schema.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from contract_support import data, refusal

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def log_of(client: httpx.Client, upid: str) -> list[str]:
    node = upid.split(":")[1]
    for _ in range(2000):
        if data(client.get(f"/nodes/{node}/tasks/{upid}/status"))["status"] == "stopped":
            break
        time.sleep(0.01)
    return [e["t"] for e in data(client.get(f"/nodes/{node}/tasks/{upid}/log", params={"limit": 0}))]


def test_migrate_answers_a_task_and_logs_pves_copy_progress(api, pve_returns) -> None:
    assert pve_returns[("POST", "/nodes/{node}/qemu/{vmid}/migrate")]["type"] == "string"
    upid = data(api.post("/nodes/pve1/qemu/109/migrate", data={"target": "pve2"}))
    assert upid.split(":")[5] == "qmigrate"
    log = log_of(api, upid)
    assert log[0] == "starting migration of VM 109 to node 'pve2'"
    assert "found local disk 'local-lvm:vm-109-disk-0' (attached)" in log
    assert [line.split("(")[-1].split(")")[0] for line in log if line.startswith("drive-scsi0: transferred")] == \
        ["25.00%", "50.00%", "75.00%", "100.00%"]
    assert log[-1] == "TASK OK"


def test_migrate_refuses_what_pve_refuses(api) -> None:
    assert "online" in refusal(api.post("/nodes/pve1/qemu/101/migrate", data={"target": "pve2"}))
    assert "with-local-disks" in refusal(api.post("/nodes/pve1/qemu/101/migrate",
                                                  data={"target": "pve2", "online": 1}))
    assert "target is local node" in refusal(api.post("/nodes/pve1/qemu/101/migrate", data={"target": "pve1"}))
    assert "restart mode" in refusal(api.post("/nodes/pve1/lxc/200/migrate", data={"target": "pve2"}))


def test_a_live_migration_logs_the_vm_state_transfer(api) -> None:
    upid = data(api.post("/nodes/pve3/qemu/110/migrate", data={"target": "pve1", "online": 1}))
    log = log_of(api, upid)
    assert any(line.startswith("migration active, transferred ") and line.endswith("VM-state") for line in log)
    assert "migration status: completed" in log


def test_clone_answers_a_task_and_a_full_clone_logs_transfer_lines(api, pve_returns) -> None:
    assert pve_returns[("POST", "/nodes/{node}/qemu/{vmid}/clone")]["type"] == "string"
    upid = data(api.post("/nodes/pve1/qemu/100/clone", data={"newid": 170, "name": "c170", "full": 1}))
    log = log_of(api, upid)
    assert "create full clone of drive scsi0 (local-lvm:vm-100-disk-0)" in log
    assert any(line.startswith("transferred ") and line.endswith("(100.00%)") for line in log)


def test_clone_refuses_a_running_container_and_a_linked_clone_of_a_guest(api) -> None:
    assert "running container" in refusal(api.post("/nodes/pve1/lxc/200/clone", data={"newid": 171}))
    assert "Linked clone" in refusal(api.post("/nodes/pve2/qemu/109/clone", data={"newid": 172, "full": 0}))


def test_template_of_a_vm_is_a_task_and_of_a_container_null(api, pve_returns) -> None:
    assert pve_returns[("POST", "/nodes/{node}/qemu/{vmid}/template")]["type"] == "string"
    assert pve_returns[("POST", "/nodes/{node}/lxc/{vmid}/template")]["type"] == "null"
    assert "running" in refusal(api.post("/nodes/pve2/qemu/103/template"))
    assert data(api.post("/nodes/pve3/lxc/204/template")) is None
    assert "template to a template" in refusal(api.post("/nodes/pve3/lxc/204/template"))
