"""The firewall as code — cluster options, aliases, IP sets, security groups, cluster and guest rules, guest
options: import → no changes → an edit is one change → apply → no changes; drift finds API edits; a change that
could cut access is disruptive, deleting a group is destructive and needs --allow-destroy."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluster_objects_support import changed, drift_json, edit, edit_resource, plan_json
from iac_support import api, run_cli

from pmpc_tui.simulator.server import SimulatorThread

FW = "/cluster/firewall"


def by_name(plan: dict, name: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in plan["resources"] if r["name"] == name and r["action"] != "no-op")


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_import_writes_the_firewall_and_the_plan_changes_nothing(imported_workspace: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    text = (imported_workspace / "terraform" / "firewall.tf").read_text()
    for head in ('resource "proxmox_virtual_environment_cluster_firewall" "cluster"',
                 'resource "proxmox_virtual_environment_firewall_alias" "lan"',
                 'resource "proxmox_virtual_environment_firewall_ipset" "management"',
                 'resource "proxmox_virtual_environment_cluster_firewall_security_group" "ssh_admin"',
                 'resource "proxmox_virtual_environment_firewall_rules" "vm_103"',
                 'resource "proxmox_virtual_environment_firewall_options" "container_200"'):
        assert head in text
    assert 'id = "vm/pve2/103"' in text and 'id = "cluster/management"' in text
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_a_cluster_rule_edit_and_a_stricter_policy_are_disruptive_and_apply_makes_them(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw = imported_workspace / "terraform" / "firewall.tf"
    edit(fw, '"Web UI from the LAN"', '"PVE web UI from the LAN"')
    edit_resource(fw, 'resource "proxmox_virtual_environment_cluster_firewall" "cluster"', '"DROP"', '"REJECT"')
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2
    assert sorted(changed(plan)) == [("firewall_cluster", "cluster", "update"),
                                     ("firewall_rules", "cluster", "update")]
    assert {r["impact"] for r in plan["resources"] if r["action"] == "update"} == {"disruptive"}
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert api(sim, "get", f"{FW}/options")["policy_in"] == "REJECT"
    comments = [r.get("comment") for r in api(sim, "get", f"{FW}/rules")]
    assert comments[:3] == ["Drop known scanners", "Admins reach the nodes", "PVE web UI from the LAN"]
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_ip_set_members_and_guest_options_round_trip(sim: SimulatorThread, imported_workspace: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    fw = imported_workspace / "terraform" / "firewall.tf"
    edit(fw, '  cidr {\n    name = "192.168.1.101"\n  }\n',
         '  cidr {\n    name = "192.168.1.101"\n  }\n  cidr {\n    name    = "10.9.0.0/16"\n    comment = "VPN"\n  }\n')
    edit_resource(fw, 'resource "proxmox_virtual_environment_firewall_options" "vm_101"', '"DROP"', '"ACCEPT"')
    code, plan = plan_json(imported_workspace, capsys)
    assert sorted(changed(plan)) == [("firewall_ipset", "management", "update"),
                                     ("firewall_options", "vm/101", "update")]
    assert by_name(plan, "vm/101")["impact"] == "in-place"  # a looser policy cuts nothing
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    members = {m["cidr"]: m.get("comment") for m in api(sim, "get", f"{FW}/ipset/management")}
    assert members["10.9.0.0/16"] == "VPN"
    assert api(sim, "get", "/nodes/pve1/qemu/101/firewall/options")["policy_in"] == "ACCEPT"
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    edit(fw, '  cidr {\n    name    = "10.9.0.0/16"\n    comment = "VPN"\n  }\n', "")  # a member with a /
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    assert "10.9.0.0/16" not in {m["cidr"] for m in api(sim, "get", f"{FW}/ipset/management")}


def test_deleting_a_security_group_is_destructive_and_drift_sees_api_edits(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fw = imported_workspace / "terraform" / "firewall.tf"
    text = fw.read_text()
    start = text.index("import {\n  to = proxmox_virtual_environment_cluster_firewall_security_group.monitoring")
    end = text.index("import {", start + 10)
    fw.write_text(text[:start] + text[end:])
    code, plan = plan_json(imported_workspace, capsys)
    assert changed(plan) == [("firewall_group", "monitoring", "delete")]
    assert plan["impact"]["destructive"] == 1
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    assert "security group monitoring" in capsys.readouterr().err
    fw.write_text(text)
    api(sim, "put", f"{FW}/aliases/lan", cidr="192.168.2.0/24", comment="Home LAN")
    api(sim, "post", f"{FW}/aliases", name="printer", cidr="192.168.1.9")
    code, report = drift_json(imported_workspace, capsys)
    assert code == 2
    assert [(e["name"], e["changes"]) for e in report["changed"]] == [
        ("lan", [{"key": "cidr", "cluster": "192.168.2.0/24", "code": "192.168.1.0/24"}])]
    assert {"type": "firewall_alias", "id": "printer", "what": "firewall alias"} in report["unmanaged"]


def test_import_leaves_out_the_rules_of_a_guest_whose_firewall_is_off_and_takes_them_when_it_is_on(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    fw = imported_workspace / "terraform" / "firewall.tf"
    head = 'resource "proxmox_virtual_environment_firewall_rules" "vm_103"'
    assert head in fw.read_text()
    api(sim, "put", "/nodes/pve2/qemu/103/firewall/options", enable=0)
    assert run_cli(imported_workspace, "import") == 0
    assert head not in fw.read_text()  # PVE applies no rules of a guest whose firewall is off (docs/iac.md)
    api(sim, "put", "/nodes/pve2/qemu/103/firewall/options", enable=1)
    assert run_cli(imported_workspace, "import") == 0
    assert head in fw.read_text()
