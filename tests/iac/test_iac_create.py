"""`create vm|ct` writes a new guest into the IaC after checking it against the cluster and the IaC —
and on any bad input says which flag is wrong and touches no file."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import (
    BPG_SCHEMA,
    ansible_inventory,
    cli_environment,
    run_cli,
    run_tool,
    schema_problems,
    snapshot,
    tool,
)

from pmpc_tui.iac.bpg import CT_TYPE, VM_TYPE
from pmpc_tui.iac.hcl import parse
from pmpc_tui.iac.terraform import load_desired_state
from pmpc_tui.simulator.server import SimulatorThread

VM_OK = ["--node", "pve1", "--cores", "2", "--memory", "2048", "--disk", "32"]
CT_TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"


@pytest.fixture(scope="module")
def imported(shared_sim: SimulatorThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("create")
    with cli_environment(shared_sim, home):
        assert run_cli(home, "init", "lab") == 0
        assert run_cli(home / "lab", "import", "--addresses") == 0
        yield home / "lab"


@pytest.fixture
def ws(imported: Path, tmp_path: Path) -> Path:
    """A private copy of the imported workspace (its state DB included), so tests can change it."""
    copy = tmp_path / "lab"
    shutil.copytree(imported, copy)
    return copy


BAD = [
    (["vm", "--name", "web_03", *VM_OK], "--name", "not a valid DNS label"),
    (["vm", "--name=-web", *VM_OK], "--name", "not a valid DNS label"),
    (["vm", "--name", "a" * 64, *VM_OK], "--name", "not a valid DNS label"),
    (["vm", "--name", "web-01", *VM_OK], "--name", "already used by guest 101"),
    (["vm", "--name", "pihole", *VM_OK], "--name", "already used by guest 200"),
    (["vm", "--name", "web-03", "--vmid", "101", *VM_OK], "--vmid", "already taken"),
    (["vm", "--name", "web-03", "--vmid", "99", *VM_OK], "--vmid", "out of range"),
    (["vm", "--name", "web-03", "--node", "pve9"], "--node", "does not exist"),
    (["vm", "--name", "web-03", "--node", "pve1", "--storage", "ceph"], "--storage", "does not exist on pve1"),
    (["vm", "--name", "web-03", "--node", "pve1", "--storage", "local"], "--storage", "does not hold images"),
    (["vm", "--name", "web-03", "--node", "pve1", "--bridge", "vmbr9"], "--bridge", "does not exist on pve1"),
    (["vm", "--name", "web-03", "--node", "pve3", "--cores", "8"], "--cores", "pve3, which has 4"),
    (["vm", "--name", "web-03", "--node", "pve3", "--memory", "65536"], "--memory", "does not fit on pve3"),
    (["vm", "--name", "web-03", "--node", "pve1", "--disk", "5000"], "--disk", "does not fit on 'local-lvm'"),
    (["vm", "--name", "web-03", "--node", "pve1", "--cores", "0"], "--cores", "at least 1"),
    (["vm", "--name", "web-03", "--node", "pve1", "--clone", "no-such-template"], "--clone", "debian-12-template"),
    (["vm", "--name", "web-03", "--node", "pve1", "--clone", "debian-12-template", "--disk", "8"], "--disk",
     "cannot shrink"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ip", "192.168.1.300/24"], "--ip", "not dhcp or an address"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ip", "192.168.1.50"], "--ip", "prefix length"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ip", "192.168.1.0/24"], "--ip", "network or broadcast"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ip", "192.168.1.50/24", "--gw", "10.0.0.1"], "--gw",
     "not in 192.168.1.0/24"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ip", "dhcp", "--gw", "192.168.1.1"], "--gw", "static --ip"),
    (["vm", "--name", "web-03", "--node", "pve1", "--gw", "192.168.1.1"], "--gw", "--ip"),
    (["vm", "--name", "web-03", "--node", "pve1", "--tags", "web,Bad Tag!"], "--tags", "invalid tag"),
    (["vm", "--name", "web-03", "--node", "pve1", "--ostemplate", CT_TEMPLATE], "--ostemplate", "only containers"),
    (["ct", "--name", "cache-01", "--node", "pve2"], "--ostemplate", "which OS template"),
    (["ct", "--name", "cache-01", "--node", "pve2", "--ostemplate", "local-lvm:vztmpl/x.tar.zst"], "--ostemplate",
     "does not hold container templates"),
    (["ct", "--name", "cache-01", "--node", "pve2", "--ostemplate", "debian.tar.zst"], "--ostemplate",
     "not a template volume"),
    (["ct", "--name", "cache-01", "--node", "pve2", "--ostemplate", CT_TEMPLATE, "--storage", "local"], "--storage",
     "does not hold rootdir"),
]


@pytest.mark.parametrize(("argv", "flag", "reason"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_names_the_flag_and_touches_no_file(imported: Path, capsys: pytest.CaptureFixture[str],
                                                      argv: list[str], flag: str, reason: str) -> None:
    before = snapshot(imported)
    capsys.readouterr()
    assert run_cli(imported / "ansible", "create", *argv) == 64
    err = capsys.readouterr().err
    assert f"{flag}:" in err and reason in err, err
    assert snapshot(imported) == before


def test_every_problem_is_reported_at_once(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(imported, "create", "vm", "--name", "web-01", "--node", "pve1", "--bridge", "vmbr7",
                   "--tags", "a b!") == 64
    err = capsys.readouterr().err
    assert all(f in err for f in ("--name:", "--bridge:", "--tags:"))


def test_create_vm_writes_a_resource_and_an_inventory_entry(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(ws / "terraform", "create", "vm", "--name", "web-03", "--node", "pve2", "--cores", "2",
                   "--memory", "2048", "--disk", "32", "--clone", "debian-12-template", "--ip", "192.168.1.24/24",
                   "--gw", "192.168.1.1", "--tags", "web,prod", "-o", "json") == 0
    desired = load_desired_state(ws / "terraform")
    used = sorted(g.vmid for g in desired.guests if g.vmid is not None)
    new = next(g for g in desired.guests if g.name == "web-03")
    assert new.vmid == min(set(range(100, 1000)) - set(used) | {new.vmid})  # the lowest free VMID
    assert new.imported_id is None and new.address == f"{VM_TYPE}.web_03"
    body = new.body
    assert body["node_name"] == "pve2" and body["clone"] == [{"vm_id": 100, "full": True, "node_name": "pve1"}]
    assert body["cpu"][0]["cores"] == 2 and body["memory"][0]["dedicated"] == 2048
    assert body["disk"][0]["size"] == 32 and body["disk"][0]["datastore_id"] == "local-lvm"
    assert body["initialization"][0]["ip_config"] == [{"ipv4": [{"address": "192.168.1.24/24",
                                                                 "gateway": "192.168.1.1"}]}]
    assert body["tags"] == ["prod", "web"]
    hostvars = ansible_inventory(ws / "ansible")["_meta"]["hostvars"]
    assert hostvars["web-03"]["ansible_host"] == "192.168.1.24"
    assert hostvars["web-03"]["proxmox_status"] == "planned"
    assert hostvars["homeassistant"]["proxmox_ip_source"] == "agent"  # what import learned is kept
    assert run_tool(tool("terraform"), "fmt", "-check", "-recursive", cwd=ws).returncode == 0
    if BPG_SCHEMA.exists():
        schema = json.loads(BPG_SCHEMA.read_text())["resources"]
        assert schema_problems(body, schema[VM_TYPE], new.address) == []


def test_create_ct_and_names_are_unique_against_the_iac_too(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(ws, "create", "ct", "--name", "cache-01", "--node", "pve2", "--ostemplate", CT_TEMPLATE,
                   "--ip", "dhcp", "--vmid", "300") == 0
    (resource,) = parse((ws / "terraform" / "ct-300.tf").read_text()).resources
    assert resource.type == CT_TYPE
    assert resource.body["operating_system"] == [{"template_file_id": CT_TEMPLATE, "type": "debian"}]
    assert resource.body["initialization"][0]["hostname"] == "cache-01"
    if BPG_SCHEMA.exists():
        schema = json.loads(BPG_SCHEMA.read_text())["resources"]
        assert schema_problems(resource.body, schema[CT_TYPE], resource.address) == []
    before = snapshot(ws)
    capsys.readouterr()
    assert run_cli(ws, "create", "vm", "--name", "cache-01", "--node", "pve1") == 64
    assert "already declared in terraform/ct-300.tf" in capsys.readouterr().err
    assert run_cli(ws, "create", "vm", "--name", "other", "--node", "pve1", "--vmid", "300") == 64
    assert snapshot(ws) == before


def test_create_dry_run_prints_the_resource_and_writes_nothing(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(ws)
    capsys.readouterr()
    assert run_cli(ws, "create", "vm", "--name", "web-04", "--node", "pve1", "--dry-run") == 0
    out = capsys.readouterr().out
    assert 'resource "proxmox_virtual_environment_vm" "web_04"' in out
    assert snapshot(ws) == before
