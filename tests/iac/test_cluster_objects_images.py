"""Downloaded images (ISO, container templates, import content) as code, and cicustom snippets: import writes the
files that exist (without a url: PVE does not remember it, and says so) → no changes → a new image is downloaded
by apply through download-url → no changes; validate refuses what download-url would; a missing cicustom snippet
is a validate error naming the guest, the file and the storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluster_objects_support import changed, edit_resource, plan_json
from iac_support import api, run_cli

from pmpc_tui.simulator.model import Volume
from pmpc_tui.simulator.server import SimulatorThread

NEW_ISO = ('\nresource "proxmox_download_file" "alpine" {\n  node_name    = "pve1"\n  datastore_id = "local"\n'
           '  content_type = "iso"\n  url          = "https://dl.example.com/alpine-virt-3.20.3-x86_64.iso"\n}\n')


def images_tf(ws: Path) -> Path:
    return ws / "terraform" / "images.tf"


def volids(sim: SimulatorThread, node: str, storage: str = "local") -> set[str]:
    return {v["volid"] for v in api(sim, "get", f"/nodes/{node}/storage/{storage}/content")}


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_import_writes_the_images_that_exist_without_a_url_and_says_so(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = images_tf(imported_workspace).read_text()
    assert 'id = "pve1/local:iso/debian-12.7.0-amd64-netinst.iso"' in text  # the provider's import id
    assert 'content_type = "vztmpl"' in text and "url =" not in text.replace('add url = "https://…"', "")
    assert "# url: unknown — PVE does not record where a file came from" in text
    capsys.readouterr()
    assert run_cli(imported_workspace, "import") == 0
    assert "image(s) written without a url" in capsys.readouterr().out
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)


def test_a_new_image_is_downloaded_by_apply_and_the_plan_then_changes_nothing(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = images_tf(imported_workspace)
    tf.write_text(tf.read_text() + NEW_ISO)
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 2 and changed(plan) == [("image", "pve1/local:iso/alpine-virt-3.20.3-x86_64.iso", "create")]
    capsys.readouterr()
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 0
    out = capsys.readouterr()
    assert "created image pve1/local:iso/alpine-virt-3.20.3-x86_64.iso (task UPID:pve1:" in out.out + out.err
    assert "local:iso/alpine-virt-3.20.3-x86_64.iso" in volids(sim, "pve1")
    assert "local:iso/alpine-virt-3.20.3-x86_64.iso" not in volids(sim, "pve2")
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    # another url for a file that exists changes nothing (the url is how a missing file is fetched)
    tf.write_text(tf.read_text().replace("dl.example.com", "mirror.example.org"))
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    # removed from the code: deleting a file is destructive
    tf.write_text(tf.read_text().split('\nresource "proxmox_download_file" "alpine"')[0])
    code, plan = plan_json(imported_workspace, capsys)
    assert changed(plan) == [("image", "pve1/local:iso/alpine-virt-3.20.3-x86_64.iso", "delete")]
    assert plan["impact"]["destructive"] == 1
    assert run_cli(imported_workspace, "apply", "--auto-approve") == 6
    assert run_cli(imported_workspace, "apply", "--auto-approve", "--allow-destroy") == 0
    assert "local:iso/alpine-virt-3.20.3-x86_64.iso" not in volids(sim, "pve1")


def test_a_missing_image_without_a_url_cannot_be_planned(imported_workspace: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    tf = images_tf(imported_workspace)
    tf.write_text(tf.read_text() + NEW_ISO.replace('url          = "https://dl.example.com/alpine-virt-3.20.3-'
                                                   'x86_64.iso"', 'file_name    = "alpine.iso"'))
    _, plan = plan_json(imported_workspace, capsys)
    assert any("alpine.iso" in e and "no url" in e for e in plan["errors"]), plan["errors"]
    assert run_cli(imported_workspace, "apply", "--auto-approve") != 0


def test_validate_refuses_an_image_that_download_url_would_refuse(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = images_tf(imported_workspace)
    tf.write_text(tf.read_text() + NEW_ISO.replace('"local"', '"local-lvm"')
                  + NEW_ISO.replace('"alpine"', '"wrong_type"').replace('"iso"', '"vztmpl"'))
    capsys.readouterr()
    assert run_cli(imported_workspace, "validate") != 0
    out = capsys.readouterr().out
    assert "proxmox_download_file.alpine" in out and "local-lvm" in out
    assert "proxmox_download_file.wrong_type" in out and "content_type is 'vztmpl'" in out
    assert "alpine-virt" not in {v.split("/")[-1] for v in volids(sim, "pve1")}  # nothing was sent


def test_a_missing_cicustom_snippet_is_a_validate_error_naming_guest_file_and_storage(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vm = imported_workspace / "terraform" / "vm-101.tf"
    edit_resource(vm, 'resource "proxmox_virtual_environment_vm"', 'interface    = "ide2"',
                  'interface    = "ide2"\n    user_data_file_id = "local:snippets/web-user.yaml"')
    capsys.readouterr()
    assert run_cli(imported_workspace, "validate") != 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "snippets/web-user.yaml" in line)
    assert "vm-101.tf" in line and "storage 'local'" in line and "cicustom" in line
    # copied to the node (as scp would): validate passes
    node = api(sim, "get", "/cluster/resources", type="vm")
    where = next(g["node"] for g in node if g["vmid"] == 101)
    sim.call(lambda: sim.sim.cluster.volumes.__setitem__(
        f"{where}/local:snippets/web-user.yaml",
        Volume("local:snippets/web-user.yaml", "local", where, "snippets", "raw", 120)))
    capsys.readouterr()
    assert run_cli(imported_workspace, "validate") == 0, capsys.readouterr().out
    # a storage without snippets content
    edit_resource(vm, 'resource "proxmox_virtual_environment_vm"', '"local:snippets/web-user.yaml"',
                  '"local-lvm:snippets/web-user.yaml"')
    capsys.readouterr()
    assert run_cli(imported_workspace, "validate") != 0
    assert "does not hold snippets" in capsys.readouterr().out


def test_the_images_of_a_node_that_does_not_answer_are_neither_created_nor_deleted(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sim.control("POST", "/nodes/pve3", {"online": False})
    _, plan = plan_json(imported_workspace, capsys)
    assert not [c for c in changed(plan) if c[0] == "image"], changed(plan)
    assert not [e for e in plan["errors"] if "download_file" in e], plan["errors"]
