"""validate's value rules and live checks, and apply refusing what validate refuses — regression tests for
what users hit (#11), against the bundled simulator, through the CLI, the service, MCP and the Plan screen."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import api, cli_environment, run_cli

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread

TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"


def vm(label: str, vmid: Any = 150, name: str = '"new-vm"', node: str = "pve1", extra: str = "",
       cores: Any = 2, dedicated: Any = 1024, size: Any = 10, storage: str = "local-lvm",
       bridge: str = "vmbr0") -> str:
    """The text of a new VM resource (values are HCL literals where quoted by the caller)."""
    return f'''resource "proxmox_virtual_environment_vm" "{label}" {{
  name      = {name}
  node_name = "{node}"
  vm_id     = {vmid}
{extra}
  cpu {{
    cores = {cores}
  }}

  memory {{
    dedicated = {dedicated}
  }}

  disk {{
    datastore_id = "{storage}"
    interface    = "scsi0"
    size         = {size}
  }}

  network_device {{
    bridge = "{bridge}"
  }}
}}
'''


def ct(label: str, vmid: int = 250, hostname: str = "new-ct", template: str | None = TEMPLATE,
       node: str = "pve1") -> str:
    """The text of a new container resource; `template=None` leaves the ostemplate out."""
    os_block = (f'  operating_system {{\n    template_file_id = "{template}"\n    type             = "debian"\n  }}\n'
                if template else "")
    return f'''resource "proxmox_virtual_environment_container" "{label}" {{
  node_name = "{node}"
  vm_id     = {vmid}

  initialization {{
    hostname = "{hostname}"
  }}

  cpu {{
    cores = 1
  }}

  memory {{
    dedicated = 512
  }}

  disk {{
    datastore_id = "local-lvm"
    size         = 4
  }}

{os_block}
  network_interface {{
    name   = "eth0"
    bridge = "vmbr0"
  }}
}}
'''


@pytest.fixture(scope="module")
def home(shared_sim: SimulatorThread, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One imported workspace on the module's simulator (the tests below change no guest)."""
    tmp = tmp_path_factory.mktemp("rules")
    with cli_environment(shared_sim, tmp):
        assert run_cli(tmp, "init", str(tmp / "ws")) == 0
        assert run_cli(tmp / "ws", "import") == 0
        yield tmp


@pytest.fixture
def ws(home: Path) -> Iterator[Path]:
    """The workspace; the files a test adds are removed afterwards."""
    workspace = home / "ws"
    before = set((workspace / "terraform").glob("*.tf"))
    yield workspace
    for path in set((workspace / "terraform").glob("*.tf")) - before:
        path.unlink()


def add(ws: Path, name: str, text: str) -> Path:
    path = ws / "terraform" / name
    path.write_text(text)
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def validate(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, str]]]:
    capsys.readouterr()
    code = run_cli(ws, "validate", "-o", "json")
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, json.loads(out)


def at(findings: list[dict[str, str]], where: str, text: str) -> bool:
    return any(f["where"].startswith(where) and text in f["message"] for f in findings)


# --- apply refuses what validate refuses -----------------------------------------------------------------
def test_apply_refuses_a_duplicate_vmid_and_creates_no_guest(shared_sim: SimulatorThread, ws: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "vm-150.tf", vm("first"))
    add(ws, "vm-150b.tf", vm("second", name='"second-vm"'))
    capsys.readouterr()
    assert run_cli(ws, "apply", "--auto-approve") == 2
    out, err = capsys.readouterr()
    assert "VMID 150 is also used by proxmox_virtual_environment_vm.first" in out + err
    assert "nothing was applied" in out + err and "Traceback" not in out + err
    assert shared_sim.call(lambda: 150 not in shared_sim.sim.cluster.guests)


def test_apply_goes_ahead_when_validate_finds_only_warnings_or_nothing(
        shared_sim: SimulatorThread, ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "vm-151.tf", vm("fine", vmid=151, name='"fine-vm"'))
    code, findings = validate(ws, capsys)
    assert (code, findings) == (0, [])
    try:
        assert run_cli(ws, "apply", "--auto-approve") == 0
        assert shared_sim.call(lambda: 151 in shared_sim.sim.cluster.guests)
    finally:
        (ws / "terraform" / "vm-151.tf").unlink()
        assert run_cli(ws, "apply", "--auto-approve", "--allow-destroy") == 0  # made by this workspace: removed
    assert shared_sim.call(lambda: 151 not in shared_sim.sim.cluster.guests)


