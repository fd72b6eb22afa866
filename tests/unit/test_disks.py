"""Disk resize, guest settings and disk move/detach/delete through the CLI against the bundled simulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SimulatorThread, Path]]:
    """One homelab simulator and a workspace that manages its guests (tests pick distinct guests)."""
    home = tmp_path_factory.mktemp("disks")
    with SimulatorThread(task_speed=0.02) as sim, cli_environment(sim, home):
        assert run_cli(home, "init", str(home / "ws")) == 0
        assert run_cli(home / "ws", "import") == 0
        yield sim, home


def _json(capsys: pytest.CaptureFixture[str], where: Path, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = run_cli(where, "-o", "json", *argv)
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def _config(sim: SimulatorThread, node: str, kind: str, vmid: int) -> dict:
    return dict(api(sim, "get", f"/nodes/{node}/{kind}/{vmid}/config"))


def writes(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["writes"])


def test_resize_grows_a_vm_disk_by_an_amount_and_tells_of_the_drift(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home / "ws", "resize", "vm", "web-01", "scsi0", "+8G")
    assert code == ExitCode.OK, data
    assert data["exitstatus"] == "OK" and data["size_before"] == 32 * 1024**3 and data["size_after"] == 40 * 1024**3
    assert "size=40G" in _config(sim, "pve1", "qemu", 101)["scsi0"]
    assert "import --guest 101" in data["notice"]


def test_resize_of_a_container_rootfs_to_a_total_size(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "resize", "ct", "200", "rootfs", "12G")
    assert code == ExitCode.OK, data
    assert "size=12G" in _config(sim, "pve1", "lxc", 200)["rootfs"]


def test_shrinking_a_disk_is_refused_with_pves_words_and_nothing_is_sent(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code = run_cli(home, "resize", "vm", "109", "scsi0", "20G")
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE
    assert "shrinking disks is not supported" in err and "40G" in err
    assert writes(sim) == before


def test_a_disk_the_guest_does_not_have_is_named_with_the_ones_it_has(lab, capsys) -> None:
    _sim, home = lab
    code = run_cli(home, "resize", "vm", "109", "virtio3", "+1G")
    err = capsys.readouterr().err
    assert code == ExitCode.NOT_FOUND and "scsi0" in err


def test_a_dry_run_resize_shows_the_sizes_and_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code, data = _json(capsys, home, "resize", "vm", "109", "scsi0", "+1G", "--dry-run")
    assert code == ExitCode.OK and data["dry_run"] is True
    assert data["detail"] == "from 40G to 41G" and writes(sim) == before


def test_a_cdrom_cannot_be_resized(lab, capsys) -> None:
    _sim, home = lab
    code = run_cli(home, "resize", "vm", "102", "ide2", "+1G")
    assert code == ExitCode.USAGE and "CD-ROM" in capsys.readouterr().err


def test_more_cores_for_a_running_vm_are_pending_until_reboot_and_the_reboot_is_offered(lab, capsys) -> None:
    sim, home = lab
    capsys.readouterr()
    code = run_cli(home / "ws", "set", "vm", "web-02", "--cores", "4", "--tags", "prod;web;edge")
    out = capsys.readouterr().out
    assert code == ExitCode.OK, out
    assert "pending until reboot: cores 2 → 4" in out and "proxmox-mpc reboot vm 102" in out
    assert "import --guest 102" in out
    pending = {e["key"]: e for e in api(sim, "get", "/nodes/pve2/qemu/102/pending")}
    assert pending["cores"]["pending"] == 4 and "pending" not in pending["tags"]


def test_set_with_reboot_applies_the_pending_change(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "set", "vm", "104", "--cores", "3", "--reboot")
    assert code == ExitCode.OK, data
    assert data["pending"] == ["cores"] and data["rebooted"] is True
    assert int(_config(sim, "pve2", "qemu", 104)["cores"]) == 3
    assert not any("pending" in e for e in api(sim, "get", "/nodes/pve2/qemu/104/pending") if e["key"] == "cores")


def test_a_container_takes_new_cores_at_once(lab, capsys) -> None:
    sim, home = lab
    code, data = _json(capsys, home, "set", "ct", "grafana", "--cores", "3", "--onboot", "yes")
    assert code == ExitCode.OK, data
    assert data["pending"] == [] and int(_config(sim, "pve2", "lxc", 202)["cores"]) == 3


def test_set_to_what_the_guest_has_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    capsys.readouterr()
    code = run_cli(home, "set", "vm", "109", "--cores", "2")
    assert code == ExitCode.OK and "nothing sent" in capsys.readouterr().out
    assert writes(sim) == before


def test_an_empty_description_or_tag_list_clears_them(lab, capsys) -> None:
    sim, home = lab
    assert run_cli(home, "set", "vm", "105", "--description", "old notes", "--tags", "a;b") == ExitCode.OK
    code, data = _json(capsys, home, "set", "vm", "105", "--description", "", "--tags", "")
    assert code == ExitCode.OK, data
    config = _config(sim, "pve2", "qemu", 105)
    assert "description" not in config and "tags" not in config  # PVE clears by `delete=`, not by storing ''


def test_a_balloon_above_the_memory_is_refused(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code = run_cli(home, "set", "vm", "109", "--balloon", "9000")
    assert code == ExitCode.USAGE and "4096 MiB" in capsys.readouterr().err
    assert writes(sim) == before


def test_a_disk_moves_to_another_storage_with_progress_and_the_old_volume_stays_unused(lab, capsys) -> None:
    sim, home = lab
    capsys.readouterr()
    code = run_cli(home / "ws", "disk", "move", "vm", "dev-sandbox", "scsi0", "--storage", "nas")
    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    assert "% (" in err and "of 40.0 GiB)" in err  # the copy's progress, as plain lines in a pipe
    config = _config(sim, "pve1", "qemu", 109)
    assert config["scsi0"].startswith("nas:") and config["unused0"] == "local-lvm:vm-109-disk-0"
    assert "import --guest 109" in out


def test_a_detached_disk_is_kept_as_unused_and_can_move_to_another_guest(lab, capsys) -> None:
    sim, home = lab
    api(sim, "put", "/nodes/pve1/qemu/109/config", scsi1="local-lvm:4")
    code, data = _json(capsys, home, "disk", "detach", "vm", "109", "scsi1")
    assert code == ExitCode.OK, data
    config = _config(sim, "pve1", "qemu", 109)
    assert "scsi1" not in config and config["unused1"] == "local-lvm:vm-109-disk-1"
    code, data = _json(capsys, home, "disk", "move", "vm", "109", "unused1", "--to-vmid", "106")
    assert code == ExitCode.OK, data
    assert "unused1" not in _config(sim, "pve1", "qemu", 109)
    assert _config(sim, "pve1", "qemu", 106)["unused1"].startswith("local-lvm:vm-106-disk-")


def test_a_drive_of_a_running_vm_does_not_move_to_another_guest(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code = run_cli(home, "disk", "move", "vm", "106", "scsi0", "--to-vmid", "109", "--to-disk", "scsi2")
    assert code == ExitCode.CONFLICT and "detach it first" in capsys.readouterr().err.lower()
    assert writes(sim) == before


def test_deleting_a_disk_asks_to_type_its_key_and_destroys_the_volume(lab, capsys) -> None:
    sim, home = lab
    volid = _config(sim, "pve1", "qemu", 106)["unused1"]
    before = writes(sim)
    code = run_cli(home, "disk", "delete", "vm", "106", "unused1")  # nobody at a terminal to type it
    assert code == ExitCode.REFUSED and writes(sim) == before
    code, data = _json(capsys, home, "disk", "delete", "vm", "106", "unused1", "--yes")
    assert code == ExitCode.OK, data
    assert "unused1" not in _config(sim, "pve1", "qemu", 106)
    content = api(sim, "get", "/nodes/pve1/storage/local-lvm/content", vmid=106)
    assert volid not in [c["volid"] for c in content]


def test_a_running_containers_volume_does_not_move(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code = run_cli(home, "disk", "move", "ct", "pihole", "rootfs", "--storage", "nas")
    assert code == ExitCode.CONFLICT and "stop" in capsys.readouterr().err.lower()
    assert writes(sim) == before


def test_a_dry_run_set_says_what_would_wait_for_a_reboot_and_sends_nothing(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code, data = _json(capsys, home, "set", "vm", "db-01", "--cores", "8", "--tags", "db;prod;pg", "--dry-run")
    assert code == ExitCode.OK and data["dry_run"] is True
    assert data["pending"] == ["cores"] and [c["key"] for c in data["changes"]] == ["cores", "tags"]
    assert writes(sim) == before


def test_resize_without_waiting_returns_the_task(lab, capsys) -> None:
    _sim, home = lab
    code, data = _json(capsys, home, "resize", "ct", "mqtt", "rootfs", "+1G", "--no-wait")
    assert code == ExitCode.OK and data["upid"].startswith("UPID:pve3:") and data["exitstatus"] is None


def test_a_minus_size_is_explained_as_shrinking(lab, capsys) -> None:
    sim, home = lab
    before = writes(sim)
    code = run_cli(home, "resize", "vm", "109", "scsi0", "-5G")
    assert code == ExitCode.USAGE and "shrinking disks is not supported" in capsys.readouterr().err
    assert writes(sim) == before
