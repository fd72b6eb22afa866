"""Every create converges in one apply: clone → resize → cloud-init drive, IP config → options → start.
Each path ends with "next plan: no changes" against the simulator (which behaves like PVE 9.1: no cross-node
clone from local storage, pending changes on running guests, resize from the real size)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import api_done, run_cli

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def workspace(imported_workspace: Path) -> Path:
    return imported_workspace


def config(sim: SimulatorThread, vmid: int) -> dict[str, object]:
    return sim.call(lambda: dict(sim.sim.cluster.guests[vmid].config))


def where(sim: SimulatorThread, vmid: int) -> tuple[str, str]:
    return sim.call(lambda: (sim.sim.cluster.guests[vmid].node, sim.sim.cluster.guests[vmid].status))


def task_types(sim: SimulatorThread) -> list[str]:
    return sim.call(lambda: [t.type for t in sim.sim.cluster.tasks.values()])


def next_plan(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json")
    plan = json.loads(capsys.readouterr().out)
    return code, [r for r in plan["resources"] if r["action"] != "no-op"]


def test_a_clone_with_a_bigger_disk_is_resized_and_gets_its_cloud_init_drive(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reported: the clone kept 16 GiB and had no cloud-init drive, yet apply said done; the next apply put
    a blank 40 GiB disk in place of the cloned OS disk."""
    assert run_cli(workspace, "create", "vm", "--name", "web-03", "--node", "pve1", "--clone", "debian-12-template",
                   "--disk", "40", "--ip", "192.168.1.40/24", "--gw", "192.168.1.1", "--vmid", "150") == 0
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    made = config(sim, 150)
    assert str(made["scsi0"]).startswith("local-lvm:vm-150-disk-0,") and "size=40G" in str(made["scsi0"])
    assert not any(k.startswith("unused") for k in made), made  # the cloned OS disk is the one that grew
    assert "cloudinit" in str(made["ide2"]) and made["ipconfig0"] == "ip=192.168.1.40/24,gw=192.168.1.1"
    assert where(sim, 150) == ("pve1", "running")
    assert next_plan(workspace, capsys) == (0, [])


def test_a_clone_to_another_node_from_local_storage_is_cloned_then_migrated(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "create", "vm", "--name", "web-04", "--node", "pve2", "--clone", "debian-12-template",
                   "--disk", "20", "--vmid", "151") == 0
    capsys.readouterr()
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    out = capsys.readouterr()
    assert "migrating the clone to pve2" in out.out + out.err
    assert where(sim, 151) == ("pve2", "running")
    assert "size=20G" in str(config(sim, 151)["scsi0"])
    assert next_plan(workspace, capsys) == (0, [])


def test_a_clone_to_another_node_from_shared_storage_goes_there_directly(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api_done(sim, "post", "/nodes/pve1/qemu", vmid=120, name="nas-template", memory=1024, scsihw="virtio-scsi-single",
             scsi0="nas:8", net0="virtio,bridge=vmbr0", ostype="l26")
    api_done(sim, "post", "/nodes/pve1/qemu/120/template")
    assert run_cli(workspace, "sync") == 0
    assert run_cli(workspace, "create", "vm", "--name", "app-01", "--node", "pve3", "--clone", "nas-template",
                   "--storage", "nas", "--vmid", "152") == 0
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    assert where(sim, 152) == ("pve3", "running")
    assert "qmigrate" not in task_types(sim)  # PVE clones straight to the node when the disks are shared
    assert next_plan(workspace, capsys) == (0, [])


def test_a_new_vm_booting_an_iso_from_a_blank_disk_converges(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "create", "vm", "--name", "install-01", "--node", "pve2", "--disk", "24",
                   "--ip", "192.168.1.41/24", "--gw", "192.168.1.1", "--vmid", "153") == 0
    path = workspace / "terraform" / "vm-153.tf"
    text = path.read_text()
    path.write_text(text[:text.rindex("}")] + '  cdrom {\n    file_id   = "local:iso/debian-12.7.0-amd64-netinst.iso"\n'
                    '    interface = "ide0"\n  }\n}\n')
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    made = config(sim, 153)
    assert "netinst.iso" in str(made["ide0"]) and "size=24G" in str(made["scsi0"]) and "cloudinit" in str(made["ide2"])
    assert next_plan(workspace, capsys) == (0, [])


def test_a_container_from_an_ostemplate_does_not_show_its_mac_address_forever(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Reported: every plan after creating a container showed `net0 hwaddr "" → BC:24:11:…`."""
    assert run_cli(workspace, "create", "ct", "--name", "cache-01", "--node", "pve1", "--ostemplate",
                   "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", "--ip", "192.168.1.70/24",
                   "--gw", "192.168.1.1", "--vmid", "250") == 0
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    mac = str(config(sim, 250)["net0"]).split("hwaddr=")[1].split(",")[0]
    assert mac.startswith("BC:24:11") and where(sim, 250) == ("pve1", "running")
    assert next_plan(workspace, capsys) == (0, [])
    path = workspace / "terraform" / "ct-250.tf"
    path.write_text(path.read_text().replace("firewall = false", "firewall = true", 1))
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    assert f"hwaddr={mac}" in str(config(sim, 250)["net0"]) and "firewall=1" in str(config(sim, 250)["net0"])
    assert next_plan(workspace, capsys) == (0, [])  # the MAC PVE gave it stays, and is no difference


def test_a_container_clone_converges(sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(workspace, "create", "ct", "--name", "ct-clone-01", "--node", "pve1", "--clone",
                   "ubuntu-ct-template", "--disk", "12", "--vmid", "251") == 0
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    assert "size=12G" in str(config(sim, 251)["rootfs"])
    assert next_plan(workspace, capsys) == (0, [])


def test_a_memory_change_to_a_running_vm_is_planned_once_as_needing_a_reboot(
        sim: SimulatorThread, workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    code, changed = next_plan(workspace, capsys)
    assert code == 2 and changed[0]["impact"] == "reboot"
    assert [(c["key"], c["impact"]) for c in changed[0]["changes"]] == [("memory", "reboot")]  # type: ignore[union-attr]
    assert run_cli(workspace, "apply", "--auto-approve") == 0
    assert sim.call(lambda: sim.sim.cluster.guests[101].pending.get("memory")) == "4096"  # waits for a reboot
    assert next_plan(workspace, capsys) == (0, [])
    capsys.readouterr()
    assert run_cli(workspace, "plan") == 0
    assert "No changes" in capsys.readouterr().out
