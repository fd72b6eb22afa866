"""Unknown-argument checks for hand-edited Terraform: the vocabulary is the provider's, the positions are right."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from iac_support import BPG_SCHEMA, cli_environment, run_cli

from pmpc_tui.iac.checks import unknown_names
from pmpc_tui.iac.vocabulary import RESOURCE_NAMES
from pmpc_tui.services.editor import validate_text
from pmpc_tui.simulator.server import SimulatorThread


def schema_names(node: dict[str, Any]) -> dict[str, Any]:
    return {k: schema_names(v["block"]) if isinstance(v, dict) and "block" in v else None for k, v in node.items()}


def test_the_vocabulary_is_the_provider_schema() -> None:
    if not BPG_SCHEMA.exists():
        pytest.skip("the bpg schema reference file is not available")
    resources = json.loads(BPG_SCHEMA.read_text())["resources"]
    for rtype, names in RESOURCE_NAMES.items():
        assert names == schema_names(resources[rtype]), rtype


def test_typos_are_flagged_with_position_and_suggestion() -> None:
    text = '''resource "proxmox_virtual_environment_container" "dns" {
  node_name = "pve1"
  vm_id     = 200
  featurs {
    nesting = true
  }
  network_interface {
    name   = "eth0"
    bridgee = "vmbr0"
  }
  count = 1
}

resource "null_resource" "other" {
  anything = 1
}
'''
    found = unknown_names(text)
    assert [(u.path, u.line, u.column, u.suggestion) for u in found] == [
        ("featurs", 4, 3, "features"), ("network_interface.bridgee", 9, 5, "bridge")]
    problems = validate_text(Path("ct-200.tf"), text)
    assert [p.line for p in problems] == [4, 9]
    assert "did you mean 'features'" in problems[0].message


def test_an_imported_workspace_has_no_unknown_names(shared_sim: SimulatorThread, tmp_path: Path) -> None:
    with cli_environment(shared_sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        assert run_cli(ws, "import") == 0
    files = sorted((ws / "terraform").glob("*.tf"))
    assert len(files) > 10
    for path in files:
        assert validate_text(path, path.read_text()) == [], path.name
