"""Cluster objects as code — pools and their members (nested pools too): import writes them, a plan right
after import changes nothing, an edit is one change, apply makes it and the next plan is empty, drift finds
what was changed behind the tool's back, a saved plan is refused when a pool moved, and deleting a pool
needs --allow-destroy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cluster_objects_support import changed, drift_json, edit, needs_routes, plan_json
from iac_support import api, api_done, run_cli

from pmpc_tui.simulator.server import SimulatorThread

POOL_WRITES = (("POST", "/pools"), ("PUT", "/pools"), ("DELETE", "/pools"))


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_import_writes_the_pools_and_their_members_and_the_plan_changes_nothing(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pools = (imported_workspace / "terraform" / "pools.tf").read_text()
    assert 'resource "proxmox_virtual_environment_pool" "production"' in pools
    assert 'id = "production/vm/101"' in pools and 'resource "proxmox_pool_membership"' in pools
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    assert {("pool", "production"), ("pool_member", "production/vm/200")} <= {(r["kind"], r["name"])
                                                                            for r in plan["resources"]}


def test_removing_a_pool_from_the_code_is_destructive_and_apply_needs_allow_destroy(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = api(sim, "get", "/pools")
    (imported_workspace / "terraform" / "pools.tf").unlink()
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2
    doomed = {(r["kind"], r["name"]): r for r in plan["resources"] if r["action"] == "delete"}
    assert doomed[("pool", "production")]["impact"] == "destructive"
    assert doomed[("pool", "k8s")]["impact"] == "destructive"
    assert doomed[("pool_member", "production/vm/101")]["impact"] == "in-place"
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    err = capsys.readouterr().err
    assert "pool production" in err and "pool k8s" in err and "--allow-destroy" in err
    assert api(sim, "get", "/pools") == before  # nothing was sent


def test_a_pool_member_whose_guest_was_deleted_behind_the_tools_back_is_drift(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api_done(sim, "post", "/nodes/pve2/qemu/102/status/stop")
    api_done(sim, "delete", "/nodes/pve2/qemu/102")
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    assert "proxmox_pool_membership.production_vm_102" in {e["address"] for e in report["missing"]}


def test_editing_a_pool_comment_is_one_change_that_apply_makes(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*POOL_WRITES)
    edit(imported_workspace / "terraform" / "pools.tf", '"Services the household relies on"', '"Household services"')
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("pool", "production", "update")]
    assert plan["impact"]["in-place"] == 1
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert api(sim, "get", "/pools", poolid="production")[0]["comment"] == "Household services"
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_nested_pools_are_made_parent_first_and_deleted_child_first(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*POOL_WRITES)
    before = api(sim, "get", "/pools")
    qa = imported_workspace / "terraform" / "qa.tf"
    qa.write_text('resource "proxmox_pool_membership" "ci_107" {\n  pool_id = "qa/ci"\n  vm_id   = 107\n}\n\n'
                  'resource "proxmox_virtual_environment_pool" "qa_ci" {\n  pool_id = "qa/ci"\n}\n\n'
                  'resource "proxmox_virtual_environment_pool" "qa" {\n  pool_id = "qa"\n  comment = "CI"\n}\n')
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and sorted(changed(plan)) == [("pool", "qa", "create"), ("pool", "qa/ci", "create"),
                                                   ("pool_member", "qa/ci/vm/107", "create")]
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    members = api(sim, "get", "/pools", poolid="qa/ci")[0]["members"]
    assert [m["vmid"] for m in members] == [107]
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    qa.unlink()  # apply made them: removing their code deletes them
    code, plan = plan_json(imported_workspace, capsys)
    assert sorted(changed(plan)) == [("pool", "qa", "delete"), ("pool", "qa/ci", "delete"),
                                     ("pool_member", "qa/ci/vm/107", "delete")]
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert api(sim, "get", "/pools") == before


def test_drift_finds_a_pool_changed_and_a_pool_made_behind_the_tools_back(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*POOL_WRITES)
    api(sim, "put", "/pools", poolid="production", comment="changed in the web UI")
    api(sim, "post", "/pools", poolid="scratch")
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    pool = next(e for e in report["changed"] if e["address"] == "proxmox_virtual_environment_pool.production")
    assert pool["changes"] == [{"key": "comment", "cluster": "changed in the web UI",
                                "code": "Services the household relies on"}]
    assert {"type": "pool", "id": "scratch", "what": "pool"} in report["unmanaged"]
    capsys.readouterr()
    run_cli(imported_workspace, "drift")
    assert "+ pool scratch is not in the code (unmanaged)" in capsys.readouterr().out


def test_a_saved_plan_is_refused_when_a_pool_changed_since(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*POOL_WRITES)
    edit(imported_workspace / "terraform" / "pools.tf", '"Services the household relies on"', '"Household"')
    saved = imported_workspace / "p.json"
    assert run_cli(imported_workspace, "plan", "--out", str(saved)) == 2
    assert json.loads(saved.read_text())["resources"]
    api(sim, "put", "/pools", poolid="production", comment="someone else")
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", str(saved), "--auto-approve") == 7
    assert "changed since the plan was made" in capsys.readouterr().err
    assert api(sim, "get", "/pools", poolid="production")[0]["comment"] == "someone else"


def test_validate_names_an_unknown_pool_argument_and_a_pool_declared_twice(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra = imported_workspace / "terraform" / "extra.tf"
    extra.write_text('resource "proxmox_virtual_environment_pool" "again" {\n  pool_id = "production"\n'
                     '  comments = "typo"\n}\n')
    capsys.readouterr()
    assert run_cli(imported_workspace, "validate", "--offline", "-o", "json") == 2
    messages = [f["where"] + " " + f["message"] for f in json.loads(capsys.readouterr().out)]
    assert any(m.startswith("terraform/extra.tf:3:3 ") and "unknown argument 'comments'" in m for m in messages)
    assert any("pool 'production' is declared twice" in m for m in messages)


def test_a_guest_deleted_through_the_code_takes_its_pool_membership_along(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (imported_workspace / "terraform" / "vm-109.tf").unlink()  # 109 is in the pool lab
    code, plan = plan_json(imported_workspace, capsys)
    assert sorted(changed(plan)) == [("pool_member", "lab/vm/109", "delete"), ("qemu", "dev-sandbox", "delete")]
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert api(sim, "get", "/pools", poolid="lab")[0]["members"] == []
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)  # the membership left in pools.tf goes with its guest
