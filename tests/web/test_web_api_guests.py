"""Guests over the web API: the same rules as the CLI, and PVE's own ACLs deciding who may do what."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest
from web_support import LiveWeb, live_web, set_password

from pmpc_tui.simulator.server import SimulatorThread

AUDITOR_PASSWORD = "auditor-pass-123"


@pytest.fixture
def web(sim: SimulatorThread) -> Iterator[LiveWeb]:
    set_password(sim, "auditor@pve", AUDITOR_PASSWORD)
    with live_web(sim) as server:
        yield server


@pytest.fixture
def root(web: LiveWeb, sim: SimulatorThread) -> Iterator[httpx.Client]:
    client, _ = web.login("root", sim.info.password)
    with contextlib.closing(client):
        yield client


def status_of(sim: SimulatorThread, vmid: int) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[vmid].status))


def writes(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["writes"])


def test_listing_and_describing_guests(root: httpx.Client) -> None:
    vms = root.get("/api/v1/guests").json()["data"]
    cts = root.get("/api/v1/guests", params={"kind": "ct"}).json()["data"]
    assert any(g["name"] == "web-01" for g in vms)
    assert cts and all(g["vmid"] not in {v["vmid"] for v in vms} for g in cts)
    running = root.get("/api/v1/guests", params={"status": "running"}).json()["data"]
    assert running and all(g["status"] == "running" for g in running)
    one = root.get("/api/v1/guests/vm/web-01")
    assert one.status_code == 200 and one.json()["data"]["vmid"] == 101
    assert root.get("/api/v1/nodes").json()["data"][0]["node"] == "pve1"
    assert root.get("/api/v1/guests/vm/99999").status_code == 404
    r = root.get("/api/v1/guests/disk/101")
    assert r.status_code == 400 and r.json()["error"]["code"] == "USAGE"


def test_stopping_a_guest_needs_confirm_then_stops_it(root: httpx.Client, sim: SimulatorThread) -> None:
    before = writes(sim)
    r = root.post("/api/v1/guests/vm/101/stop", json={})
    assert r.status_code == 428
    assert r.json()["error"]["code"] == "REFUSED" and "vm 101" in r.json()["error"]["message"]
    assert writes(sim) == before and status_of(sim, 101) == "running"
    r = root.post("/api/v1/guests/vm/101/stop", json={"confirm": True, "wait": True})
    assert r.status_code == 200, r.text
    assert r.json()["exit_code"] == "OK" and r.json()["data"]["exitstatus"] == "OK"
    assert status_of(sim, 101) == "stopped"
    r = root.post("/api/v1/guests/vm/101/start", json={"wait": True})
    assert r.status_code == 200 and status_of(sim, 101) == "running"


def test_an_auditor_cannot_power_a_guest_pve_says_403(web: LiveWeb, sim: SimulatorThread) -> None:
    client, _ = web.login("auditor", AUDITOR_PASSWORD, realm="pve")
    with contextlib.closing(client):
        assert client.get("/api/v1/guests").status_code == 200  # reading is allowed
        r = client.post("/api/v1/guests/vm/101/stop", json={"confirm": True})
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "PERMISSION"
        assert "VM.PowerMgmt" in r.json()["error"]["message"]
    assert status_of(sim, 101) == "running"


def test_bad_input_is_400_and_sends_nothing(root: httpx.Client, sim: SimulatorThread) -> None:
    before = writes(sim)
    for path, body in (("/api/v1/guests/vm/101/start", {"timeout": "soon"}),
                       ("/api/v1/guests/vm/101/start", {"wait": "yes"}),
                       ("/api/v1/guests/vm/--yes/start", {}),
                       ("/api/v1/guests/vm/101/snapshots", {"name": "-rf"}),
                       ("/api/v1/guests/vm/101/migrate", {"node": {"a": 1}}),
                       ("/api/v1/backups", {"kind": "vm", "guests": "101"})):
        r = root.post(path, json=body)
        assert r.status_code == 400, (path, body, r.text)
        assert r.json()["error"]["code"] == "USAGE"
    assert root.post("/api/v1/guests/vm/101/start", content=b"[1, 2]").status_code == 400
    huge = root.post("/api/v1/guests/vm/101/start", content=b'{"x": "' + b"a" * 300_000 + b'"}')
    assert huge.status_code == 400 and "too large" in huge.json()["error"]["message"]
    assert writes(sim) == before


def test_snapshots_create_list_rollback_and_delete_ask_as_the_cli_does(root: httpx.Client,
                                                                       sim: SimulatorThread) -> None:
    r = root.post("/api/v1/guests/ct/200/snapshots", json={"name": "before-upgrade", "description": "web test"})
    assert r.status_code == 200, r.text
    names = str(root.get("/api/v1/guests/ct/200/snapshots").json()["data"])
    assert "before-upgrade" in names
    r = root.post("/api/v1/guests/ct/200/snapshots/before-upgrade/rollback", json={})
    assert r.status_code == 428
    expected = r.json()["error"]["expected"]
    assert expected and r.json()["error"]["question"]
    r = root.post("/api/v1/guests/ct/200/snapshots/before-upgrade/rollback", json={"confirm": "wrong"})
    assert r.status_code == 428
    r = root.post("/api/v1/guests/ct/200/snapshots/before-upgrade/rollback", json={"confirm": expected})
    assert r.status_code == 200, r.text
    r = root.request("DELETE", "/api/v1/guests/ct/200/snapshots/before-upgrade", json={})
    assert r.status_code == 428
    r = root.request("DELETE", "/api/v1/guests/ct/200/snapshots/before-upgrade",
                     json={"confirm": r.json()["error"]["expected"]})
    assert r.status_code == 200, r.text
    assert "before-upgrade" not in str(root.get("/api/v1/guests/ct/200/snapshots").json()["data"])


def test_backups_list_and_create(root: httpx.Client) -> None:
    r = root.post("/api/v1/backups", json={"kind": "ct", "guests": [200]})
    assert r.status_code == 200, r.text
    listed = root.get("/api/v1/backups", params={"guest": "200"})
    assert listed.status_code == 200 and "200" in str(listed.json()["data"])


def test_migrate_and_clone_run_through_the_same_checks(root: httpx.Client, sim: SimulatorThread) -> None:
    r = root.post("/api/v1/guests/vm/101/migrate", json={"node": "pve9"})
    assert r.status_code in (400, 404), r.text
    r = root.post("/api/v1/guests/vm/100/clone", json={"name": "web-clone", "dry_run": True})
    assert r.status_code == 200, r.text
    r = root.post("/api/v1/guests/vm/100/clone", json={"name": "web-clone"})
    assert r.status_code == 200, r.text
    assert any(g.name == "web-clone" for g in sim.call(lambda: list(sim.sim.cluster.guests.values())))


def test_deleting_a_guest_needs_its_name_typed(root: httpx.Client, sim: SimulatorThread) -> None:
    stopped = sim.call(lambda: next(g for g in sim.sim.cluster.guests.values()
                                    if g.status == "stopped" and not g.config.get("template") and g.kind == "qemu"))
    r = root.request("DELETE", f"/api/v1/guests/vm/{stopped.vmid}", json={"confirm": "not-the-name"})
    assert r.status_code == 428
    assert stopped.vmid in sim.call(lambda: set(sim.sim.cluster.guests))
    r = root.request("DELETE", f"/api/v1/guests/vm/{stopped.vmid}", json={"confirm": stopped.name})
    assert r.status_code == 200, r.text
    assert stopped.vmid not in sim.call(lambda: set(sim.sim.cluster.guests))


def test_read_only_server_refuses_every_change_and_writes_nothing(sim: SimulatorThread) -> None:
    with live_web(sim, read_only=True, state_name="web-ro") as web:
        client, _ = web.login("root", sim.info.password)
        with contextlib.closing(client):
            before = writes(sim)
            assert client.get("/api/v1/guests").status_code == 200
            for path in ("/api/v1/guests/vm/101/stop", "/api/v1/guests/vm/101/start", "/api/v1/apply",
                         "/api/v1/guests/vm/101/snapshots", "/api/v1/backups"):
                r = client.post(path, json={"confirm": True})
                assert r.status_code == 403, path
                assert "read-only" in r.json()["error"]["message"]
            assert client.get("/api/v1/audit").json()["entries"] == []
            assert writes(sim) == before
            assert client.post("/api/v1/auth/logout").status_code == 200


def test_a_user_without_sys_audit_sees_neither_the_audit_log_nor_the_logs(web: LiveWeb, sim: SimulatorThread) -> None:
    from pmpc_tui.simulator.auth import ACLEntry, User

    def add_vm_user() -> None:
        sim.sim.access.users["vmuser@pve"] = User("vmuser@pve", "vm-user-pass-1")
        sim.sim.access.acl.append(ACLEntry("/vms/101", "vmuser@pve", "PVEVMUser"))

    sim.call(add_vm_user)
    client, _ = web.login("vmuser", "vm-user-pass-1", realm="pve")
    with contextlib.closing(client):
        for path in ("/api/v1/audit", "/api/v1/logs"):
            r = client.get(path)
            assert r.status_code == 403, path
            assert "Sys.Audit" in r.json()["error"]["message"]
        assert client.post("/api/v1/guests/vm/101/start", json={"dry_run": True}).status_code == 200  # its own VM
    auditor, _ = web.login("auditor", AUDITOR_PASSWORD, realm="pve")
    with contextlib.closing(auditor):
        assert auditor.get("/api/v1/audit").status_code == 200


def test_starting_a_template_is_a_clear_409_naming_the_clone_and_sends_nothing(root: httpx.Client,
                                                                             sim: SimulatorThread) -> None:
    before = writes(sim)
    r = root.post("/api/v1/guests/vm/100/start", json={})
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "CONFLICT" and "template" in error["message"]
    assert "clone vm 100" in error["next_step"]
    assert writes(sim) == before
