"""The read cache: one user's concurrent identical reads share one PVE read; a change clears it; users never share."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from web_support import LiveWeb, live_web, set_password

from pmpc_tui.simulator.auth import ACLEntry, User
from pmpc_tui.simulator.server import SimulatorThread

VIEWER_PASSWORD = "viewer-pass-123"


@pytest.fixture
def web(sim: SimulatorThread) -> Iterator[LiveWeb]:
    with live_web(sim) as server:
        yield server


@pytest.fixture
def root(web: LiveWeb, sim: SimulatorThread) -> Iterator[httpx.Client]:
    client, _ = web.login("root", sim.info.password)
    with contextlib.closing(client):
        yield client


def pve_requests(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["requests"])


def slow_cluster(sim: SimulatorThread, ms: float) -> None:
    """Every PVE call takes `ms` (so two requests sent together are surely in flight together)."""
    sim.control("POST", "/faults", {"latency_ms": ms, "rate": 0.0})


def both_at_once(first: httpx.Client, second: httpx.Client, path: str) -> list[httpx.Response]:
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda c: c.get(path), (first, second)))


def test_two_concurrent_describes_of_one_user_cause_one_pve_read(web: LiveWeb, sim: SimulatorThread) -> None:
    one, _ = web.login("root", sim.info.password)
    two, _ = web.login("root", sim.info.password)  # a second login of the same user (a second browser)
    with contextlib.closing(one), contextlib.closing(two):
        assert one.get("/api/v1/guests/vm/102").status_code == 200  # both sessions have talked to PVE once
        assert two.get("/api/v1/guests?kind=ct").status_code == 200
        slow_cluster(sim, 150)
        before = pve_requests(sim)
        alone = one.get("/api/v1/guests/vm/103")
        per_describe = pve_requests(sim) - before
        assert alone.status_code == 200 and per_describe >= 2
        before = pve_requests(sim)
        answers = both_at_once(one, two, "/api/v1/guests/vm/101")
        assert [a.status_code for a in answers] == [200, 200]
        together = pve_requests(sim) - before  # the second waited for the first one's read
        assert together < 2 * per_describe and together <= per_describe + 1  # (+1: the cluster list's refresh)
        assert answers[0].json()["data"] == answers[1].json()["data"]
        how = {a.headers["X-PMPC-Cached"].split(";")[0] for a in answers}
        assert how in ({"miss", "shared"}, {"miss", "hit"})
        again = one.get("/api/v1/guests/vm/101")  # within the TTL: no PVE call at all
        assert again.headers["X-PMPC-Cached"].startswith("hit") and int(again.headers["Age"]) >= 0


def test_after_a_start_the_next_describe_shows_the_new_status(root: httpx.Client, sim: SimulatorThread) -> None:
    r = root.post("/api/v1/guests/vm/101/stop", json={"confirm": True, "wait": True})
    assert r.status_code == 200, r.text
    assert root.get("/api/v1/guests/vm/101").json()["data"]["status"] == "stopped"  # now cached
    assert root.get("/api/v1/guests/vm/101").headers["X-PMPC-Cached"].startswith("hit")
    r = root.post("/api/v1/guests/vm/101/start", json={"wait": True})
    assert r.status_code == 200, r.text
    after = root.get("/api/v1/guests/vm/101")
    assert after.headers["X-PMPC-Cached"].startswith("miss")
    assert after.json()["data"]["status"] == "running"
    listed = {g["vmid"]: g["status"] for g in root.get("/api/v1/guests").json()["data"]}
    assert listed[101] == "running"


def test_a_change_made_behind_the_servers_back_shows_once_the_ttl_passed(web: LiveWeb, root: httpx.Client,
                                                                        sim: SimulatorThread) -> None:
    import time

    assert root.get("/api/v1/guests/vm/101").json()["data"]["status"] == "running"
    sim.call(lambda: setattr(sim.sim.cluster.guests[101], "status", "stopped"))
    time.sleep(web.config.read_cache_ttl + 0.1)
    assert root.get("/api/v1/guests/vm/101").json()["data"]["status"] == "stopped"


def test_one_users_cached_list_never_answers_another_user(web: LiveWeb, root: httpx.Client,
                                                           sim: SimulatorThread) -> None:
    def add_viewer() -> None:  # a PVEAuditor of VM 101 only
        sim.sim.access.users["viewer@pve"] = User("viewer@pve", VIEWER_PASSWORD)
        sim.sim.access.acl.append(ACLEntry("/vms/101", "viewer@pve", "PVEAuditor"))

    sim.call(add_viewer)
    everything = root.get("/api/v1/guests")
    assert len(everything.json()["data"]) > 1
    assert root.get("/api/v1/guests/vm/102").status_code == 200  # root's answers are now cached
    viewer, _ = web.login("viewer", VIEWER_PASSWORD, realm="pve")
    with contextlib.closing(viewer):
        mine = viewer.get("/api/v1/guests")
        assert mine.status_code == 200
        assert mine.headers["X-PMPC-Cached"].startswith("miss")
        assert [g["vmid"] for g in mine.json()["data"]] == [101]
        hidden = viewer.get("/api/v1/guests/vm/102")
        assert hidden.status_code in (403, 404)
        assert "web-02" not in hidden.text and "102" not in str(hidden.json().get("data", ""))
    assert len(root.get("/api/v1/guests").json()["data"]) == len(everything.json()["data"])


def test_an_auditor_with_the_same_rights_still_reads_with_its_own_ticket(web: LiveWeb, root: httpx.Client,
                                                                         sim: SimulatorThread) -> None:
    set_password(sim, "auditor@pve", "auditor-pass-123")
    root.get("/api/v1/nodes")
    auditor, _ = web.login("auditor", "auditor-pass-123", realm="pve")
    with contextlib.closing(auditor):
        assert auditor.get("/api/v1/nodes").headers["X-PMPC-Cached"].startswith("miss")


def test_an_event_saying_a_guest_changed_clears_the_cache_at_once(root: httpx.Client, sim: SimulatorThread) -> None:
    import time

    from pmpc_tui.services import events

    assert root.get("/api/v1/guests/vm/101").json()["data"]["status"] == "running"
    sim.call(lambda: setattr(sim.sim.cluster.guests[101], "status", "stopped"))
    assert root.get("/api/v1/guests/vm/101").json()["data"]["status"] == "running"  # kept
    events.BUS.publish(events.make_event("guest.status", {"vmid": 101, "previous": "running",
                                                          "status": "stopped"}))
    time.sleep(0.2)  # the server's loop takes the event
    after = root.get("/api/v1/guests/vm/101")
    assert after.headers["X-PMPC-Cached"].startswith("miss")
    assert after.json()["data"]["status"] == "stopped"


def test_metrics_count_how_reads_were_answered(root: httpx.Client) -> None:
    for _ in range(3):
        assert root.get("/api/v1/nodes").status_code == 200
    text = root.get("/metrics").text
    counts = {line.split('"')[1]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
              if line.startswith("pmpc_web_reads_total{")}
    assert counts["pve"] >= 1 and counts["hit"] >= 2


def test_a_describe_reuses_the_users_cluster_list_and_a_clone_is_found_right_after(root: httpx.Client,
                                                                                  sim: SimulatorThread) -> None:
    assert root.get("/api/v1/guests").status_code == 200  # reads the cluster's resource list
    before = pve_requests(sim)
    assert root.get("/api/v1/guests/vm/102").status_code == 200
    assert pve_requests(sim) - before == 4  # config, status, snapshots, tasks: the resource list was reused
    r = root.post("/api/v1/guests/vm/101/clone", json={"name": "web-copy", "vmid": 150})
    assert r.status_code == 200, r.text
    found = root.get("/api/v1/guests/vm/web-copy")  # the clone's own writes cleared the kept list
    assert found.status_code == 200 and found.json()["data"]["vmid"] == 150
