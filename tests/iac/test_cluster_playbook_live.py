"""ansible/cluster.yml run for real: the community.proxmox modules (from the `ansible` package) against the
simulator. One workspace is imported, then a pool, a VNet with its subnet, a storage, a user and a group (with
its ACL entry) are removed behind the code's back; a `--check` run only reports, a real run puts them all back,
and a second run changes nothing. The three runs are shared by the tests below (each checks one kind of object),
so the slow part — a few dozen module processes per run — happens once per module, not once per test."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ansible_support import ansible_missing
from iac_support import api, api_done, cli_environment, run_cli, tool

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(ansible_missing() is not None, reason=str(ansible_missing()))

def cluster_playbook(sim: SimulatorThread, ansible_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_HOME=str(ansible_dir / ".home"),
               ANSIBLE_LOCAL_TEMP=str(ansible_dir / ".tmp"), PROXMOX_TOKEN_SECRET=sim.info.token_secret)
    return subprocess.run([tool("ansible-playbook"), "cluster.yml", "-e",
                           f"ansible_python_interpreter={sys.executable}", *extra], cwd=ansible_dir,
                          capture_output=True, text=True, timeout=300, env=env, check=False)


def recap(run: subprocess.CompletedProcess[str]) -> dict[str, int]:
    """The PLAY RECAP counters of localhost."""
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("localhost"))
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def outcomes(run: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Task name → ok, changed, fatal or skipping (the default callback's word after each TASK line)."""
    found = re.findall(r"^TASK \[(.+?)\] \**\n(?:task path: .*\n)?(ok|changed|fatal|skipping|failed)",
                       run.stdout, re.M)
    return dict(found)


def changed(run: subprocess.CompletedProcess[str]) -> set[str]:
    return {name for name, word in outcomes(run).items() if word == "changed"}


# community.proxmox 1.x modules that change on every run: proxmox_cluster_ha_resources compares its
# `comment` default "" (and max_restart/max_relocate 1) with an answer that omits unset values;
# proxmox_firewall rewrites the cluster rules. Open: see the report of iac19b.
NOT_IDEMPOTENT = {"HA resource ct:200", "HA resource ct:202", "Firewall rules cluster"}
# The tasks of the removed objects whose modules support check mode (they report what they would do); the SDN
# modules do not, so Ansible skips them in a --check run.
CHECKED = ("Pool scratch", "Storage isos", "Group family", "User bob@pve")
NO_CHECK_MODE = ("SDN VNet labnet", "SDN subnet labnet/10.10.0.0/24")


@dataclass(frozen=True)
class Seen:
    """What the simulator holds of the objects the scenario removes, at one moment."""

    pools: frozenset[str]
    scratch_comment: str | None
    labnet_zone: str | None  # of the running (applied) SDN configuration
    labnet_subnets: frozenset[str]
    isos_path: str | None
    bob_groups: tuple[str, ...] | None
    family_on_production: bool


def seen(sim: SimulatorThread) -> Seen:
    """Read them (the cluster's model for pools and users, the API for the rest)."""
    def read() -> dict[str, Any]:
        c, access = sim.sim.cluster, sim.sim.access
        return {"pools": frozenset(c.pools), "comment": c.pools["scratch"].comment if "scratch" in c.pools else None,
                "users": set(access.users)}
    state = sim.call(read)
    vnets = {v["vnet"]: v for v in api(sim, "get", "/cluster/sdn/vnets", running=1)}
    subnets = (frozenset(s["cidr"] for s in api(sim, "get", "/cluster/sdn/vnets/labnet/subnets", running=1))
               if "labnet" in vnets else frozenset[str]())
    storages = {s["storage"]: s for s in api(sim, "get", "/storage")}
    bob = api(sim, "get", "/access/users/bob@pve") if "bob@pve" in state["users"] else None
    return Seen(state["pools"], state["comment"], vnets["labnet"]["zone"] if "labnet" in vnets else None, subnets,
                storages["isos"]["path"] if "isos" in storages else None,
                tuple(bob["groups"]) if bob is not None else None,
                any(e["path"] == "/pool/production" and e["ugid"] == "family" for e in api(sim, "get", "/access/acl")))


