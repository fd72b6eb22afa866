"""The files cluster objects are written to: every argument exists in the bpg provider (its docs at the pinned
commit, turned into tests/data/bpg-extra-schema.json by tests/tools/bpg_docs_schema.py), each kind round-trips
PVE JSON → HCL → the same canonical body, and the files pass terraform fmt, the HCL gate and Ansible."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from iac_support import run_tool, schema_problems, tool

from pmpc_tui.iac.gate import hcl_problems
from pmpc_tui.iac.hcl import parse
from pmpc_tui.iac.objects import BY_RESOURCE, OBJECT_TYPES
from pmpc_tui.iac.objects.base import read
from pmpc_tui.services.cluster_objects import object_files

TESTS = Path(__file__).resolve().parents[1]
EXTRA = json.loads((TESTS / "data" / "bpg-extra-schema.json").read_text())
MIRROR = Path("/work/.mirror/bpg+terraform-provider-proxmox/repo")

# what PVE 9 answers, one of each kind (shapes as the API documents them)
ANSWERS: dict[Any, Any] = {
    read("/pools"): [{"poolid": "prod", "comment": "Production"}, {"poolid": "prod/web"}],
    read("/pools", poolid="prod"): [{"poolid": "prod", "members": [
        {"type": "qemu", "vmid": 101, "id": "qemu/101"},
        {"type": "storage", "storage": "local-lvm", "id": "storage/pve1/local-lvm"}]}],
    read("/pools", poolid="prod/web"): [{"poolid": "prod/web", "members": [{"type": "lxc", "vmid": 200}]}],
    read("/cluster/backup"): [{"id": "backup-1", "type": "vzdump", "schedule": "sun 01:00", "storage": "pbs",
                               "enabled": 0, "all": 1, "mode": "stop", "compress": "zstd", "mailto": "a@b.c",
                               "prune-backups": "keep-last=3,keep-weekly=2", "notes-template": "{{guestname}}",
                               "exclude-path": "/tmp,/var/tmp", "repeat-missed": 1}],
    read("/cluster/ha/resources"): [{"sid": "vm:101", "type": "vm", "state": "started", "max_restart": 2,
                                     "max_relocate": 1, "failback": 0, "comment": "web"}],
    read("/cluster/ha/rules"): [{"rule": "prefer-pve1", "type": "node-affinity", "resources": "vm:101,ct:200",
                                 "nodes": "pve1:2,pve2", "strict": 1},
                                {"rule": "apart", "type": "resource-affinity", "resources": "vm:101,vm:102",
                                 "affinity": "negative", "comment": "spread"}],
    read("/cluster/resources"): [{"type": "qemu", "vmid": 101, "node": "pve1"}, {"type": "lxc", "vmid": 200,
                                                                                  "node": "pve2"}],
    read("/cluster/firewall/options"): {"enable": 1, "policy_in": "DROP", "digest": "x",
                                        "log_ratelimit": "enable=1,burst=5,rate=1/second"},
    read("/cluster/firewall/aliases"): [{"name": "lan", "cidr": "192.168.1.0/24", "comment": "LAN"}],
    read("/cluster/firewall/ipset"): [{"name": "admins", "comment": "Admins"}],
    read("/cluster/firewall/ipset/admins"): [{"cidr": "192.168.1.100", "digest": "x"},
                                             {"cidr": "10.0.0.0/8", "nomatch": 1, "comment": "not these"}],
    read("/cluster/firewall/groups"): [{"group": "web", "comment": "Web"}],
    read("/cluster/firewall/groups/web"): [{"pos": 0, "type": "in", "action": "ACCEPT", "macro": "HTTPS", "enable": 1}],
    read("/cluster/firewall/rules"): [{"pos": 1, "type": "in", "action": "ACCEPT", "proto": "tcp", "dport": "8006"},
                                      {"pos": 0, "type": "in", "action": "DROP", "source": "+dc/admins", "log": "info",
                                       "enable": 0}],
    read("/nodes/pve1/qemu/101/firewall/rules"): [{"pos": 0, "type": "group", "action": "web", "enable": 1}],
    read("/nodes/pve1/qemu/101/firewall/options"): {"enable": 1, "policy_in": "DROP", "ipfilter": 1, "digest": "x"},
    read("/nodes/pve2/lxc/200/firewall/rules"): [],
    read("/nodes/pve2/lxc/200/firewall/options"): {"digest": "x"},
}
ACTUAL = {t.kind: t.actual(ANSWERS) for t in OBJECT_TYPES}


def test_the_extra_schema_is_what_the_generator_makes_from_the_pinned_provider_docs() -> None:
    if not MIRROR.is_dir():
        pytest.skip("the bpg provider mirror is not on this machine")
    sys.path.insert(0, str(TESTS / "tools"))
    try:
        import bpg_docs_schema
    finally:
        sys.path.pop(0)
    assert bpg_docs_schema.render(bpg_docs_schema.build()) == (TESTS / "data" / "bpg-extra-schema.json").read_text()
    assert EXTRA["provider_commit"].startswith("d6bd1ffe")


def test_every_argument_a_kind_reads_or_writes_is_one_its_bpg_resource_has() -> None:
    for otype in OBJECT_TYPES:
        schema = EXTRA["resources"][otype.resource_type]
        assert otype.arguments <= set(schema), (otype.kind, sorted(otype.arguments - set(schema)))


def test_each_kind_is_read_from_pve_json_with_every_required_argument() -> None:
    assert set(ACTUAL["pool"]) == {"prod", "prod/web"}
    assert set(ACTUAL["pool_member"]) == {"prod/vm/101", "prod/storage/local-lvm", "prod/web/vm/200"}
    job = ACTUAL["backup_job"]["backup-1"]
    assert job["enabled"] is False and job["prune_backups"] == {"keep-last": "3", "keep-weekly": "2"}
    assert job["mailto"] == ["a@b.c"] and job["exclude_path"] == ["/tmp", "/var/tmp"]
    assert ACTUAL["ha_rule"]["prefer-pve1"]["nodes"] == {"pve1": 2, "pve2": None}
    assert ACTUAL["ha_resource"]["vm:101"]["failback"] is False
    assert [r["action"] for r in ACTUAL["firewall_rules"]["cluster"]["rule"]] == ["DROP", "ACCEPT"]  # by position
    assert ACTUAL["firewall_rules"]["vm/101"]["rule"] == [{"security_group": "web", "enabled": True}]
    assert set(ACTUAL["firewall_options"]) == {"vm/101"}  # a guest without options is left out
    assert ACTUAL["firewall_cluster"]["cluster"]["log_ratelimit"] == [{"enabled": True, "burst": 5,
                                                                       "rate": "1/second"}]
    for otype in OBJECT_TYPES:
        for key, body in ACTUAL[otype.kind].items():
            assert schema_problems(body, EXTRA["resources"][otype.resource_type], f"{otype.kind} {key}") == []


def test_each_kind_round_trips_through_its_hcl_file_with_the_documented_import_ids() -> None:
    files = object_files(ACTUAL)
    assert set(files) == {"terraform/pools.tf", "terraform/backup_jobs.tf", "terraform/ha.tf", "terraform/firewall.tf"}
    seen = {}
    for text in files.values():
        parsed = parse(text)
        imports = {i.to: i.id for i in parsed.imports}
        for resource in parsed.resources:
            otype = BY_RESOURCE[resource.type]
            key = otype.key(resource.body)
            assert key is not None and imports.get(resource.address) == otype.import_id(key, resource.body)
            assert otype.normalize(resource.body) == ACTUAL[otype.kind][key], resource.address
            seen[(otype.kind, key)] = True
    assert len(seen) == sum(len(v) for v in ACTUAL.values())
    assert 'id = "prod/web/vm/200"' in files["terraform/pools.tf"]  # {pool_id}/{type}/{member}, nested pool
    assert 'id = "vm/pve1/101"' in files["terraform/firewall.tf"] and 'id = "cluster/admins"' in files[
        "terraform/firewall.tf"]


def test_the_files_pass_terraform_fmt_the_hcl_gate_and_ansible_syntax_check(tmp_path: Path) -> None:
    from pmpc_tui.iac.ansible import render_cluster_playbook

    for rel, text in object_files(ACTUAL).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        assert hcl_problems(text.encode(), path) == []
    result = run_tool(tool("terraform"), "fmt", "-check", "-diff", "-recursive", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    playbook = tmp_path / "cluster.yml"
    playbook.write_text(render_cluster_playbook(ACTUAL))
    checked = subprocess.run([tool("ansible-playbook"), "--syntax-check", str(playbook)], cwd=tmp_path,
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = playbook.read_text()
    for module in ("proxmox_pool", "proxmox_pool_member", "proxmox_cluster_ha_resources",
                   "proxmox_cluster_ha_rules", "proxmox_firewall"):
        assert f"community.proxmox.{module}:" in text
