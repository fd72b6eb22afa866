"""Change impact in every plan: in place, needs a reboot, disruptive, destructive. Disks are resized or moved,
never replaced; shrinking is refused; destructive changes are listed first and need --allow-destroy (or the
typed count, or MCP allow_destroy=true); lifecycle.prevent_destroy is honoured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def workspace(imported_workspace: Path) -> Path:
    return imported_workspace


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def cli(ws: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    capsys.readouterr()
    code = run_cli(ws, *argv)
    out = capsys.readouterr()
    return code, out.out + out.err


def config(sim: SimulatorThread, vmid: int) -> dict[str, object]:
    return sim.call(lambda: dict(sim.sim.cluster.guests[vmid].config))


def test_growing_a_disk_in_the_code_is_a_resize_that_keeps_the_data(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-101.tf", "size              = 32", "size              = 40")
    code, plan = plan_json(workspace, capsys)
    web = next(r for r in plan["resources"] if r["vmid"] == 101)
    assert code == 2 and web["impact"] == "in-place"
    assert [(c["key"], c["op"], c["before"], c["after"]) for c in web["changes"]] == [("scsi0", "resize", 32, 40)]
    assert run_cli(workspace, "apply", "--auto-approve") == 0  # growing destroys nothing: no --allow-destroy
    scsi0 = str(config(sim, 101)["scsi0"])
    assert scsi0.startswith("local-lvm:vm-101-disk-0,") and "size=40G" in scsi0
    assert not any(k.startswith("unused") for k in config(sim, 101))
    assert plan_json(workspace, capsys)[0] == 0


def test_shrinking_a_disk_is_a_plan_error_and_nothing_is_applied(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-101.tf", "size              = 32", "size              = 16")
    edit(workspace / "terraform" / "vm-102.tf", "dedicated = 2048", "dedicated = 3072")
    code, text = cli(workspace, capsys, "plan")
    assert code == ExitCode.ERROR
    assert "scsi0: the code asks for 16 GiB but the disk has 32 GiB; disks cannot shrink" in text
    code, text = cli(workspace, capsys, "apply", "--auto-approve", "--allow-destroy")
    assert code == ExitCode.ERROR and "nothing was applied" in text
    assert "size=32G" in str(config(sim, 101)["scsi0"])
    assert config(sim, 102)["memory"] == "2048"  # the other guest's change is not applied either


def test_moving_a_disk_to_another_storage_keeps_the_old_volume_as_unused(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-109.tf", 'datastore_id      = "local-lvm"', 'datastore_id      = "nas"')
    code, plan = plan_json(workspace, capsys)
    dev = next(r for r in plan["resources"] if r["vmid"] == 109)
    assert code == 2
    assert [(c["key"], c["op"], c["after"], c["impact"]) for c in dev["changes"]] == [
        ("scsi0", "move", "nas", "in-place")]
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    moved = config(sim, 109)
    assert str(moved["scsi0"]).startswith("nas:") and moved["unused0"] == "local-lvm:vm-109-disk-0"
    assert plan_json(workspace, capsys)[0] == 0


def test_a_destructive_plan_lists_them_first_and_apply_y_needs_allow_destroy(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-101.tf", "dedicated = 2048", "dedicated = 3072")
    (workspace / "terraform" / "vm-109.tf").unlink()
    code, text = cli(workspace, capsys, "plan")
    assert code == 2
    lines = [line for line in text.splitlines() if line.startswith(("- ", "~ ", "+ ", "-/+ "))]
    assert lines[0].startswith("- proxmox_virtual_environment_vm.dev_sandbox") and "[destructive]" in lines[0]
    assert "1 destructive (listed first)" in text and "1 needs a reboot" in text
    _, plan = plan_json(workspace, capsys)
    # dev-sandbox's pool membership goes with it (in place); web-01's memory needs a reboot
    assert plan["impact"] == {"in-place": 1, "reboot": 1, "disruptive": 0, "destructive": 1}
    code, text = cli(workspace, capsys, "apply", "--auto-approve")
    assert code == ExitCode.REFUSED
    assert "proxmox_virtual_environment_vm.dev_sandbox (VMID 109)" in text and "--allow-destroy" in text
    assert sim.call(lambda: 109 in sim.sim.cluster.guests)
    assert config(sim, 101)["memory"] == "2048"  # all or nothing
    assert run_cli(workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert sim.call(lambda: 109 not in sim.sim.cluster.guests)
    assert plan_json(workspace, capsys)[0] == 0


def test_an_interactive_apply_asks_for_the_count_of_destructive_changes(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pmpc_tui.commands.context as context

    (workspace / "terraform" / "vm-109.tf").unlink()
    asked: list[str] = []
    monkeypatch.setattr(context, "_ask", lambda prompt: asked.append(prompt) or "yes")
    code, text = cli(workspace, capsys, "apply")
    assert code == ExitCode.REFUSED and "nothing was applied" in text
    assert "Type 1 to confirm" in asked[0] and "dev_sandbox (VMID 109)" in asked[0]
    assert sim.call(lambda: 109 in sim.sim.cluster.guests)
    monkeypatch.setattr(context, "_ask", lambda prompt: "1")
    assert run_cli(workspace, "apply") == 0
    assert sim.call(lambda: 109 not in sim.sim.cluster.guests)


def test_prevent_destroy_stops_destroy_before_anything_is_touched(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "terraform" / "vm-103.tf"
    text = path.read_text()
    path.write_text(text[:text.rindex("}")] + "  lifecycle {\n    prevent_destroy = true\n  }\n}\n")
    assert plan_json(workspace, capsys)[0] == 0  # honoured, and no difference in itself
    before = sim.call(lambda: {v: g.status for v, g in sim.sim.cluster.guests.items()})
    code, text = cli(workspace, capsys, "destroy", "--yes")
    assert code == ExitCode.ERROR
    assert "proxmox_virtual_environment_vm.db_01: lifecycle.prevent_destroy is set" in text
    assert sim.call(lambda: {v: g.status for v, g in sim.sim.cluster.guests.items()}) == before
    assert run_cli(workspace, "destroy", "--yes", "--target", "dev-sandbox") == 0  # others can still go
    assert sim.call(lambda: 109 not in sim.sim.cluster.guests and 103 in sim.sim.cluster.guests)


async def test_mcp_apply_of_a_destructive_plan_needs_allow_destroy(sim: SimulatorThread, workspace: Path) -> None:
    from mcp import Client
    from mcp_support import error, payload, server

    (workspace / "terraform" / "vm-109.tf").unlink()
    async with Client(server(sim, workspace.parent)) as client:
        refused = error(await client.call_tool("apply", {"confirm": True}))
        assert "dev_sandbox (VMID 109)" in refused and "allow_destroy" in refused.split("next step:")[1]
        assert sim.call(lambda: 109 in sim.sim.cluster.guests)
        done = payload(await client.call_tool("apply", {"confirm": True, "allow_destroy": True}))
        assert "steps done" in done["summary"], done
    assert sim.call(lambda: 109 not in sim.sim.cluster.guests)


def test_a_clone_left_smaller_than_its_code_is_resized_never_given_a_blank_disk(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reported: the second apply set `scsi0=local-lvm:40` (a new blank disk) and lost the cloned OS disk."""
    from iac_support import api_done

    assert run_cli(workspace, "create", "vm", "--name", "web-03", "--node", "pve1", "--clone", "debian-12-template",
                   "--disk", "40", "--vmid", "150") == 0
    api_done(sim, "post", "/nodes/pve1/qemu/100/clone", newid=150, name="web-03", full=1)  # what the old apply left
    os_disk = str(config(sim, 150)["scsi0"]).split(",")[0]
    code, plan = plan_json(workspace, capsys)
    web = next(r for r in plan["resources"] if r["vmid"] == 150)
    scsi0 = [(c["op"], c["before"], c["after"]) for c in web["changes"] if c["key"] == "scsi0"]
    assert code == 2 and scsi0 == [("resize", 16, 40)] and web["impact"] != "destructive"
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    now = config(sim, 150)
    assert str(now["scsi0"]).startswith(os_disk + ",") and "size=40G" in str(now["scsi0"])
    assert not any(k.startswith("unused") for k in now)
    assert plan_json(workspace, capsys)[0] == 0


