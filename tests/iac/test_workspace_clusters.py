"""A workspace of several clusters: clusters/NAME/terraform per cluster, each with its own profile; import, plan,
apply, drift and validate work per cluster and answer grouped by cluster — two simulators, one stopped halfway."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from iac_support import run_cli
from multi_support import two_cluster_workspace, two_clusters

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.workspace.config import Workspace


@pytest.fixture
def clusters(tmp_path: Path) -> Iterator[tuple[SimulatorThread, SimulatorThread]]:
    with two_clusters(tmp_path) as pair:
        yield pair


@pytest.fixture
def workspace(clusters: object, tmp_path: Path) -> Path:
    return two_cluster_workspace(tmp_path)


def cli_json(cwd: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = run_cli(cwd, *argv, "-o", "json")
    return code, json.loads(capsys.readouterr().out)


def by_cluster(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["cluster"]: entry for entry in data["clusters"]}


def memory(sim: SimulatorThread, vmid: int) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[vmid].pending.get("memory")
                        or sim.sim.cluster.guests[vmid].config.get("memory")))


def test_init_with_two_clusters_makes_a_folder_and_a_profile_for_each(workspace: Path) -> None:
    ws = Workspace.load(workspace)
    assert {name: c.profile for name, c in ws.config.clusters.items()} == {"east": "east", "west": "west"}
    for name in ("east", "west"):
        folder = workspace / "clusters" / name
        assert (folder / "terraform" / "versions.tf").is_file() and (folder / "ansible").is_dir()
        assert any(folder.glob("terraform/vm-*.tf")) and (folder / "terraform" / ".managed.json").is_file()
        assert (folder / ".proxmox-mpc" / "state.db").is_file()  # each cluster keeps its own state
    assert not (workspace / "terraform").exists()


def test_import_then_plan_has_no_changes_in_either_cluster(workspace: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, data = cli_json(workspace, capsys, "plan")
    assert code == 0, [(e["cluster"], r) for e in data["clusters"] for r in (e.get("result") or {}).get("resources", [])
                       if r.get("action") != "no-op"] or data
    entries = by_cluster(data)
    assert list(entries) == ["east", "west"] and [e["profile"] for e in entries.values()] == ["east", "west"]
    for entry in entries.values():
        summary = entry["result"]["summary"]
        assert summary["no-op"] == len(entry["result"]["resources"]) > 0, summary


def test_an_edit_in_one_clusters_folder_plans_only_there(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "clusters" / "east" / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    code, data = cli_json(workspace, capsys, "plan")
    assert code == 2
    entries = by_cluster(data)
    assert entries["east"]["result"]["summary"]["update"] == 1
    assert entries["west"]["result"]["summary"]["update"] == 0
    code, data = cli_json(workspace, capsys, "plan", "--cluster", "west")
    assert code == 0 and list(by_cluster(data)) == ["west"]
    code, data = cli_json(workspace / "clusters" / "east" / "terraform", capsys, "plan")  # the folder you are in
    assert code == 2 and list(by_cluster(data)) == ["east"]


def test_a_table_plan_names_each_cluster(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(workspace, "plan") == 0
    out = capsys.readouterr().out
    assert "== east ==" in out and "== west ==" in out


def test_a_cluster_stopped_halfway_is_an_error_entry_while_the_other_plans(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    clusters[1].stop()
    path = workspace / "clusters" / "east" / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    code, data = cli_json(workspace, capsys, "plan")
    entries = by_cluster(data)
    assert entries["east"]["result"]["summary"]["update"] == 1
    error = entries["west"]["error"]
    assert error["exit_code"] == 3 and error["message"] and error["next_step"]
    assert code == 3  # the worst: the one failure's own code
    code, data = cli_json(workspace, capsys, "drift")
    assert "error" in by_cluster(data)["west"] and "result" in by_cluster(data)["east"]


def test_apply_asks_per_cluster_naming_it_and_changes_only_that_cluster(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    east, west = clusters
    for name in ("east", "west"):
        path = workspace / "clusters" / name / "terraform" / "vm-101.tf"
        path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    questions: list[str] = []

    def answer(question: str) -> str:
        questions.append(question)
        return "yes" if "'east'" in question else "no"

    monkeypatch.setattr("pmpc_tui.commands.context._ask", answer)
    code, data = cli_json(workspace, capsys, "apply")
    assert len(questions) == 2
    assert "cluster 'east' (profile east)" in questions[0] and "cluster 'west' (profile west)" in questions[1]
    entries = by_cluster(data)
    assert "result" in entries["east"] and entries["west"]["error"]["exit_code"] == 6
    assert code == 6  # west declined
    assert memory(east, 101) == "4096" and memory(west, 101) == "2048"
    code, data = cli_json(workspace, capsys, "plan")
    entries = by_cluster(data)
    assert entries["east"]["result"]["summary"]["update"] == 0 and entries["west"]["result"]["summary"]["update"] == 1


def test_a_saved_plan_applies_only_in_the_cluster_it_was_made_for(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    east, west = clusters
    path = workspace / "clusters" / "west" / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    assert run_cli(workspace, "plan", "--out", "x.plan") == 64  # several clusters: one file each
    assert run_cli(workspace, "plan", "--cluster", "west", "--out", "w.plan") == 2
    assert run_cli(workspace, "apply", "w.plan", "--cluster", "east", "-y") == 64
    assert memory(west, 101) == "2048"
    assert run_cli(workspace, "apply", "w.plan", "-y") == 0
    assert memory(west, 101) == "4096" and memory(east, 101) == "2048"


def test_an_unknown_cluster_is_a_usage_error_naming_the_known_ones(workspace: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(workspace, "plan", "--cluster", "north") == 64
    assert "east, west" in capsys.readouterr().err


def test_cluster_in_a_workspace_of_one_cluster_is_a_usage_error(clusters: object, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, "init", "one", "--profile", "east") == 0
    capsys.readouterr()
    assert run_cli(tmp_path / "one", "validate", "--cluster", "east") == 64
    assert "one, in terraform/" in capsys.readouterr().err


def test_init_cluster_adds_a_cluster_to_an_existing_workspace(clusters: object, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "infra"
    assert run_cli(tmp_path, "init", str(root), "--cluster", "east", "--profile", "east") == 0
    assert run_cli(root, "init", ".", "--cluster", "west", "--profile", "west") == 0
    assert list(Workspace.load(root).config.clusters) == ["east", "west"]
    assert (root / "clusters" / "west" / "terraform" / "versions.tf").is_file()
    assert run_cli(root, "init", ".", "--cluster", "west", "--profile", "west") == 64  # already there
    assert run_cli(root, "init", ".", "--cluster", "x", "--cluster", "y", "--profile", "east") == 64  # not in pairs
    assert run_cli(root, "init", ".", "--cluster", "x", "--profile", "east") == 64  # east's profile already
    text = (root / "proxmox-mpc.yaml").read_text()
    (root / "proxmox-mpc.yaml").write_text(text.replace("profile: west", "profile: east"))
    capsys.readouterr()
    assert run_cli(root, "plan") == 65  # two folders of code for one cluster: refused before anything is read
    assert "both use profile 'east'" in capsys.readouterr().err
    (root / "proxmox-mpc.yaml").write_text(text)
    assert run_cli(root, "import", "--cluster", "west") == 0
    assert any((root / "clusters" / "west" / "terraform").glob("vm-*.tf"))
    assert not any((root / "clusters" / "east" / "terraform").glob("vm-*.tf"))


def test_validate_answers_per_cluster(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "clusters" / "west" / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = -5", 1))
    capsys.readouterr()
    code = run_cli(workspace, "validate")
    out = capsys.readouterr().out
    assert code == 2
    lines = out.splitlines()
    assert lines[0].split()[0] == "CLUSTER"
    assert any(line.startswith("west ") for line in lines) and not any(line.startswith("east ") for line in lines)


def test_create_and_destroy_need_one_cluster_and_write_only_its_folder(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    east, west = clusters
    new = ("create", "vm", "--name", "web-09", "--node", "pve2", "--cores", "1", "--memory", "512", "--disk", "8",
           "--vmid", "190")
    capsys.readouterr()
    assert run_cli(workspace, *new) == 64
    assert "--cluster NAME" in capsys.readouterr().err
    assert run_cli(workspace / "clusters" / "west", *new) == 0  # the folder you are in picks the cluster
    assert (workspace / "clusters" / "west" / "terraform" / "vm-190.tf").is_file()
    assert not (workspace / "clusters" / "east" / "terraform" / "vm-190.tf").exists()
    assert not (workspace / "terraform").exists()
    assert run_cli(workspace, "apply", "-y") == 0
    assert west.call(lambda: 190 in west.sim.cluster.guests) and not east.call(lambda: 190 in east.sim.cluster.guests)
    assert run_cli(workspace, "destroy", "--dry-run") == 64
    assert run_cli(workspace, "destroy", "--cluster", "west", "--target", "web-09", "--yes") == 0
    assert not west.call(lambda: 190 in west.sim.cluster.guests)


@pytest.mark.parametrize(("clusters_yaml", "said"), [
    ("clusters: [east, west]", "'clusters' must be a mapping"),
    ("clusters: {../up: {profile: east}}", "is not a cluster name"),
    ("clusters: {east: {profile: 3}}", "cluster 'east' must be a mapping"),
    ("clusters: {east: {profile: east, defaults: {colour: red}}}", "defaults must be text"),
])
def test_a_wrong_clusters_entry_names_what_is_wrong(tmp_path: Path, clusters_yaml: str, said: str) -> None:
    from pmpc_tui.workspace.config import WorkspaceFileUnreadable

    (tmp_path / "proxmox-mpc.yaml").write_text(f"version: 1\n{clusters_yaml}\n")
    with pytest.raises(WorkspaceFileUnreadable, match=said):
        Workspace.load(tmp_path)


def test_a_clusters_defaults_override_the_workspaces(tmp_path: Path) -> None:
    (tmp_path / "proxmox-mpc.yaml").write_text("version: 1\nprofile: east\ndefaults: {node: pve1, storage: "
                                               "local-lvm}\nclusters: {west: {profile: west, defaults: {node: w1}}, "
                                               "north: {}}\n")
    assert Workspace.load(tmp_path).for_cluster("north").config.profile is None  # never the workspace's
    west = Workspace.load(tmp_path).for_cluster("west")
    assert (west.config.defaults.node, west.config.defaults.storage) == ("w1", "local-lvm")
    assert west.terraform_dir == tmp_path / "clusters" / "west" / "terraform"
    assert west.config_path == tmp_path / "proxmox-mpc.yaml" and west.config.profile == "west"


async def test_the_mcp_plan_at_the_top_of_a_workspace_of_several_clusters_says_it_works_per_cluster(
        clusters: tuple[SimulatorThread, SimulatorThread], workspace: Path, tmp_path: Path) -> None:
    import sys

    from mcp import Client, StdioServerParameters
    from mcp_support import error

    east, west = clusters
    env = {"PMPC_CONFIG_DIR": str(tmp_path / "config"), "PMPC_STATE_DIR": str(tmp_path / "state"),
           "EAST_TOKEN": east.info.token_secret, "WEST_TOKEN": west.info.token_secret, "PATH": "/usr/bin:/bin"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "--profile", "east", "mcp"],
                                   env=env, cwd=str(workspace))
    async with Client(params) as client:
        text = error(await client.call_tool("plan", {}))
    assert "several clusters (east, west)" in text
    assert not (workspace / "terraform").exists()


def test_each_clusters_import_is_committed_and_plan_against_reads_each_clusters_revision(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess

    log = subprocess.run(["git", "log", "--name-only", "--format=%s"], cwd=workspace, capture_output=True,
                         text=True, check=True).stdout
    assert "clusters/east/terraform/vm-101.tf" in log and "clusters/west/terraform/vm-101.tf" in log
    path = workspace / "clusters" / "east" / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    code, data = cli_json(workspace, capsys, "plan", "--against", "HEAD")
    assert code == 0, data  # the committed code of both clusters matches them
    assert [e["cluster"] for e in data["clusters"]] == ["east", "west"]


def test_a_cluster_without_a_profile_is_its_error_entry_and_never_uses_another(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (workspace / "proxmox-mpc.yaml").read_text()
    (workspace / "proxmox-mpc.yaml").write_text(text.replace("profile: west", "profile:").replace(
        "profile:\ndefaults", "profile: east\ndefaults"))
    code, data = cli_json(workspace, capsys, "plan")
    entries = by_cluster(data)
    assert "result" in entries["east"] and "names no profile" in entries["west"]["error"]["message"]
    assert code == 64
