"""Generated Ansible run for real: the community.proxmox modules (from the `ansible` package) drive the
simulator through the playbooks and inventory that `import` wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from iac_support import cli_environment, tool
from workspace_copy_support import Template, copy_workspace

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
def workspace(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Path:
    """The Ansible folder of a workspace imported from `sim` (a copy of the worker's homelab import: the
    playbooks reach `sim` through the port written into group_vars/all.yml)."""
    with cli_environment(sim, tmp_path):
        ws = copy_workspace(homelab_template, tmp_path / "ws", sim.info.url)
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


def writes(sim: SimulatorThread) -> int:
    return int(sim.control("GET", "/state")["writes"])


def test_a_disruptive_playbook_without_a_target_stops_at_its_first_task_and_changes_nothing(
        sim: SimulatorThread, workspace: Path) -> None:
    running = sim.call(lambda: {v for v, g in sim.sim.cluster.guests.items() if g.status == "running"})
    before = writes(sim)
    for name in ("stop", "shutdown", "restart", "snapshot", "start"):
        refused = playbook(sim, workspace, name)
        assert refused.returncode != 0, refused.stdout
        assert f"{name}.yml acts on every guest it matches and none was named" in refused.stdout
        assert "Refuse to run without an explicit target" in refused.stdout
        assert refused.stdout.count("TASK [") == 1  # the guard is the only task that ran
    assert writes(sim) == before
    assert sim.call(lambda: {v for v, g in sim.sim.cluster.guests.items() if g.status == "running"}) == running
    assert sim.call(lambda: all(not g.snapshots for g in sim.sim.cluster.guests.values()))


def test_stop_with_a_limit_stops_only_that_guest_and_target_is_an_alternative(
        sim: SimulatorThread, workspace: Path) -> None:
    running = sim.call(lambda: {v for v, g in sim.sim.cluster.guests.items() if g.status == "running"})
    assert {101, 200} <= running  # web-01 (VM) and pihole (container)
    stopped = playbook(sim, workspace, "stop", "-l", "web-01")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert "changed=1" in stopped.stdout
    now = sim.call(lambda: {v for v, g in sim.sim.cluster.guests.items() if g.status == "running"})
    assert now == running - {101}
    by_var = playbook(sim, workspace, "stop", "-e", "target=pihole")
    assert by_var.returncode == 0, by_var.stdout + by_var.stderr
    assert sim.call(lambda: {v for v, g in sim.sim.cluster.guests.items() if g.status == "running"}) == now - {200}


def test_generated_playbooks_pass_the_syntax_check_and_keep_host_key_checking_on(workspace: Path) -> None:
    env = dict(os.environ, ANSIBLE_HOME=str(workspace / ".home"), ANSIBLE_LOCAL_TEMP=str(workspace / ".tmp"))
    for name in ("start", "stop", "shutdown", "restart", "snapshot"):
        checked = subprocess.run([tool("ansible-playbook"), "--syntax-check", f"playbooks/{name}.yml"], cwd=workspace,
                                 capture_output=True, text=True, timeout=120, env=env, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    config = subprocess.run([tool("ansible-config"), "dump", "--only-changed"], cwd=workspace, capture_output=True,
                            text=True, timeout=120, env={**env, "ANSIBLE_CONFIG": str(workspace / "ansible.cfg")},
                            check=False)
    assert config.returncode == 0, config.stderr
    assert "HOST_KEY_CHECKING" not in config.stdout  # Ansible's default: on
    assert "ansible_host_key_checking: false" in (workspace / "group_vars" / "all.yml").read_text()  # the opt-out