def test_a_new_node_name_migrates_the_guest_instead_of_re_creating_it(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(workspace / "terraform" / "vm-109.tf", 'node_name     = "pve1"', 'node_name     = "pve2"')
    edit(workspace / "terraform" / "ct-201.tf", 'node_name     = "pve1"', 'node_name     = "pve2"')
    code, plan = plan_json(workspace, capsys)
    moved = {r["vmid"]: (r["action"], r["impact"], [(c["key"], c["op"]) for c in r["changes"]])
             for r in plan["resources"] if r["action"] != "no-op"}
    assert code == 2 and moved == {109: ("update", "in-place", [("node", "migrate")]),
                                   201: ("update", "disruptive", [("node", "migrate")])}
    disk = str(config(sim, 109)["scsi0"]).split(",")[0]
    assert run_cli(workspace, "apply", "--auto-approve") == 0  # nothing is destroyed: no --allow-destroy
    assert sim.call(lambda: (sim.sim.cluster.guests[109].node, sim.sim.cluster.guests[201].node,
                             sim.sim.cluster.guests[201].status)) == ("pve2", "pve2", "running")
    assert str(config(sim, 109)["scsi0"]).startswith(disk + ",")  # the same disk, carried along
    assert plan_json(workspace, capsys)[0] == 0
