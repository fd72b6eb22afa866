"""Workspaces: `init` lays one out, every command finds it from any subdirectory, git ignores state and secrets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from iac_support import run_cli, snapshot

from pmpc_tui.services.workspace_init import InitOptions, init_workspace
from pmpc_tui.workspace import WORKSPACE_FILE, Workspace, WorkspaceError, find_workspace, require_workspace


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_WORKSPACE", raising=False)
    monkeypatch.delenv("PMPC_PROFILE", raising=False)


def test_init_lays_out_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, "init", "infra", "--node", "pve1", "--storage", "local-lvm") == 0
    root = tmp_path / "infra"
    for path in (WORKSPACE_FILE, ".gitignore", ".proxmox-mpc/logs", ".proxmox-mpc/generated", "terraform/versions.tf",
                 "terraform/variables.tf", "ansible/ansible.cfg", "ansible/group_vars/all.yml",
                 "ansible/playbooks/start.yml", "ansible/playbooks/snapshot.yml"):
        assert (root / path).exists(), path
    ws = Workspace.load(root)
    assert ws.config.defaults.node == "pve1" and ws.config.defaults.storage == "local-lvm"
    assert 'source  = "bpg/proxmox"' in (root / "terraform" / "versions.tf").read_text()
    assert "version =" in (root / "terraform" / "versions.tf").read_text()
    assert "proxmox-mpc import" in capsys.readouterr().out


def test_commands_find_the_workspace_from_any_subdirectory(tmp_path: Path) -> None:
    init_workspace(InitOptions(directory=tmp_path / "infra"))
    deep = tmp_path / "infra" / "terraform" / "modules" / "x"
    deep.mkdir(parents=True)
    for where in (tmp_path / "infra", tmp_path / "infra" / "ansible" / "playbooks", deep):
        ws = find_workspace(where)
        assert ws is not None and ws.root == (tmp_path / "infra").resolve()
    assert find_workspace(tmp_path) is None
    with pytest.raises(WorkspaceError, match="proxmox-mpc init"):
        require_workspace(tmp_path)


def test_import_outside_a_workspace_says_how_to_make_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, "import", "--offline") == 64
    assert "proxmox-mpc init" in capsys.readouterr().err


def test_init_refuses_an_existing_workspace_and_touches_nothing(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    init_workspace(InitOptions(directory=tmp_path / "infra"))
    before = snapshot(tmp_path / "infra")
    assert run_cli(tmp_path, "init", "infra") == 64
    assert "already a proxmox-mpc workspace" in capsys.readouterr().err
    assert snapshot(tmp_path / "infra") == before


def test_init_keeps_an_existing_gitignore(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / ".gitignore").write_text("node_modules/\n")
    init_workspace(InitOptions(directory=tmp_path / "infra"))
    text = (tmp_path / "infra" / ".gitignore").read_text()
    assert text.startswith("node_modules/\n") and ".proxmox-mpc/" in text


def test_git_ignores_state_logs_tfstate_and_secrets(tmp_path: Path) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    root = tmp_path / "infra"
    init_workspace(InitOptions(directory=root))
    subprocess.run([git, "init", "-q", str(root)], check=True)
    secret_like = [".proxmox-mpc/state.db", ".proxmox-mpc/logs/run.log", "terraform/terraform.tfstate",
                   "terraform/terraform.tfstate.backup", "terraform/.terraform/providers/x", "terraform/prod.tfvars",
                   "terraform/vm-101.tf.new"]
    kept = ["terraform/vm-101.tf", "ansible/inventory.yml", WORKSPACE_FILE, ".gitignore"]
    for rel in secret_like + kept:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).touch()
    ignored = subprocess.run([git, "check-ignore", *secret_like, *kept], cwd=root, capture_output=True, text=True)
    assert sorted(ignored.stdout.split()) == sorted(secret_like)


def test_an_edit_to_the_workspace_file_is_seen_by_the_next_command(tmp_path: Path) -> None:
    """What proxmox-mpc.yaml held is remembered by its text (reading YAML cost every start ~30 ms): an edit counts."""
    init_workspace(InitOptions(directory=tmp_path / "infra", node="pve1"))
    root = tmp_path / "infra"
    assert Workspace.load(root).config.defaults.node == "pve1"
    assert (root / ".proxmox-mpc" / "workspace-yaml.json").is_file()
    path = root / WORKSPACE_FILE
    path.write_text(path.read_text().replace("node: pve1", "node: pve2"))
    assert Workspace.load(root).config.defaults.node == "pve2"
    path.write_text(path.read_text() + "version: [\n")
    with pytest.raises(WorkspaceError, match="not valid YAML"):
        Workspace.load(root)


def test_a_read_only_session_leaves_the_workspace_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    ) -> None:
    from pmpc_tui.services.session import Session

    init_workspace(InitOptions(directory=tmp_path / "infra"))
    state = tmp_path / "infra" / ".proxmox-mpc"
    (state / "workspace-yaml.json").unlink(missing_ok=True)
    monkeypatch.chdir(tmp_path / "infra")
    ws = Session(read_only=True).workspace()
    assert ws is not None and ws.read_only
    assert not (state / "workspace-yaml.json").exists()
