"""The JSON form of a plan (`plan -o json`, `plan --out`) holds every field of every resource and change."""

from __future__ import annotations

from dataclasses import asdict

from pmpc_tui.services.changes import AttributeChange
from pmpc_tui.services.plan import Plan, ResourceChange


def _plan() -> Plan:
    change = ResourceChange("proxmox_virtual_environment_vm.web", "qemu", 101, "web", "pve1", "update",
                            [AttributeChange("memory", 2048, 4096, "reboot"),
                             AttributeChange("tags", ["a"], ["a", "b"], op="set", detail="")],
                            digest="abc", desired={"node": "pve1", "config": {"memory": 4096, "net0": {"x": [1]}}},
                            pending=["cores"])
    return Plan(workspace="/ws", resources=[change])


def test_a_saved_plan_holds_the_same_fields_as_the_resources_it_was_made_of() -> None:
    plan = _plan()
    data = plan.to_dict()
    assert data["resources"] == [asdict(r) for r in plan.resources]
    assert Plan.from_dict(data).to_dict()["resources"] == data["resources"]


def test_changing_the_json_form_leaves_the_plan_as_it_was() -> None:
    plan = _plan()
    data = plan.to_dict()
    data["resources"][0]["desired"]["config"]["net0"]["x"].append(2)
    data["resources"][0]["changes"][1]["after"].append("c")
    assert plan.resources[0].desired == {"node": "pve1", "config": {"memory": 4096, "net0": {"x": [1]}}}
    assert plan.resources[0].changes[1].after == ["a", "b"]
