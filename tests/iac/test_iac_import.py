"""Importing the homelab into a workspace: Terraform that adopts every guest unchanged, and an Ansible
inventory and playbooks the real tools accept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import (
    BPG_SCHEMA,
    ansible_inventory,
    api,
    cli_environment,
    run_cli,
    run_tool,
    schema_problems,
    tool,
)

from pmpc_tui.iac.bpg import RESOURCE_TYPE, body_to_config, config_differences, unmanaged_keys
from pmpc_tui.iac.hcl import parse
from pmpc_tui.iac.terraform import load_desired_state
from pmpc_tui.simulator.server import SimulatorThread

# Hardware and settings beyond the stock homelab, put on two stopped guests through the API,
# so the import covers UEFI/TPM, extra disks and NICs, CD-ROMs, cloud-init, mount points, …
RICH_VM = {"bios": "ovmf", "machine": "q35", "efidisk0": "local-lvm:1,efitype=4m,pre-enrolled-keys=1",
           "tpmstate0": "local-lvm:1,version=v2.0", "serial0": "socket", "vga": "serial0", "numa": 1, "balloon": 1024,
           "startup": "order=2,up=30,down=60", "protection": 1, "sata1": "local-lvm:8,cache=writeback,backup=0",
           "ide3": "local:iso/debian-12.7.0-amd64-netinst.iso,media=cdrom",
           "net1": "e1000=BC:24:11:AA:BB:CC,bridge=vmbr1,tag=20,mtu=1400,link_down=1",
           "ipconfig1": "ip=10.0.20.5/24,gw=10.0.20.1,ip6=auto", "nameserver": "1.1.1.1 9.9.9.9",
           "searchdomain": "lab.example", "ide2": "local-lvm:cloudinit", "ciupgrade": 0,
           "cicustom": "user=local:snippets/user.yaml,vendor=local:snippets/vendor.yaml",
           "sshkeys": "ssh-ed25519%20AAAAC3Nz%20me%40host%0A", "description": 'line one\nline "two" ${not_a_var}',
           "cpu": "host,flags=+aes;-pcid", "cpulimit": "1.5", "cpuunits": 200, "hotplug": "disk,network",
           "vcpus": 1, "agent": "enabled=1,fstrim_cloned_disks=1,type=virtio", "boot": "order=scsi0;sata1;net0",
           "tablet": 0, "keyboard": "de"}
RICH_CT = {"mp0": "local-lvm:4,mp=/data,backup=1", "nameserver": "192.168.1.53", "searchdomain": "lab.example",
           "features": "nesting=1,keyctl=1,mount=nfs;cifs", "console": 1, "tty": 4, "cmode": "shell",
           "startup": "order=3", "protection": 1, "cpulimit": 2, "cpuunits": 512, "description": "object storage",
           "net1": "name=eth1,bridge=vmbr1,tag=30,ip=10.0.30.4/24,gw=10.0.30.1,hwaddr=BC:24:11:DD:EE:FF,rate=12.5,"
                   "mtu=9000"}


@pytest.fixture(scope="module")
def workspace(shared_sim: SimulatorThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """`proxmox-mpc init` then `proxmox-mpc import`, run from a subdirectory of the workspace."""
    home = tmp_path_factory.mktemp("iac")
    for key, value in RICH_VM.items():
        api(shared_sim, "put", "/nodes/pve1/qemu/109/config", **{key: value})
    for key, value in RICH_CT.items():
        api(shared_sim, "put", "/nodes/pve3/lxc/204/config", **{key: value})
    with cli_environment(shared_sim, home):
        ws = home / "lab"
        assert run_cli(home, "init", str(ws)) == 0
        assert run_cli(ws / "terraform", "import", "--addresses") == 0  # the agents too
        yield ws


def live_guests(sim: SimulatorThread) -> list[dict[str, Any]]:
    return [r for r in api(sim, "get", "/cluster/resources") if r["type"] in ("qemu", "lxc")]


def test_import_writes_one_file_per_guest_with_an_import_block(workspace: Path, shared_sim: SimulatorThread) -> None:
    guests = live_guests(shared_sim)
    desired = load_desired_state(workspace / "terraform")
    assert desired.errors == []
    assert sorted(g.vmid for g in desired.guests) == sorted(g["vmid"] for g in guests)
    for guest in guests:
        prefix = "vm" if guest["type"] == "qemu" else "ct"
        parsed = parse((workspace / "terraform" / f"{prefix}-{guest['vmid']}.tf").read_text())
        (resource,) = parsed.resources
        (imp,) = parsed.imports
        assert resource.type == RESOURCE_TYPE[guest["type"]]
        assert imp.to == resource.address and imp.id == f"{guest['node']}/{guest['vmid']}"
        assert resource.body["node_name"] == guest["node"] and resource.body["vm_id"] == guest["vmid"]
    assert {p.name for p in (workspace / "terraform").glob("*.tf")} >= {"versions.tf", "variables.tf"}


def test_each_imported_resource_maps_back_to_the_live_config(workspace: Path, shared_sim: SimulatorThread) -> None:
    """The no-change-after-import guarantee: resource → PVE config equals the live config on every managed key."""
    desired = load_desired_state(workspace / "terraform").by_vmid()
    for guest in live_guests(shared_sim):
        live = api(shared_sim, "get", f"/nodes/{guest['node']}/{guest['type']}/{guest['vmid']}/config")
        wanted = body_to_config(guest["type"], desired[guest["vmid"]].body)
        assert config_differences(guest["type"], live, wanted.config) == {}, guest["vmid"]
        assert wanted.node == guest["node"] and wanted.vmid == guest["vmid"]
        is_template = bool(guest.get("template"))
        assert wanted.started == (guest["status"] == "running" and not is_template)
        # whatever is not managed is PVE's own bookkeeping, and the file says so
        text = desired[guest["vmid"]].file.read_text()
        for key in unmanaged_keys(guest["type"], live):
            assert key in text


def test_rich_guests_keep_uefi_tpm_disks_nics_and_mount_points(workspace: Path) -> None:
    desired = load_desired_state(workspace / "terraform").by_vmid()
    vm = desired[109].body
    assert {d["interface"] for d in vm["disk"]} == {"scsi0", "sata1"}
    assert vm["efi_disk"] == [{"datastore_id": "local-lvm", "file_format": "raw", "type": "4m",
                               "pre_enrolled_keys": True}]
    assert vm["tpm_state"][0]["version"] == "v2.0" and vm["bios"] == "ovmf"
    assert vm["cdrom"][0]["file_id"] == "local:iso/debian-12.7.0-amd64-netinst.iso"
    assert vm["network_device"][1]["vlan_id"] == 20 and vm["network_device"][1]["disconnected"] is True
    assert vm["initialization"][0]["dns"] == [{"domain": "lab.example", "servers": ["1.1.1.1", "9.9.9.9"]}]
    assert vm["description"] == RICH_VM["description"]
    ct = desired[204].body
    assert ct["mount_point"][0]["path"] == "/data"
    assert ct["features"] == [{"nesting": True, "keyctl": True, "mount": ["nfs", "cifs"]}]
    assert ct["initialization"][0]["ip_config"][1]["ipv4"] == [{"address": "10.0.30.4/24", "gateway": "10.0.30.1"}]


def test_generated_resources_use_only_the_providers_arguments(workspace: Path) -> None:
    if not BPG_SCHEMA.exists():
        pytest.skip(f"bpg schema not found at {BPG_SCHEMA}")
    schema = json.loads(BPG_SCHEMA.read_text())["resources"]
    problems: list[str] = []
    for guest in load_desired_state(workspace / "terraform").guests:
        problems += schema_problems(guest.body, schema[RESOURCE_TYPE[guest.kind]], guest.address)
    assert problems == []


def test_terraform_fmt_accepts_the_generated_files(workspace: Path) -> None:
    result = run_tool(tool("terraform"), "fmt", "-check", "-recursive", "-diff", cwd=workspace)
    assert result.returncode == 0, result.stdout + result.stderr


def test_inventory_groups_by_node_tag_type_and_status(workspace: Path, shared_sim: SimulatorThread) -> None:
    inv = ansible_inventory(workspace / "ansible")
    guests = [g for g in live_guests(shared_sim) if not g.get("template")]
    for guest in guests:
        name = guest["name"]
        assert name in inv[f"node_{guest['node']}"]["hosts"]
        assert name in inv[f"type_{guest['type']}"]["hosts"]
        assert name in inv[f"status_{guest['status']}"]["hosts"]
        for tag in filter(None, guest.get("tags", "").split(";")):
            assert name in inv[f"tag_{tag}"]["hosts"]
        hostvars = inv["_meta"]["hostvars"][name]
        assert hostvars["proxmox_vmid"] == guest["vmid"] and hostvars["proxmox_node"] == guest["node"]
    assert "debian-12-template" not in inv["_meta"]["hostvars"]


def test_ansible_host_comes_from_static_config_or_the_running_guest(workspace: Path,
                                                                     shared_sim: SimulatorThread) -> None:
    hostvars = ansible_inventory(workspace / "ansible")["_meta"]["hostvars"]
    assert hostvars["web-01"]["ansible_host"] == "192.168.1.21"  # VM: ipconfig0 ip=192.168.1.21/24
    assert hostvars["pihole"]["ansible_host"] == "192.168.1.53"  # CT: net0 ip=192.168.1.53/24
    agent = api(shared_sim, "get", "/nodes/pve3/qemu/108/agent/network-get-interfaces")["result"]
    agent_ip = next(a["ip-address"] for i in agent if i["name"] != "lo" for a in i["ip-addresses"])
    assert hostvars["homeassistant"]["ansible_host"] == agent_ip
    assert hostvars["homeassistant"]["proxmox_ip_source"] == "agent"
    ifaces = api(shared_sim, "get", "/nodes/pve3/lxc/205/interfaces")
    ct_ip = next(i["inet"].split("/")[0] for i in ifaces if i["name"] != "lo")
    assert hostvars["mqtt"]["ansible_host"] == ct_ip
    assert hostvars["minio"]["ansible_host"] == "10.0.30.4"  # stopped, eth0 DHCP, eth1 static
    assert "ansible_host" not in hostvars["win11-desktop"]  # stopped, no static address: nobody knows it


@pytest.mark.parametrize("playbook", ["start", "shutdown", "stop", "restart", "snapshot"])
def test_playbooks_pass_ansible_syntax_check(workspace: Path, playbook: str) -> None:
    path = workspace / "ansible" / "playbooks" / f"{playbook}.yml"
    assert "community.proxmox." in path.read_text()
    result = run_tool(tool("ansible-playbook"), "--syntax-check", str(path), cwd=workspace / "ansible")
    assert result.returncode == 0, result.stdout + result.stderr


def test_sync_inside_the_workspace_uses_its_own_state_database(workspace: Path) -> None:
    db = workspace / ".proxmox-mpc" / "state.db"
    assert db.exists() and db.stat().st_size > 0
    profile_state = workspace.parent / "state" / "lab" / "state.db"
    assert not profile_state.exists()


def test_inventory_strings_stay_strings_for_ansibles_yaml_reader(tmp_path: Path) -> None:
    from pmpc_tui.iac.ansible import InventoryHost, render_inventory

    host = InventoryHost("yes", 150, "pve1", "qemu", "running", tags=["on", "no"], ips=["10.0.0.5"],
                         ip_source="static")
    (tmp_path / "inventory.yml").write_text(render_inventory([host]))
    inv = ansible_inventory(tmp_path)
    assert inv["_meta"]["hostvars"]["yes"]["proxmox_tags"] == ["on", "no"]  # not [True, False]
    assert "yes" in inv["tag_on"]["hosts"] and "yes" in inv["tag_no"]["hosts"]
