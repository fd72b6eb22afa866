"""The simulator refuses what real PVE 9.1 refuses, so it cannot hide our bugs (issue #12 item 8).

Each test makes real HTTPS requests to a running simulator, as any client of a real cluster would.
"""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pmpc_tui.simulator.server import SimulatorThread


def _client(sim: SimulatorThread) -> httpx.Client:
    info = sim.info
    return httpx.Client(base_url=f"{info.url}/api2/json", verify=False, timeout=15,
                        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"})


@pytest.fixture
def api(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """Root token on a fresh homelab simulator (tests here change state)."""
    with _client(sim) as client:
        yield client


def wait_task(client: httpx.Client, upid: str, timeout: float = 15) -> dict[str, Any]:
    node = upid.split(":")[1]
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/nodes/{node}/tasks/{upid}/status").json()["data"]
        if status["status"] == "stopped" or time.monotonic() > deadline:
            return status
        time.sleep(0.02)


def task_ok(client: httpx.Client, response: httpx.Response) -> None:
    assert response.status_code == 200, response.text
    status = wait_task(client, response.json()["data"])
    assert status["exitstatus"] == "OK", status


def config(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    data: dict[str, Any] = client.get(f"{path}/config", params=params).json()["data"]
    return data


# --- the simulator stands alone ------------------------------------------------------------------
def test_the_simulator_imports_nothing_else_of_the_package() -> None:
    code = ("import sys, pmpc_tui.simulator.server, pmpc_tui.simulator.api, pmpc_tui.simulator.handlers\n"
            "other = sorted(m for m in sys.modules if m.startswith('pmpc_tui.')"
            " and not m.startswith('pmpc_tui.simulator'))\n"
            "print(','.join(other))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == ""


# --- tags ----------------------------------------------------------------------------------------
def test_tags_are_sorted_and_semicolon_separated_in_the_large_scenario() -> None:
    with SimulatorThread(task_speed=0.02, scenario="large", nodes=2, vms=40, cts=20) as sim, _client(sim) as client:
        guests = client.get("/cluster/resources", params={"type": "vm"}).json()["data"]
    tagged = [g["tags"] for g in guests if g.get("tags")]
    assert len(tagged) == 60
    for tags in tagged:
        parts = tags.split(";")
        assert parts == sorted(parts) and "," not in tags and " " not in tags, tags


# --- request size --------------------------------------------------------------------------------
def test_a_body_over_8_mib_gets_a_413_answer_not_a_dropped_connection(shared_sim: SimulatorThread) -> None:
    big = b"description=" + b"x" * (9 * 1024 * 1024)
    with _client(shared_sim) as client:
        response = client.post("/nodes/pve1/qemu/101/config", content=big,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 413
        assert "larger than 8 MiB" in response.json()["message"]
        # a body without a declared length (chunked) is cut off the same way
        chunks = (b"x" * (1024 * 1024) for _ in range(9))
        response = client.post("/nodes/pve1/qemu/101/config", content=chunks,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 413
        # nothing was changed, and the server still answers
        assert "x" * 100 not in str(config(client, "/nodes/pve1/qemu/101").get("description", ""))


def test_a_declared_oversize_body_is_answered_before_it_is_sent(shared_sim: SimulatorThread) -> None:
    host, port = shared_sim.info.url.removeprefix("https://").split(":")
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((host, int(port)), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        tls.sendall(b"POST /api2/json/nodes/pve1/qemu HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n"
                    b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
        answer = tls.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413 ")


# --- clones across nodes -------------------------------------------------------------------------
def test_a_clone_to_another_node_from_local_storage_is_refused(api: httpx.Client) -> None:
    response = api.post("/nodes/pve1/qemu/100/clone", data={"newid": 150, "target": "pve2", "full": 1})
    assert response.status_code == 500
    assert response.json()["message"] == "can't clone VM to node 'pve2' (VM uses local storage)\n"
    response = api.post("/nodes/pve1/lxc/206/clone", data={"newid": 151, "target": "pve2", "full": 1})
    assert response.status_code == 500
    assert "can't clone CT to node 'pve2' (CT uses local storage)" in response.json()["message"]
    # nothing was created or locked
    assert api.get("/nodes/pve2/qemu/150/config").status_code == 500
    assert "lock" not in config(api, "/nodes/pve1/qemu/100")


def test_a_clone_on_the_same_node_or_from_shared_storage_works(api: httpx.Client) -> None:
    task_ok(api, api.post("/nodes/pve1/qemu/100/clone", data={"newid": 150, "name": "same-node"}))
    task_ok(api, api.post("/nodes/pve3/qemu/110/clone", data={"newid": 152, "target": "pve1"}))
    assert config(api, "/nodes/pve1/qemu/152")["scsi0"].startswith("nas:")
    task_ok(api, api.post("/nodes/pve3/lxc/204/clone", data={"newid": 153, "target": "pve2"}))


def test_a_cross_node_clone_onto_local_target_storage_is_refused(api: httpx.Client) -> None:
    response = api.post("/nodes/pve3/qemu/110/clone", data={"newid": 154, "target": "pve1",
                                                             "storage": "local-lvm"})
    assert response.status_code == 500
    assert response.json()["message"] == "can't clone to non-shared storage 'local-lvm'\n"


# --- volumes that do not exist -------------------------------------------------------------------
@pytest.mark.parametrize(("key", "value", "volid"), [
    ("scsi1", "local-lvm:vm-101-disk-9", "local-lvm:vm-101-disk-9"),
    ("ide2", "local:iso/nope.iso,media=cdrom", "local:iso/nope.iso"),
])
def test_a_drive_naming_a_volume_that_does_not_exist_is_refused(api: httpx.Client, key: str, value: str,
                                                                volid: str) -> None:
    before = config(api, "/nodes/pve1/qemu/109")
    response = api.put("/nodes/pve1/qemu/109/config", data={key: value})
    assert response.status_code == 500
    assert response.json()["message"] == f"volume '{volid}' does not exist\n"
    assert config(api, "/nodes/pve1/qemu/109") == before


def test_an_iso_of_another_node_does_not_exist_here_but_one_of_this_node_does(api: httpx.Client) -> None:
    response = api.put("/nodes/pve1/qemu/109/config",
                       data={"ide2": "local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom"})
    assert response.status_code == 200, response.text
    ide2 = config(api, "/nodes/pve1/qemu/109")["ide2"]
    assert ide2.startswith("local:iso/debian-12.7.0-amd64-netinst.iso,") and "size=631M" in ide2


def test_creating_a_vm_with_a_missing_volume_fails_its_task(api: httpx.Client) -> None:
    response = api.post("/nodes/pve1/qemu", data={"vmid": 160, "scsi0": "local-lvm:vm-160-disk-0"})
    assert response.status_code == 200
    status = wait_task(api, response.json()["data"])
    assert "volume 'local-lvm:vm-160-disk-0' does not exist" in status["exitstatus"]
    assert api.get("/nodes/pve1/qemu/160/config").status_code == 500


def test_the_allocation_syntax_still_creates_a_new_volume(api: httpx.Client) -> None:
    assert api.put("/nodes/pve1/qemu/109/config", data={"scsi1": "local-lvm:4"}).status_code == 200
    scsi1 = config(api, "/nodes/pve1/qemu/109")["scsi1"]
    assert scsi1.startswith("local-lvm:vm-109-disk-") and "size=4G" in scsi1


# --- replaced drives and sizes -------------------------------------------------------------------
def test_a_replaced_disk_is_kept_as_the_first_free_unused(api: httpx.Client) -> None:
    old = config(api, "/nodes/pve1/qemu/109")["scsi0"].split(",")[0]
    response = api.put("/nodes/pve1/qemu/109/config", data={"scsi0": "local-lvm:8"})
    assert response.status_code == 200, response.text
    conf = config(api, "/nodes/pve1/qemu/109")
    assert conf["unused0"] == old
    assert not conf["scsi0"].startswith(old + ",")
    # attaching it again takes it out of the unused list
    assert api.put("/nodes/pve1/qemu/109/config", data={"scsi1": old}).status_code == 200
    conf = config(api, "/nodes/pve1/qemu/109")
    assert "unused0" not in conf and conf["scsi1"].startswith(old + ",")


def test_updating_an_existing_drive_keeps_its_size(api: httpx.Client) -> None:
    old = config(api, "/nodes/pve1/qemu/109")["scsi0"]
    volid = old.split(",")[0]
    assert "size=40G" in old
    assert api.put("/nodes/pve1/qemu/109/config", data={"scsi0": f"{volid},cache=writeback"}).status_code == 200
    new = config(api, "/nodes/pve1/qemu/109")["scsi0"]
    assert "size=40G" in new and "cache=writeback" in new
    assert "unused0" not in config(api, "/nodes/pve1/qemu/109")


def test_resize_grows_from_the_real_volume_size(api: httpx.Client) -> None:
    volid = config(api, "/nodes/pve1/qemu/109")["scsi0"].split(",")[0]
    api.put("/nodes/pve1/qemu/109/config", data={"scsi0": f"{volid},ssd=1"})
    task_ok(api, api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "+2G"}))
    assert "size=42G" in config(api, "/nodes/pve1/qemu/109")["scsi0"]
    task_ok(api, api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "50G"}))
    assert "size=50G" in config(api, "/nodes/pve1/qemu/109")["scsi0"]
    content = api.get("/nodes/pve1/storage/local-lvm/content", params={"vmid": 109}).json()["data"]
    assert [v["size"] for v in content if v["volid"] == volid] == [50 * 1024**3]


def test_resize_refuses_to_shrink(api: httpx.Client) -> None:
    response = api.put("/nodes/pve1/qemu/109/resize", data={"disk": "scsi0", "size": "10G"})
    status = wait_task(api, response.json()["data"])
    assert status["exitstatus"] == "shrinking disks is not supported"
    assert "size=40G" in config(api, "/nodes/pve1/qemu/109")["scsi0"]


# --- pending changes on running guests -----------------------------------------------------------
def pending(client: httpx.Client, path: str) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for e in client.get(f"{path}/pending").json()["data"]}


def test_memory_and_cores_of_a_running_vm_wait_for_a_restart(api: httpx.Client) -> None:
    vm = "/nodes/pve1/qemu/101"
    response = api.put(f"{vm}/config", data={"memory": "4096", "cores": 4, "description": "front"})
    assert response.status_code == 200, response.text
    entries = pending(api, vm)
    assert entries["memory"] == {"key": "memory", "value": "2048", "pending": "4096"}
    assert entries["cores"]["value"] == 2 and entries["cores"]["pending"] == 4
    assert "pending" not in entries["description"]  # applied at once
    assert config(api, vm, current=1)["memory"] == "2048"  # what runs now
    assert config(api, vm)["memory"] == "4096"  # by default PVE shows the pending values applied
    resources = {g["vmid"]: g for g in api.get("/cluster/resources", params={"type": "vm"}).json()["data"]}
    assert resources[101]["maxmem"] == 2048 * 1024**2
    task_ok(api, api.post(f"{vm}/status/reboot"))
    assert config(api, vm, current=1)["memory"] == "4096"
    assert all("pending" not in e for e in pending(api, vm).values())


def test_stop_and_start_applies_pending_changes(api: httpx.Client) -> None:
    vm = "/nodes/pve2/qemu/103"
    api.put(f"{vm}/config", data={"cpu": "host", "delete": "agent"})
    entries = pending(api, vm)
    assert entries["cpu"]["pending"] == "host" and entries["agent"]["delete"] == 1
    task_ok(api, api.post(f"{vm}/status/stop"))
    assert "pending" in pending(api, vm)["cpu"]  # a stop alone applies nothing
    task_ok(api, api.post(f"{vm}/status/start"))
    conf = config(api, vm, current=1)
    assert conf["cpu"] == "host" and "agent" not in conf


def test_nics_and_scsi_disks_hot_plug_into_a_running_vm(api: httpx.Client) -> None:
    vm = "/nodes/pve1/qemu/101"
    api.put(f"{vm}/config", data={"net1": "virtio,bridge=vmbr1", "scsi1": "local-lvm:2", "tags": "b;a",
                                  "sata1": "local-lvm:1"})
    conf = config(api, vm, current=1)
    assert "net1" in conf and conf["scsi1"].startswith("local-lvm:vm-101-disk-") and conf["tags"] == "a;b"
    entries = pending(api, vm)
    assert "sata1" not in conf and entries["sata1"]["pending"].startswith("local-lvm:vm-101-disk-")


def test_a_stopped_vm_takes_every_change_at_once(api: httpx.Client) -> None:
    vm = "/nodes/pve1/qemu/109"
    api.put(f"{vm}/config", data={"memory": "8192", "cores": 8})
    assert config(api, vm, current=1)["memory"] == "8192"
    assert all("pending" not in e for e in pending(api, vm).values())


def test_containers_apply_memory_and_cores_live_but_rootfs_options_wait(api: httpx.Client) -> None:
    ct = "/nodes/pve1/lxc/200"
    volid = config(api, ct)["rootfs"].split(",")[0]
    response = api.put(f"{ct}/config", data={"memory": 1024, "cores": 2, "swap": 256,
                                             "rootfs": f"{volid},mountoptions=noatime",
                                             "features": "nesting=1,keyctl=1"})
    assert response.status_code == 200, response.text
    conf = config(api, ct, current=1)
    assert (conf["memory"], conf["cores"], conf["swap"]) == (1024, 2, 256)
    entries = pending(api, ct)
    assert "noatime" in entries["rootfs"]["pending"] and "size=8G" in entries["rootfs"]["pending"]
    assert entries["features"]["pending"] == "nesting=1,keyctl=1"
    task_ok(api, api.post(f"{ct}/status/reboot"))
    assert "noatime" in config(api, ct, current=1)["rootfs"]


def test_the_digest_changes_when_a_change_goes_pending(api: httpx.Client) -> None:
    vm = "/nodes/pve1/qemu/101"
    digest = config(api, vm)["digest"]
    api.put(f"{vm}/config", data={"memory": "3072"})
    assert config(api, vm)["digest"] != digest
    stale = api.put(f"{vm}/config", data={"memory": "1024", "digest": digest})
    assert stale.status_code == 500


# --- named formats -------------------------------------------------------------------------------
@pytest.mark.parametrize(("param", "value", "fragment"), [
    ("cpu", "hots", "Built-in cputype 'hots' is not defined"),
    ("cpu", "host,flags=+avx512", "VM-specific CPU flags must be a subset of"),
    ("cpu", "host,reported-model=kvm64", "'reported-model' not allowed"),
    ("cpu", "host,phys-bits=99", "between 8 and 64"),
    ("hotplug", "network,floppy", "invalid hotplug feature 'floppy'"),
    ("affinity", "0,5-2", "not a valid CPU set"),
    ("ipconfig0", "ip=10.0.0.5,gw=10.0.0.1", "valid IPv4 CIDR"),
    ("ipconfig0", "ip=10.0.0.5/24,gw=fe80::1", "valid IPv4 address"),
    ("boot", "order=scsi0;floppy0", "invalid boot device 'floppy0'"),
    ("hookscript", "hook.pl", "unable to parse volume ID"),
])
def test_named_formats_refuse_what_pve_refuses(shared_sim: SimulatorThread, param: str, value: str,
                                               fragment: str) -> None:
    with _client(shared_sim) as client:
        response = client.put("/nodes/pve1/qemu/109/config", data={param: value})
    assert response.status_code == 400
    assert fragment in response.json()["errors"][param]


@pytest.mark.parametrize(("param", "value"), [
    ("cpu", "x86-64-v2-AES"), ("cpu", "cputype=host,flags=+aes;-pcid,hidden=1"), ("hotplug", "1"),
    ("hotplug", "network,disk,cpu,memory"), ("affinity", "0,5,8-11"), ("ipconfig0", "ip=dhcp,ip6=auto"),
    ("ipconfig0", "ip=10.0.0.5/24,gw=10.0.0.1"), ("boot", "order=scsi0;ide2;net0"), ("boot", "cdn"),
])
def test_named_formats_accept_good_values(shared_sim: SimulatorThread, param: str, value: str) -> None:
    with _client(shared_sim) as client:
        response = client.put("/nodes/pve1/qemu/109/config", data={param: value})
    assert response.status_code == 200, response.text


def test_a_clone_gets_its_own_cloud_init_drive(api: httpx.Client) -> None:
    task_ok(api, api.post("/nodes/pve1/qemu/101/clone", data={"newid": 155, "name": "web-copy"}))
    assert config(api, "/nodes/pve1/qemu/155")["ide2"].startswith("local-lvm:vm-155-cloudinit,")


def test_the_asynchronous_config_update_fails_its_task_on_a_missing_volume(api: httpx.Client) -> None:
    response = api.post("/nodes/pve1/qemu/109/config", data={"scsi2": "nas:vm-109-disk-7"})
    assert response.status_code == 200
    assert wait_task(api, response.json()["data"])["exitstatus"] == "volume 'nas:vm-109-disk-7' does not exist"
    assert "scsi2" not in config(api, "/nodes/pve1/qemu/109")


def test_reverting_drops_a_pending_change(api: httpx.Client) -> None:
    vm = "/nodes/pve1/qemu/101"
    api.put(f"{vm}/config", data={"memory": "4096", "cpu": "host", "delete": "agent"})
    assert api.put(f"{vm}/config", data={"revert": "memory,agent"}).status_code == 200
    entries = pending(api, vm)
    assert "pending" not in entries["memory"] and "delete" not in entries["agent"]
    assert entries["cpu"]["pending"] == "host"
    assert config(api, vm)["memory"] == "2048"
    clash = api.put(f"{vm}/config", data={"revert": "cpu", "cpu": "max"})
    assert clash.status_code == 400
