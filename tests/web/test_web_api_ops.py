"""The remaining read routes and power actions answer as the CLI would: storage, cluster health, tasks and a
task's log, shutdown, reboot, suspend and resume."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from web_support import live_web

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def root(sim: SimulatorThread) -> Iterator[httpx.Client]:
    with live_web(sim, state_name="web-ops") as web:
        client, _ = web.login("root", sim.info.password)
        with contextlib.closing(client):
            yield client


def test_storage_health_tasks_and_a_task_log(root: httpx.Client) -> None:
    storage = root.get("/api/v1/storage", params={"node": "pve1"})
    assert storage.status_code == 200 and any(s["storage"] == "local" for s in storage.json()["data"])
    health = root.get("/api/v1/health/cluster")
    assert health.status_code == 200, health.text
    assert {c["check"] for c in health.json()["data"]} >= {"api", "credentials", "quorum", "nodes"}
    stopped = root.post("/api/v1/guests/ct/200/shutdown", json={"confirm": True, "wait": True})
    assert stopped.status_code == 200, stopped.text
    tasks = root.get("/api/v1/tasks", params={"limit": "5"})
    assert tasks.status_code == 200
    upid = stopped.json()["data"]["upid"]
    assert any(t["upid"] == upid for t in tasks.json()["data"])
    log = root.get(f"/api/v1/tasks/{upid}/log")
    assert log.status_code == 200 and "TASK OK" in str(log.json()["data"]) + log.json()["message"]
    assert root.get("/api/v1/tasks/not-a-upid/log").status_code == 400


def test_reboot_suspend_and_resume_a_running_vm(root: httpx.Client, sim: SimulatorThread) -> None:
    for action in ("reboot", "suspend"):
        assert root.post(f"/api/v1/guests/vm/101/{action}", json={}).status_code == 428
        r = root.post(f"/api/v1/guests/vm/101/{action}", json={"confirm": True, "wait": True})
        assert r.status_code == 200, (action, r.text)
    assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "paused"
    r = root.post("/api/v1/guests/vm/101/resume", json={"wait": True})  # resuming interrupts nothing: no confirm
    assert r.status_code == 200, r.text
    assert sim.call(lambda: sim.sim.cluster.guests[101].status) == "running"


def test_a_critical_health_check_is_a_report_not_a_server_error(root: httpx.Client, sim: SimulatorThread) -> None:
    sim.control("POST", "/nodes/pve2", {"online": False})
    health = root.get("/api/v1/health/cluster")
    assert health.status_code == 200
    assert health.json()["exit_code"] == "ERROR"
    assert any(c["check"] == "nodes" and c["status"] != "ok" for c in health.json()["data"])
