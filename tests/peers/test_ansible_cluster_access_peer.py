"""ansible/cluster.yml's access tasks (community.proxmox proxmox_group, proxmox_user, proxmox_access_acl) run
for real against the simulator: a group, a user and an ACL entry removed behind the code's back are put back,
and a second run changes none of the access tasks. No password or token secret is in the playbook."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ansible_support import ansible_missing
from iac_support import api, cli_environment, run_cli, tool

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def run_playbook(sim: SimulatorThread, ansible_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_HOME=str(ansible_dir / ".home"),
               ANSIBLE_LOCAL_TEMP=str(ansible_dir / ".tmp"), PROXMOX_TOKEN_SECRET=sim.info.token_secret)
    return subprocess.run([tool("ansible-playbook"), "cluster.yml", "-e",
                           f"ansible_python_interpreter={sys.executable}"],
                          cwd=ansible_dir, capture_output=True, text=True, timeout=300, env=env, check=False)


def outcomes(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return dict(re.findall(r"^TASK \[(.+?)\] \**\n(?:task path: .*\n)?(ok|changed|fatal|skipping|failed)",
                           run.stdout, re.M))


def test_cluster_playbook_puts_back_removed_access_objects_and_then_changes_nothing(
        sim: SimulatorThread, tmp_path: Path) -> None:
    with cli_environment(sim, tmp_path):
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        assert run_cli(ws, "import") == 0
    playbook = (ws / "ansible" / "cluster.yml").read_text()
    for task in ("Group family", "User bob@pve", "ACL /pool/production?family?PVEVMUser"):
        assert f"- name: {task}" in playbook or f"- name: '{task}'" in playbook or f'- name: "{task}"' in playbook
    assert "password" not in playbook
    assert not [t.secret for t in sim.call(lambda: list(sim.sim.access.tokens.values())) if t.secret in playbook]
    api(sim, "delete", "/access/users/bob@pve")
    api(sim, "delete", "/access/groups/family")  # its ACL entry goes with it
    applied = run_playbook(sim, ws / "ansible")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    done = outcomes(applied)
    assert done["Group family"] == "changed" and done["User bob@pve"] == "changed", applied.stdout
    assert api(sim, "get", "/access/users/bob@pve")["groups"] == ["family"]
    assert any(e["path"] == "/pool/production" and e["ugid"] == "family" for e in api(sim, "get", "/access/acl"))
    again = run_playbook(sim, ws / "ansible")
    assert again.returncode == 0, again.stdout + again.stderr
    access = {name: word for name, word in outcomes(again).items() if name.startswith(("Group ", "User ", "ACL "))}
    assert access and not [name for name, word in access.items() if word != "ok"], again.stdout
