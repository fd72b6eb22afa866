"""A peer's view: plain, unmodified proxmoxer against the simulator running as a child process.

Nothing from pmpc_tui is used on the client side — this is what any other tool written against the
real Proxmox VE API would do, so it checks the simulator speaks the API, not just our client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import AuthenticationError, ResourceException
from proxmoxer.tools import Tasks

from pmpc_tui.simulator.server import SimulatorInfo, SimulatorProcess

pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")


@pytest.fixture(scope="module")
def peer_sim() -> Iterator[SimulatorInfo]:
    with SimulatorProcess("--task-speed", "0.02") as proc:
        yield proc.info


def token_api(info: SimulatorInfo) -> Any:
    user, name = info.token_id.split("!", 1)
    return ProxmoxAPI(info.host, user=user, token_name=name, token_value=info.token_secret, verify_ssl=False)


def password_api(info: SimulatorInfo) -> Any:
    return ProxmoxAPI(info.host, user=info.user, password=info.password, verify_ssl=False)


def wait_ok(api: Any, upid: str) -> dict[str, Any]:
    status: dict[str, Any] | None = Tasks.blocking_status(api, upid, timeout=30, polling_interval=0.02)
    assert status is not None, f"task {upid} did not finish"
    assert status["exitstatus"] == "OK", status
    return status


@pytest.mark.parametrize("connect", [token_api, password_api], ids=["token", "password"])
def test_proxmoxer_lists_nodes_and_vms(peer_sim: SimulatorInfo, connect: Any) -> None:
    api = connect(peer_sim)
    nodes = api.nodes.get()
    assert sorted(n["node"] for n in nodes) == ["pve1", "pve2", "pve3"]
    assert all(n["status"] == "online" and n["ssl_fingerprint"] == peer_sim.fingerprint for n in nodes)
    vms = {vm["vmid"]: vm for vm in api.nodes("pve1").qemu.get()}
    assert vms[101]["name"] == "web-01" and vms[101]["status"] == "running"
    assert all(vm["vmid"] not in vms for vm in api.nodes("pve2").qemu.get())
    resources = api.cluster.resources.get(type="vm")
    assert {r["name"] for r in resources} >= {"web-01", "db-01", "pihole", "homeassistant"}
    assert api.version.get()["release"] == "9.1"


def test_proxmoxer_rejects_a_wrong_password(peer_sim: SimulatorInfo) -> None:
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(peer_sim.host, user=peer_sim.user, password="wrong", verify_ssl=False)


def test_proxmoxer_reports_errors_like_pve(peer_sim: SimulatorInfo) -> None:
    api = token_api(peer_sim)
    with pytest.raises(ResourceException) as caught:
        api.nodes("pve1").qemu.post(vmid=101, cores="many")  # parameters are checked before anything else
    assert caught.value.status_code == 400
    assert "cores" in (caught.value.errors or {})
    with pytest.raises(ResourceException) as caught:
        api.nodes("pve1").qemu(999).config.get()
    assert caught.value.status_code == 500 and "does not exist" in caught.value.content


@pytest.mark.parametrize("connect", [token_api, password_api], ids=["token", "password"])
def test_proxmoxer_vm_lifecycle(peer_sim: SimulatorInfo, connect: Any) -> None:
    api = connect(peer_sim)
    vmid = int(api.cluster.nextid.get())
    node = api.nodes("pve1")

    upid = node.qemu.post(vmid=vmid, name=f"peer-{vmid}", memory=1024, cores=1, scsihw="virtio-scsi-single",
                          scsi0="local-lvm:8", net0="virtio,bridge=vmbr0")
    assert upid.startswith("UPID:pve1:") and f":qmcreate:{vmid}:" in upid
    wait_ok(api, upid)

    config = node.qemu(vmid).config.get()
    assert config["name"] == f"peer-{vmid}"
    model, rest = config["net0"].split("=", 1)
    assert model == "virtio"
    mac = rest.split(",", 1)[0]
    assert mac.startswith("BC:24:11:") and len(mac) == 17
    assert "bridge=vmbr0" in config["net0"]
    assert config["scsi0"].startswith(f"local-lvm:vm-{vmid}-disk-0") and "size=8G" in config["scsi0"]
    assert "lock" not in config
    assert any(c["volid"] == f"local-lvm:vm-{vmid}-disk-0" for c in node.storage("local-lvm").content.get())

    wait_ok(api, node.qemu(vmid).status.start.post())
    assert node.qemu(vmid).status.current.get()["status"] == "running"
    with pytest.raises(ResourceException, match="running"):
        node.qemu(vmid).delete()  # a running VM is not destroyed without force

    wait_ok(api, node.qemu(vmid).status.stop.post())
    wait_ok(api, node.qemu(vmid).delete())
    assert vmid not in {vm["vmid"] for vm in node.qemu.get()}
    with pytest.raises(ResourceException) as caught:
        node.qemu(vmid).config.get()
    assert "does not exist" in str(caught.value)
