"""Contract: the cluster's scheduled backup jobs (`/cluster/backup`) answer and refuse as PVE 9.1 does (issue #19):
schedules in PVE's calendar-event syntax, guest selection by `vmid`, `all`/`exclude` or `pool`, retention,
the errors PVE raises inside its config lock, answers against the schema's `returns`, privileges against its
`permissions`."""

from __future__ import annotations

import datetime as dt
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


def without_retention(value: Any) -> Any:
    """PVE answers `prune-backups` parsed (an object) where its schema says string: checked apart."""
    if isinstance(value, list):
        return [without_retention(v) for v in value]
    return {k: v for k, v in value.items() if k != "prune-backups"}


def test_a_job_is_created_read_changed_and_deleted(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    assert data(api.post("/cluster/backup", data={
        "id": "weekday-web", "schedule": "mon..fri 21:30", "vmid": "101,102", "storage": "pbs", "mode": "snapshot",
        "compress": "zstd", "prune-backups": "keep-daily=7,keep-weekly=4",
        "notes-template": "{{guestname}} on {{node}}", "comment": "web tier"})) is None
    job = data(api.get("/cluster/backup/weekday-web"))
    assert not shape_problems(without_retention(job), pve_returns[("GET", "/cluster/backup/{id}")])
    assert job["id"] == "weekday-web" and job["enabled"] == 1 and job["vmid"] == "101,102"
    assert job["prune-backups"] == {"keep-daily": 7, "keep-weekly": 4}
    listed = data(api.get("/cluster/backup"))
    assert not shape_problems(without_retention(listed), pve_returns[("GET", "/cluster/backup")])
    entry = next(j for j in listed if j["id"] == "weekday-web")
    run = dt.datetime.fromtimestamp(entry["next-run"], dt.UTC)
    assert run.weekday() < 5 and (run.hour, run.minute) == (21, 30)
    assert data(api.put("/cluster/backup/weekday-web", data={"pool": "production", "enabled": 0,
                                                             "delete": "comment"})) is None
    changed = data(api.get("/cluster/backup/weekday-web"))
    assert changed["pool"] == "production" and "vmid" not in changed and "comment" not in changed
    assert changed["enabled"] == 0
    assert data(api.delete("/cluster/backup/weekday-web")) is None
    gone = api.get("/cluster/backup/weekday-web")
    assert gone.status_code == 400 and gone.json()["errors"] == {"id": "No such job 'weekday-web'"}


def test_the_old_starttime_and_dow_become_a_schedule(api: httpx.Client) -> None:
    api.post("/cluster/backup", data={"id": "legacy", "starttime": "03:15", "dow": "sat,sun", "all": 1,
                                      "exclude": "107", "storage": "local"})
    job = data(api.get("/cluster/backup/legacy"))
    assert job["schedule"] == "sat,sun 03:15" and "starttime" not in job and "dow" not in job
    assert job["all"] == 1 and job["exclude"] == "107"
    both = api.post("/cluster/backup", data={"schedule": "02:00", "starttime": "02:00", "vmid": "101"})
    assert both.status_code == 400
    assert both.json()["errors"] == {"starttime": "'starttime' and 'schedule' cannot both be set"}
    neither = api.post("/cluster/backup", data={"vmid": "101"})
    assert neither.json()["errors"] == {"schedule": "neither 'starttime' nor 'schedule' were set"}


@pytest.mark.parametrize("schedule", ["daily", "hourly", "*/15", "mon..fri 8..17,22:0/15", "sat *-1..7 15:00",
                                      "2026-12-24 18:00", "sun 03:30", "12,14,16:05", "fri 12..13:5/20"])
def test_the_calendar_events_pve_documents_are_accepted(api: httpx.Client, schedule: str) -> None:
    jobid = "cal-" + str(abs(hash(schedule)))
    assert data(api.post("/cluster/backup", data={"id": jobid, "schedule": schedule, "vmid": "101"})) is None
    entry = next(j for j in data(api.get("/cluster/backup")) if j["id"] == jobid)
    assert entry["schedule"] == schedule and entry["next-run"] > 0
    api.delete(f"/cluster/backup/{jobid}")


@pytest.mark.parametrize("schedule", ["noon", "25:00", "mon..funday 02:00", "02:61", "1:2:3:4"])
def test_a_schedule_pve_cannot_parse_is_refused(api: httpx.Client, schedule: str) -> None:
    response = api.post("/cluster/backup", data={"schedule": schedule, "vmid": "101"})
    assert response.status_code == 400
    assert response.json()["errors"]["schedule"].startswith(f"invalid format - invalid calendar event '{schedule}' - ")


def test_errors_raised_inside_pves_config_lock_come_back_as_it_words_them(api: httpx.Client) -> None:
    assert refusal(api.post("/cluster/backup", data={"schedule": "02:00", "vmid": "101", "all": 1})) == \
        "400 Parameter verification failed.\nall: option conflicts with option 'vmid'\n"
    assert refusal(api.post("/cluster/backup", data={"schedule": "02:00"})) == \
        "400 Parameter verification failed.\nvmid: property is missing\n"
    assert refusal(api.post("/cluster/backup", data={"id": "backup-3c9d51e2-7f0a", "schedule": "02:00",
                                                     "vmid": "101"})) == \
        "Job 'backup-3c9d51e2-7f0a' already exists\n"
    nothing = api.put("/cluster/backup/backup-3c9d51e2-7f0a", data={})
    assert nothing.status_code == 500 and nothing.json()["message"] == "no options specified\n"
    assert refusal(api.delete("/cluster/backup/nope")) == "400 Parameter verification failed.\nid: No such job 'nope'\n"
    assert refusal(api.put("/cluster/backup/backup-3c9d51e2-7f0a", data={"delete": "bogus"})) == \
        "400 Parameter verification failed.\ndelete: unknown option 'bogus'\n"
    missing_pool = api.post("/cluster/backup", data={"schedule": "02:00", "pool": "nope"})
    assert missing_pool.status_code == 403 and "pool 'nope' does not exist" in missing_pool.json()["message"]
    needs = api.post("/cluster/backup", data={"schedule": "02:00", "vmid": "101", "notes-template": "x"})
    assert needs.json()["errors"] == {"storage": "missing property required by 'notes-template'"}
    token_root = api.post("/cluster/backup", data={"schedule": "02:00", "vmid": "101", "dumpdir": "/tmp"})
    assert token_root.json()["errors"] == {"dumpdir": "Only root may set this option."}  # a token is not root@pam


def test_included_volumes_show_each_guests_disks(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    tree = data(api.get("/cluster/backup/backup-3c9d51e2-7f0a/included_volumes"))
    assert not shape_problems(tree, pve_returns[("GET", "/cluster/backup/{id}/included_volumes")],
                              extra=frozenset({"leaf"}))
    guests = {g["id"]: g for g in tree["children"]}
    assert set(guests) == {101, 103} and guests[103]["name"] == "db-01" and guests[103]["type"] == "qemu"
    assert {"id": "103:scsi0", "included": 1, "reason": "backup=yes"}.items() <= guests[103]["children"][0].items()
    weekly = {g["id"]: g for g in data(api.get("/cluster/backup/backup-8e41f0b7-55d2/included_volumes"))["children"]}
    assert weekly[200]["type"] == "lxc" and weekly[200]["children"][0]["reason"] == "rootfs"
    api.post("/cluster/backup", data={"id": "ghost", "schedule": "02:00", "vmid": "101,4242"})
    ghost = {g["id"]: g for g in data(api.get("/cluster/backup/ghost/included_volumes"))["children"]}
    assert ghost[4242] == {"id": 4242, "type": "unknown", "leaf": 1}


def test_reading_needs_sys_audit_and_changing_sys_modify(auditor: httpx.Client) -> None:
    assert data(auditor.get("/cluster/backup"))
    denied = auditor.post("/cluster/backup", data={"schedule": "02:00", "vmid": "101"})
    assert denied.status_code == 403 and denied.json()["message"] == "Permission check failed (/, Sys.Modify)\n"
    assert auditor.delete("/cluster/backup/backup-3c9d51e2-7f0a").status_code == 403
