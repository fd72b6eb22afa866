"""Contract: the snapshot routes (qemu and lxc) answer and refuse as PVE 9.1 does (issue #15).

Parameters are declared against the schema with every other route (test_contract_schema.py); here every
answer is checked against the schema's `returns`, and each rule PVE applies: the tree (`parent`, `current`),
RAM only for running VMs, reserved and malformed names, locks (held during the task, refused, `force`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, finish, shape_problems

from pmpc_tui.simulator.server import SimulatorThread

# the list's "current" entry carries the config digest and whether the guest runs, which the schema leaves out
CURRENT_EXTRA = frozenset({"digest", "running"})


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def ok(client: httpx.Client, response: httpx.Response) -> None:
    status = finish(client, data(response))
    assert status["exitstatus"] == "OK", status


def check(pve_returns: dict[tuple[str, str], dict[str, Any]], method: str, kind: str, path: str, value: Any) -> None:
    schema = pve_returns[(method, f"/nodes/{{node}}/{kind}/{{vmid}}/snapshot{path}")]
    assert not shape_problems(value, schema, extra=CURRENT_EXTRA)


@pytest.mark.parametrize(("kind", "node", "vmid"), [("qemu", "pve2", 107), ("lxc", "pve3", 205)])
def test_every_answer_has_the_schema_shape(api: httpx.Client, pve_returns: dict[tuple[str, str], Any],
                                           kind: str, node: str, vmid: int) -> None:
    base = f"/nodes/{node}/{kind}/{vmid}/snapshot"
    upid = data(api.post(base, data={"snapname": "shape", "description": "a note"}))
    check(pve_returns, "POST", kind, "", upid)
    assert f":{'qm' if kind == 'qemu' else 'vz'}snapshot:{vmid}:" in upid
    finish(api, upid)
    listing = data(api.get(base))
    check(pve_returns, "GET", kind, "", listing)
    entry = listing[0]
    assert entry["name"] == "shape" and entry["description"] == "a note" and "parent" not in entry
    assert ("vmstate" in entry) == (kind == "qemu")  # the container list has no vmstate field
    check(pve_returns, "GET", kind, "/{snapname}", data(api.get(f"{base}/shape")))
    assert data(api.get(f"{base}/shape")) == [{"cmd": "rollback"}, {"cmd": "config"}]
    config = data(api.get(f"{base}/shape/config"))
    check(pve_returns, "GET", kind, "/{snapname}/config", config)
    assert config["description"] == "a note" and "lock" not in config and "digest" not in config
    changed = data(api.put(f"{base}/shape/config", data={"description": "x"}))
    check(pve_returns, "PUT", kind, "/{snapname}/config", changed)
    rollback = data(api.post(f"{base}/shape/rollback"))
    check(pve_returns, "POST", kind, "/{snapname}/rollback", rollback)
    finish(api, rollback)
    delete = data(api.delete(f"{base}/shape"))
    check(pve_returns, "DELETE", kind, "/{snapname}", delete)
    finish(api, delete)
    assert [e["name"] for e in data(api.get(base))] == ["current"]


def test_snapshots_form_a_tree_and_current_follows_create_rollback_and_delete(api: httpx.Client) -> None:
    base = "/nodes/pve1/qemu/109/snapshot"
    for name in ("aa", "bb"):
        ok(api, api.post(base, data={"snapname": name}))
    ok(api, api.post(f"{base}/aa/rollback"))
    ok(api, api.post(base, data={"snapname": "cc"}))  # a branch: cc descends from aa, not from bb

    def tree() -> dict[str, str | None]:
        return {e["name"]: e.get("parent") for e in data(api.get(base))}

    assert tree() == {"aa": None, "bb": "aa", "cc": "aa", "current": "cc"}
    assert data(api.get(f"{base}/cc/config"))["parent"] == "aa"
    ok(api, api.delete(f"{base}/aa"))  # its children move up to its parent (none: they become roots)
    assert tree() == {"bb": None, "cc": None, "current": "cc"}
    ok(api, api.delete(f"{base}/cc"))
    assert tree() == {"bb": None, "current": None}
    current = data(api.get(base))[-1]
    assert current["description"] == "You are here!" and current["running"] == 0 and len(current["digest"]) == 40


def test_ram_is_saved_only_for_a_running_vm(api: httpx.Client) -> None:
    ok(api, api.post("/nodes/pve2/qemu/105/snapshot", data={"snapname": "hot", "vmstate": 1}))
    ok(api, api.post("/nodes/pve2/qemu/107/snapshot", data={"snapname": "cold", "vmstate": 1}))  # stopped
    hot = {e["name"]: e for e in data(api.get("/nodes/pve2/qemu/105/snapshot"))}["hot"]
    cold = {e["name"]: e for e in data(api.get("/nodes/pve2/qemu/107/snapshot"))}["cold"]
    assert hot["vmstate"] == 1 and cold["vmstate"] == 0
    assert data(api.get("/nodes/pve2/qemu/105/snapshot/hot/config"))["vmstate"] == "local-lvm:vm-105-state-hot"
    assert "vmstate" not in data(api.get("/nodes/pve2/qemu/107/snapshot/cold/config"))
    refused = api.post("/nodes/pve1/lxc/201/snapshot", data={"snapname": "ram", "vmstate": 1})
    assert refused.status_code == 400 and "vmstate" in refused.json()["errors"]  # containers have no RAM


def test_rollback_stops_the_guest_and_starts_it_per_vmstate_or_start(api: httpx.Client) -> None:
    base = "/nodes/pve2/qemu/105"
    ok(api, api.post(f"{base}/snapshot", data={"snapname": "disks"}))
    ok(api, api.post(f"{base}/snapshot/disks/rollback"))
    assert data(api.get(f"{base}/status/current"))["status"] == "stopped"
    ok(api, api.post(f"{base}/snapshot/hot/rollback"))  # taken with RAM: running again
    assert data(api.get(f"{base}/status/current"))["status"] == "running"
    ok(api, api.post("/nodes/pve1/lxc/201/snapshot", data={"snapname": "ct"}))
    ok(api, api.post("/nodes/pve1/lxc/201/snapshot/ct/rollback", data={"start": 1}))
    assert data(api.get("/nodes/pve1/lxc/201/status/current"))["status"] == "running"


@pytest.mark.parametrize(("name", "field_error"), [
    ("1st", "invalid format - invalid configuration ID '1st'"), ("a", "invalid format - invalid configuration ID 'a'"),
    ("has space", "invalid format - invalid configuration ID 'has space'"),
    ("x" * 41, "value may only be 40 characters long"),
])
def test_malformed_names_are_refused_by_the_request(api: httpx.Client, name: str, field_error: str) -> None:
    response = api.post("/nodes/pve1/qemu/109/snapshot", data={"snapname": name})
    assert response.status_code == 400 and response.json()["errors"]["snapname"].rstrip("\n") == field_error


def test_reserved_names_fail_the_request_and_mixed_case_is_a_valid_id(api: httpx.Client) -> None:
    for name in ("current", "Pending"):
        response = api.post("/nodes/pve1/qemu/109/snapshot", data={"snapname": name})
        assert response.status_code == 500
        assert response.json()["message"] == f"unable to use snapshot name '{name}' (reserved name)\n"
    ok(api, api.post("/nodes/pve1/qemu/109/snapshot", data={"snapname": "Before_Upgrade-2"}))
    again = finish(api, data(api.post("/nodes/pve1/qemu/109/snapshot", data={"snapname": "Before_Upgrade-2"})))
    assert again["exitstatus"] == "snapshot name 'Before_Upgrade-2' already used"  # inside the task, as PVE
    template = finish(api, data(api.post("/nodes/pve1/qemu/100/snapshot", data={"snapname": "tt"})))
    assert template["exitstatus"] == "you can't take a snapshot if it's a template"


def test_a_locked_guest_fails_the_tasks_and_delete_force_goes_ahead(api: httpx.Client, sim: SimulatorThread) -> None:
    base = "/nodes/pve3/qemu/108"
    ok(api, api.post(f"{base}/snapshot", data={"snapname": "held"}))
    sim.control("POST", "/guests/108/config", {"lock": "backup"})
    for response in (api.post(f"{base}/snapshot", data={"snapname": "more"}),
                     api.post(f"{base}/snapshot/held/rollback"), api.delete(f"{base}/snapshot/held")):
        assert finish(api, data(response))["exitstatus"] == "VM is locked (backup)"
    ok(api, api.delete(f"{base}/snapshot/held", params={"force": 1}))
    assert [e["name"] for e in data(api.get(f"{base}/snapshot"))] == ["current"]
    sim.control("POST", "/guests/108/config", {"lock": None})
    missing = finish(api, data(api.delete(f"{base}/snapshot/held")))
    assert missing["exitstatus"] == "snapshot 'held' does not exist"
    assert api.get(f"{base}/snapshot/held/config").json()["message"] == "snapshot 'held' does not exist\n"


def test_the_guest_is_locked_rollback_while_the_rollback_runs(api: httpx.Client, sim: SimulatorThread) -> None:
    base = "/nodes/pve1/lxc/200"
    ok(api, api.post(f"{base}/snapshot", data={"snapname": "slow"}))
    sim.call(lambda: setattr(sim.sim.api.tasks, "speed", 1.0))
    try:
        upid = data(api.post(f"{base}/snapshot/slow/rollback"))
        time.sleep(0.3)
        assert data(api.get(f"{base}/config"))["lock"] == "rollback"
        assert data(api.get(f"{base}/status/current"))["status"] == "stopped"
        second = finish(api, data(api.post(f"{base}/snapshot/slow/rollback")))
        assert second["exitstatus"] == "CT is locked (rollback)"
        finish(api, upid)
    finally:
        sim.call(lambda: setattr(sim.sim.api.tasks, "speed", 0.02))
    assert "lock" not in data(api.get(f"{base}/config"))


def test_reading_needs_audit_and_taking_needs_vm_snapshot(sim: SimulatorThread, api: httpx.Client) -> None:
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.auditor_token_id}={info.auditor_token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10) as auditor:
        assert data(auditor.get("/nodes/pve1/qemu/106/snapshot"))[-1]["name"] == "current"
        denied = auditor.post("/nodes/pve1/qemu/106/snapshot", data={"snapname": "nope"})
        assert denied.status_code == 403
        assert denied.json()["message"] == "Permission check failed (/vms/106, VM.Snapshot)\n"


def test_raw_images_on_nfs_cannot_be_snapshotted_and_qcow2_there_can(api: httpx.Client) -> None:
    raw = finish(api, data(api.post("/nodes/pve3/lxc/204/snapshot", data={"snapname": "on-nas"})))
    assert raw["exitstatus"] == "snapshot feature is not available"  # minio's rootfs: a raw image on NFS
    assert [e["name"] for e in data(api.get("/nodes/pve3/lxc/204/snapshot"))] == ["current"]
    assert "lock" not in data(api.get("/nodes/pve3/lxc/204/config"))
    ok(api, api.post("/nodes/pve3/qemu/110/snapshot", data={"snapname": "on-nas"}))  # qcow2 on NFS
