"""Contract: storage definitions are created, changed and removed as PVE 9.1 does it (issue #20): each type with
its required properties and content types, `delete` and `digest` on change, passwords kept out of answers, and a
storage that guests' disks use removed without a check (PVE does not look)."""

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


def config(api: httpx.Client, sid: str) -> dict[str, Any]:
    return {k: v for k, v in data(api.get(f"/storage/{sid}")).items() if k != "digest"}


@pytest.mark.parametrize(("form", "expected"), [
    ({"storage": "backup2", "type": "dir", "path": "/srv/backup", "content": "backup,iso"},
     {"path": "/srv/backup", "content": "backup,iso"}),
    ({"storage": "nfs2", "type": "nfs", "server": "10.0.0.9", "export": "/export/pve", "options": "vers=4.2"},
     {"server": "10.0.0.9", "export": "/export/pve", "content": "images", "shared": 1, "path": "/mnt/pve/nfs2"}),
    ({"storage": "smb", "type": "cifs", "server": "10.0.0.10", "share": "vms", "username": "pve",
      "password": "hunter22"}, {"server": "10.0.0.10", "share": "vms", "username": "pve", "shared": 1}),
    ({"storage": "vg1", "type": "lvm", "vgname": "vg1", "shared": 1}, {"vgname": "vg1", "shared": 1}),
    ({"storage": "thin2", "type": "lvmthin", "vgname": "pve", "thinpool": "data2", "nodes": "pve1,pve2"},
     {"vgname": "pve", "thinpool": "data2", "nodes": "pve1,pve2", "content": "images,rootdir"}),
    ({"storage": "tank", "type": "zfspool", "pool": "tank/vms", "sparse": 1}, {"pool": "tank/vms", "sparse": "1"}),
    ({"storage": "pbs2", "type": "pbs", "server": "10.0.0.11", "datastore": "store2", "username": "root@pam",
      "password": "secret-pw", "fingerprint": ":".join(["ab"] * 32)}, {"datastore": "store2", "content": "backup"}),
])
def test_each_type_is_created_with_its_properties(api: httpx.Client, pve_returns: dict[tuple[str, str], Any],
                                                  form: dict[str, Any], expected: dict[str, Any]) -> None:
    answer = data(api.post("/storage", data=form))
    assert not shape_problems(answer, pve_returns[("POST", "/storage")])
    assert answer == {"storage": form["storage"], "type": form["type"]}
    got = config(api, form["storage"])
    assert got.items() >= expected.items() and "password" not in got
    listed = data(api.get("/storage", params={"type": form["type"]}))
    assert form["storage"] in {s["storage"] for s in listed} and all("password" not in s for s in listed)


def test_required_properties_content_and_other_types_options_are_checked(api: httpx.Client) -> None:
    missing = api.post("/storage", data={"storage": "x1", "type": "lvmthin", "vgname": "pve"})
    assert missing.status_code == 400 and missing.json()["errors"] == {
        "thinpool": "property is missing and it is not optional"}
    foreign = api.post("/storage", data={"storage": "x2", "type": "dir", "path": "/x", "vgname": "pve"})
    assert foreign.status_code == 400 and "vgname" in foreign.json()["errors"]
    assert refusal(api.post("/storage", data={"storage": "x3", "type": "lvm", "vgname": "v", "content": "iso"})) == \
        "storage does not support content type 'iso'\n"
    assert "already defined" in refusal(api.post("/storage", data={"storage": "local", "type": "dir", "path": "/x"}))
    assert api.post("/storage", data={"storage": "9bad", "type": "dir", "path": "/x"}).status_code == 400
    assert "local" in {s["storage"] for s in data(api.get("/storage"))}  # nothing of the refusals was kept


def test_a_change_checks_the_digest_and_deletes_options(api: httpx.Client,
                                                        pve_returns: dict[tuple[str, str], Any]) -> None:
    data(api.post("/storage", data={"storage": "scratch", "type": "dir", "path": "/scratch", "nodes": "pve1"}))
    digest = data(api.get("/storage/scratch"))["digest"]
    answer = data(api.put("/storage/scratch", data={"content": "iso,vztmpl", "digest": digest,
                                                    "prune-backups": "keep-last=3"}))
    assert not shape_problems(answer, pve_returns[("PUT", "/storage/{storage}")])
    assert config(api, "scratch")["content"] == "iso,vztmpl"
    stale = api.put("/storage/scratch", data={"disable": 1, "digest": digest})
    assert stale.status_code == 500 and "detected modified configuration" in stale.json()["message"]
    assert data(api.put("/storage/scratch", data={"delete": "nodes,prune-backups"})) is not None
    got = config(api, "scratch")
    assert "nodes" not in got and "prune-backups" not in got
    assert api.put("/storage/scratch", data={"path": "/elsewhere"}).status_code == 400  # fixed once created
    assert "does not exist" in refusal(api.put("/storage/nowhere", data={"disable": 1}))


def test_a_storage_in_use_is_removed_without_a_check_and_leaves_its_pools(api: httpx.Client) -> None:
    assert data(api.put("/pools", data={"poolid": "production", "storage": "nas"})) is None
    assert data(api.delete("/storage/nas")) is None  # VM 110's disk lives there; PVE does not check
    assert "nas" not in {s["storage"] for s in data(api.get("/storage"))}
    [pool] = data(api.get("/pools", params={"poolid": "production"}))
    assert not [m for m in pool["members"] if m["type"] == "storage"]
    assert "does not exist" in refusal(api.delete("/storage/nas"))
    for path in ("/cluster/resources", "/nodes/pve3/qemu/110/status/current", "/nodes/pve3/qemu/110/config",
                 "/nodes/pve3/storage", "/nodes/pve3/qemu", "/pools/production"):
        assert api.get(path).status_code == 200, path  # the guest whose disk was there still answers


def test_the_auditor_cannot_define_storage(auditor: httpx.Client) -> None:
    refused = auditor.post("/storage", data={"storage": "mine", "type": "dir", "path": "/mine"})
    assert refused.status_code == 403 and "(/storage, Datastore.Allocate)" in refused.json()["message"]
    assert auditor.delete("/storage/local").status_code == 403