def test_apply_does_not_ask_for_a_yes_it_would_refuse(ws: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import pmpc_tui.commands.context as context

    add(ws, "vm-170.tf", vm("zero", vmid=170, name='"zero"', cores=0))
    monkeypatch.setattr(context, "_ask", lambda prompt: pytest.fail(f"asked: {prompt}"))
    capsys.readouterr()
    assert run_cli(ws, "apply") == 2
    assert "cpu.cores: 0 is below the minimum of 1" in capsys.readouterr().err


# --- value rules ---------------------------------------------------------------------------------------
def test_validate_names_each_malformed_value_with_its_line(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad_id = add(ws, "vm-bad-id.tf", vm("bad_id", vmid=-1, name='"ok-name"'))
    bad_name = add(ws, "vm-152.tf", vm("bad_name", vmid=152, name='"bad;rm"'))
    no_cores = add(ws, "vm-153.tf", vm("no_cores", vmid=153, name='"no-cores"', cores=0))
    long_text = add(ws, "vm-154.tf", vm("long_text", vmid=154, name='"long-text"',
                                        extra=f'  description = "{"x" * 8193}"'))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, f"terraform/vm-bad-id.tf:{line_of(bad_id, 'vm_id ')}:",
              "vm_id: -1 is below the minimum of 100")
    assert at(findings, f"terraform/vm-152.tf:{line_of(bad_name, 'name ')}:", "not a valid DNS name")
    assert at(findings, f"terraform/vm-153.tf:{line_of(no_cores, 'cores =')}:",
              "cpu.cores: 0 is below the minimum of 1")
    assert at(findings, f"terraform/vm-154.tf:{line_of(long_text, 'description')}:",
              "8193 characters long; at most 8192")


def test_a_disk_size_with_a_unit_is_a_finding_not_a_traceback(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(ws, "vm-155.tf", vm("sized", vmid=155, name='"sized"', size='"10G"'))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, f"terraform/vm-155.tf:{line_of(path, 'size  ')}:",
              'disk.size: must be a number (GiB), not "10G"')
    assert run_cli(ws, "plan") == ExitCode.DOES_NOT_PARSE  # a short message, never a traceback nor "changes"
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "disk.size" in out + err


def test_memory_that_is_not_a_number_is_a_finding_not_a_traceback(ws: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = add(ws, "vm-156.tf", vm("lots", vmid=156, name='"lots"', dedicated='"lots"'))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, f"terraform/vm-156.tf:{line_of(path, 'dedicated')}:", "memory.dedicated: must be a number")


def test_property_string_values_are_checked_key_by_key(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(ws, "vm-157.tf", vm("nic", vmid=157, name='"nic"', bridge="vmbr0\"\n    vlan_id = 5000\n"
                                                                           "    mac_address = \"01:00:5E:00:00:01"))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, f"terraform/vm-157.tf:{line_of(path, 'vlan_id')}:",
              "network_device.vlan_id: 5000 is above the maximum of 4094")
    assert at(findings, f"terraform/vm-157.tf:{line_of(path, 'mac_address')}:", "not a unicast MAC address")


def test_a_syntax_error_is_listed_with_its_line_and_validate_goes_on(ws: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "broken.tf", 'resource "proxmox_virtual_environment_vm" "x" {\n  name = \n}\n')
    add(ws, "vm-169.tf", vm("zero", vmid=169, name='"zero"', cores=0))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert any(f["where"].startswith("terraform/broken.tf:2:") and "does not parse" in f["message"]
               for f in findings)
    assert at(findings, "terraform/vm-169.tf:", "cpu.cores: 0 is below the minimum of 1")
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 2  # the same, without asking the cluster
    assert "cpu.cores: 0 is below the minimum of 1" in capsys.readouterr().out


# --- live checks -----------------------------------------------------------------------------------------
def test_a_new_container_without_a_template_is_refused(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "ct-250.tf", ct("no_template", template=None))
    add(ws, "ct-251.tf", ct("gone_template", vmid=251, hostname="gone-ct",
                            template="local:vztmpl/no-such-template.tar.zst"))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, "terraform/ct-250.tf:", "template_file_id is missing: a new container needs a template")
    assert at(findings, "terraform/ct-251.tf:", "container template local:vztmpl/no-such-template.tar.zst does not "
                                                "exist on pve1")


