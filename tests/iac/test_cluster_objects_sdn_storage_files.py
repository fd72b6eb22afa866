"""SDN and storage definitions in their files: every argument exists in the bpg provider's docs, each kind
round-trips PVE JSON → HCL → the same canonical body with the documented import ids, passwords are variables,
the files pass terraform fmt, and what the provider cannot hold is named rather than dropped."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from iac_support import run_tool, schema_problems, tool

from pmpc_tui.iac.gate import hcl_problems
from pmpc_tui.iac.hcl import parse
from pmpc_tui.iac.objects import BY_KIND, BY_RESOURCE, OBJECT_TYPES
from pmpc_tui.iac.objects.base import read
from pmpc_tui.services.cluster_objects import object_files, plan_objects

TESTS = Path(__file__).resolve().parents[1]
EXTRA = json.loads((TESTS / "data" / "bpg-extra-schema.json").read_text())

ANSWERS: dict[Any, Any] = {
    read("/storage"): [
        {"storage": "local", "type": "dir", "path": "/var/lib/vz", "content": "iso,vztmpl,backup",
         "prune-backups": "keep-daily=7,keep-weekly=4", "digest": "x"},
        {"storage": "local-lvm", "type": "lvmthin", "vgname": "pve", "thinpool": "data", "content": "rootdir,images"},
        {"storage": "vg", "type": "lvm", "vgname": "vg0", "content": "images", "shared": 1, "saferemove": 1},
        {"storage": "nas", "type": "nfs", "server": "192.168.1.5", "export": "/volume1/pve", "path": "/mnt/pve/nas",
         "options": "vers=4.2", "content": "images,backup", "shared": 1, "nodes": "pve2,pve1"},
        {"storage": "tank", "type": "zfspool", "pool": "rpool/data", "sparse": 1, "blocksize": "16k",
         "content": "images,rootdir"},
        {"storage": "smb", "type": "cifs", "server": "nas.lan", "share": "pve", "username": "svc", "domain": "LAN",
         "subdir": "/vm", "content": "iso"},
        {"storage": "pbs", "type": "pbs", "server": "pbs.lan", "datastore": "main", "username": "pve@pbs",
         "fingerprint": ":".join(["ab"] * 32), "namespace": "lab", "content": "backup",
         "max-protected-backups": 5},
        {"storage": "ceph", "type": "rbd", "pool": "rbd", "content": "images"},
    ],
    read("/cluster/sdn/zones", pending=1): [
        {"zone": "lab", "type": "simple", "dhcp": "dnsmasq", "ipam": "pve", "digest": "x"},
        {"zone": "vlans", "type": "vlan", "bridge": "vmbr0", "mtu": 1500, "nodes": "pve1,pve2"},
        {"zone": "qq", "type": "qinq", "bridge": "vmbr1", "tag": 20, "vlan-protocol": "802.1ad"},
        {"zone": "over", "type": "vxlan", "peers": "10.0.0.2,10.0.0.1", "mtu": 1450},
        {"zone": "ev", "type": "evpn", "controller": "ctl", "vrf-vxlan": 4000, "advertise-subnets": 1,
         "exitnodes": "pve1", "exitnodes-primary": "pve1"},
        {"zone": "new", "type": "simple", "state": "new", "pending": {"ipam": "pve"}},
        {"zone": "fc", "type": "faucet", "dp-id": 1},
    ],
    read("/cluster/sdn/vnets", pending=1): [
        {"vnet": "labnet", "type": "vnet", "zone": "lab", "alias": "Lab"},
        {"vnet": "iot", "type": "vnet", "zone": "vlans", "tag": 30, "vlanaware": 1, "state": "changed",
         "pending": {"tag": 31}},
    ],
    read("/cluster/sdn/vnets/labnet/subnets", pending=1): [
        {"subnet": "lab-10.10.0.0-24", "id": "lab-10.10.0.0-24", "cidr": "10.10.0.0/24", "vnet": "labnet",
         "type": "subnet", "gateway": "10.10.0.1", "snat": 1, "zone": "lab",
         "dhcp-range": [{"start-address": "10.10.0.100", "end-address": "10.10.0.199"}]},
    ],
    read("/cluster/sdn/vnets/iot/subnets", pending=1): [],
}
ACTUAL = {t.kind: t.actual(ANSWERS) for t in OBJECT_TYPES}
NEW_KINDS = [k for k in BY_KIND if k.startswith(("sdn_", "storage_"))]


def test_every_storage_and_sdn_resource_comes_from_the_provider_docs_with_arguments_it_has() -> None:
    assert sorted(BY_KIND[k].resource_type for k in NEW_KINDS) == sorted(
        [f"proxmox_sdn_zone_{t}" for t in ("simple", "vlan", "qinq", "vxlan", "evpn")]
        + ["proxmox_sdn_vnet", "proxmox_sdn_subnet"]
        + [f"proxmox_storage_{t}" for t in ("directory", "lvm", "lvmthin", "nfs", "zfspool", "cifs", "pbs")])
    for kind in NEW_KINDS:
        for key, body in ACTUAL[kind].items():
            otype = BY_KIND[kind]
            shown = {k: v for k, v in (otype.written(key, body) if otype.written else body).items()
                     if not k.startswith("_")}
            assert schema_problems(shown, EXTRA["resources"][BY_KIND[kind].resource_type], f"{kind} {key}") == []


def test_the_pve_answers_read_as_provider_arguments() -> None:
    assert ACTUAL["storage_directory"]["local"] == {"id": "local", "path": "/var/lib/vz",
                                                    "content": ["backup", "iso", "vztmpl"],
                                                    "backups": [{"keep_daily": 7, "keep_weekly": 4}]}
    assert ACTUAL["storage_nfs"]["nas"]["nodes"] == ["pve1", "pve2"] and "shared" not in ACTUAL["storage_nfs"]["nas"]
    assert ACTUAL["storage_zfspool"]["tank"]["zfs_pool"] == "rpool/data"
    assert ACTUAL["storage_zfspool"]["tank"]["thin_provision"] is True
    assert ACTUAL["storage_pbs"]["pbs"]["backups"] == [{"max_protected_backups": 5}]
    assert ACTUAL["sdn_zone_qinq"]["qq"]["service_vlan"] == 20
    assert ACTUAL["sdn_zone_vxlan"]["over"]["peers"] == ["10.0.0.1", "10.0.0.2"]
    assert ACTUAL["sdn_zone_simple"]["new"]["pending"] == "new"
    assert ACTUAL["sdn_vnet"]["iot"]["tag"] == 31 and ACTUAL["sdn_vnet"]["iot"]["pending"] == "changed"
    assert ACTUAL["sdn_subnet"]["labnet/10.10.0.0/24"]["dhcp_range"] == {"start_address": "10.10.0.100",
                                                                        "end_address": "10.10.0.199"}


def test_the_files_round_trip_with_the_documented_import_ids_and_never_hold_a_password() -> None:
    files = object_files(ACTUAL)
    assert {"terraform/storage.tf", "terraform/sdn.tf"} <= set(files)
    storage, sdn = files["terraform/storage.tf"], files["terraform/sdn.tf"]
    assert re.search(r"password += var\.storage_smb_password", storage)
    assert 'variable "storage_smb_password"' in storage
    assert "sensitive   = true" in storage
    assert 'id = "labnet/lab-10.10.0.0-24"' in sdn  # <vnet>/<subnet id>
    assert not re.search(r"^\s*(pending|_zone)\s*=", sdn, re.M)  # what PVE keeps pending is no argument
    assert "ceph" not in storage and "faucet" not in sdn
    for name in ("terraform/storage.tf", "terraform/sdn.tf"):
        parsed = parse(files[name])
        imports = {i.to: i.id for i in parsed.imports}
        for resource in parsed.resources:
            if resource.type == "proxmox_sdn_applier":  # applies SDN for `terraform apply`: after every SDN object
                assert resource.body["lifecycle"][0]["replace_triggered_by"] == resource.body["depends_on"]
                assert len(resource.body["depends_on"]) == sum(len(ACTUAL[k]) for k in NEW_KINDS if "sdn" in k)
                continue
            otype = BY_RESOURCE[resource.type]
            key = otype.key(resource.body)
            assert key is not None and imports[resource.address] == otype.import_id(key, ACTUAL[otype.kind][key])
            read_back = {k: v for k, v in ACTUAL[otype.kind][key].items() if not k.startswith("_") and k != "pending"}
            assert otype.normalize(resource.body) == read_back, resource.address


def test_a_pending_sdn_change_is_drift_and_apply_sends_it_then_applies_sdn() -> None:
    from pmpc_tui.iac.terraform import DesiredObject

    desired = [DesiredObject("proxmox_sdn_vnet", "iot", Path("sdn.tf"), {"id": "iot", "zone": "vlans", "tag": 30,
                                                                          "vlan_aware": True}, None)]
    plan = plan_objects(desired, ACTUAL, {})
    change = next(c for c in plan.changes if c.name == "iot")
    assert change.action == "update"
    assert sorted(c.key for c in change.changes) == ["pending", "tag"]
    requests = BY_KIND["sdn_vnet"].update("iot", ACTUAL["sdn_vnet"]["iot"], change.desired["body"])
    assert [(r.method, r.path) for r in requests] == [("PUT", "/cluster/sdn/vnets/iot"), ("PUT", "/cluster/sdn")]
    assert requests[0].params == {"tag": 30}


def test_import_names_the_storage_and_zones_the_provider_has_no_resource_for() -> None:
    notes = [n for t in OBJECT_TYPES if t.skipped for n in t.skipped(ANSWERS)]
    assert any(n.startswith("storage ceph (type rbd)") for n in notes)
    assert any(n.startswith("SDN zone fc (type faucet)") for n in notes)


def test_the_storage_and_sdn_files_are_terraform_fmt_clean(tmp_path: Path) -> None:
    for rel, text in object_files(ACTUAL).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        assert hcl_problems(text.encode(), path) == []
    result = run_tool(tool("terraform"), "fmt", "-check", "-diff", "-recursive", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
