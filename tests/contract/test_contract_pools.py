"""Contract: resource pools are created, changed and deleted as PVE 9.1 does it (issue #19): nested ids up to
three levels under an existing parent, members added and removed (`allow-move` to take a guest from another
pool), non-empty pools refused, answers against the schema's `returns` and privileges against its
`permissions`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, refusal, shape_problems

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def members(api: httpx.Client, poolid: str) -> list[str]:
    [pool] = data(api.get("/pools", params={"poolid": poolid}))
    return [m["id"] for m in pool["members"]]


def test_a_nested_pool_is_created_under_its_parent_and_listed(api: httpx.Client,
                                                               pve_returns: dict[tuple[str, str], Any]) -> None:
    assert data(api.post("/pools", data={"poolid": "qa", "comment": "Test qa"})) is None
    assert data(api.post("/pools", data={"poolid": "qa/k8s"})) is None
    assert data(api.post("/pools", data={"poolid": "qa/k8s/workers"})) is None
    listed = data(api.get("/pools"))
    assert not shape_problems(listed, pve_returns[("GET", "/pools")])
    assert {"poolid": "qa", "comment": "Test qa"} in listed and {"poolid": "qa/k8s/workers"} in listed
    [one] = data(api.get("/pools", params={"poolid": "qa/k8s"}))
    assert not shape_problems([one], pve_returns[("GET", "/pools")]) and one == {"poolid": "qa/k8s", "members": []}


def test_pool_names_follow_pves_rules(api: httpx.Client) -> None:
    deep = api.post("/pools", data={"poolid": "a/b/c/d"})
    assert deep.status_code == 400
    assert deep.json()["errors"]["poolid"] == \
        "invalid format - pool name 'a/b/c/d' nested too deeply (max levels = 3)\n"
    assert "contains invalid characters" in refusal(api.post("/pools", data={"poolid": "bad name"}))
    orphan = api.post("/pools", data={"poolid": "nowhere/child"})
    assert orphan.status_code == 500
    assert orphan.json()["message"] == "create pool failed: parent 'nowhere' of pool 'nowhere/child' does not exist\n"
    assert refusal(api.post("/pools", data={"poolid": "9lives"})) == \
        "create pool failed: pool name must start with a letter\n"
    assert refusal(api.post("/pools", data={"poolid": "production"})) == \
        "create pool failed: pool 'production' already exists\n"
    typed = api.get("/pools", params={"type": "qemu"})
    assert typed.status_code == 400 and typed.json()["errors"] == {"poolid": "missing property required by 'type'"}


def test_members_are_added_moved_and_removed(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    api.post("/pools", data={"poolid": "media"})
    assert data(api.put("/pools", data={"poolid": "media", "vms": "107,108", "storage": "nas",
                                        "comment": "Media"})) is None
    assert members(api, "media") == ["qemu/107", "qemu/108", "storage/pve1/nas"]
    one = data(api.get("/pools/media", params={"type": "storage"}))
    assert not shape_problems(one, pve_returns[("GET", "/pools/{poolid}")], extra=frozenset({"poolid"}))
    assert one["comment"] == "Media" and [m["storage"] for m in one["members"]] == ["nas"]
    taken = api.put("/pools", data={"poolid": "media", "vms": "101"})
    assert taken.status_code == 500 and taken.json()["message"] == \
        "update pools failed: VM 101 belongs already to pool 'production' and 'allow-move' is not set\n"
    assert "qemu/101" not in members(api, "media")  # nothing of a refused request is kept
    assert data(api.put("/pools/media", data={"vms": "101", "allow-move": 1})) is None
    assert "qemu/101" in members(api, "media") and "qemu/101" not in members(api, "production")
    assert refusal(api.put("/pools", data={"poolid": "media", "vms": "107"})) == \
        "update pools failed: VM 107 is already a pool member\n"
    assert data(api.put("/pools", data={"poolid": "media", "vms": "101;107", "storage": "nas", "delete": 1})) is None
    assert members(api, "media") == ["qemu/108"]
    assert refusal(api.put("/pools", data={"poolid": "media", "storage": "nas", "delete": 1})) == \
        "update pools failed: Storage 'nas' is not a pool member\n"
    assert "valid VMID" in refusal(api.put("/pools", data={"poolid": "media", "vms": "12"}))


def test_only_an_empty_pool_can_be_deleted(api: httpx.Client) -> None:
    api.post("/pools", data={"poolid": "tmp"})
    api.post("/pools", data={"poolid": "tmp/inner"})
    api.put("/pools", data={"poolid": "tmp/inner", "vms": "110"})
    assert refusal(api.delete("/pools", params={"poolid": "tmp"})) == \
        "delete pool failed: pool 'tmp' is not empty (contains pool 'tmp/inner')\n"
    assert refusal(api.delete("/pools", params={"poolid": "tmp/inner"})) == \
        "delete pool failed: pool 'tmp/inner' is not empty (contains VM 110)\n"
    api.put("/pools", data={"poolid": "tmp/inner", "vms": "110", "delete": 1})
    assert data(api.delete("/pools", params={"poolid": "tmp/inner"})) is None
    assert data(api.delete("/pools/tmp")) is None
    assert {"tmp", "tmp/inner"}.isdisjoint(p["poolid"] for p in data(api.get("/pools")))
    assert refusal(api.delete("/pools", params={"poolid": "tmp"})) == "delete pool failed: pool 'tmp' does not exist\n"


def test_changing_pools_needs_pool_allocate(auditor: httpx.Client) -> None:
    for response in (auditor.post("/pools", data={"poolid": "spy"}),
                     auditor.put("/pools", data={"poolid": "production", "comment": "x"}),
                     auditor.delete("/pools", params={"poolid": "production"})):
        assert response.status_code == 403
        assert response.json()["message"].startswith("Permission check failed (/pool/")
        assert "Pool.Allocate" in response.json()["message"]
    assert any(p["poolid"] == "production" for p in data(auditor.get("/pools")))


def test_a_member_the_caller_may_not_modify_is_refused_inside_the_lock(sim: SimulatorThread) -> None:
    from pmpc_tui.simulator.auth import ACLEntry, Token, User

    def pool_admin() -> None:
        access = sim.sim.access
        access.users["poolops@pve"] = User("poolops@pve", "pool-ops-pass-1")
        access.tokens["poolops@pve!ci"] = Token("poolops@pve!ci", "poolops-secret")
        access.acl.append(ACLEntry("/pool/ops", "poolops@pve", "PVEPoolAdmin"))
        access.acl.append(ACLEntry("/pool/ops", "poolops@pve!ci", "PVEPoolAdmin"))

    sim.call(pool_admin)
    headers = {"Authorization": "PVEAPIToken=poolops@pve!ci=poolops-secret"}
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", headers=headers, verify=False, timeout=10) as ops:
        assert data(ops.post("/pools", data={"poolid": "ops", "comment": "operations"})) is None
        refused = ops.put("/pools", data={"poolid": "ops", "vms": "108"})
        assert refused.status_code == 500 and refused.json()["message"] == \
            "update pools failed: 403 Permission check failed (/vms/108, Permissions.Modify|VM.Allocate)\n"
        assert members(ops, "ops") == []


def test_cluster_resources_list_each_pool_with_its_running_members_usage(
        api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    resources = data(api.get("/cluster/resources"))
    assert not shape_problems(resources, pve_returns[("GET", "/cluster/resources")])
    pools = {r["pool"]: r for r in resources if r["type"] == "pool"}
    production = pools["production"]
    assert production["id"] == "/pool/production" and production["maxcpu"] > 0
    running = [r for r in resources if r["type"] in ("qemu", "lxc") and r.get("pool") == "production"
               and r["status"] == "running"]
    assert production["maxmem"] == sum(r["maxmem"] for r in running)
    assert all(r["type"] != "pool" for r in data(api.get("/cluster/resources", params={"type": "vm"})))
