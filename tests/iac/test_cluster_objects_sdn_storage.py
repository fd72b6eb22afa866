"""SDN zones, VNets, subnets and storage definitions as code against the simulator: every kind round-trips
import → plan (no changes) → an edit each → apply → plan (no changes); an SDN change left pending in PVE is
drift that apply applies; removing or re-pointing a storage is destructive and refused without --allow-destroy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cluster_objects_support import changed, drift_json, plan_json
from iac_support import api, api_done, run_cli

from pmpc_tui.simulator.server import SimulatorThread

PASSWORD = "s3cret-Storage-pw"


def _add_line(path: Path, head: str, line: str) -> None:
    """Add `line` as the first argument of the resource block that starts with `head`."""
    text = path.read_text()
    assert head in text, f"{head!r} not in {path.name}"
    path.write_text(text.replace(head + " {\n", head + " {\n  " + line + "\n", 1))


def _more_of_each_kind(sim: SimulatorThread) -> None:
    """The kinds the homelab lacks: qinq, vxlan and evpn zones; lvm, zfspool, cifs and pbs storage."""
    api(sim, "post", "/cluster/sdn/zones", zone="qq", type="qinq", bridge="vmbr0", tag=20)
    api(sim, "post", "/cluster/sdn/zones", zone="over", type="vxlan", peers="10.0.0.1,10.0.0.2")
    api(sim, "post", "/cluster/sdn/zones", zone="ev", type="evpn", controller="ctl", **{"vrf-vxlan": 4000})
    api_done(sim, "put", "/cluster/sdn")
    api(sim, "post", "/storage", storage="vg", type="lvm", vgname="vg0", content="images")
    api(sim, "post", "/storage", storage="tank", type="zfspool", pool="rpool/data", sparse=1)
    api(sim, "post", "/storage", storage="smb", type="cifs", server="nas.lan", share="pve", username="svc",
        password=PASSWORD, content="iso")
    api(sim, "post", "/storage", storage="offsite", type="pbs", server="pbs.lan", datastore="main",
        username="pve@pbs", password=PASSWORD, content="backup")


def test_every_sdn_and_storage_kind_round_trips_import_plan_edit_apply_plan(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _more_of_each_kind(sim)
    capsys.readouterr()
    assert run_cli(imported_workspace, "import") == 0
    sdn, storage = imported_workspace / "terraform" / "sdn.tf", imported_workspace / "terraform" / "storage.tf"
    assert PASSWORD not in storage.read_text() and PASSWORD not in sdn.read_text()
    assert "password = var.storage_smb_password" in storage.read_text()
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    edits = {
        ('resource "proxmox_sdn_zone_simple" "lab"', "mtu = 1400"): ("sdn_zone_simple", "lab"),
        ('resource "proxmox_sdn_zone_vlan" "vlans"', "mtu = 1400"): ("sdn_zone_vlan", "vlans"),
        ('resource "proxmox_sdn_zone_qinq" "qq"', "mtu = 1400"): ("sdn_zone_qinq", "qq"),
        ('resource "proxmox_sdn_zone_vxlan" "over"', "mtu = 1400"): ("sdn_zone_vxlan", "over"),
        ('resource "proxmox_sdn_zone_evpn" "ev"', "mtu = 1400"): ("sdn_zone_evpn", "ev"),
        ('resource "proxmox_sdn_vnet" "guests"', 'alias = "Guest Wi-Fi"'): ("sdn_vnet", "guests"),
        ('resource "proxmox_sdn_subnet" "iot_192_168_30_0_24"', 'dhcp_dns_server = "192.168.30.1"'):
            ("sdn_subnet", "iot/192.168.30.0/24"),
        ('resource "proxmox_storage_directory" "local"', "disable = true"): ("storage_directory", "local"),
        ('resource "proxmox_storage_lvmthin" "local_lvm"', "disable = true"): ("storage_lvmthin", "local-lvm"),
        ('resource "proxmox_storage_nfs" "nas"', 'options = "vers=4.1"'): ("storage_nfs", "nas"),
        ('resource "proxmox_storage_lvm" "vg"', "disable = true"): ("storage_lvm", "vg"),
        ('resource "proxmox_storage_zfspool" "tank"', 'blocksize = "16k"'): ("storage_zfspool", "tank"),
        ('resource "proxmox_storage_cifs" "smb"', 'domain = "LAN"'): ("storage_cifs", "smb"),
        ('resource "proxmox_storage_pbs" "offsite"', 'namespace = "lab"'): ("storage_pbs", "offsite"),
    }
    for (head, line), _target in edits.items():
        path = sdn if "_sdn_" in head else storage
        if line == 'options = "vers=4.1"':
            path.write_text(path.read_text().replace('"vers=4.2"', '"vers=4.1"'))
        else:
            _add_line(path, head, line)
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and sorted(changed(plan)) == sorted((k, n, "update") for k, n in edits.values())
    assert plan["impact"]["destructive"] == 0
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    running = {z["zone"]: z for z in api(sim, "get", "/cluster/sdn/zones", running=1)}
    assert all(int(running[z]["mtu"]) == 1400 for z in ("lab", "vlans", "qq", "over", "ev"))  # applied, not pending
    assert api(sim, "get", "/cluster/sdn/vnets/guests", running=1)["alias"] == "Guest Wi-Fi"
    assert api(sim, "get", "/storage/nas")["options"] == "vers=4.1"
    assert str(api(sim, "get", "/storage/vg")["disable"]) == "1"


def test_an_sdn_change_left_pending_is_drift_until_apply_applies_it(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api(sim, "put", "/cluster/sdn/vnets/iot", alias="renamed")  # edited in PVE, never applied
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    entry = next(e for e in report["changed"] if e["name"] == "iot")
    assert {"key": "pending", "cluster": "changed", "code": None} in entry["changes"]
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("sdn_vnet", "iot", "update")]
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert api(sim, "get", "/cluster/sdn/vnets/iot", running=1)["alias"] == "IoT devices"
    assert api(sim, "get", "/cluster/sdn/vnets/iot", pending=1).get("state") is None
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    # a VNet written in code is created, applied, and its subnet after it
    sdn = imported_workspace / "terraform" / "sdn.tf"
    sdn.write_text(sdn.read_text() + '\nresource "proxmox_sdn_vnet" "dmz" {\n  id   = "dmz"\n  zone = "vlans"\n'
                   '  tag  = 50\n}\n\nresource "proxmox_sdn_subnet" "dmz" {\n  vnet    = "dmz"\n'
                   '  cidr    = "192.168.50.0/24"\n  gateway = "192.168.50.1"\n}\n')
    code, plan = plan_json(imported_workspace, capsys)
    assert sorted(changed(plan)) == [("sdn_subnet", "dmz/192.168.50.0/24", "create"), ("sdn_vnet", "dmz", "create")]
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    subnets = api(sim, "get", "/cluster/sdn/vnets/dmz/subnets", running=1)
    assert [s["cidr"] for s in subnets] == ["192.168.50.0/24"]
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_removing_a_storage_from_the_code_is_refused_without_allow_destroy_naming_it(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storage = imported_workspace / "terraform" / "storage.tf"
    text = storage.read_text()
    storage.write_text(re.sub(r'import \{\n  to = proxmox_storage_nfs\.nas\n.*?\n\}\n\nresource "proxmox_storage_nfs" '
                              r'"nas" \{.*?\n\}\n', "", text, flags=re.S))
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("storage_nfs", "nas", "delete")]
    assert plan["impact"]["destructive"] == 1
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    assert "nfs storage nas" in capsys.readouterr().err
    assert "nas" in {s["storage"] for s in api(sim, "get", "/storage")}  # nothing sent
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert "nas" not in {s["storage"] for s in api(sim, "get", "/storage")}


def test_pointing_a_storage_elsewhere_replaces_it_and_is_destructive(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storage = imported_workspace / "terraform" / "storage.tf"
    storage.write_text(storage.read_text().replace('"/var/lib/vz"', '"/srv/vz"'))
    code, plan = plan_json(imported_workspace, capsys)
    assert changed(plan) == [("storage_directory", "local", "update")]
    assert plan["resources"][0]["impact"] == "destructive"
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    assert "dir storage local" in capsys.readouterr().err
    assert api(sim, "get", "/storage/local")["path"] == "/var/lib/vz"
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert api(sim, "get", "/storage/local")["path"] == "/srv/vz"
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_import_names_a_storage_type_the_provider_cannot_hold_instead_of_dropping_it(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pmpc_tui.simulator.model import GiB, Storage

    sim.call(lambda: sim.sim.cluster.storages.__setitem__("ceph", Storage("ceph", "rbd", ("images",), 100 * GiB,
                                                                          shared=True, options={"pool": "rbd"})))
    capsys.readouterr()
    assert run_cli(imported_workspace, "import") == 0
    out = capsys.readouterr().out
    assert "not written to code: storage ceph (type rbd): the bpg provider has no resource for it" in out
    assert '"ceph"' not in (imported_workspace / "terraform" / "storage.tf").read_text()
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_a_cifs_storage_in_code_is_created_with_its_password_from_the_variable_never_from_the_code(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    storage = imported_workspace / "terraform" / "storage.tf"
    storage.write_text(storage.read_text() + '\nresource "proxmox_storage_cifs" "share" {\n  id       = "share"\n'
                       '  server   = "nas.lan"\n  share    = "pve"\n  username = "svc"\n'
                       '  password = var.storage_share_password\n  content  = ["iso"]\n}\n')
    monkeypatch.setenv("TF_VAR_storage_share_password", PASSWORD)
    code, plan = plan_json(imported_workspace, capsys)
    assert changed(plan) == [("storage_cifs", "share", "create")]
    assert PASSWORD not in json.dumps(plan)
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert PASSWORD not in capsys.readouterr().out
    assert sim.call(lambda: sim.sim.cluster.storages["share"].secrets.get("password")) == PASSWORD
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
