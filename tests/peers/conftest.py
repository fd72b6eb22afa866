"""Fixtures of the peer tests: one simulator and one hermetic Ansible working directory per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from ansible_support import Ansible

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def peer_sim() -> Iterator[SimulatorThread]:
    """One homelab simulator for the module; its tests use guests and objects of their own. Tasks take no time,
    so the modules' one-second task polls find them done at the first look (a few milliseconds already miss it)."""
    with SimulatorThread(task_speed=0.0) as thread:
        yield thread


@pytest.fixture(scope="module")
def ansible(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Ansible:
    """Ansible's command-line tools with their own ANSIBLE_HOME and temp dirs, for the module."""
    return Ansible(tmp_path_factory.mktemp(f"ansible-{request.module.__name__.removeprefix('test_')}"))
