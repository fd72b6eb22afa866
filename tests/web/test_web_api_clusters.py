"""The web API in a workspace of several clusters: a logged-in user acts as that user only, so the workspace
commands that would reach each cluster through the server's saved profiles are refused."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import run_cli
from multi_support import requests_seen, two_clusters
from web_support import live_web

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def clusters(tmp_path: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    with two_clusters(tmp_path) as pair:
        yield pair


def test_a_web_user_cannot_plan_or_apply_through_the_saved_profiles(
        clusters: tuple[SimulatorThread, SimulatorThread], tmp_path: Path) -> None:
    east, west = clusters
    root = tmp_path / "infra"
    assert run_cli(tmp_path, "init", str(root), "--cluster", "east", "--profile", "east",
                   "--cluster", "west", "--profile", "west") == 0
    with live_web(east, workspace=root) as web:
        client, _ = web.login("root", east.info.password)
        with contextlib.closing(client):
            before = requests_seen(west)
            r = client.get("/api/v1/plan")
            assert r.status_code >= 400 and "several clusters (east, west)" in r.text, r.text
            r = client.post("/api/v1/apply", json={"confirm": True})
            assert r.status_code >= 400 and "several clusters" in r.text, r.text
            assert requests_seen(west) == before  # west was never reached
