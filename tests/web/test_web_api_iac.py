"""Plan, apply, drift and validate over the web API, on the workspace `serve` was started in."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_support import LiveWeb, live_web

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def web(sim: SimulatorThread, imported_workspace: Path) -> Iterator[LiveWeb]:
    with live_web(sim, workspace=imported_workspace) as server:
        yield server


@pytest.fixture
def root(web: LiveWeb, sim: SimulatorThread) -> Iterator[httpx.Client]:
    client, _ = web.login("root", sim.info.password)
    with contextlib.closing(client):
        yield client


def memory_of(sim: SimulatorThread, vmid: int) -> str:
    g = sim.call(lambda: sim.sim.cluster.guests[vmid])
    return str(g.pending.get("memory") or g.config.get("memory"))


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_a_fresh_import_plans_nothing_and_validates(root: httpx.Client) -> None:
    r = root.get("/api/v1/plan")
    assert r.status_code == 200, r.text
    assert r.json()["exit_code"] == "OK" and r.json()["data"]["summary"]["update"] == 0
    r = root.get("/api/v1/validate", params={"offline": "true"})
    assert r.status_code == 200 and r.json()["exit_code"] == "OK", r.text
    r = root.get("/api/v1/drift")
    assert r.status_code == 200, r.text


def test_an_edit_is_planned_then_applied_only_with_confirm(root: httpx.Client, sim: SimulatorThread,
                                                           imported_workspace: Path) -> None:
    path = imported_workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    r = root.get("/api/v1/plan")
    assert r.status_code == 200 and r.json()["exit_code"] == "CHANGES"
    assert r.json()["data"]["summary"]["update"] == 1
    r = root.post("/api/v1/apply", json={})
    assert r.status_code == 428, r.text
    assert r.json()["error"]["code"] == "REFUSED"
    assert memory_of(sim, 101) == "2048"
    r = root.post("/api/v1/apply", json={"confirm": True})
    assert r.status_code == 200, r.text
    assert memory_of(sim, 101) == "4096"
    assert root.get("/api/v1/plan").json()["exit_code"] == "OK"


def test_a_delete_needs_allow_destroy_and_the_count(root: httpx.Client, sim: SimulatorThread,
                                                    imported_workspace: Path) -> None:
    (imported_workspace / "terraform" / "vm-109.tf").unlink()
    for body in ({"confirm": True}, {"confirm": "1"}, {"allow_destroy": True, "confirm": "2"},
                 {"allow_destroy": True, "confirm": True}):
        r = root.post("/api/v1/apply", json=body)
        assert r.status_code == 428, (body, r.text)
        assert 109 in sim.call(lambda: set(sim.sim.cluster.guests))
    assert r.json()["error"]["expected"] == "1"
    assert "allow_destroy" in r.json()["error"]["next_step"]
    r = root.post("/api/v1/apply", json={"allow_destroy": True, "confirm": "1"})
    assert r.status_code == 200, r.text
    assert 109 not in sim.call(lambda: set(sim.sim.cluster.guests))


def test_code_that_does_not_parse_is_422_and_nothing_is_planned(root: httpx.Client,
                                                                imported_workspace: Path) -> None:
    (imported_workspace / "terraform" / "broken.tf").write_text('resource "x" "y" {\n  a = \n')
    r = root.get("/api/v1/plan")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "DOES_NOT_PARSE" and "broken.tf" in r.json()["error"]["message"]
