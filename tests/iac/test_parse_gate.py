"""The syntax gate: code that does not parse stops plan, apply, drift, test, validate, the Plan screen and MCP."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest
from iac_support import api, cli_environment, run_cli
from mcp import Client, StdioServerParameters
from textual.widgets import Static
from tui_support import make_app
from tui_support import settle_editor as settle
from workspace_copy_support import Template, copy_workspace

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.iac.gate import hcl_problems
from pmpc_tui.services.editor import validate_text
from pmpc_tui.simulator.server import SimulatorThread


def requests(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["requests"])


def import_workspace(sim: SimulatorThread, home: Path, template: Template) -> Path:
    """A workspace imported from the simulator (for the async tests, which cannot hold the CLI environment):
    a copy of `template`, the worker's homelab import (tests/workspace_copy_support.py)."""
    with cli_environment(sim, home):
        return copy_workspace(template, home / "ws", sim.info.url)


def break_brace(ws: Path) -> Path:
    """Drop the resource's closing brace in vm-102.tf, as a hurried edit does."""
    path = ws / "terraform" / "vm-102.tf"
    text = path.read_text()
    path.write_text(text[:text.rstrip().rfind("}")])
    return path


def test_a_missing_brace_stops_plan_and_apply_and_vm_102_keeps_running(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    break_brace(ws)
    before = requests(sim)
    capsys.readouterr()
    assert run_cli(ws, "plan") == ExitCode.DOES_NOT_PARSE
    err = capsys.readouterr().err
    assert "terraform/vm-102.tf:" in err and "Unclosed configuration block" in err
    assert "removed from the code" not in err
    assert run_cli(ws, "apply", "-y") == ExitCode.DOES_NOT_PARSE
    assert run_cli(ws, "apply", "--auto-approve", "--resume") == ExitCode.DOES_NOT_PARSE
    assert requests(sim) == before  # refused before the cluster was even read
    vm = api(sim, "get", "/nodes/pve2/qemu/102/status/current")
    assert vm["status"] == "running"


def test_a_saved_plan_is_not_applied_while_the_code_does_not_parse(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    ws = imported_workspace
    (ws / "terraform" / "vm-102.tf").unlink()  # a plan that deletes VM 102…
    assert run_cli(ws, "plan", "--out", "p.json") == 2
    (ws / "terraform" / "typo.tf").write_text('resource "proxmox_virtual_environment_vm" "x" {\n  name = "a\n}\n')
    assert run_cli(ws, "apply", "p.json", "-y") == ExitCode.DOES_NOT_PARSE  # …is refused while a file is broken
    assert api(sim, "get", "/nodes/pve2/qemu/102/status/current")["status"] == "running"


@pytest.mark.parametrize(("content", "expected"), [
    (b"\x00\x01\x02binary junk", "terraform/junk.tf:1:1: contains a NUL byte"),
    (b'resource "a" "b" {\n  name = "caf\xe9"\n}\n', "terraform/junk.tf:2:14: is not UTF-8 text"),
    (b"zzz ### garbage\n", "terraform/junk.tf:1:1: Argument or block definition required"),
    (b'colour = "blue"\n', 'terraform/junk.tf:1:1: Unsupported block type; blocks of type "colour"'),
])
def test_garbage_or_binary_files_stop_plan_and_drift_with_file_line_and_column(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str) -> None:
    ws = imported_workspace
    (ws / "terraform" / "junk.tf").write_bytes(content)
    for command in ("plan", "drift", "test"):
        capsys.readouterr()
        assert run_cli(ws, command) == ExitCode.DOES_NOT_PARSE, command
        out = capsys.readouterr()
        assert expected in out.err, (command, out.err)
        assert "No changes" not in out.out and "No drift" not in out.out


def test_validate_lists_syntax_problems_as_findings_and_keeps_checking_the_rest(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    break_brace(ws)
    (ws / "ansible" / "inventory.yml").write_text("all:\n  hosts: [unclosed\n")
    capsys.readouterr()
    assert run_cli(ws, "validate", "-o", "json") == ExitCode.CHANGES
    findings = json.loads(capsys.readouterr().out)
    wheres = {f["where"].split(":")[0] for f in findings}
    assert wheres == {"terraform/vm-102.tf", "ansible/inventory.yml"}
    assert all(f["where"].count(":") == 2 for f in findings)  # file:line:column


def test_broken_ansible_yaml_also_stops_plan(imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    assert run_cli(ws, "plan") == 0  # the gate now remembers the inventory's bytes as good…
    (ws / "ansible" / "inventory.yml").write_text("all:\n  hosts: [unclosed\n")  # …which no longer holds
    capsys.readouterr()
    assert run_cli(ws, "plan") == ExitCode.DOES_NOT_PARSE
    assert "ansible/inventory.yml:" in capsys.readouterr().err


def test_the_editor_save_check_uses_terraforms_grammar() -> None:
    problems = validate_text(Path("vm-1.tf"), 'resource "a" "b" {\n  x = "abc\n}\n')
    assert problems and (problems[0].line, problems[0].column) == (2, 11)  # where terraform points
    assert "Invalid multi-line string" in problems[0].message
    assert validate_text(Path("vm-1.tf"), 'resource "a" "b" {\n  x = 1\n}\n') == []
    assert hcl_problems(b"x = 1\n", Path("terraform.tfvars")) == []  # tfvars hold top-level arguments


async def test_the_plan_screen_refuses_code_that_does_not_parse(
        sim: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, homelab_template: Template) -> None:
    ws = await asyncio.to_thread(import_workspace, sim, tmp_path, homelab_template)
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    break_brace(ws)
    app = make_app(sim)
    app.workspace_root = ws
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("9")
        await settle(app, pilot)
        summary = str(app.screen.query_one("#plan-summary", Static).render())
        assert "does not parse" in summary and "vm-102.tf:" in summary
        assert app.screen.plan is None  # type: ignore[attr-defined]
    status = await asyncio.to_thread(api, sim, "get", "/nodes/pve2/qemu/102/status/current")
    assert status["status"] == "running"


async def test_mcp_plan_and_apply_refuse_code_that_does_not_parse(sim: SimulatorThread, tmp_path: Path,
                                                                  homelab_template: Template) -> None:
    ws = await asyncio.to_thread(import_workspace, sim, tmp_path, homelab_template)
    break_brace(ws)
    env = {"PMPC_CONFIG_DIR": str(tmp_path / "config"), "PMPC_STATE_DIR": str(tmp_path / "state"),
           "LAB_TOKEN": sim.info.token_secret, "PATH": "/usr/bin:/bin"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp"], env=env, cwd=str(ws))
    async with Client(params) as client:
        for name, arguments in (("plan", {}), ("apply", {"confirm": True})):
            result = await client.call_tool(name, arguments)
            text = result.content[0].text
            assert result.is_error, (name, text)  # a tool error, not a success saying it failed
            assert "does not parse" in text and "vm-102.tf:" in text
    status = await asyncio.to_thread(api, sim, "get", "/nodes/pve2/qemu/102/status/current")
    assert status["status"] == "running"
