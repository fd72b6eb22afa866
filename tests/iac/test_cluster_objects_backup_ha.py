"""Backup jobs and PVE 9 HA (resources and rules) as code: import → a plan without changes → an edit is one
change → apply → no changes; drift finds a change made through the API; deleting a job, an HA resource or
rule needs --allow-destroy; stopping a guest through HA is disruptive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cluster_objects_support import changed, drift_json, edit, edit_resource, needs_routes, plan_json
from iac_support import api, run_cli

from pmpc_tui.simulator.server import SimulatorThread

JOB_WRITES = (("POST", "/cluster/backup"), ("PUT", "/cluster/backup/{id}"), ("DELETE", "/cluster/backup/{id}"))
HA_ROUTES = (("GET", "/cluster/ha/resources"), ("POST", "/cluster/ha/resources"),
             ("PUT", "/cluster/ha/resources/{sid}"), ("DELETE", "/cluster/ha/resources/{sid}"),
             ("GET", "/cluster/ha/rules"), ("POST", "/cluster/ha/rules"), ("PUT", "/cluster/ha/rules/{rule}"),
             ("DELETE", "/cluster/ha/rules/{rule}"))


def job_ids(ws: Path) -> list[str]:
    """The job ids in backup_jobs.tf (each is named by its import block and its resource)."""
    return sorted(set(re.findall(r'^\s*id\s*=\s*"([^"]+)"', (ws / "terraform" / "backup_jobs.tf").read_text(),
                                 re.M)))


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_import_writes_the_backup_jobs_and_the_plan_changes_nothing(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (imported_workspace / "terraform" / "backup_jobs.tf").read_text()
    assert 'resource "proxmox_backup_job"' in text and "import {" in text
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    assert "backup_job" in {r["kind"] for r in plan["resources"]}


def test_a_backup_job_removed_from_the_code_is_destructive(imported_workspace: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    jobs = job_ids(imported_workspace)
    (imported_workspace / "terraform" / "backup_jobs.tf").unlink()
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and sorted(changed(plan)) == [("backup_job", job, "delete") for job in sorted(jobs)]
    assert plan["impact"]["destructive"] == len(jobs) == 2
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    err = capsys.readouterr().err
    assert all(f"backup job {job}" in err for job in jobs)


def test_editing_a_backup_job_schedule_is_one_change_that_apply_makes_and_drift_sees_api_edits(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*JOB_WRITES)
    job = job_ids(imported_workspace)[0]
    edit(imported_workspace / "terraform" / "backup_jobs.tf", 'schedule       = "02:00"',
         'schedule       = "03:30"')
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("backup_job", job, "update")]
    assert [c["key"] for c in plan["resources"][0]["changes"]] == ["schedule"]
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert api(sim, "get", f"/cluster/backup/{job}")["schedule"] == "03:30"
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    api(sim, "put", f"/cluster/backup/{job}", mode="stop")
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    entry = next(e for e in report["changed"] if e["name"] == job)
    assert entry["changes"] == [{"key": "mode", "cluster": "stop", "code": "snapshot"}]


def test_ha_resources_and_rules_round_trip_and_their_impacts(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*HA_ROUTES)
    api(sim, "post", "/cluster/ha/resources", sid="vm:101", state="started")
    api(sim, "post", "/cluster/ha/resources", sid="vm:102", state="started")
    assert run_cli(imported_workspace, "import") == 0
    ha = imported_workspace / "terraform" / "ha.tf"
    assert 'resource "proxmox_haresource" "vm_101"' in ha.read_text()
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    # a rule in the code is created; stopping a guest through HA is disruptive
    edit_resource(ha, 'resource "proxmox_haresource" "vm_101"', '"started"', '"stopped"')
    code, plan = plan_json(imported_workspace, capsys)
    assert changed(plan) == [("ha_resource", "vm:101", "update")]
    assert plan["resources"][0]["impact"] == "disruptive"  # HA would stop the guest
    edit_resource(ha, 'resource "proxmox_haresource" "vm_101"', '"stopped"', '"started"')
    edit_resource(ha, 'resource "proxmox_haresource" "vm_101"', "max_relocate = 1", "max_relocate = 2")
    ha.write_text(ha.read_text() + '\nresource "proxmox_harule" "apart" {\n  rule      = "apart"\n'
                                   '  type      = "resource-affinity"\n  resources = ["vm:101", "vm:102"]\n'
                                   '  affinity  = "negative"\n}\n')
    code, plan = plan_json(imported_workspace, capsys)
    assert sorted(changed(plan)) == [("ha_resource", "vm:101", "update"), ("ha_rule", "apart", "create")]
    assert next(r for r in plan["resources"] if r["name"] == "vm:101")["impact"] == "in-place"
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    # drift: a change through the API
    api(sim, "put", "/cluster/ha/resources/vm:102", max_restart=3)
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2 and [e["name"] for e in report["changed"]] == ["vm:102"]
    # the rule apply made, removed from the code: destructive
    ha.write_text(ha.read_text().split('\nresource "proxmox_harule" "apart"')[0])
    code, plan = plan_json(imported_workspace, capsys)
    assert ("ha_rule", "apart", "delete") in changed(plan)
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert "apart" not in [r["rule"] for r in api(sim, "get", "/cluster/ha/rules")]


def test_a_backup_jobs_fleecing_performance_and_maxfiles_round_trip_and_an_edit_is_one_change(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    needs_routes(*JOB_WRITES)
    api(sim, "post", "/cluster/backup", id="tuned", schedule="04:00", storage="local", all=1, mode="snapshot",
        fleecing="enabled=1,storage=local-lvm", performance="max-workers=2,pbs-entries-max=100000", maxfiles=3)
    assert run_cli(imported_workspace, "import") == 0
    text = (imported_workspace / "terraform" / "backup_jobs.tf").read_text()
    assert re.search(r'fleecing += \{ enabled = true, storage = "local-lvm" \}', text), text
    assert re.search(r"performance += \{ max_workers = 2, pbs_entries_max = 100000 \}", text)
    assert re.search(r"maxfiles += 3\n", text)
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    edit(imported_workspace / "terraform" / "backup_jobs.tf", "max_workers = 2,", "max_workers = 4,")
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("backup_job", "tuned", "update")]
    assert [c["key"] for c in plan["resources"][0]["changes"]] == ["performance"]
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    performance = api(sim, "get", "/cluster/backup/tuned")["performance"]
    assert str(performance["max-workers"]) == "4" and str(performance["pbs-entries-max"]) == "100000"
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    api(sim, "delete", "/cluster/backup/tuned")  # gone behind the code's back: apply creates it as written
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    job = api(sim, "get", "/cluster/backup/tuned")
    assert str(job["fleecing"]["enabled"]) == "1" and job["fleecing"]["storage"] == "local-lvm"
    assert str(job["performance"]["max-workers"]) == "4" and int(job["maxfiles"]) == 3
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
