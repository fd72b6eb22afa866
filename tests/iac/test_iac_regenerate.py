"""Regenerating after the cluster changed: unedited files follow the cluster, the user's edits are never
silently overwritten (kept, new version next to them, diff shown), --force overwrites with a backup."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, api_done, cli_environment, run_cli, snapshot

from pmpc_tui.iac.terraform import load_desired_state
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def ws(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        assert run_cli(tmp_path, "init", "lab") == 0
        assert run_cli(tmp_path / "lab", "import") == 0
        yield tmp_path / "lab"


def memory_of(ws: Path, vmid: int) -> int:
    return int(load_desired_state(ws / "terraform").by_vmid()[vmid].body["memory"][0]["dedicated"])  # type: ignore[index]


def test_unedited_files_follow_the_cluster(ws: Path, sim: SimulatorThread) -> None:
    api(sim, "put", "/nodes/pve2/qemu/102/config", memory="3072")
    assert run_cli(ws, "import") == 0
    assert memory_of(ws, 102) == 3072
    assert not (ws / "terraform" / "vm-102.tf.new").exists()
    assert not (ws / "terraform" / "vm-102.tf.bak").exists()


def test_an_edited_file_is_kept_and_the_new_generation_goes_next_to_it(ws: Path, sim: SimulatorThread,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = ws / "terraform" / "vm-101.tf"
    edited = path.read_text().replace("cores   = 2", "cores   = 4") + "# my note\n"
    path.write_text(edited)
    # nothing changed in the cluster: the edit simply stays
    assert run_cli(ws, "import") == 0
    assert path.read_text() == edited and not path.with_name("vm-101.tf.new").exists()
    # the cluster changed too: keep the edit, write the new generation next to it, show the diff
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="4096")
    capsys.readouterr()
    assert run_cli(ws, "import") == 7
    out = capsys.readouterr().out
    assert path.read_text() == edited
    new = path.with_name("vm-101.tf.new").read_text()
    assert "dedicated = 4096" in new and "cores   = 2" in new
    assert "kept your edited terraform/vm-101.tf" in out
    assert "-    cores   = 4" in out and "+    dedicated = 4096" in out
    assert load_desired_state(ws / "terraform").errors == []  # .new is not read by terraform or by us


def test_dry_run_writes_nothing(ws: Path, sim: SimulatorThread, capsys: pytest.CaptureFixture[str]) -> None:
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="4096")
    (ws / "terraform" / "vm-101.tf").write_text((ws / "terraform" / "vm-101.tf").read_text() + "# mine\n")
    before = snapshot(ws / "terraform") | snapshot(ws / "ansible")
    assert run_cli(ws, "import", "--dry-run") == 7  # syncs the state DB, writes no IaC file
    assert snapshot(ws / "terraform") | snapshot(ws / "ansible") == before


def test_offline_import_keeps_what_the_guest_agents_reported(ws: Path) -> None:
    before = snapshot(ws / "terraform") | snapshot(ws / "ansible")
    assert run_cli(ws, "import", "--offline") == 0
    assert snapshot(ws / "terraform") | snapshot(ws / "ansible") == before


def test_force_overwrites_an_edit_and_keeps_a_backup(ws: Path, sim: SimulatorThread) -> None:
    path = ws / "terraform" / "vm-101.tf"
    edited = path.read_text() + "# my note\n"
    path.write_text(edited)
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="4096")
    assert run_cli(ws, "import", "--force") == 0
    assert memory_of(ws, 101) == 4096 and "# my note" not in path.read_text()
    assert path.with_name("vm-101.tf.bak").read_text() == edited
    # and from now on the file counts as unedited again
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="8192")
    assert run_cli(ws, "import") == 0
    assert memory_of(ws, 101) == 8192


def test_a_deleted_file_is_not_brought_back_silently(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (ws / "terraform" / "ct-205.tf").unlink()
    capsys.readouterr()
    assert run_cli(ws, "import") == 0
    assert not (ws / "terraform" / "ct-205.tf").exists()
    assert "you deleted it" in capsys.readouterr().out
    assert run_cli(ws, "import", "--force") == 0
    assert (ws / "terraform" / "ct-205.tf").exists()


def test_a_removed_guest_is_reported_not_deleted(ws: Path, sim: SimulatorThread,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    api_done(sim, "delete", "/nodes/pve1/qemu/109")  # the guest is gone once its task ends
    capsys.readouterr()
    assert run_cli(ws, "import") == 0
    assert (ws / "terraform" / "vm-109.tf").exists()
    assert "terraform/vm-109.tf: its guest no longer exists" in capsys.readouterr().out


def test_create_refuses_a_node_that_is_offline(ws: Path, sim: SimulatorThread,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/nodes/pve3", {"online": False})
    assert run_cli(ws, "sync") == 0
    before = snapshot(ws)
    capsys.readouterr()
    assert run_cli(ws, "create", "vm", "--name", "web-05", "--node", "pve3") == 64
    assert "node 'pve3' is offline" in capsys.readouterr().err
    assert snapshot(ws) == before


def test_merge_keeps_your_edit_and_takes_the_clusters_change(ws: Path, sim: SimulatorThread,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path = ws / "terraform" / "vm-101.tf"
    edited = path.read_text().replace("cores   = 2", "cores   = 4")
    path.write_text(edited)
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="4096")
    capsys.readouterr()
    assert run_cli(ws, "import", "--merge") == 0
    assert "merged the cluster's changes into your edited terraform/vm-101.tf" in capsys.readouterr().out
    body = load_desired_state(ws / "terraform").by_vmid()[101].body
    assert body["cpu"][0]["cores"] == 4 and body["memory"][0]["dedicated"] == 4096  # type: ignore[index]
    assert path.with_name("vm-101.tf.bak").read_text() == edited
    # overlapping changes are not merged: your file stays, the new generation goes next to it
    path.write_text(path.read_text().replace("dedicated = 4096", "dedicated = 6144"))
    api(sim, "put", "/nodes/pve1/qemu/101/config", memory="8192")
    assert run_cli(ws, "import", "--merge") == 7
    assert "dedicated = 6144" in path.read_text()
    assert "dedicated = 8192" in path.with_name("vm-101.tf.new").read_text()


def test_create_before_any_import_starts_the_inventory_from_the_state(sim: SimulatorThread, tmp_path: Path) -> None:
    from iac_support import ansible_inventory

    with cli_environment(sim, tmp_path):
        assert run_cli(tmp_path, "init", "fresh") == 0
        ws = tmp_path / "fresh"
        assert run_cli(ws, "create", "vm", "--name", "web-09", "--node", "pve1") == 0  # syncs first
        hostvars = ansible_inventory(ws / "ansible")["_meta"]["hostvars"]
        assert hostvars["web-09"]["proxmox_status"] == "planned"
        assert hostvars["web-01"]["ansible_host"] == "192.168.1.21"
        assert (ws / ".proxmox-mpc" / "state.db").exists()
