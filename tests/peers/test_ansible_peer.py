"""A peer's view: Ansible's real community.proxmox modules and inventory plugin against the simulator.

The collection is the one the `ansible` package ships; the modules run as Ansible runs them (child processes
of ansible-playbook, proxmoxer inside), over HTTPS with token auth. Each test runs one playbook of several
tasks and checks what a user would see: changed flags (a second run changes nothing), the guests' real
state afterwards, and readable errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ansible_support import Ansible, AnsibleRun, ansible_missing, collection_version, inventory_source, proxmox_auth

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))

CT_TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"


def play(sim: SimulatorThread, tasks: list[dict[str, Any]], **extra: Any) -> list[dict[str, Any]]:
    """One local play whose community.proxmox tasks all talk to `sim` with the root token."""
    return [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/community.proxmox.proxmox": proxmox_auth(sim.info)},
             "tasks": tasks, **extra}]


def task(title: str, module: str, /, ignore_errors: bool = False, **args: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": title, f"community.proxmox.{module}": args}
    if ignore_errors:
        entry["ignore_errors"] = True
    return entry


def guest(sim: SimulatorThread, vmid: int) -> dict[str, Any] | None:
    """What the simulator holds for a guest right now (None once it is gone)."""
    def read() -> dict[str, Any] | None:
        g = sim.sim.cluster.guests.get(vmid)
        if g is None:
            return None
        return {"status": g.status, "node": g.node, "config": dict(g.config), "snapshots": list(g.snapshots),
                "pool": sim.sim.cluster.pool_of(vmid)}
    return sim.call(read)


def changed(run: AnsibleRun, *names: str) -> list[bool]:
    return [run.task(name).changed for name in names]


def ok(run: AnsibleRun) -> None:
    assert run.rc == 0, run.summary()  # non-zero when a task failed without ignore_errors


def test_the_bundled_collection_is_the_one_we_test() -> None:
    major, minor, *_ = (int(part) for part in collection_version().split("."))
    assert (major, minor) >= (1, 0)


def test_info_modules_report_guests_nodes_and_storage(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("all guests", "proxmox_vm_info"),
        task("one by vmid", "proxmox_vm_info", vmid=101, config="current"),
        task("one by name", "proxmox_vm_info", name="pihole", type="lxc", network=True),
        task("guests of a node", "proxmox_vm_info", node="pve3", type="qemu"),
        task("unknown node", "proxmox_vm_info", node="pve9", ignore_errors=True),
        task("nodes", "proxmox_node_info"),
        task("all storage", "proxmox_storage_info"),
        task("one storage", "proxmox_storage_info", storage="nas"),
        task("storage of a type", "proxmox_storage_info", type="lvmthin"),
        task("unknown storage", "proxmox_storage_info", storage="tape", ignore_errors=True),
        task("templates on storage", "proxmox_storage_contents_info", storage="local", node="pve1",
             content="all"),
    ]))
    ok(run)
    everything = run.result("all guests")["proxmox_vms"]
    assert {vm["vmid"] for vm in everything} >= {100, 101, 110, 200, 206}
    by_id = {vm["vmid"]: vm for vm in everything}
    assert by_id[101]["name"] == "web-01" and by_id[101]["status"] == "running" and by_id[101]["type"] == "qemu"
    assert by_id[100]["template"] is True and by_id[101]["template"] is False
    assert by_id[200]["type"] == "lxc" and isinstance(by_id[200]["vmid"], int)

    [web] = run.result("one by vmid")["proxmox_vms"]
    assert web["config"]["name"] == "web-01" and web["config"]["memory"] == "2048" and web["pool"] == "production"
    [pihole] = run.result("one by name")["proxmox_vms"]
    assert pihole["vmid"] == 200 and "192.168.1.53/24" in [i.get("inet") for i in pihole["network"]]
    assert {vm["name"] for vm in run.result("guests of a node")["proxmox_vms"]} == {"homeassistant", "backup-server"}
    assert run.result("unknown node")["msg"] == "Node pve9 doesn't exist in PVE cluster"

    nodes = {n["node"]: n for n in run.result("nodes")["proxmox_nodes"]}
    assert set(nodes) == {"pve1", "pve2", "pve3"}
    assert nodes["pve2"]["maxcpu"] == 16 and nodes["pve1"]["ssl_fingerprint"] == peer_sim.info.fingerprint

    storages = {s["storage"]: s for s in run.result("all storage")["proxmox_storages"]}
    assert set(storages) == {"local", "local-lvm", "nas", "pbs"}
    assert storages["local"]["path"] == "/var/lib/vz" and "vztmpl" in storages["local"]["content"]
    [nas] = run.result("one storage")["proxmox_storages"]
    assert nas["type"] == "nfs" and nas["shared"] is True and nas["prune-backups"] == {"keep-daily": "7",
                                                                                       "keep-weekly": "4"}
    assert [s["storage"] for s in run.result("storage of a type")["proxmox_storages"]] == ["local-lvm"]
    assert run.result("unknown storage")["msg"] == "Storage 'tape' does not exist"
    volids = [c["volid"] for c in run.result("templates on storage")["proxmox_storage_content"]]
    assert CT_TEMPLATE in volids
    assert peer_sim.info.token_secret not in run.output  # the module marks the secret no_log


def test_kvm_power_states_are_idempotent(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    assert guest(peer_sim, 109)["status"] == "stopped"  # type: ignore[index]
    run = ansible.playbook(play(peer_sim, [
        task("start", "proxmox_kvm", vmid=109, state="started"),
        task("start again", "proxmox_kvm", vmid=109, state="started"),
        task("current", "proxmox_kvm", name="dev-sandbox", state="current"),
        task("restart", "proxmox_kvm", vmid=109, state="restarted"),
        task("stop", "proxmox_kvm", vmid=109, state="stopped", force=True),
        task("stop again", "proxmox_kvm", vmid=109, state="stopped"),
        task("restart a stopped VM", "proxmox_kvm", vmid=109, state="restarted"),
        task("start a missing VM", "proxmox_kvm", vmid=999, state="started", ignore_errors=True),
    ]))
    ok(run)
    assert changed(run, "start", "start again", "current", "restart", "stop", "stop again",
                   "restart a stopped VM") == [True, False, False, True, True, False, False]
    assert run.result("current")["status"] == "running" and run.result("current")["vmid"] == 109
    assert run.result("start again")["msg"] == "VM 109 is already running"
    assert run.result("start a missing VM")["msg"] == "VM with vmid 999 does not exist in cluster"
    assert guest(peer_sim, 109)["status"] == "stopped"  # type: ignore[index]
    tasks = peer_sim.call(lambda: [t.type for t in peer_sim.sim.cluster.tasks.values() if t.id == "109"])
    assert tasks == ["qmstart", "qmreboot", "qmshutdown"]


def test_kvm_create_clone_template_and_delete(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    new_vm = {"node": "pve1", "vmid": 310, "name": "ansible-new", "cores": 2, "memory": 1024,
              "scsihw": "virtio-scsi-single", "scsi": {"scsi0": "local-lvm:8,discard=on"},
              "net": {"net0": "virtio,bridge=vmbr0,firewall=1"}, "tags": ["Ansible", "test"], "onboot": True}
    run = ansible.playbook(play(peer_sim, [
        task("create", "proxmox_kvm", **new_vm),
        task("create again", "proxmox_kvm", **new_vm),
        task("create on a missing bridge", "proxmox_kvm", node="pve1", vmid=312, name="bad-net",
             net={"net0": "virtio,bridge=vmbr9"}, ignore_errors=True),
        task("update", "proxmox_kvm", vmid=310, node="pve1", update=True, cores=4, memory=2048),
        task("clone the template", "proxmox_kvm", node="pve1", clone="debian-12-template", vmid=100, newid=311,
             name="ansible-clone", full=True, storage="local-lvm", pool="production"),
        task("clone again", "proxmox_kvm", node="pve1", clone="debian-12-template", vmid=100, newid=311,
             name="ansible-clone"),
        task("start the clone", "proxmox_kvm", vmid=311, state="started"),
        task("delete while running", "proxmox_kvm", vmid=311, state="absent"),
        task("delete with force", "proxmox_kvm", vmid=311, state="absent", force=True),
        task("delete again", "proxmox_kvm", vmid=311, state="absent"),
        task("make a template", "proxmox_kvm", vmid=310, state="template"),
        task("make a template again", "proxmox_kvm", vmid=310, state="template"),
    ]))
    ok(run)
    assert changed(run, "create", "create again", "update", "clone the template", "clone again",
                   "start the clone", "delete while running", "delete with force", "delete again",
                   "make a template", "make a template again") == [
        True, False, True, True, False, True, False, True, False, True, False]

    created = run.result("create")
    assert created["vmid"] == 310 and created["devices"] == {"scsi0": "local-lvm:vm-310-disk-0"}
    assert created["mac"]["net0"].startswith("BC:24:11:")
    failed = run.result("create on a missing bridge")
    assert failed["failed"] and "bridge 'vmbr9' does not exist" in failed["msg"]
    assert guest(peer_sim, 312) is None

    vm = guest(peer_sim, 310)
    assert vm is not None
    config = vm["config"]
    assert config["name"] == "ansible-new" and config["cores"] == 4 and str(config["memory"]) == "2048"
    assert config["scsi0"].startswith("local-lvm:vm-310-disk-0,") and "size=8G" in config["scsi0"]
    assert "bridge=vmbr0" in config["net0"] and config["tags"] == "ansible;test" and config["template"] == 1
    assert "is running" in run.result("delete while running")["msg"]
    assert guest(peer_sim, 311) is None  # the clone is gone, and so are its disks
    assert peer_sim.call(lambda: [v for v in peer_sim.sim.cluster.volumes.values() if v.vmid == 311]) == []
    cloned = [t for t in peer_sim.call(lambda: list(peer_sim.sim.cluster.tasks.values())) if t.type == "qmclone"]
    assert cloned and cloned[-1].id == "100" and cloned[-1].exitstatus == "OK"


def test_pools_follow_clones(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("clone into a pool", "proxmox_kvm", node="pve1", clone="debian-12-template", vmid=100, newid=313,
             name="pooled", full=True, storage="nas", pool="production"),
        task("clone into a missing pool", "proxmox_kvm", node="pve1", clone="debian-12-template", vmid=100,
             newid=314, name="nowhere", pool="nosuchpool", ignore_errors=True),
        task("info", "proxmox_vm_info", vmid=313),
    ]))
    ok(run)
    assert guest(peer_sim, 313)["pool"] == "production"  # type: ignore[index]
    assert run.result("info")["proxmox_vms"][0]["pool"] == "production"
    assert "pool 'nosuchpool' does not exist" in run.result("clone into a missing pool")["msg"]
    assert guest(peer_sim, 314) is None


def test_containers_and_snapshots(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    container = {"node": "pve1", "vmid": 320, "hostname": "ansible-ct", "ostemplate": CT_TEMPLATE,
                 "password": "s3cret-pass", "cores": 1, "memory": 512, "disk": "local-lvm:4",
                 "netif": {"net0": "name=eth0,bridge=vmbr0,ip=dhcp"}, "unprivileged": True}
    run = ansible.playbook(play(peer_sim, [
        task("create", "proxmox", **container),
        task("create again", "proxmox", **container),
        task("start", "proxmox", vmid=320, state="started"),
        task("start again", "proxmox", vmid=320, state="started"),
        task("restart", "proxmox", hostname="ansible-ct", state="restarted"),
        task("stop", "proxmox", vmid=320, state="stopped"),
        task("stop again", "proxmox", vmid=320, state="stopped"),
        task("snapshot", "proxmox_snap", vmid=320, snapname="before", description="before resizing"),
        task("snapshot again", "proxmox_snap", vmid=320, snapname="before"),
        task("change memory", "proxmox", vmid=320, node="pve1", update=True, memory=1024,
             hostname="ansible-ct", ostemplate=CT_TEMPLATE),
        task("roll back", "proxmox_snap", vmid=320, snapname="before", state="rollback"),
        task("remove snapshot", "proxmox_snap", vmid=320, snapname="before", state="absent"),
        task("remove snapshot again", "proxmox_snap", vmid=320, snapname="before", state="absent"),
        task("delete", "proxmox", vmid=320, state="absent"),
        task("delete again", "proxmox", vmid=320, state="absent"),
        task("snapshot a VM with RAM", "proxmox_snap", hostname="web-01", snapname="with-ram", vmstate=True),
        task("roll a VM back", "proxmox_snap", vmid=101, snapname="with-ram", state="rollback"),
        task("snapshot a missing VM", "proxmox_snap", vmid=998, snapname="x", ignore_errors=True),
    ]))
    ok(run)
    assert changed(run, "create", "create again", "start", "start again", "restart", "stop", "stop again",
                   "snapshot", "snapshot again", "change memory", "roll back", "remove snapshot",
                   "remove snapshot again", "delete", "delete again") == [
        True, False, True, False, True, True, False, True, False, True, True, True, False, True, False]
    assert run.result("create")["msg"].startswith("Created VM ansible-ct (320)")
    assert run.result("start again")["msg"] == "VM ansible-ct (320) is already running."
    assert guest(peer_sim, 320) is None

    ct_tasks = peer_sim.call(lambda: [t.type for t in peer_sim.sim.cluster.tasks.values() if t.id == "320"])
    assert ct_tasks == ["vzcreate", "vzstart", "vzshutdown", "vzstart", "vzshutdown", "vzsnapshot", "vzrollback",
                        "vzdelsnapshot", "vzdestroy"]
    rollback = peer_sim.call(lambda: [t for t in peer_sim.sim.cluster.tasks.values() if t.type == "vzrollback"])
    assert rollback[0].exitstatus == "OK"

    web = guest(peer_sim, 101)
    assert web is not None and "with-ram" in web["snapshots"] and web["status"] == "running"
    assert "does not exist in cluster" in run.result("snapshot a missing VM")["msg"]


def test_rollback_restores_the_snapshot_config(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    run = ansible.playbook(play(peer_sim, [
        task("snapshot", "proxmox_snap", vmid=107, snapname="clean"),
        task("grow memory", "proxmox_kvm", vmid=107, node="pve2", update=True, memory=16384),
    ]))
    ok(run)
    assert guest(peer_sim, 107)["config"]["memory"] in (16384, "16384")  # type: ignore[index]
    run = ansible.playbook(play(peer_sim, [
        task("roll back", "proxmox_snap", vmid=107, snapname="clean", state="rollback"),
    ]))
    ok(run)
    assert guest(peer_sim, 107)["config"]["memory"] == "8192"  # type: ignore[index]


def test_inventory_plugin_lists_guests_groups_and_facts(peer_sim: SimulatorThread, ansible: Ansible) -> None:
    rc, inventory, stderr = ansible.inventory(inventory_source(
        peer_sim.info, want_facts=True, want_proxmox_nodes_ansible_host=True,
        compose={"ansible_host": "(proxmox_ipconfig0.ip | default(proxmox_net0.ip)).split('/')[0]"},
    ))
    assert rc == 0, stderr
    hostvars = inventory["_meta"]["hostvars"]
    hosts = set(hostvars)
    assert {"web-01", "db-01", "pihole", "minio", "pve1", "pve2", "pve3"} <= hosts
    assert "debian-12-template" not in hosts and "ubuntu-ct-template" not in hosts  # templates are skipped
    assert set(inventory["proxmox_nodes"]["hosts"]) == {"pve1", "pve2", "pve3"}
    assert set(inventory["proxmox_pool_production"]["hosts"]) >= {"web-01", "web-02", "db-01", "pihole"}
    assert "minio" in inventory["proxmox_all_stopped"]["hosts"]
    assert "web-01" in inventory["proxmox_all_running"]["hosts"]
    assert set(inventory["proxmox_pve3_lxc"]["hosts"]) == {"minio", "mqtt"}

    web = hostvars["web-01"]
    assert web["proxmox_vmid"] == 101 and web["proxmox_node"] == "pve1" and web["proxmox_status"] == "running"
    assert web["proxmox_tags_parsed"] == ["prod", "web"] and web["proxmox_net0"]["bridge"] == "vmbr0"
    assert web["ansible_host"] == "192.168.1.21"
    assert "192.168.1.21/24" in web["proxmox_agent_interfaces"][1]["ip-addresses"]
    pihole = hostvars["pihole"]
    assert pihole["proxmox_vmtype"] == "lxc" and pihole["ansible_host"] == "192.168.1.53"
    assert [i["inet"] for i in pihole["proxmox_lxc_interfaces"] if i["name"] == "eth0"] == ["192.168.1.53/24"]
    assert hostvars["pve2"]["ansible_host"] == "192.168.1.12"


def test_certificate_verification_with_the_simulator_ca(peer_sim: SimulatorThread, ansible: Ansible,
                                                        tmp_path: Path) -> None:
    """validate_certs: true works once the simulator's certificate is the trusted CA (requests' CA bundle)."""
    ca = tmp_path / "simulator-ca.pem"
    ca.write_bytes(peer_sim.sim.certificate.cert_pem)
    trusted = ansible.module("community.proxmox.proxmox_node_info", proxmox_auth(peer_sim.info, validate_certs=True),
                             env={"REQUESTS_CA_BUNDLE": str(ca)})
    assert not trusted.failed, trusted.result
    assert len(trusted.result["proxmox_nodes"]) == 3
    other = tmp_path / "other-ca.pem"
    from pmpc_tui.simulator.certs import make_self_signed

    other.write_bytes(make_self_signed("somebody-else").cert_pem)
    untrusted = ansible.module("community.proxmox.proxmox_node_info",
                               proxmox_auth(peer_sim.info, validate_certs=True), env={"REQUESTS_CA_BUNDLE": str(other)})
    assert untrusted.failed and "CERTIFICATE_VERIFY_FAILED" in untrusted.msg

    rc, inventory, stderr = ansible.inventory(inventory_source(peer_sim.info, validate_certs=True),
                                              env={"REQUESTS_CA_BUNDLE": str(ca)})
    assert rc == 0, stderr
    assert "web-01" in inventory["_meta"]["hostvars"]
