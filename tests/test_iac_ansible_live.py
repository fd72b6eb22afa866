"""Generated Ansible run for real: the community.proxmox modules (from the `ansible` package) drive the
simulator through the playbooks and inventory that `import` wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli, tool

from pmpc_tui.simulator.server import SimulatorThread


def playbook(sim: SimulatorThread, ansible_dir: Path, name: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_HOME=str(ansible_dir / ".home"),
               ANSIBLE_LOCAL_TEMP=str(ansible_dir / ".tmp"), PROXMOX_TOKEN_SECRET=sim.info.token_secret)
    return subprocess.run([tool("ansible-playbook"), f"playbooks/{name}.yml",
                           "-e", f"ansible_python_interpreter={sys.executable}", *extra],
                          cwd=ansible_dir, capture_output=True, text=True, timeout=180, env=env, check=False)


def status(sim: SimulatorThread, vmid: int) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[vmid].status))


@pytest.fixture
def workspace(sim: SimulatorThread, tmp_path: Path) -> Path:
    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        assert run_cli(ws, "import") == 0
    return ws / "ansible"


def test_generated_playbooks_start_stop_and_snapshot_guests(sim: SimulatorThread, workspace: Path) -> None:
    assert status(sim, 109) == "stopped" and status(sim, 204) == "stopped"
    started = playbook(sim, workspace, "start", "-l", "dev-sandbox,minio")  # a VM and a container
    assert started.returncode == 0, started.stdout + started.stderr
    assert started.stdout.count("changed=1") == 2
    assert status(sim, 109) == "running" and status(sim, 204) == "running"
    again = playbook(sim, workspace, "start", "-l", "dev-sandbox")  # idempotent: nothing to do
    assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout

    snap = playbook(sim, workspace, "snapshot", "-l", "dev-sandbox", "-e", "snapname=pre-upgrade")
    assert snap.returncode == 0, snap.stdout + snap.stderr
    assert sim.call(lambda: "pre-upgrade" in sim.sim.cluster.guests[109].snapshots)

    stopped = playbook(sim, workspace, "stop", "-l", "dev-sandbox,minio")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert status(sim, 109) == "stopped" and status(sim, 204) == "stopped"
    assert sim.info.token_secret not in started.stdout + snap.stdout + stopped.stdout
