"""Contract: the PVE behaviours listed in `../shared/pve-api/README.md`, pinned against the simulator.

Auth (401 with an empty body, which routes are open, CSRF with tickets only, ticket format and
lifetime), the error envelope and its status codes, value types (string `nextid` and `memory`,
0/1 booleans), UPIDs, task status and logs, tag normalisation and new NIC MACs.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pmpc_tui.simulator import handlers
from pmpc_tui.simulator.server import SimulatorThread

OPEN_ROUTES = {("GET", "/access/ticket"), ("POST", "/access/ticket"), ("GET", "/access/domains")}
# The UPID grammar from the README, written out independently of the client's parser.
UPID = re.compile(
    r"^UPID:(?P<node>[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):(?P<pid>[0-9A-F]{8}):(?P<pstart>[0-9A-F]{8}):"
    r"(?P<starttime>[0-9A-F]{8}):(?P<type>[^:\s]+):(?P<id>[^:\s]*):"
    r"(?P<user>[^:\s!@]+@[^:\s!@]+)(?P<token>![^:\s]+)?:$"
)
TICKET = re.compile(r"^PVE:(?P<user>[^:]+@[^:]+):(?P<time>[0-9A-F]{8})::(?P<sig>[A-Za-z0-9+/]+={0,2})$")
MAC = re.compile(r"BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}")
PATH_VALUES = {"node": "pve1", "vmid": "101", "snapname": "snap1", "storage": "local", "poolid": "production",
               "id": "backup-3c9d51e2-7f0a", "sid": "vm:103", "rule": "db-prefers-pve2", "group": "prefer-pve1",
               "volume": "local:backup/vzdump-qemu-101-2026_11_30-10_00_00.vma.zst",
               "upid": "UPID:pve1:00001234:00005678:6740A1B2:qmstart:101:root@pam:"}
PATH_VALUES.update({"group": "webservers", "name": "lan", "cidr": "192.168.1.100", "pos": "0"})  # the firewall's
PATH_VALUES.update({"zone": "lab", "vnet": "labnet", "subnet": "lab-10.10.0.0-24"})  # SDN
PATH_VALUES.update({"userid": "alice@pve", "tokenid": "ci", "groupid": "admins", "roleid": "PVEAdmin",
                    "realm": "pve"})  # access


def _client(sim: SimulatorThread, token: bool = True, auditor: bool = False) -> httpx.Client:
    info = sim.info
    headers = {}
    if auditor:
        headers["Authorization"] = f"PVEAPIToken={info.auditor_token_id}={info.auditor_token_secret}"
    elif token:
        headers["Authorization"] = f"PVEAPIToken={info.token_id}={info.token_secret}"
    return httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10)


@pytest.fixture(scope="module")
def root(shared_sim: SimulatorThread) -> Iterator[httpx.Client]:
    with _client(shared_sim) as client:
        yield client


@pytest.fixture(scope="module")
def anonymous(shared_sim: SimulatorThread) -> Iterator[httpx.Client]:
    with _client(shared_sim, token=False) as client:
        yield client


@pytest.fixture
def fresh(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """Root token on a fresh simulator, for tests that change state."""
    with _client(sim) as client:
        yield client


def login(client: httpx.Client, sim: SimulatorThread) -> dict[str, Any]:
    response = client.post("/access/ticket", data={"username": sim.info.user, "password": sim.info.password})
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def wait_task(client: httpx.Client, upid: str, timeout: float = 10) -> dict[str, Any]:
    node = upid.split(":")[1]
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/nodes/{node}/tasks/{upid}/status").json()["data"]
        if status["status"] == "stopped" or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def error_body(response: httpx.Response) -> dict[str, Any]:
    """The error envelope: data null, message ending in a newline, optional per-parameter errors."""
    body: dict[str, Any] = response.json()
    assert body["data"] is None
    assert body["message"].endswith("\n")
    assert set(body) <= {"data", "message", "errors"}
    return body


# --- auth -----------------------------------------------------------------------------------------------
def test_401_has_an_empty_body_and_the_reason_in_the_status_line(anonymous: httpx.Client,
                                                                   shared_sim: SimulatorThread) -> None:
    response = anonymous.get("/version")
    assert response.status_code == 401
    assert response.content == b""
    assert response.reason_phrase.strip() not in ("", "Unauthorized")
    wrong_token = {"Authorization": f"PVEAPIToken={shared_sim.info.token_id}=wrong"}
    bad = anonymous.get("/version", headers=wrong_token)
    assert bad.status_code == 401 and bad.content == b"" and bad.reason_phrase.strip()
    wrong_password = anonymous.post("/access/ticket", data={"username": "root@pam", "password": "nope"})
    assert wrong_password.status_code == 401 and wrong_password.content == b""


SERVED = sorted(handlers.ROUTES)


@pytest.mark.parametrize("route", SERVED, ids=[f"{m} {p}" for m, p in SERVED])
def test_every_route_needs_auth_except_ticket_and_domains(anonymous: httpx.Client,
                                                         route: tuple[str, str]) -> None:
    method, template = route
    path = re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], template)
    # A bad parameter too: authentication comes before parameter checks.
    response = anonymous.request(method, path, params={"no-such-parameter": "1"})
    if route in OPEN_ROUTES:
        assert response.status_code != 401, response.text
    else:
        assert response.status_code == 401
        assert response.content == b""


def test_unknown_paths_need_auth_too(anonymous: httpx.Client) -> None:
    """pveproxy checks credentials before it looks for a handler."""
    response = anonymous.get("/nodes/pve1/no-such-thing")
    assert response.status_code == 401 and response.content == b""


def test_open_routes_answer_without_auth(anonymous: httpx.Client) -> None:
    assert anonymous.get("/access/domains").status_code == 200
    assert anonymous.get("/access/ticket").status_code == 200
    missing = anonymous.post("/access/ticket")
    assert missing.status_code == 400
    assert set(error_body(missing)["errors"]) == {"username", "password"}


def test_ticket_format_and_csrf_rules(anonymous: httpx.Client, shared_sim: SimulatorThread) -> None:
    data = login(anonymous, shared_sim)
    match = TICKET.match(data["ticket"])
    assert match, data["ticket"]
    assert match["user"] == data["username"] == shared_sim.info.user
    assert abs(int(match["time"], 16) - time.time()) < 60
    base64.b64decode(match["sig"], validate=True)
    assert data["CSRFPreventionToken"]
    cookie = {"Cookie": f"PVEAuthCookie={data['ticket']}"}
    csrf = {"CSRFPreventionToken": data["CSRFPreventionToken"]}
    # GET with the ticket alone works.
    assert anonymous.get("/nodes", headers=cookie).status_code == 200
    # Non-GET with a ticket needs the CSRF token: 401 without it, through to the handler with it
    # (an unknown parameter keeps the call from starting the VM: 400 proves auth passed).
    start = "/nodes/pve1/qemu/109/status/start"
    no_csrf = anonymous.post(start, headers=cookie, data={"no-such-parameter": "1"})
    assert no_csrf.status_code == 401 and no_csrf.content == b""
    bad_csrf = anonymous.post(start, headers={**cookie, "CSRFPreventionToken": "00000000:bad"},
                              data={"no-such-parameter": "1"})
    assert bad_csrf.status_code == 401
    with_csrf = anonymous.post(start, headers={**cookie, **csrf}, data={"no-such-parameter": "1"})
    assert with_csrf.status_code == 400
    # An API token never needs CSRF.
    token = {"Authorization": f"PVEAPIToken={shared_sim.info.token_id}={shared_sim.info.token_secret}"}
    assert anonymous.post(start, headers=token, data={"no-such-parameter": "1"}).status_code == 400


def test_ticket_lives_two_hours(anonymous: httpx.Client, shared_sim: SimulatorThread) -> None:
    access = shared_sim.sim.access
    user = shared_sim.info.user
    fresh_enough = shared_sim.call(lambda: access.make_ticket(user, now=time.time() - 2 * 3600 + 60))
    expired = shared_sim.call(lambda: access.make_ticket(user, now=time.time() - 2 * 3600 - 60))
    assert anonymous.get("/version", headers={"Cookie": f"PVEAuthCookie={fresh_enough}"}).status_code == 200
    assert anonymous.get("/version", headers={"Cookie": f"PVEAuthCookie={expired}"}).status_code == 401


# --- error envelope -------------------------------------------------------------------------------------
def test_parameter_errors_are_400_with_errors(root: httpx.Client) -> None:
    response = root.put("/nodes/pve1/qemu/101/config", data={"cores": "0", "bogus": "1"})
    assert response.status_code == 400
    assert response.reason_phrase == "Parameter verification failed."
    body = error_body(response)
    assert body["message"] == "Parameter verification failed.\n"
    assert body["errors"] == {
        "cores": "value must have a minimum value of 1",
        "bogus": "property is not defined in schema and the schema does not allow additional properties",
    }


def test_permission_errors_are_403(shared_sim: SimulatorThread) -> None:
    with _client(shared_sim, auditor=True) as auditor:
        assert auditor.get("/nodes/pve1/qemu/100/config").status_code == 200  # may look …
        response = auditor.post("/nodes/pve1/qemu/100/status/start")  # … but not touch
    assert response.status_code == 403
    body = error_body(response)
    assert body["message"] == "Permission check failed (/vms/100, VM.PowerMgmt)\n"
    assert "errors" not in body


def test_missing_config_is_500(root: httpx.Client) -> None:
    response = root.get("/nodes/pve1/qemu/999/config")
    assert response.status_code == 500
    message = error_body(response)["message"]
    assert message == "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"


def test_deleting_a_running_vm_is_500(root: httpx.Client) -> None:
    assert root.get("/nodes/pve1/qemu/101/status/current").json()["data"]["status"] == "running"
    response = root.delete("/nodes/pve1/qemu/101")
    assert response.status_code == 500
    assert "running" in error_body(response)["message"]
    assert root.get("/nodes/pve1/qemu/101/config").status_code == 200


def test_digest_mismatch_is_500(fresh: httpx.Client) -> None:
    config = fresh.get("/nodes/pve1/qemu/109/config").json()["data"]
    stale = fresh.put("/nodes/pve1/qemu/109/config", data={"cores": "3", "digest": "0" * 40})
    assert stale.status_code == 500
    message = error_body(stale)["message"]
    assert message == "detected modified configuration - file changed by other user? Try again.\n"
    current = fresh.put("/nodes/pve1/qemu/109/config", data={"cores": "3", "digest": config["digest"]})
    assert current.status_code == 200 and current.json() == {"data": None}


@pytest.mark.parametrize(("method", "path"), [("GET", "/nodes/pve1/no-such-thing"), ("POST", "/version"),
                                              ("PATCH", "/nodes/pve1/qemu/101/config")])
def test_unknown_methods_are_501(root: httpx.Client, method: str, path: str) -> None:
    response = root.request(method, path)
    assert response.status_code == 501
    assert error_body(response)["message"] == f"Method '{method} {path}' not implemented\n"


# --- value types ----------------------------------------------------------------------------------------
def test_nextid_is_a_string(root: httpx.Client) -> None:
    body = root.get("/cluster/nextid").json()
    assert isinstance(body["data"], str) and body["data"].isdigit()
    wanted = root.get("/cluster/nextid", params={"vmid": "4242"}).json()
    assert wanted == {"data": "4242"}
    taken = root.get("/cluster/nextid", params={"vmid": "101"})
    assert taken.status_code == 400 and error_body(taken)["errors"] == {"vmid": "VM 101 already exists"}


def test_qemu_memory_is_a_string(fresh: httpx.Client) -> None:
    assert isinstance(fresh.get("/nodes/pve1/qemu/101/config").json()["data"]["memory"], str)
    assert fresh.put("/nodes/pve1/qemu/109/config", data={"memory": "3072"}).status_code == 200
    assert fresh.get("/nodes/pve1/qemu/109/config").json()["data"]["memory"] == "3072"


def test_booleans_are_0_and_1(fresh: httpx.Client) -> None:
    for path in ("/cluster/resources", "/cluster/status", "/nodes/pve1/storage", "/nodes/pve1/lxc",
                 "/nodes/pve1/qemu/101/config"):
        assert not re.search(r":\s*(true|false)\b", fresh.get(path).text), path
    changed = fresh.put("/nodes/pve1/qemu/109/config", data={"onboot": "yes", "protection": "off"})
    assert changed.status_code == 200
    config = fresh.get("/nodes/pve1/qemu/109/config").json()["data"]
    assert (config["onboot"], config["protection"]) == (1, 0)
    template = next(e for e in fresh.get("/cluster/resources").json()["data"] if e.get("vmid") == 100)
    assert template["template"] == 1 and not isinstance(template["template"], bool)


# --- tasks ----------------------------------------------------------------------------------------------
def test_upid_format(fresh: httpx.Client, sim: SimulatorThread) -> None:
    upid = fresh.post("/nodes/pve1/qemu/109/status/start").json()["data"]
    match = UPID.match(upid)
    assert match, upid
    assert (match["node"], match["type"], match["id"]) == ("pve1", "qmstart", "109")
    assert match["user"] + (match["token"] or "") == sim.info.token_id
    assert abs(int(match["starttime"], 16) - time.time()) < 60
    status = fresh.get(f"/nodes/pve1/tasks/{upid}/status").json()["data"]
    assert status["upid"] == upid
    assert (status["pid"], status["pstart"], status["starttime"]) == (
        int(match["pid"], 16), int(match["pstart"], 16), int(match["starttime"], 16))


def test_task_status_and_log_of_a_successful_task() -> None:
    with SimulatorThread(task_speed=0.5) as slow, _client(slow) as client:
        upid = client.post("/nodes/pve1/qemu/109/status/start").json()["data"]
        running = client.get(f"/nodes/pve1/tasks/{upid}/status").json()["data"]
        assert running["status"] == "running" and "exitstatus" not in running
        done = wait_task(client, upid)
        assert done["status"] == "stopped" and done["exitstatus"] == "OK"
        log = client.get(f"/nodes/pve1/tasks/{upid}/log").json()["data"]
    assert [set(line) for line in log] == [{"n", "t"}] * len(log)
    assert [line["n"] for line in log] == list(range(1, len(log) + 1))
    assert log[-1]["t"] == "TASK OK"


def test_task_status_and_log_of_a_failed_task(fresh: httpx.Client) -> None:
    upid = fresh.post("/nodes/pve1/qemu/101/status/start").json()["data"]  # already running
    done = wait_task(fresh, upid)
    assert done["status"] == "stopped"
    assert done["exitstatus"] == "VM 101 already running"
    log = fresh.get(f"/nodes/pve1/tasks/{upid}/log").json()["data"]
    assert log[-1]["t"] == "TASK ERROR: VM 101 already running"


# --- config normalisation -------------------------------------------------------------------------------
def test_tags_are_lowercased_deduplicated_sorted_and_joined_with_semicolons(fresh: httpx.Client) -> None:
    changed = fresh.put("/nodes/pve1/qemu/109/config", data={"tags": "Web;prod,web  Alpha;PROD"})
    assert changed.status_code == 200
    assert fresh.get("/nodes/pve1/qemu/109/config").json()["data"]["tags"] == "alpha;prod;web"
    listed = next(e for e in fresh.get("/cluster/resources", params={"type": "vm"}).json()["data"]
                  if e["vmid"] == 109)
    assert listed["tags"] == "alpha;prod;web"
    assert fresh.put("/nodes/pve1/lxc/200/config", data={"tags": "Zeta,alpha"}).status_code == 200
    assert fresh.get("/nodes/pve1/lxc/200/config").json()["data"]["tags"] == "alpha;zeta"


def test_new_nics_get_a_proxmox_mac(fresh: httpx.Client) -> None:
    assert fresh.put("/nodes/pve1/qemu/109/config", data={"net1": "virtio,bridge=vmbr1"}).status_code == 200
    net1 = fresh.get("/nodes/pve1/qemu/109/config").json()["data"]["net1"]
    assert re.fullmatch(rf"virtio={MAC.pattern},bridge=vmbr1", net1), net1
    assert fresh.put("/nodes/pve1/lxc/200/config", data={"net1": "name=eth1,bridge=vmbr0"}).status_code == 200
    ct_net1 = fresh.get("/nodes/pve1/lxc/200/config").json()["data"]["net1"]
    assert re.search(rf"(^|,)hwaddr={MAC.pattern}(,|$)", ct_net1), ct_net1
    # An explicit MAC is kept.
    kept = "virtio=02:11:22:33:44:55,bridge=vmbr0"
    assert fresh.put("/nodes/pve1/qemu/109/config", data={"net2": kept}).status_code == 200
    assert fresh.get("/nodes/pve1/qemu/109/config").json()["data"]["net2"] == kept
