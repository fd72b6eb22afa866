"""Helpers of the cluster-object IaC tests (pools, backup jobs, HA): plan and drift as JSON, edits, routes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from iac_support import run_cli


def plan_json(ws: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = run_cli(ws, "plan", "-o", "json", *extra)
    return code, json.loads(capsys.readouterr().out)


def drift_json(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = run_cli(ws, "drift", "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def changed(plan: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, name, action) of every resource the plan changes."""
    return [(r["kind"], r["name"], r["action"]) for r in plan["resources"] if r["action"] != "no-op"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def needs_routes(*routes: tuple[str, str]) -> None:
    """Skip while the simulator lacks a write route these tests need (they are built on other branches)."""
    from pmpc_tui.simulator.handlers import ROUTES

    missing = [f"{m} {p}" for m, p in routes if (m, p) not in ROUTES]
    if missing:
        pytest.skip("the simulator has no " + ", ".join(missing) + " yet")


def edit_resource(path: Path, head: str, old: str, new: str) -> None:
    """Replace `old` inside the resource block that starts with `head` (`resource "type" "label"`)."""
    text = path.read_text()
    start = text.index(head)
    end = text.index("\n}\n", start)
    block = text[start:end]
    assert old in block, f"{old!r} not in {head}"
    path.write_text(text[:start] + block.replace(old, new, 1) + text[end:])