@dataclass(frozen=True)
class Scenario:
    """The imported playbook, the three runs and what the simulator held before and after each."""

    sim: SimulatorThread
    playbook: str
    removed: Seen
    checked: subprocess.CompletedProcess[str]
    after_check: Seen
    applied: subprocess.CompletedProcess[str]
    after_apply: Seen
    again: subprocess.CompletedProcess[str]

    @property
    def output(self) -> str:
        return self.checked.stdout + self.applied.stdout + self.again.stdout


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    """A workspace imported with a scratch pool and an `isos` storage in the cluster; then the pool, VNet labnet
    (and its subnet), the storage, user bob@pve and group family (and its ACL entry) are removed behind the code's
    back, and cluster.yml runs with --check, for real, and for real again."""
    home = tmp_path_factory.mktemp("cluster-playbook")
    with SimulatorThread(task_speed=0.02) as sim:
        with cli_environment(sim, home):
            api(sim, "post", "/pools", poolid="scratch", comment="made by a test")
            api(sim, "post", "/storage", storage="isos", type="dir", path="/srv/isos", content="iso", nodes="pve1,pve2")
            ws = home / "ws"
            assert run_cli(home, "init", str(ws)) == 0
            assert run_cli(ws, "import") == 0
        ansible_dir = ws / "ansible"
        playbook = (ansible_dir / "cluster.yml").read_text()
        api(sim, "delete", "/pools/scratch")
        api(sim, "delete", "/cluster/sdn/vnets/labnet/subnets/lab-10.10.0.0-24")
        api(sim, "delete", "/cluster/sdn/vnets/labnet")
        api_done(sim, "put", "/cluster/sdn")
        api(sim, "delete", "/storage/isos")
        api(sim, "delete", "/access/users/bob@pve")
        api(sim, "delete", "/access/groups/family")  # its ACL entry goes with it
        removed = seen(sim)
        checked = cluster_playbook(sim, ansible_dir, "--check")
        after_check = seen(sim)
        applied = cluster_playbook(sim, ansible_dir)
        after_apply = seen(sim)
        again = cluster_playbook(sim, ansible_dir)
        yield Scenario(sim, playbook, removed, checked, after_check, applied, after_apply, again)


def test_the_cluster_playbook_checks_then_restores_a_removed_pool_and_a_second_run_changes_nothing(
        scenario: Scenario) -> None:
    assert "Pool scratch" in scenario.playbook
    assert "scratch" not in scenario.removed.pools
    checked = scenario.checked
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert recap(checked)["failed"] == 0, checked.stdout
    assert outcomes(checked)["Pool scratch"] == "changed", checked.stdout
    assert scenario.after_check == scenario.removed  # check mode sends nothing

    applied = scenario.applied
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Pool scratch" in changed(applied), applied.stdout
    assert "scratch" in scenario.after_apply.pools
    assert scenario.after_apply.scratch_comment == "made by a test"

    again = scenario.again
    assert again.returncode == 0, again.stdout + again.stderr
    assert len(outcomes(again)) == recap(again)["ok"]  # every task was read (ok counts changed ones too)
    assert changed(again) <= NOT_IDEMPOTENT, again.stdout  # every pool, member and rule set is left alone
    assert scenario.sim.info.token_secret not in scenario.output


def test_the_playbook_puts_back_a_removed_vnet_subnet_and_storage_and_a_second_run_changes_none(
        scenario: Scenario) -> None:
    assert "community.proxmox.proxmox_storage:" in scenario.playbook
    assert "community.proxmox.proxmox_subnet:" in scenario.playbook
    assert scenario.removed.labnet_zone is None and scenario.removed.isos_path is None
    first = scenario.applied
    assert first.returncode == 0, first.stdout + first.stderr
    ours = ("SDN VNet labnet", "SDN subnet labnet/10.10.0.0/24", "Storage isos")
    assert all(outcomes(first)[name] == "changed" for name in ours), first.stdout
    assert scenario.after_apply.labnet_zone == "lab"
    assert "10.10.0.0/24" in scenario.after_apply.labnet_subnets
    assert scenario.after_apply.isos_path == "/srv/isos"
    second = scenario.again
    assert second.returncode == 0, second.stdout + second.stderr
    mine = {n: w for n, w in outcomes(second).items() if n.startswith(("SDN ", "Storage "))}
    assert mine and set(mine.values()) == {"ok"}, mine


def test_cluster_playbook_puts_back_removed_access_objects_and_then_changes_nothing(scenario: Scenario) -> None:
    playbook = scenario.playbook
    for name in ("Group family", "User bob@pve", "ACL /pool/production?family?PVEVMUser"):
        assert f"- name: {name}" in playbook or f"- name: '{name}'" in playbook or f'- name: "{name}"' in playbook
    assert "password" not in playbook
    sim = scenario.sim
    assert not [t.secret for t in sim.call(lambda: list(sim.sim.access.tokens.values())) if t.secret in playbook]
    assert scenario.removed.bob_groups is None and not scenario.removed.family_on_production
    applied = scenario.applied
    assert applied.returncode == 0, applied.stdout + applied.stderr
    done = outcomes(applied)
    assert done["Group family"] == "changed" and done["User bob@pve"] == "changed", applied.stdout
    assert scenario.after_apply.bob_groups == ("family",)
    assert scenario.after_apply.family_on_production
    again = scenario.again
    assert again.returncode == 0, again.stdout + again.stderr
    access = {name: word for name, word in outcomes(again).items() if name.startswith(("Group ", "User ", "ACL "))}
    assert access and not [name for name, word in access.items() if word != "ok"], again.stdout


def test_a_check_run_reports_the_removed_objects_its_modules_can_check_and_sends_nothing(scenario: Scenario) -> None:
    checked = scenario.checked
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert recap(checked)["failed"] == 0, checked.stdout
    reported = outcomes(checked)
    assert {name: reported.get(name) for name in CHECKED} == dict.fromkeys(CHECKED, "changed"), checked.stdout
    assert {name: reported.get(name) for name in NO_CHECK_MODE} == dict.fromkeys(NO_CHECK_MODE, "skipping")
    assert scenario.after_check == scenario.removed  # none of them is back
