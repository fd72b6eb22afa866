"""Contract: vzdump, qmrestore/pct restore and backup volumes answer as PVE 9.1 does.

Parameters of these routes are checked against the schema with every other route (test_contract_schema.py);
here: each answer against the schema's `returns`, and the effects and refusals a user meets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from contract_support import data, finish, refusal, shape_problems

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def log(client: httpx.Client, upid: str) -> list[str]:
    return [e["t"] for e in data(client.get(f"/nodes/{upid.split(':')[1]}/tasks/{upid}/log", params={"limit": 0}))]


def content(client: httpx.Client, node: str, storage: str, **params: Any) -> list[dict[str, Any]]:
    return list(data(client.get(f"/nodes/{node}/storage/{storage}/content", params={"content": "backup", **params})))


def test_backup_content_entries_match_the_schema(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    schema = pve_returns[("GET", "/nodes/{node}/storage/{storage}/content")]
    for storage in ("local", "nas", "pbs"):
        entries = content(api, "pve1", storage)
        assert not shape_problems(entries, schema)
    pbs = content(api, "pve1", "pbs")
    assert pbs and all(e["format"] == "pbs-vm" and e["subtype"] == "qemu" for e in pbs if "/vm/" in e["volid"])


def test_content_is_filtered_by_content_type_and_vmid(api: httpx.Client) -> None:
    assert all(e["vmid"] == 101 for e in content(api, "pve1", "pbs", vmid=101))
    isos = data(api.get("/nodes/pve1/storage/local/content", params={"content": "iso"}))
    assert isos and all(e["content"] == "iso" for e in isos)


@pytest.mark.parametrize(("compress", "suffix"), [("zstd", ".vma.zst"), ("lzo", ".vma.lzo"), ("gzip", ".vma.gz"),
                                                  ("0", ".vma")])
def test_vzdump_names_the_archive_as_pve_does(api: httpx.Client, pve_returns: dict[tuple[str, str], Any],
                                              compress: str, suffix: str) -> None:
    upid = data(api.post("/nodes/pve3/vzdump", data={"vmid": "108", "storage": "nas", "compress": compress}))
    assert not shape_problems(upid, pve_returns[("POST", "/nodes/{node}/vzdump")])
    assert finish(api, upid)["exitstatus"] == "OK"
    names = [e["volid"] for e in content(api, "pve3", "nas", vmid=108)]
    assert any(n.startswith("nas:backup/vzdump-qemu-108-") and n.endswith(suffix) and
               n[len("nas:backup/vzdump-qemu-108-"):].count("_") == 4 for n in names)


def test_vzdump_log_shows_progress_lines_and_the_guest_is_locked_while_it_runs(sim: SimulatorThread,
                                                                              api: httpx.Client) -> None:
    sim.sim.api.tasks.speed = 0.3
    try:
        upid = data(api.post("/nodes/pve2/vzdump", data={"vmid": "104", "storage": "pbs", "mode": "snapshot"}))
        time.sleep(0.15)
        assert data(api.get("/nodes/pve2/qemu/104/config")).get("lock") == "backup"
        assert "VM is locked (backup)" in refusal(api.put("/nodes/pve2/qemu/104/config", data={"cores": 3}))
    finally:
        sim.sim.api.tasks.speed = 0.02
    assert finish(api, upid)["exitstatus"] == "OK"
    lines = log(api, upid)
    assert lines[0].startswith("INFO: starting new backup job: vzdump 104")
    assert any(line.startswith("INFO:  50% (") for line in lines)
    assert "INFO: Backup job finished successfully" in lines
    assert "lock" not in data(api.get("/nodes/pve2/qemu/104/config"))


def test_vzdump_on_a_node_without_the_guests_answers_ok_and_starts_nothing(api: httpx.Client) -> None:
    assert data(api.post("/nodes/pve3/vzdump", data={"vmid": "101"})) == "OK"


def test_vzdump_refuses_storage_without_backup_content(api: httpx.Client) -> None:
    text = refusal(api.post("/nodes/pve1/vzdump", data={"vmid": "101", "storage": "local-lvm"}))
    assert "can't use storage 'local-lvm' for backups" in text


def test_a_guest_failing_in_the_job_ends_it_with_job_errors(api: httpx.Client) -> None:
    upid = data(api.post("/nodes/pve1/vzdump", data={"vmid": "101,999999", "storage": "local"}))
    assert finish(api, upid)["exitstatus"] == "job errors"
    assert any(line.startswith("ERROR: Backup of VM 999999 failed") for line in log(api, upid))


def test_qmrestore_creates_the_vm_from_the_archive(api: httpx.Client) -> None:
    volid = content(api, "pve1", "pbs", vmid=103)[0]["volid"]
    upid = data(api.post("/nodes/pve1/qemu", data={"vmid": "170", "archive": volid, "storage": "local-lvm"}))
    assert upid.split(":")[5] == "qmrestore" and finish(api, upid)["exitstatus"] == "OK"
    config = data(api.get("/nodes/pve1/qemu/170/config"))
    assert config["name"] == "db-01" and config["scsi0"].startswith("local-lvm:vm-170-disk-0,")
    assert any("transferred" in line for line in log(api, upid))


def test_pct_restore_creates_the_container_from_the_archive(api: httpx.Client) -> None:
    volid = content(api, "pve1", "local", vmid=200)[0]["volid"]
    upid = data(api.post("/nodes/pve1/lxc", data={"vmid": "270", "ostemplate": volid, "restore": 1,
                                                  "storage": "local-lvm"}))
    assert upid.split(":")[5] == "vzrestore" and finish(api, upid)["exitstatus"] == "OK"
    assert data(api.get("/nodes/pve1/lxc/270/config"))["hostname"] == "pihole"


def test_restore_over_an_existing_guest_needs_force_and_a_stopped_guest(api: httpx.Client) -> None:
    volid = content(api, "pve1", "local", vmid=200)[0]["volid"]
    assert "already exists" in refusal(api.post("/nodes/pve1/lxc", data={"vmid": "200", "ostemplate": volid,
                                                                         "restore": 1}))
    assert "running" in refusal(api.post("/nodes/pve1/lxc", data={"vmid": "200", "ostemplate": volid, "restore": 1,
                                                                  "force": 1}))


def test_volume_attributes_notes_and_deletion(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    volid = content(api, "pve1", "local", vmid=109)[0]["volid"]
    path = f"/nodes/pve1/storage/local/content/{quote(volid, safe='')}"
    attrs = data(api.get(path))
    assert not shape_problems(attrs, pve_returns[("GET", "/nodes/{node}/storage/{storage}/content/{volume}")])
    assert data(api.put(path, data={"notes": "before upgrade", "protected": 1})) is None
    assert "cannot delete protected backup" in refusal(api.delete(path))
    data(api.put(path, data={"protected": 0}))
    upid = data(api.delete(path))
    assert finish(api, upid)["exitstatus"] == "OK"
    assert volid not in {e["volid"] for e in content(api, "pve1", "local")}


def test_what_ansible_reads_matches_the_schema(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    assert not shape_problems(data(api.get("/access/permissions")), pve_returns[("GET", "/access/permissions")])
    jobs = data(api.get("/cluster/backup"))
    # PVE answers `prune-backups` parsed (an object, as its web UI reads it) though the schema says string
    assert all(isinstance(job.get("prune-backups", {}), dict) for job in jobs)
    plain = [{k: v for k, v in job.items() if k != "prune-backups"} for job in jobs]
    assert jobs and not shape_problems(plain, pve_returns[("GET", "/cluster/backup")])
