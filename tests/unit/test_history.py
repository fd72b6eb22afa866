"""Workspace history as a user meets it: init makes a repository, every write proxmox-mpc makes is a commit
naming the command, the guests and the correlation ID, `history` lists them with edits made outside."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.simulator.server import SimulatorThread

pytestmark = pytest.mark.skipif(subprocess.run(["which", "git"], capture_output=True).returncode != 0,
                                reason="git is not installed (make test installs it)")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def history_json(ws: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    capsys.readouterr()
    assert run_cli(ws, "history", "-o", "json", *args) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.fresh_import  # a test of import itself: no copy of the template
def test_init_makes_the_workspace_a_repository_and_import_is_a_commit_naming_guests_and_correlation_id(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    assert (ws / ".git").is_dir()
    found = history_json(ws, capsys)
    commands = [c["command"] for c in found["commits"]]
    assert commands == ["import", "init"]
    imported = found["commits"][0]
    assert "vm 100" in imported["subject"] or "vm 1" in imported["guests"]
    assert len(imported["correlation_id"]) == 8
    assert found["uncommitted"] == []
    tracked = git(ws, "ls-files").split()
    assert "proxmox-mpc.yaml" in tracked and ".gitignore" in tracked
    assert not [p for p in tracked if p.startswith(".proxmox-mpc/")]


def test_edits_made_outside_show_as_uncommitted_in_history(imported_workspace: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    tf = sorted((ws / "terraform").glob("vm-*.tf"))[0]
    tf.write_text(tf.read_text() + "\n# my note\n")
    (ws / "notes.md").write_text("hello\n")
    found = history_json(ws, capsys)
    assert {"path": f"terraform/{tf.name}", "state": "modified"} in found["uncommitted"]
    assert {"path": "notes.md", "state": "untracked"} in found["uncommitted"]
    capsys.readouterr()
    assert run_cli(ws, "history") == 0
    out = capsys.readouterr().out
    assert "uncommitted (2 edited outside proxmox-mpc)" in out and f"terraform/{tf.name}" in out


def test_create_is_a_commit_naming_the_new_guest(imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    assert run_cli(ws, "create", "vm", "--name", "web-09", "--vmid", "990", "--node", "pve1") == 0
    newest = history_json(ws, capsys, "--limit", "1")["commits"]
    assert len(newest) == 1
    assert newest[0]["command"] == "create" and newest[0]["guests"] == "vm 990"
    assert newest[0]["subject"] == "proxmox-mpc create: vm 990"


def test_history_show_prints_the_commit_with_its_diff(imported_workspace: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    assert run_cli(ws, "create", "vm", "--name", "web-09", "--vmid", "990", "--node", "pve1") == 0
    capsys.readouterr()
    assert run_cli(ws, "history", "show", "HEAD") == 0
    out = capsys.readouterr().out
    assert "Correlation-ID:" in out and "+++ b/terraform/vm-990.tf" in out and 'name' in out


def test_a_bad_or_unknown_revision_is_a_short_error(imported_workspace: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    assert run_cli(ws, "history", "show", "HEAD;rm") == 64
    capsys.readouterr()
    assert run_cli(ws, "history", "show", "deadbeef1234") == 4
    err = capsys.readouterr().err
    assert "no commit 'deadbeef1234'" in err and "Traceback" not in err
    assert run_cli(ws, "history", "show", "a b") == 64


def test_a_secret_never_lands_in_a_commit(imported_workspace: Path) -> None:
    from pmpc_tui.services.history import commit_change
    from pmpc_tui.workspace.config import Workspace

    ws = imported_workspace
    (ws / "terraform" / "secrets.auto.tfvars").write_text('pve_token = "root@pam!mpc=0123"\n')
    (ws / "terraform" / "extra.tf").write_text('variable "x" {\n  default = "a"\n}\nlocals {\n'
                                               '  password = "hunter2hunter2"\n}\n')
    (ws / "ansible" / "deploy.pem").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n")
    (ws / "README.md").write_text("ok\n")
    made = commit_change(Workspace.load(ws), "test", None)
    assert made is not None
    assert sorted(made.refused) == ["ansible/deploy.pem", "terraform/extra.tf"]  # *.tfvars: ignored already
    tracked = git(ws, "ls-files").split()
    assert "README.md" in tracked
    assert not {"terraform/extra.tf", "terraform/secrets.auto.tfvars", "ansible/deploy.pem"} & set(tracked)
    assert "hunter2" not in git(ws, "log", "-p", "--all")


def test_a_users_own_repository_is_not_touched_without_autocommit(sim: SimulatorThread, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "infra"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "other.txt").write_text("the user's\n")
    git(repo, "add", "other.txt")  # staged by the user, not committed
    with cli_environment(sim, tmp_path):
        assert run_cli(tmp_path, "init", str(repo / "pve")) == 0
        assert "inside the git repository" in capsys.readouterr().out
        assert run_cli(repo / "pve", "import") == 0
        assert git(repo, "rev-list", "--all") == ""  # no commit at all
        assert git(repo, "diff", "--cached", "--name-only").split() == ["other.txt"]
        found = history_json(repo / "pve", capsys)
        assert found["commits"] == [] and any(u["path"] == "proxmox-mpc.yaml" for u in found["uncommitted"])
        config = repo / "pve" / "proxmox-mpc.yaml"
        config.write_text(config.read_text() + "history:\n  autocommit: true\n")
        assert run_cli(repo / "pve", "create", "vm", "--name", "web-09", "--vmid", "990", "--node", "pve1") == 0
        committed = git(repo, "show", "--name-only", "--format=%s", "HEAD").split("\n")
        assert committed[0] == "proxmox-mpc create: vm 990"
        assert "other.txt" not in committed and "pve/terraform/vm-990.tf" in committed
        assert git(repo, "diff", "--cached", "--name-only").split() == ["other.txt"]  # still only staged


def test_without_git_history_says_so_plainly(imported_workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    capsys.readouterr()
    assert run_cli(imported_workspace, "history") == 1
    err = capsys.readouterr().err
    assert "git is not installed" in err and "apt-get install git" in err


def test_autocommit_false_stops_commits_even_in_the_repository_init_made(imported_workspace: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    config = ws / "proxmox-mpc.yaml"
    config.write_text(config.read_text() + "history:\n  autocommit: false\n")
    git(ws, "commit", "-qam", "turn autocommit off")
    assert run_cli(ws, "create", "vm", "--name", "web-09", "--vmid", "990", "--node", "pve1") == 0
    assert git(ws, "log", "-1", "--format=%s").strip() == "turn autocommit off"
    found = history_json(ws, capsys)
    assert {"path": "terraform/vm-990.tf", "state": "untracked"} in found["uncommitted"]


def test_history_speaks_yaml_and_a_bad_history_setting_names_the_file(imported_workspace: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    ws = imported_workspace
    capsys.readouterr()
    assert run_cli(ws, "history", "-o", "yaml", "--limit", "1") == 0
    out = capsys.readouterr().out
    assert out.startswith("commits:") and "command: import" in out and "uncommitted: []" in out
    config = ws / "proxmox-mpc.yaml"
    config.write_text(config.read_text() + "history:\n  autocommit: sometimes\n")
    assert run_cli(ws, "history") == 65
    assert "proxmox-mpc.yaml: 'history' must be a mapping" in capsys.readouterr().err


def test_an_apply_summary_hides_values_of_secret_keys() -> None:
    from pmpc_tui.services.apply import ApplyResult, StepResult
    from pmpc_tui.services.changes import AttributeChange
    from pmpc_tui.services.history import apply_summary
    from pmpc_tui.services.plan import Plan, ResourceChange

    change = ResourceChange("proxmox_virtual_environment_vm.web_01", "qemu", 101, "web-01", "pve1", "update",
                            [AttributeChange("cipassword", "old-secret", "new-secret"), AttributeChange("cores", 2, 4)])
    result = ApplyResult(7, [StepResult(change.address, 101, "update", True, "updated")])
    summary = apply_summary(Plan(workspace="/ws", resources=[change]), result, "alice", "3f2a9c1e", "2026-01-02")
    attributes = summary["changes"][0]["attributes"]
    assert attributes == [{"key": "cipassword", "before": "(hidden)", "after": "(hidden)"},
                          {"key": "cores", "before": 2, "after": 4}]
    assert "secret" not in json.dumps(summary)
    assert summary["user"] == "alice" and summary["correlation_id"] == "3f2a9c1e" and summary["run"] == 7


@pytest.mark.parametrize("text", [
    'Password = "hunter2hunter2"\n', 'TOKEN_SECRET: "abcdefgh"\n', "-----BEGIN RSA PRIVATE KEY-----\n",
    "Authorization: PVEAPIToken=root@pam!ci=0123abcd-0123-4567-89ab-0123456789ab\n",
    'pa\u017fsword = "hunter2hunter2"\n',  # a long s: re's IGNORECASE takes it for an s
    'name = "caf\u00e9"\nPASSWD = "hunter2hunter2"\n',
])
def test_a_secret_is_recognised_in_any_spelling_the_pattern_knows(tmp_path: Path, text: str) -> None:
    from pmpc_tui.services.history import SECRET_TEXT, holds_secret

    path = tmp_path / "f.tf"
    path.write_text(text, encoding="utf-8")
    assert holds_secret(path) is bool(SECRET_TEXT.search(text)) is True


def test_a_generated_guest_file_without_secrets_is_committed(tmp_path: Path) -> None:
    from pmpc_tui.services.history import holds_secret

    path = tmp_path / "vm-101.tf"
    path.write_text('resource "proxmox_virtual_environment_vm" "web" {\n  name = "web"\n  tags = ["token"]\n}\n')
    assert holds_secret(path) is False
