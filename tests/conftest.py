"""Shared fixtures: simulators (in-thread and as a real child process), PostgreSQL and the reference data.

Helpers shared between test folders live in tests/*_support.py (on the path via pytest's `pythonpath`).
`make unit` runs the suite in two pytest-xdist workers (docs/testing.md): nothing here may be shared by name
between processes — ports are picked by the OS (port 0), directories come from `tmp_path_factory`, and
`worker_home` gives each worker its own config/state/cache/Ansible/tmux directories."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

# fixtures kept in helper modules (tests/*_support.py), shared with every test folder
from postgres_support import postgres_url  # noqa: F401

from pmpc_tui.simulator.server import SimulatorInfo, SimulatorThread

if TYPE_CHECKING:  # the CLI it runs is imported when a test first needs a workspace, not at collection
    from workspace_copy_support import Template

REPO = Path(__file__).resolve().parents[1]
# CI runs the property tests with a fixed seed so a red build is reproducible (locally they stay random)
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

SHARED = Path(os.environ.get("PMPC_SHARED_DIR", REPO.parent / "shared"))
PVE_API = SHARED / "pve-api"


# Where the package and the tools it runs keep per-user files when a test does not say otherwise: without
# this, two workers (and every other run on the machine) would share ~/.config/proxmox-mpc, the logs in
# ~/.local/state/proxmox-mpc, ~/.ansible and the tmux server at /tmp/tmux-UID/default.
WORKER_DIRS = {"XDG_CONFIG_HOME": "config", "XDG_STATE_HOME": "state", "XDG_CACHE_HOME": "cache",
               "XDG_DATA_HOME": "data", "ANSIBLE_HOME": "ansible", "TMUX_TMPDIR": "tmux"}


@pytest.fixture(scope="session", autouse=True)
def worker_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This worker's own per-user directories (see WORKER_DIRS), set for the whole session."""
    base = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        for name, sub in WORKER_DIRS.items():
            (base / sub).mkdir()
            mp.setenv(name, str(base / sub))
        mp.delenv("TMUX", raising=False)  # inside tmux, the tmux client would talk to the outer server
        for name in ("PMPC_CONFIG_DIR", "PMPC_STATE_DIR", "PMPC_PROFILE", "PMPC_DATABASE_URL", "PMPC_WORKSPACE"):
            mp.delenv(name, raising=False)  # a developer's own settings must not reach the tests
        yield base


@pytest.fixture(scope="session")
def pve_schema() -> list[dict[str, Any]]:
    """The official PVE 9.1 API schema from ../shared/pve-api (skips when absent)."""
    path = PVE_API / "apidata.json"
    if not path.exists():
        pytest.skip(f"reference schema not found at {path}; check out shared/ next to the repository")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def pve_returns(pve_schema: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) → the official schema's `returns` of that route."""
    from contract_support import schema_returns

    return schema_returns(pve_schema)


@pytest.fixture(scope="session")
def pve_examples() -> dict[str, Any]:
    """Captured real PVE responses, by file stem (skips when absent)."""
    folder = PVE_API / "examples"
    if not folder.exists():
        pytest.skip(f"captured responses not found at {folder}")
    return {p.stem: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


@pytest.fixture
def sim() -> Iterator[SimulatorThread]:
    """A fresh homelab simulator for one test; tasks run 50x faster than real time."""
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


@pytest.fixture(scope="module")
def shared_sim() -> Iterator[SimulatorThread]:
    """One homelab simulator shared by a module's read-only tests."""
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


@pytest.fixture
def sim_info(sim: SimulatorThread) -> SimulatorInfo:
    return sim.info


@pytest.fixture(scope="session")
def homelab_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """Once per worker: a workspace initialised and imported from a fresh homelab simulator, the original
    every `imported_workspace` is copied from (tests/workspace_copy_support.py)."""
    from workspace_copy_support import import_homelab

    return import_homelab(tmp_path_factory.mktemp("homelab-template"))


@pytest.fixture
def imported_workspace(request: pytest.FixtureRequest, sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    """A workspace initialised and imported from a fresh homelab simulator; the CLI environment (profile,
    config and state dirs) stays set for the test. It is a copy of `homelab_template` for `sim` (its own files,
    state database and git history; `sim` is this test's own); a test of import itself, marked
    `@pytest.mark.fresh_import`, gets a workspace really initialised and imported from `sim`."""
    from iac_support import cli_environment, run_cli
    from workspace_copy_support import copy_workspace

    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        if request.node.get_closest_marker("fresh_import"):
            assert run_cli(tmp_path, "init", str(ws)) == 0
            assert run_cli(ws, "import") == 0
        else:
            copy_workspace(request.getfixturevalue("homelab_template"), ws, sim.info.url)
        yield ws


# The files that take longest, slowest first (measured with `--durations` on a shared 2-core machine at load
# ~10, seconds of that run in the comments; CI's figures are about a third of them): with `-n`,
# pytest-xdist hands out whole files (`--dist loadfile`), one when a worker is nearly idle, in the order of
# `items`. Sorted like this, the files handed out last are short and the two workers end together; by
# default xdist would hand out the files with the fewest tests last — these, mostly. Keep it roughly
# current when a file gets much slower (the order changes no result, only when each file runs).
SLOW_FILES = (
    "iac/test_cluster_playbook_live.py",  # 505
    "iac/test_ci_pipeline_runs.py",  # 348
    "peers/test_ansible_peer.py",  # 197
    "peers/test_ansible_firewall_peer.py",  # 143
    "iac/test_iac_ansible_live.py",  # 131
    "peers/test_ansible_ha_peer.py",  # 114
    "unit/test_state_faults.py",  # 97
    "peers/test_ansible_pools_peer.py",  # 95
    "peers/test_ansible_access_peer.py",  # 88
    "iac/test_apply.py",  # 80
    "iac/test_create_converges.py",  # 73
    "peers/test_ansible_sdn_peer.py",  # 65
    "unit/test_nl_blueprints_flow.py",  # 60
    "unit/test_mcp_confirm.py",  # 60
    "unit/test_edge_inputs.py",  # 60
    "unit/test_ci_init.py",  # 58
    "peers/test_ansible_storage_peer.py",  # 55
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files of SLOW_FILES first, then the others by number of tests, most first (xdist's own order,
    turned off by `--no-loadscope-reorder` in pyproject.toml so that this one holds)."""
    root = Path(__file__).parent
    files: dict[str, int] = {}
    for item in items:
        files[item.nodeid.split("::", 1)[0]] = files.get(item.nodeid.split("::", 1)[0], 0) + 1
    slow = {f"{root.name}/{name}": rank for rank, name in enumerate(SLOW_FILES)}

    def order(item: pytest.Item) -> tuple[int, int]:
        file = item.nodeid.split("::", 1)[0]
        return slow.get(file, len(slow)), -files[file]

    items.sort(key=order)  # stable: the tests of one file keep their order
