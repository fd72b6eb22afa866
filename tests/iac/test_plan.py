"""Plan without terraform: a no-change plan right after import, attribute-level updates, creates, deletes,
drift made behind the tool's back, targets, saved plans and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.services.plan import Plan
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def workspace(imported_workspace: Path) -> Path:
    return imported_workspace


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json", *extra)
    return code, json.loads(capsys.readouterr().out)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_a_plan_right_after_import_changes_nothing(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, plan = plan_json(workspace, capsys)
    assert code == 0, [r for r in plan["resources"] if r["action"] != "no-op"]
    # 18 guests, and 71 cluster objects: 3 pools, their 8 members, 2 backup jobs, 3 HA resources, 2 HA rules,
    # 18 firewall objects, 12 access objects (2 groups, 4 users, 1 role, 5 ACL entries), 12 images and 11 SDN
    # objects and storage definitions
    assert plan["summary"] == {"create": 0, "update": 0, "replace": 0, "delete": 0, "no-op": 89}
    kinds = [r["kind"] for r in plan["resources"]]
    assert sum(k.startswith(("sdn_", "storage_")) for k in kinds) == 11
    assert sum(r["vmid"] is not None for r in plan["resources"]) == 18
    assert plan["format_version"] == 2
    assert plan["impact"] == {"in-place": 0, "reboot": 0, "disruptive": 0, "destructive": 0}


def test_editing_memory_is_one_in_place_update(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-101.tf", "dedicated = 2048", "dedicated = 4096")
    code, plan = plan_json(workspace, capsys)
    assert code == 2
    changed = [r for r in plan["resources"] if r["action"] != "no-op"]
    assert len(changed) == 1 and changed[0]["action"] == "update" and changed[0]["vmid"] == 101
    changes = {c["key"]: (c["before"], c["after"]) for c in changed[0]["changes"]}
    assert changes["memory"] == (2048, 4096)
    assert set(changes) == {"memory"}
    capsys.readouterr()
    assert run_cli(workspace, "plan") == 2
    text = capsys.readouterr().out
    assert "~ proxmox_virtual_environment_vm." in text and "memory: 2048 → 4096" in text
    assert "1 to update in place" in text


def test_a_change_made_behind_the_tools_back_shows_up(sim: SimulatorThread, workspace: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/guests/103/config", {"cores": 8})
    code, plan = plan_json(workspace, capsys)
    assert code == 2
    changed = [r for r in plan["resources"] if r["action"] != "no-op"]
    assert [(r["vmid"], [c["key"] for c in r["changes"]]) for r in changed] == [(103, ["cores"])]


def test_removed_code_plans_a_delete_and_new_code_a_create(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "terraform" / "vm-109.tf").unlink()
    assert run_cli(workspace, "create", "vm", "--name", "web-03", "--node", "pve2", "--cores", "2", "--memory",
                   "2048", "--disk", "16", "--vmid", "150") == 0
    code, plan = plan_json(workspace, capsys)
    assert code == 2
    actions = {(r["vmid"] or r["name"], r["action"]) for r in plan["resources"] if r["action"] != "no-op"}
    assert actions == {(109, "delete"), ("lab/vm/109", "delete"), (150, "create")}  # its pool membership goes too
    created = next(r for r in plan["resources"] if r["vmid"] == 150)
    assert created["name"] == "web-03" and int(created["desired"]["config"]["memory"]) == 2048


def test_unmanaged_guests_are_never_planned_for_deletion(sim: SimulatorThread, workspace: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from iac_support import api_done

    api_done(sim, "post", "/nodes/pve1/qemu", vmid=180, name="made-in-web-ui", memory=512)
    code, plan = plan_json(workspace, capsys)
    assert code == 0 and all(r["vmid"] != 180 for r in plan["resources"])


def test_target_and_saved_plan(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-101.tf", "dedicated = 2048", "dedicated = 3072")
    edit(workspace / "terraform" / "vm-102.tf", "dedicated = 2048", "dedicated = 3072")
    code, plan = plan_json(workspace, capsys, "--target", "102", "--out", "web.plan")
    assert code == 2 and [r["vmid"] for r in plan["resources"]] == [102]
    saved = Plan.load(workspace / "web.plan")
    assert [(r.vmid, r.action, r.digest is not None) for r in saved.resources] == [(102, "update", True)]
    assert saved.to_dict()["resources"] == plan["resources"]


def test_plan_outside_a_workspace_says_what_to_do(sim: SimulatorThread, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        assert run_cli(tmp_path, "plan") == 64
    assert "proxmox-mpc init" in capsys.readouterr().err
