"""Contract: the storage file routes (download-url, upload, node version) and task stop answer and refuse as
PVE 9.1 does (issue #16): answers against the schema's `returns`, privileges, content and extension rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from contract_support import data, finish, shape_problems

from pmpc_tui.simulator.handlers_storage import simulated_checksum
from pmpc_tui.simulator.server import SimulatorThread

ROUTES = [("POST", "/nodes/{node}/storage/{storage}/download-url"), ("POST", "/nodes/{node}/storage/{storage}/upload"),
          ("GET", "/nodes/{node}/version"), ("DELETE", "/nodes/{node}/tasks/{upid}"),
          ("GET", "/nodes/{node}/storage/{storage}/content")]


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorThread]:
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def log(api: httpx.Client, upid: str) -> list[str]:
    return [line["t"] for line in data(api.get(f"/nodes/{upid.split(':')[1]}/tasks/{upid}/log", params={"limit": 0}))]


def test_every_answer_has_the_schema_shape(api: httpx.Client, pve_returns: dict[tuple[str, str], Any]) -> None:
    assert all(route in pve_returns for route in ROUTES)  # the routes exist in PVE 9.1 as the simulator serves them
    version = data(api.get("/nodes/pve1/version"))
    assert not shape_problems(version, pve_returns[("GET", "/nodes/{node}/version")]) and version["release"] == "9.1"
    url = "https://example.org/shape.iso"
    upid = data(api.post("/nodes/pve1/storage/local/download-url",
                         data={"url": url, "content": "iso", "filename": "shape.iso", "checksum-algorithm": "sha512",
                               "checksum": simulated_checksum(url, "sha512")}))
    assert not shape_problems(upid, pve_returns[("POST", "/nodes/{node}/storage/{storage}/download-url")])
    assert ":download:shape.iso:" in upid and finish(api, upid)["exitstatus"] == "OK"
    content = data(api.get("/nodes/pve1/storage/local/content", params={"content": "iso"}))
    assert not shape_problems(content, pve_returns[("GET", "/nodes/{node}/storage/{storage}/content")])
    assert any(v["volid"] == "local:iso/shape.iso" and v["format"] == "iso" for v in content)
    up = data(api.post("/nodes/pve1/storage/local/upload", data={"content": "vztmpl"},
                       files={"filename": ("shape.tar.zst", b"x" * 5000, "application/octet-stream")}))
    assert not shape_problems(up, pve_returns[("POST", "/nodes/{node}/storage/{storage}/upload")])
    assert ":imgcopy::" in up
    assert finish(api, up)["exitstatus"] == "OK"
    assert "finished file import successfully" in log(api, up)
    listed = data(api.get("/nodes/pve1/storage/local/content", params={"content": "vztmpl"}))
    assert {"volid": "local:vztmpl/shape.tar.zst", "format": "tzst", "size": 5000}.items() <= \
        next(v for v in listed if v["volid"] == "local:vztmpl/shape.tar.zst").items()


def test_a_wrong_checksum_fails_the_task_with_pves_message(api: httpx.Client) -> None:
    upid = data(api.post("/nodes/pve1/storage/local/download-url",
                         data={"url": "https://example.org/bad.iso", "content": "iso", "filename": "bad.iso",
                               "checksum-algorithm": "md5", "checksum": "0" * 32}))
    status = finish(api, upid)
    assert status["exitstatus"].startswith("checksum mismatch: got '") and "!= expect '0000" in status["exitstatus"]
    assert log(api, upid)[-2] == "calculating checksum..."


@pytest.mark.parametrize(("storage", "fields", "status", "text"), [
    ("local-lvm", {"content": "iso", "filename": "a.iso"}, 500, "not a file based storage"),
    ("nas", {"content": "vztmpl", "filename": "a.tar.zst"}, 500, "not configured for content-type 'vztmpl'"),
    ("local", {"content": "iso", "filename": "a.exe"}, 400, "wrong file extension"),
    ("local", {"content": "iso", "filename": "debian-12.7.0-amd64-netinst.iso"}, 500, "refusing to override"),
    ("local", {"content": "iso", "filename": "a.iso", "checksum": "00"}, 400, "requires this property"),
    ("local", {"content": "snippets", "filename": "a.iso"}, 400, "enumeration"),
])
def test_download_refusals_match_pve(api: httpx.Client, storage: str, fields: dict[str, str], status: int,
                                     text: str) -> None:
    response = api.post(f"/nodes/pve1/storage/{storage}/download-url", data={"url": "https://e.org/a", **fields})
    assert response.status_code == status and text in response.text, response.text


def test_an_upload_without_a_file_is_refused(api: httpx.Client) -> None:
    response = api.post("/nodes/pve1/storage/local/upload", data={"content": "iso", "filename": "x.iso"})
    assert response.status_code == 400 and "filename" in response.json()["errors"]


def test_download_and_upload_need_template_allocation(sim: SimulatorThread) -> None:
    """The auditor token (PVEAuditor on /) may list content but neither download nor upload."""
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.auditor_token_id}={info.auditor_token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=30) as client:
        assert client.get("/nodes/pve1/storage/local/content").status_code == 200
        refused = client.post("/nodes/pve1/storage/local/download-url",
                              data={"url": "https://e.org/p.iso", "content": "iso", "filename": "p.iso"})
        assert refused.status_code == 403 and "Datastore.AllocateTemplate" in refused.text
        upload = client.post("/nodes/pve1/storage/local/upload", data={"content": "iso"},
                             files={"filename": ("p.iso", b"x" * 10, "application/octet-stream")})
        assert upload.status_code == 403


def test_stopping_a_running_task_ends_it_interrupted(sim: SimulatorThread, api: httpx.Client) -> None:
    sim.sim.api.tasks.speed = 4.0
    try:
        upid = data(api.post("/nodes/pve1/storage/local/download-url",
                             data={"url": "https://example.org/long.iso", "content": "iso", "filename": "long.iso"}))
    finally:
        sim.sim.api.tasks.speed = 0.02
    assert data(api.delete(f"/nodes/pve1/tasks/{upid}")) is None
    assert finish(api, upid)["exitstatus"] == "interrupted by signal"
    assert not any(v["volid"] == "local:iso/long.iso"
                   for v in data(api.get("/nodes/pve1/storage/local/content", params={"content": "iso"})))


def test_an_upload_without_credentials_gets_the_usual_body_limit(sim: SimulatorThread) -> None:
    """Only a request with credentials may stream an unlimited body to the simulator's disk."""
    with httpx.Client(base_url=f"{sim.info.url}/api2/json", verify=False, timeout=30) as anonymous:
        big = anonymous.post("/nodes/pve1/storage/local/upload", data={"content": "iso"},
                             files={"filename": ("x.iso", b"\0" * (9 * 1024 * 1024), "application/octet-stream")})
        assert big.status_code == 413
        small = anonymous.post("/nodes/pve1/storage/local/upload", data={"content": "iso"},
                               files={"filename": ("x.iso", b"\0" * 10, "application/octet-stream")})
        assert small.status_code == 401
