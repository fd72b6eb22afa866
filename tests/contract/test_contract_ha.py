"""Contract: High Availability as PVE 9.1 has it (issue #19): resources with their requested state carried
out on the guest, node and resource affinity rules with PVE's feasibility checks, groups refused because
they were migrated to rules, the status with the resources; answers against the schema's `returns`,
privileges against its `permissions`."""

from __future__ import annotations

import time
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


def guest_status(api: httpx.Client, node: str, kind: str, vmid: int) -> dict[str, Any]:
    return dict(data(api.get(f"/nodes/{node}/{kind}/{vmid}/status/current")))


def wait_for(api: httpx.Client, node: str, kind: str, vmid: int, status: str) -> dict[str, Any]:
    for _ in range(200):
        current = guest_status(api, node, kind, vmid)
        if current["status"] == status:
            return current
        time.sleep(0.02)
    raise AssertionError(f"{kind} {vmid} never became {status}")


def test_a_resource_is_added_by_vmid_and_started(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    assert guest_status(api, "pve1", "qemu", 109)["status"] == "stopped"
    assert data(api.post("/cluster/ha/resources", data={"sid": "109", "max_restart": 3, "comment": "sandbox"})) is None
    resource = data(api.get("/cluster/ha/resources/vm:109"))
    assert not shape_problems(resource, pve_returns[("GET", "/cluster/ha/resources/{sid}")])
    assert {"sid": "vm:109", "type": "vm", "max_restart": 3, "comment": "sandbox"}.items() <= resource.items()
    listed = data(api.get("/cluster/ha/resources", params={"type": "vm"}))
    full = frozenset({"type", "state", "comment", "max_restart", "max_relocate", "failback", "digest"})  # the index
    assert not shape_problems(listed, pve_returns[("GET", "/cluster/ha/resources")], extra=full)  # holds whole entries
    assert "vm:109" in {r["sid"] for r in listed} and all(r["type"] == "vm" for r in listed)
    assert wait_for(api, "pve1", "qemu", 109, "running")["ha"] == {"managed": 1, "state": "started"}
    resources = {r["vmid"]: r for r in data(api.get("/cluster/resources", params={"type": "vm"}))}
    assert resources[109]["hastate"] == "started" and "hastate" not in resources[101]


def test_a_resource_changes_state_and_leaves_ha(api: httpx.Client) -> None:
    api.post("/cluster/ha/resources", data={"sid": "ct:205"})
    digest = data(api.get("/cluster/ha/resources/ct:205"))["digest"]
    assert data(api.put("/cluster/ha/resources/ct:205", data={"state": "stopped", "digest": digest})) is None
    wait_for(api, "pve3", "lxc", 205, "stopped")
    stale = api.put("/cluster/ha/resources/ct:205", data={"state": "started", "digest": digest})
    assert stale.status_code == 500 and "detected modified configuration" in stale.json()["message"]
    assert data(api.delete("/cluster/ha/resources/205")) is None
    assert guest_status(api, "pve3", "lxc", 205)["ha"] == {"managed": 0}
    assert refusal(api.delete("/cluster/ha/resources/ct:205")) == "cannot delete service 'ct:205', not HA managed!\n"


def test_resource_ids_are_checked_as_pve_does(api: httpx.Client) -> None:
    assert refusal(api.post("/cluster/ha/resources", data={"sid": "vm:200"})) == \
        "resource 'vm:200' - guest with ID 200 is not a VM\n"
    assert refusal(api.post("/cluster/ha/resources", data={"sid": "vm:4242"})) == \
        "resource 'vm:4242' does not exist in cluster\n"
    assert refusal(api.post("/cluster/ha/resources", data={"sid": "4242"})) == \
        "unable to detect SID from VMID - VM/CT 4242 does not exist\n"
    assert refusal(api.post("/cluster/ha/resources", data={"sid": "vm:103"})) == \
        "create resource failed: resource ID 'vm:103' already defined\n"
    assert refusal(api.post("/cluster/ha/resources", data={"sid": "vm:102", "group": "prefer-pve1"})) == \
        "invalid parameter 'group': ha groups have been migrated to rules\n"
    bad = api.post("/cluster/ha/resources", data={"sid": "vm 101"})
    assert bad.json()["errors"] == {"sid": "invalid format - value does not look like a valid ha resource id\n"}


def test_rules_are_created_listed_changed_and_deleted(api: httpx.Client,
                                                      pve_returns: dict[tuple[str, str], Any]) -> None:
    for sid in ("vm:104", "vm:105"):
        api.post("/cluster/ha/resources", data={"sid": sid})
    assert data(api.post("/cluster/ha/rules", data={
        "rule": "k8s-on-pve2", "type": "node-affinity", "resources": "vm:105,vm:104", "nodes": "pve2,pve3",
        "strict": 1, "comment": "control plane"})) is None
    assert data(api.post("/cluster/ha/rules", data={
        "rule": "k8s-together", "type": "resource-affinity", "resources": "vm:104,vm:105",
        "affinity": "positive"})) is None
    rule = data(api.get("/cluster/ha/rules/k8s-on-pve2"))
    assert not shape_problems(rule, pve_returns[("GET", "/cluster/ha/rules/{rule}")],
                              extra=frozenset({"resources", "nodes", "strict", "comment", "digest", "order"}))
    assert {"resources": "vm:104,vm:105", "nodes": "pve2,pve3", "strict": 1, "type": "node-affinity"}.items() \
        <= rule.items()
    listed = data(api.get("/cluster/ha/rules", params={"resource": "vm:104"}))
    assert not shape_problems(listed, pve_returns[("GET", "/cluster/ha/rules")],
                              extra=frozenset({"type", "resources", "nodes", "strict", "comment", "digest", "order",
                                               "affinity"}))
    assert [r["rule"] for r in listed] == ["k8s-on-pve2", "k8s-together"]
    assert data(api.put("/cluster/ha/rules/k8s-on-pve2", data={"type": "node-affinity", "nodes": "pve2:2,pve3",
                                                                "delete": "comment", "disable": 1})) is None
    changed = data(api.get("/cluster/ha/rules/k8s-on-pve2"))
    assert changed["nodes"] == "pve2:2,pve3" and changed["disable"] == 1 and "comment" not in changed
    assert refusal(api.put("/cluster/ha/rules/k8s-on-pve2", data={"type": "resource-affinity",
                                                                   "affinity": "negative"})) == \
        "update HA rules failed: unexpected property 'type'\n"
    assert data(api.delete("/cluster/ha/rules/k8s-together")) is None
    assert refusal(api.get("/cluster/ha/rules/k8s-together")) == "no such ha rule 'k8s-together'\n"


def test_infeasible_rules_are_refused_with_pves_reasons(api: httpx.Client) -> None:
    twice = api.post("/cluster/ha/rules", data={"rule": "db-elsewhere", "type": "node-affinity",
                                                "resources": "vm:103", "nodes": "pve1"})
    assert twice.status_code == 500 and twice.json()["message"] == (
        "create ha rule failed: 400 Rule 'db-elsewhere' is invalid.\n"
        "resources: resource 'vm:103' is already used in another node affinity rule\n")
    api.post("/cluster/ha/resources", data={"sid": "ct:203"})
    lonely = refusal(api.post("/cluster/ha/rules", data={"rule": "lonely", "type": "resource-affinity",
                                                          "resources": "ct:203", "affinity": "negative"}))
    assert "rule is ineffective as there are less than two resources" in lonely
    assert refusal(api.post("/cluster/ha/rules", data={"rule": "web", "type": "resource-affinity",
                                                        "resources": "vm:101,vm:102", "affinity": "negative"})) == \
        "create ha rule failed: cannot use unmanaged resource(s) vm:101, vm:102.\n"
    assert refusal(api.post("/cluster/ha/rules", data={"rule": "far", "type": "node-affinity",
                                                        "resources": "ct:203", "nodes": "pve9"})) == \
        "create ha rule failed: cannot use non-existent node(s) pve9.\n"
    assert refusal(api.post("/cluster/ha/rules", data={"rule": "mixed", "type": "node-affinity",
                                                        "resources": "ct:203", "nodes": "pve1",
                                                        "affinity": "positive"})) == "unexpected property 'affinity'\n"
    assert refusal(api.post("/cluster/ha/rules", data={"rule": "bare", "type": "node-affinity",
                                                        "resources": "ct:203"})) == \
        "missing value for required option 'nodes'\n"
    assert "lonely" not in {r["rule"] for r in data(api.get("/cluster/ha/rules"))}


def test_groups_answer_as_after_the_migration_to_rules(api: httpx.Client) -> None:
    for response, verb in ((api.get("/cluster/ha/groups"), "index groups"),
                           (api.get("/cluster/ha/groups/prefer-pve1"), "read group"),
                           (api.post("/cluster/ha/groups", data={"group": "prefer-pve1", "nodes": "pve1"}),
                            "create group"),
                           (api.put("/cluster/ha/groups/prefer-pve1", data={"nodes": "pve1"}), "update group"),
                           (api.delete("/cluster/ha/groups/prefer-pve1"), "delete group")):
        assert response.status_code == 500
        assert response.json()["message"] == f"cannot {verb}: ha groups have been migrated to rules\n"


def test_the_status_lists_manager_nodes_and_resources(api: httpx.Client,
                                                      pve_returns: dict[tuple[str, str], Any]) -> None:
    for path in ("/cluster/ha", "/cluster/ha/status"):
        assert not shape_problems(data(api.get(path)), pve_returns[("GET", path)])
    status = data(api.get("/cluster/ha/status/current"))
    assert not shape_problems(status, pve_returns[("GET", "/cluster/ha/status/current")])
    by_id = {s["id"]: s for s in status}
    assert by_id["quorum"]["quorate"] == 1 and by_id["master"]["status"].startswith("pve1 (active, ")
    assert {"lrm:pve1", "lrm:pve2", "lrm:pve3"} <= set(by_id)
    db = by_id["service:vm:103"]
    assert {"sid": "vm:103", "node": "pve2", "state": "started", "crm_state": "started", "request_state": "started",
            "max_restart": 2, "status": "vm:103 (pve2, started)"}.items() <= db.items()


def test_reading_needs_sys_audit_and_changing_sys_console(auditor: httpx.Client) -> None:
    assert data(auditor.get("/cluster/ha/resources")) and data(auditor.get("/cluster/ha/rules"))
    for response in (auditor.post("/cluster/ha/resources", data={"sid": "vm:102"}),
                     auditor.delete("/cluster/ha/rules/db-prefers-pve2"),
                     auditor.put("/cluster/ha/resources/vm:103", data={"state": "stopped"})):
        assert response.status_code == 403
        assert response.json()["message"] == "Permission check failed (/, Sys.Console)\n"


def test_destroying_an_ha_guest_needs_purge_which_clears_its_jobs_and_ha(api: httpx.Client) -> None:
    from contract_support import finish

    api.post("/cluster/ha/resources", data={"sid": "vm:107", "state": "stopped"})
    api.post("/cluster/backup", data={"id": "desktop-only", "schedule": "daily", "vmid": "107"})
    api.post("/cluster/backup", data={"id": "desktop-and-db", "schedule": "daily", "vmid": "107,103"})
    refused = api.delete("/nodes/pve2/qemu/107")
    assert refused.status_code == 500 and refused.json()["message"] == \
        "unable to remove VM 107 - used in HA resources and purge parameter not set.\n"
    upid = data(api.delete("/nodes/pve2/qemu/107", params={"purge": 1}))
    assert finish(api, upid)["exitstatus"] == "OK"
    log = [line["t"] for line in data(api.get(f"/nodes/pve2/tasks/{upid}/log"))]
    assert "purging VM 107 from related configurations.." in log
    assert "NOTE: removed VM 107 from HA resource configuration." in log
    assert "vm:107" not in {r["sid"] for r in data(api.get("/cluster/ha/resources"))}
    jobs = {j["id"]: j for j in data(api.get("/cluster/backup"))}
    assert "desktop-only" not in jobs and jobs["desktop-and-db"]["vmid"] == "103"


def test_migrate_names_what_moves_along_and_what_blocks(api: httpx.Client,
                                                        pve_returns: dict[tuple[str, str], Any]) -> None:
    blocked = data(api.post("/cluster/ha/resources/ct:200/migrate", data={"node": "pve2"}))
    assert not shape_problems(blocked, pve_returns[("POST", "/cluster/ha/resources/{sid}/migrate")])
    assert blocked == {"sid": "ct:200", "requested-node": "pve2",
                       "blocking-resources": [{"sid": "ct:202", "cause": "resource-affinity"}]}
    assert guest_status(api, "pve1", "lxc", 200)["status"] == "running"  # nothing moved
    moved = data(api.post("/cluster/ha/resources/ct:200/relocate", data={"node": "pve3"}))
    assert not shape_problems(moved, pve_returns[("POST", "/cluster/ha/resources/{sid}/relocate")])
    assert moved == {"sid": "ct:200", "requested-node": "pve3"}
    for _ in range(200):
        pihole = next(r for r in data(api.get("/cluster/resources", params={"type": "vm"})) if r["vmid"] == 200)
        if pihole["node"] == "pve3":
            break
        time.sleep(0.02)
    assert pihole["node"] == "pve3" and pihole["status"] == "running" and pihole["hastate"] == "started"
    assert refusal(api.post("/cluster/ha/resources/vm:101/migrate", data={"node": "pve2"})) == \
        "resource 'vm:101' is not HA managed\n"
