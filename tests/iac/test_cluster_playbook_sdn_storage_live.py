"""ansible/cluster.yml's SDN and storage tasks run for real (community.proxmox's proxmox_zone, proxmox_vnet,
proxmox_subnet and proxmox_storage against the simulator): a VNet, its subnet and a storage removed behind the
code's back are put back, applied, and a second run changes none of them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ansible_support import ansible_missing
from iac_support import api, api_done, cli_environment, run_cli, tool

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))


def cluster_playbook(sim: SimulatorThread, ansible_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_HOME=str(ansible_dir / ".home"),
               ANSIBLE_LOCAL_TEMP=str(ansible_dir / ".tmp"), PROXMOX_TOKEN_SECRET=sim.info.token_secret)
    return subprocess.run([tool("ansible-playbook"), "cluster.yml", "-e",
                           f"ansible_python_interpreter={sys.executable}"], cwd=ansible_dir,
                          capture_output=True, text=True, timeout=300, env=env, check=False)


def outcomes(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return dict(re.findall(r"^TASK \[(.+?)\] \**\n(?:task path: .*\n)?(ok|changed|fatal|skipping|failed)",
                           run.stdout, re.M))


def test_the_playbook_puts_back_a_removed_vnet_subnet_and_storage_and_a_second_run_changes_none(
        sim: SimulatorThread, tmp_path: Path) -> None:
    with cli_environment(sim, tmp_path):
        api(sim, "post", "/storage", storage="isos", type="dir", path="/srv/isos", content="iso", nodes="pve1,pve2")
        ws = tmp_path / "ws"
        assert run_cli(tmp_path, "init", str(ws)) == 0
        assert run_cli(ws, "import") == 0
    playbook = (ws / "ansible" / "cluster.yml").read_text()
    assert "community.proxmox.proxmox_storage:" in playbook and "community.proxmox.proxmox_subnet:" in playbook
    api(sim, "delete", "/cluster/sdn/vnets/labnet/subnets/lab-10.10.0.0-24")
    api(sim, "delete", "/cluster/sdn/vnets/labnet")
    api_done(sim, "put", "/cluster/sdn")
    api(sim, "delete", "/storage/isos")
    first = cluster_playbook(sim, ws / "ansible")
    assert first.returncode == 0, first.stdout + first.stderr
    ours = ("SDN VNet labnet", "SDN subnet labnet/10.10.0.0/24", "Storage isos")
    assert all(outcomes(first)[name] == "changed" for name in ours), first.stdout
    assert api(sim, "get", "/cluster/sdn/vnets/labnet", running=1)["zone"] == "lab"
    assert api(sim, "get", "/storage/isos")["path"] == "/srv/isos"
    second = cluster_playbook(sim, ws / "ansible")
    assert second.returncode == 0, second.stdout + second.stderr
    mine = {n: w for n, w in outcomes(second).items() if n.startswith(("SDN ", "Storage "))}
    assert mine and set(mine.values()) == {"ok"}, mine