def test_a_clone_of_a_local_template_onto_another_node_offers_clone_then_migrate(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = "  clone {\n    vm_id = 100\n  }\n"
    path = add(ws, "vm-158.tf", vm("far_clone", vmid=158, name='"far-clone"', node="pve2", extra=clone))
    add(ws, "vm-159.tf", vm("near_clone", vmid=159, name='"near-clone"', node="pve1", extra=clone))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, f"terraform/vm-158.tf:{line_of(path, 'vm_id = 100')}:",
              "clone source 100 'debian-12-template' is on pve1 with its disks on local storage (local-lvm), which "
              "pve2 cannot reach: clone it on pve1 and migrate it to pve2 afterwards")
    assert not any("vm-159.tf" in f["where"] for f in findings)


def test_validate_names_what_the_cluster_lacks(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cdrom = '  cdrom {\n    file_id = "local:iso/no-such.iso"\n    interface = "ide3"\n  }\n'
    add(ws, "vm-160.tf", vm("wrong_storage", vmid=160, name='"wrong-storage"', storage="local"))
    add(ws, "vm-161.tf", vm("no_bridge", vmid=161, name='"no-bridge"', bridge="vmbr9"))
    add(ws, "vm-162.tf", vm("no_iso", vmid=162, name='"no-iso"', extra=cdrom))
    code, findings = validate(ws, capsys)
    assert code == 2
    assert at(findings, "terraform/vm-160.tf:", "storage 'local' does not hold images")
    assert at(findings, "terraform/vm-161.tf:", "bridge 'vmbr9' does not exist on pve1")
    assert at(findings, "terraform/vm-162.tf:", "ISO image local:iso/no-such.iso does not exist on pve1")


def test_apply_refuses_a_vmid_or_name_taken_by_a_guest_made_by_hand_since_the_last_sync(
        shared_sim: SimulatorThread, ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    api(shared_sim, "post", "/nodes/pve3/qemu", vmid=190, name="made-by-hand", memory=512)
    try:
        add(ws, "vm-168.tf", vm("same_name", vmid=168, name='"made-by-hand"'))
        capsys.readouterr()
        assert run_cli(ws, "apply", "--auto-approve") == 2
        out, err = capsys.readouterr()
        assert "name 'made-by-hand' is already used by guest 190 on pve3" in out + err
        (ws / "terraform" / "vm-168.tf").unlink()
        add(ws, "vm-190-mine.tf", vm("mine", vmid=190, name='"mine"'))
        assert run_cli(ws, "apply", "--auto-approve") == 2  # it would have replaced the guest made by hand
        out, err = capsys.readouterr()
        assert ("VMID 190 is already used by VM 'made-by-hand' on pve3, which this workspace does not manage"
                in out + err)
        assert shared_sim.call(lambda: shared_sim.sim.cluster.guests[190].config.get("name")) == "made-by-hand"
        assert shared_sim.call(lambda: 168 not in shared_sim.sim.cluster.guests)
    finally:
        shared_sim.call(lambda: shared_sim.sim.cluster.guests.pop(190, None))


def test_an_iso_deleted_after_the_install_does_not_stop_an_unrelated_change(
        shared_sim: SimulatorThread, ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = ws / "terraform" / "vm-109.tf"
    original = path.read_text()
    shared_sim.control("POST", "/guests/109/config", {"ide3": "local:iso/deleted.iso,media=cdrom"})
    try:
        assert run_cli(ws, "sync") == 0  # the workspace's code takes the CD-ROM in
        assert "deleted.iso" in path.read_text()
        path.write_text(path.read_text().replace("dedicated = 4096", "dedicated = 3072"))
        code, findings = validate(ws, capsys)
        assert (code, findings) == (0, [])
        path.write_text(path.read_text().replace("deleted.iso", "other-missing.iso"))
        code, findings = validate(ws, capsys)
        assert code == 2 and at(findings, "terraform/vm-109.tf:", "local:iso/other-missing.iso does not exist")
    finally:
        shared_sim.control("POST", "/guests/109/config", {"ide3": None})
        run_cli(ws, "sync")
        path.write_text(original)


def test_a_guest_on_an_offline_node_is_refused(shared_sim: SimulatorThread, ws: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "vm-164.tf", vm("on_pve3", vmid=164, name='"on-pve3"', node="pve3"))
    shared_sim.control("POST", "/nodes/pve3", {"online": False})
    try:
        run_cli(ws, "sync")
        code, findings = validate(ws, capsys)
        assert code == 2 and at(findings, "terraform/vm-164.tf:", "node 'pve3' is offline")
    finally:
        shared_sim.control("POST", "/nodes/pve3", {"online": True})
        run_cli(ws, "sync")


def test_the_service_reports_the_same_findings_as_the_cli(ws: Path) -> None:
    from pmpc_tui.services.validate import validate_workspace
    from pmpc_tui.state.db import Database, sqlite_url
    from pmpc_tui.workspace.find import require_workspace

    add(ws, "vm-165.tf", vm("typed", vmid=165, name='"typed"', size='"10G"'))
    add(ws, "ct-252.tf", ct("no_template", vmid=252, hostname="no-template", template=None))

    async def go() -> list[str]:
        workspace = require_workspace(ws)
        db = Database(sqlite_url(workspace.db_path))
        try:
            return [f"{f.where} {f.message}" for f in await validate_workspace(workspace, db)]
        finally:
            await db.close()

    found = asyncio.run(go())
    assert any(f.startswith("terraform/vm-165.tf:") and "disk.size: must be a number" in f for f in found)
    assert any(f.startswith("terraform/ct-252.tf:") and "template_file_id is missing" in f for f in found)


# --- the other front ends ---------------------------------------------------------------------------------
async def test_mcp_apply_refuses_when_validate_finds_errors(shared_sim: SimulatorThread, ws: Path,
                                                            home: Path) -> None:
    from mcp import Client, StdioServerParameters

    add(ws, "vm-166.tf", vm("first", vmid=166, name='"first"'))
    add(ws, "vm-166b.tf", vm("again", vmid=166, name='"again"'))
    env = {"PMPC_CONFIG_DIR": str(home / "config"), "PMPC_STATE_DIR": str(home / "state"),
           "LAB_TOKEN": shared_sim.info.token_secret, "PATH": "/usr/bin:/bin"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp"], env=env, cwd=str(ws))
    async with Client(params) as client:
        result = await client.call_tool("apply", {"confirm": True})
    text = result.content[0].text
    assert result.is_error, text
    assert "VMID 166 is also used by" in text and "nothing was applied" in text
    assert shared_sim.call(lambda: 166 not in shared_sim.sim.cluster.guests)


async def test_plan_screen_apply_is_refused_when_validate_finds_errors(
        shared_sim: SimulatorThread, ws: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_support import make_app
    from tui_support import settle_editor as settle

    from pmpc_tui.tui.screens.plan import PlanScreen

    add(ws, "vm-167.tf", vm("zero", vmid=167, name='"zero"', cores=0))
    monkeypatch.setenv("PMPC_STATE_DIR", str(home / "state"))
    app = make_app(shared_sim)
    app.workspace_root = ws
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
    assert any("cpu.cores: 0 is below the minimum of 1" in m for m in messages), messages
    assert shared_sim.call(lambda: 167 not in shared_sim.sim.cluster.guests)


def test_validate_offline_in_a_fresh_checkout_checks_the_rules_and_creates_no_state_db(
        ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Regression (cli_bench): without `.proxmox-mpc/` every guest was refused as on an unknown node."""
    import shutil

    checkout = tmp_path / "checkout"
    shutil.copytree(ws, checkout, ignore=shutil.ignore_patterns(".proxmox-mpc"))
    capsys.readouterr()
    assert run_cli(checkout, "validate", "--offline", "-o", "json") == 0  # warnings only
    findings = json.loads(capsys.readouterr().out)
    assert [f["severity"] for f in findings] == ["warning"] and "no state DB" in findings[0]["message"]
    assert not (checkout / ".proxmox-mpc" / "state.db").exists()
    add(checkout, "vm-169.tf", vm("zero", vmid=169, name='"zero"', cores=0))
    assert run_cli(checkout, "validate", "--offline", "-o", "json") == 2
    messages = [f["message"] for f in json.loads(capsys.readouterr().out)]
    assert any("cpu.cores: 0 is below the minimum of 1" in m for m in messages)
    assert not any("does not exist" in m for m in messages)


def test_validate_offline_checks_the_last_sync_without_loading_the_database_library(ws: Path) -> None:
    """#13: `validate --offline` read the last sync through SQLAlchemy (~1 s of imports at 1,500 guests);
    the state file is now read with sqlite3, and storage, bridge and node are still checked."""
    import os
    import subprocess

    add(ws, "vm-160.tf", vm("wrong_storage", vmid=160, name='"wrong-storage"', storage="local"))
    add(ws, "vm-161.tf", vm("no_bridge", vmid=161, name='"no-bridge"', bridge="vmbr9"))
    add(ws, "vm-170.tf", vm("far_node", vmid=170, name='"far-node"', node="pve9"))
    script = (
        "import asyncio, sys\n"
        "from pmpc_tui.services.validate import offline_state_file, validate_workspace\n"
        "from pathlib import Path\n"
        "from pmpc_tui.workspace.find import require_workspace\n"
        f"ws = require_workspace(Path({str(ws)!r}))\n"
        "found = asyncio.run(validate_workspace(ws, None, state_file=offline_state_file(ws)))\n"
        "print('\\n'.join(f'{f.where} {f.message}' for f in found))\n"
        "print('sqlalchemy loaded' if 'sqlalchemy' in sys.modules else 'no sqlalchemy')\n")
    env = {k: v for k, v in os.environ.items() if k != "PMPC_DATABASE_URL"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert "no sqlalchemy" in out
    assert "terraform/vm-160.tf:" in out and "storage 'local' does not hold images" in out
    assert "bridge 'vmbr9' does not exist on pve1" in out
    assert "terraform/vm-170.tf:" in out and "pve9" in out


# --- the value rules' memo (#13: validate --offline on 1,500 unchanged files) ----------------------------
def test_an_edited_file_is_checked_again_and_its_fix_clears_the_finding(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(ws, "vm-171.tf", vm("memo", vmid=171, name='"memo"'))
    for _ in range(2):  # the second run answers from the memo
        capsys.readouterr()
        assert run_cli(ws, "validate", "--offline", "-o", "json") == 0
    path.write_text(vm("memo", vmid=171, name='"memo"', cores=0))
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 2
    assert "cpu.cores: 0 is below the minimum of 1" in capsys.readouterr().out
    path.write_text(vm("memo", vmid=171, name='"memo"'))
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 0


def test_remembered_findings_keep_their_lines_and_the_cluster_is_still_checked(
        ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = add(ws, "vm-172.tf", vm("remembered", vmid=172, name='"remembered"', cores=0))
    add(ws, "vm-174.tf", vm("wrong_place", vmid=174, name='"wrong-place"', storage="local"))
    runs = []
    for _ in range(2):
        capsys.readouterr()
        assert run_cli(ws, "validate", "--offline", "-o", "json") == 2
        runs.append(json.loads(capsys.readouterr().out))
    assert runs[0] == runs[1]
    assert at(runs[1], f"terraform/vm-172.tf:{line_of(path, 'cores')}:", "cpu.cores: 0 is below the minimum of 1")
    assert at(runs[1], "terraform/vm-174.tf:", "storage 'local' does not hold images")
    path.write_text("# a comment moves every line down\n" + path.read_text())
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 2
    findings = json.loads(capsys.readouterr().out)
    assert at(findings, f"terraform/vm-172.tf:{line_of(path, 'cores')}:", "cpu.cores: 0 is below the minimum of 1")


def test_a_memo_of_other_rules_is_not_believed(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(ws, "vm-173.tf", vm("believed", vmid=173, name='"believed"'))
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 0
    memo_path = ws / ".proxmox-mpc" / "validate-memo.json"
    memo = json.loads(memo_path.read_text())
    entry = memo["guests"]["vm-173.tf:qemu:believed"]
    entry["values"] = [["terraform/vm-173.tf:1:1", "a finding only the memo knows", "error"]]
    memo_path.write_text(json.dumps(memo))
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 2  # the memo is what answered
    assert "a finding only the memo knows" in capsys.readouterr().out
    memo["rules"] = "rules of another version"
    memo_path.write_text(json.dumps(memo))
    capsys.readouterr()
    assert run_cli(ws, "validate", "--offline", "-o", "json") == 0
    assert "a finding only the memo knows" not in capsys.readouterr().out
