"""Cluster objects as code — pools (and members), backup jobs, HA resources and rules: import writes them,
a plan right after import changes nothing, an edit is one change, apply makes it, drift finds what was
changed behind the tool's back, and deleting one needs --allow-destroy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from iac_support import run_cli


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json", *extra)
    return code, json.loads(capsys.readouterr().out)


def changed(plan: dict) -> list[tuple[str, str, str]]:  # type: ignore[type-arg]
    return [(r["kind"], r["name"], r["action"]) for r in plan["resources"] if r["action"] != "no-op"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_import_writes_the_pools_and_their_members_and_the_plan_changes_nothing(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pools = (imported_workspace / "terraform" / "pools.tf").read_text()
    assert 'resource "proxmox_virtual_environment_pool" "production"' in pools
    assert 'id = "production/vm/101"' in pools and 'resource "proxmox_pool_membership"' in pools
    code, plan = plan_json(imported_workspace, capsys)
    assert code == 0, changed(plan)
    kinds = {r["kind"] for r in plan["resources"]}
    assert {"pool", "pool_member"} <= kinds
