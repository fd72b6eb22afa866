"""Contract: storage.cfg, pools, snapshot rollback/config, reset and template answer as PVE 9.1 does.

Parameters of these routes are checked against the schema with every other route (test_contract_schema.py);
here: the shape and the effect of each answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def api(sim: SimulatorThread) -> Iterator[httpx.Client]:
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10) as client:
        yield client


def auditor(sim: SimulatorThread) -> httpx.Client:
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.auditor_token_id}={info.auditor_token_secret}"}
    return httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10)


def data(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()["data"]


def finish(client: httpx.Client, upid: str) -> dict[str, Any]:
    node = upid.split(":")[1]
    for _ in range(500):
        status: dict[str, Any] = data(client.get(f"/nodes/{node}/tasks/{upid}/status"))
        if status["status"] == "stopped":
            return status
        time.sleep(0.01)
    raise AssertionError(f"task {upid} did not finish")


def test_storage_config_lists_storage_cfg_entries(api: httpx.Client, sim: SimulatorThread) -> None:
    entries = data(api.get("/storage"))
    by_id = {e["storage"]: e for e in entries}
    assert set(by_id) == {"local", "local-lvm", "nas", "pbs"}
    assert len({e["digest"] for e in entries}) == 1  # one digest: the whole of storage.cfg
    assert by_id["local"]["type"] == "dir" and by_id["local"]["path"] == "/var/lib/vz"
    assert by_id["local-lvm"]["thinpool"] == "data" and by_id["local-lvm"]["vgname"] == "pve"
    assert by_id["nas"]["shared"] == 1 and "shared" not in by_id["local"]  # set for network storage only
    assert isinstance(by_id["nas"]["content"], str) and "images" in by_id["nas"]["content"].split(",")
    assert [e["storage"] for e in data(api.get("/storage", params={"type": "nfs"}))] == ["nas"]
    one = data(api.get("/storage/local-lvm"))
    assert one == by_id["local-lvm"]
    missing = api.get("/storage/tape")
    assert missing.status_code == 500 and missing.json()["message"] == "storage 'tape' does not exist\n"
    with auditor(sim) as ro:  # reading one definition needs Datastore.Allocate; the list only Audit
        assert len(data(ro.get("/storage"))) == 4
        denied = ro.get("/storage/local")
        assert denied.status_code == 403
        assert denied.json()["message"] == "Permission check failed (/storage/local, Datastore.Allocate)\n"


def test_pools_list_members_and_follow_guests(api: httpx.Client) -> None:
    assert {"poolid": "production", "comment": "Services the household relies on"} in data(api.get("/pools"))
    pool = data(api.get("/pools/production"))
    members = {m["id"]: m for m in pool["members"]}
    assert set(members) == {"qemu/101", "qemu/102", "qemu/103", "lxc/200"}
    assert members["qemu/101"]["name"] == "web-01" and members["qemu/101"]["node"] == "pve1"
    assert [m["vmid"] for m in data(api.get("/pools/production", params={"type": "lxc"}))["members"]] == [200]
    [with_members] = data(api.get("/pools", params={"poolid": "production"}))
    assert with_members["poolid"] == "production" and len(with_members["members"]) == 4
    resources = {r["vmid"]: r for r in data(api.get("/cluster/resources", params={"type": "vm"}))}
    assert resources[101]["pool"] == "production" and "pool" not in resources[107]
    assert api.get("/pools/nope").json()["message"] == "pool 'nope' does not exist\n"

    bad = api.post("/nodes/pve1/qemu/100/clone", data={"newid": 400, "pool": "nope"})
    assert bad.status_code == 403 and bad.json()["message"] == "Permission check failed (pool 'nope' does not exist)\n"
    finish(api, data(api.post("/nodes/pve1/qemu/100/clone", data={"newid": 400, "name": "p", "pool": "production"})))
    assert "qemu/400" in {m["id"] for m in data(api.get("/pools/production"))["members"]}
    finish(api, data(api.delete("/nodes/pve1/qemu/400")))
    assert "qemu/400" not in {m["id"] for m in data(api.get("/pools/production"))["members"]}


def test_snapshot_rollback_restores_config_and_power_state(api: httpx.Client) -> None:
    base = "/nodes/pve1/qemu/101"
    finish(api, data(api.post(f"{base}/snapshot", data={"snapname": "plain", "description": "before"})))
    finish(api, data(api.post(f"{base}/snapshot", data={"snapname": "ram", "vmstate": 1})))
    snap = data(api.get(f"{base}/snapshot/ram/config"))
    assert snap["name"] == "web-01" and snap["parent"] == "plain" and snap["vmstate"] == "local-lvm:vm-101-state-ram"
    assert isinstance(snap["snaptime"], int) and "digest" not in snap
    assert data(api.put(f"{base}/snapshot/plain/config", data={"description": "renamed"})) is None
    assert data(api.get(f"{base}/snapshot/plain/config"))["description"] == "renamed"
    data(api.put(f"{base}/config", data={"cores": 6}))

    status = finish(api, data(api.post(f"{base}/snapshot/plain/rollback")))
    assert status["exitstatus"] == "OK" and ":qmrollback:101:" in status["upid"]
    config = data(api.get(f"{base}/config"))
    assert config["cores"] == 2 and "lock" not in config
    assert data(api.get(f"{base}/status/current"))["status"] == "stopped"  # no RAM in it: the VM stays off
    finish(api, data(api.post(f"{base}/snapshot/ram/rollback")))
    assert data(api.get(f"{base}/status/current"))["status"] == "running"  # RAM snapshot: running again

    missing = finish(api, data(api.post(f"{base}/snapshot/nope/rollback")))  # checked inside the task
    assert missing["exitstatus"] == "snapshot 'nope' does not exist"
    assert api.get(f"{base}/snapshot/nope/config").status_code == 500


def test_reset_needs_a_running_vm(api: httpx.Client) -> None:
    assert finish(api, data(api.post("/nodes/pve1/qemu/101/status/reset")))["exitstatus"] == "OK"
    failed = finish(api, data(api.post("/nodes/pve1/qemu/109/status/reset")))
    assert failed["exitstatus"] == "VM 109 not running"
    assert {"subdir": "reset"} in data(api.get("/nodes/pve1/qemu/101/status"))


def test_template_conversion(api: httpx.Client) -> None:
    running = api.post("/nodes/pve1/qemu/101/template")
    assert running.status_code == 500
    assert running.json()["message"] == "you can't convert a VM to template if VM is running\n"
    status = finish(api, data(api.post("/nodes/pve1/qemu/109/template")))
    assert ":qmtemplate:109:" in status["upid"] and status["exitstatus"] == "OK"
    assert data(api.get("/nodes/pve1/qemu/109/config"))["template"] == 1
    again = api.post("/nodes/pve1/qemu/109/template")
    assert again.json()["message"] == "you can't convert a template to a template\n"
    assert api.post("/nodes/pve1/lxc/200/template").json()["message"] == (
        "you can't convert a CT to template if the CT is running\n")
    finish(api, data(api.post("/nodes/pve1/lxc/200/status/stop")))
    assert data(api.post("/nodes/pve1/lxc/200/template")) is None  # containers convert at once
    assert data(api.get("/nodes/pve1/lxc/200/config"))["template"] == 1
