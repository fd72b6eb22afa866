"""`ci init github|gitlab`: the pipeline file's shape, what it takes from the profile, what it never holds
(a secret), and how it treats a file already there (kept unless --force, then shown as a diff)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from ci_support import load
from iac_support import run_cli

from pmpc_tui.simulator.server import SimulatorThread

GITHUB = Path(".github/workflows/proxmox-mpc.yml")
GITLAB = Path(".gitlab-ci.yml")


def _commands(lines: list[str]) -> str:
    return "\n".join(lines)


def test_the_github_workflow_plans_pull_requests_and_applies_the_saved_plan_on_main(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    workflow = load(imported_workspace / GITHUB)
    assert set(workflow) >= {"name", "on", "jobs", "env", "permissions"}
    assert workflow["on"] == {"pull_request": {"branches": ["main"]}, "push": {"branches": ["main"]}}
    assert workflow["permissions"] == {"contents": "read"}
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert plan["if"] == "github.event_name == 'pull_request'" and apply["if"] == "github.event_name == 'push'"
    for job in (plan, apply):
        assert job["runs-on"] == "ubuntu-latest"
        assert all(("uses" in step) != ("run" in step) for step in job["steps"]), job["steps"]
    plan_runs = [s["run"] for s in plan["steps"] if "run" in s]
    apply_runs = [s["run"] for s in apply["steps"] if "run" in s]
    assert "proxmox-mpc validate" in plan_runs
    assert "proxmox-mpc plan --out plan.json -o markdown" in plan_runs[-1]
    assert '"$GITHUB_STEP_SUMMARY"' in plan_runs[-1] and "changes=true" in plan_runs[-1]
    assert not any("apply" in run for run in plan_runs)
    assert apply_runs[-1] == "proxmox-mpc apply plan.json --auto-approve"  # exactly the plan saved before it
    assert "proxmox-mpc plan --out plan.json" in apply_runs[-2]
    artifact = next(s for s in plan["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert "plan.json" in artifact["with"]["path"]
    assert apply["concurrency"]["cancel-in-progress"] is False  # two applies never run at once


def test_the_github_workflow_takes_url_and_fingerprint_from_the_profile_and_secrets_from_the_store(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    text = (imported_workspace / GITHUB).read_text()
    workflow = load(imported_workspace / GITHUB)
    assert workflow["env"] == {"PVE_URL": sim.info.url, "PVE_TOKEN_ID": "${{ secrets.PVE_TOKEN_ID }}",
                               "PVE_TOKEN_SECRET": "${{ secrets.PVE_TOKEN_SECRET }}"}
    connect = next(s["run"] for s in workflow["jobs"]["plan"]["steps"] if s.get("name") == "Connect")
    assert connect == (f'proxmox-mpc connect lab --url "$PVE_URL" --token-id "$PVE_TOKEN_ID" '
                       f"--secret-env PVE_TOKEN_SECRET --fingerprint {sim.info.fingerprint}")
    assert sim.info.token_secret not in text and sim.info.token_id not in text


def test_the_gitlab_pipeline_allows_exit_code_2_for_the_plan_and_applies_its_artifact_on_main(
        sim: SimulatorThread, imported_workspace: Path) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    text = (imported_workspace / GITLAB).read_text()
    config = load(imported_workspace / GITLAB)
    assert config["stages"] == ["validate", "plan", "apply"]
    assert {"validate", "plan", "apply"} <= set(config)
    for name in ("validate", "plan", "apply"):
        job = config[name]
        assert job["stage"] == name and job["extends"] == ".proxmox-mpc" and job["rules"], job
        assert all(set(rule) == {"if"} for rule in job["rules"])
    assert config["plan"]["allow_failure"] == {"exit_codes": [2]}
    assert "allow_failure" not in config["apply"] and "allow_failure" not in config["validate"]
    assert config["plan"]["artifacts"]["paths"] == ["plan.json", "plan.md"]
    assert config["plan"]["script"] == ["proxmox-mpc plan --out plan.json -o markdown > plan.md"]
    assert config["apply"]["needs"] == [{"job": "plan", "artifacts": True}]
    assert config["apply"]["script"] == ["proxmox-mpc apply plan.json --auto-approve"]
    assert [r["if"] for r in config["apply"]["rules"]] == ['$CI_PIPELINE_SOURCE == "push" && '
                                                           '$CI_COMMIT_BRANCH == "main"']
    assert "merge_requests" in _commands(config["plan"]["after_script"])  # the plan as a merge-request note
    assert config["variables"]["PVE_URL"] == sim.info.url
    assert f"--fingerprint {sim.info.fingerprint}" in config[".proxmox-mpc"]["before_script"][-1]
    assert sim.info.token_secret not in text and sim.info.token_id not in text


def test_a_workspace_inside_a_repository_gets_the_pipeline_at_the_repository_root(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path) -> None:
    shutil.rmtree(imported_workspace / ".git", ignore_errors=True)  # `init` inside a repository makes none
    (imported_workspace.parent / ".git").mkdir()  # the workspace is the folder ws/ of this repository
    assert run_cli(imported_workspace, "ci", "init", "github", "--branch", "production") == 0
    workflow = load(imported_workspace.parent / GITHUB)
    assert workflow["defaults"]["run"]["working-directory"] == "ws"
    assert workflow["on"]["push"] == {"branches": ["production"]}
    artifact = next(s for s in workflow["jobs"]["plan"]["steps"] if s.get("uses", "").startswith("actions/upload"))
    assert artifact["with"]["path"].split() == ["ws/plan.json", "ws/plan.md"]
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    config = load(imported_workspace.parent / GITLAB)
    assert config["variables"]["PMPC_WORKSPACE_DIR"] == "ws"
    assert config["plan"]["artifacts"]["paths"] == ["ws/plan.json", "ws/plan.md"]


def test_an_edited_pipeline_is_kept_without_force_and_shown_as_a_diff_with_it(
        imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    path = imported_workspace / GITLAB
    edited = path.read_text().replace("image: python:3.11-slim", "image: python:3.12-slim")
    path.write_text(edited)
    capsys.readouterr()
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 7  # conflict: kept edits
    assert ".gitlab-ci.yml exists" in capsys.readouterr().err
    assert path.read_text() == edited
    assert run_cli(imported_workspace, "ci", "init", "gitlab", "--dry-run") == 0
    shown = capsys.readouterr().out
    assert "-  image: python:3.12-slim" in shown and "+  image: python:3.11-slim" in shown
    assert "refused without --force" in shown and path.read_text() == edited
    assert run_cli(imported_workspace, "ci", "init", "gitlab", "--force") == 0
    out = capsys.readouterr().out
    assert "-  image: python:3.12-slim" in out and ".gitlab-ci.yml: overwritten" in out
    assert "image: python:3.11-slim" in path.read_text()
    assert (imported_workspace / ".gitlab-ci.yml.bak").read_text() == edited
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    assert ".gitlab-ci.yml: unchanged" in capsys.readouterr().out


def test_a_dry_run_shows_the_pipeline_and_writes_nothing(imported_workspace: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(imported_workspace, "ci", "init", "github", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "name: proxmox-mpc" in out and "would be created" in out
    assert not (imported_workspace / ".github").exists()


def test_allow_destroy_is_passed_to_the_pipelines_apply(imported_workspace: Path) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github", "--allow-destroy") == 0
    steps = load(imported_workspace / GITHUB)["jobs"]["apply"]["steps"]
    assert steps[-2]["run"] == "proxmox-mpc apply plan.json --auto-approve --allow-destroy"


def test_a_bad_branch_name_is_a_usage_error_and_writes_nothing(imported_workspace: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github", "--branch", 'main"; rm -rf /') == 64
    assert "--branch" in capsys.readouterr().err
    assert not (imported_workspace / ".github").exists()


def test_outside_a_workspace_ci_init_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(tmp_path, "ci", "init", "gitlab") == 64
    assert "workspace" in capsys.readouterr().err
    assert not (tmp_path / GITLAB).exists()


def test_plan_as_markdown_has_a_summary_a_table_and_each_change(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = imported_workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = 4096", 1))
    capsys.readouterr()
    assert run_cli(imported_workspace, "plan", "--out", "plan.json", "-o", "markdown") == 2
    out = capsys.readouterr().out
    assert out.startswith("## proxmox-mpc plan\n")
    assert "**0 to create, 1 to update in place, 0 to replace, 0 to delete**" in out
    assert "| ~ | `proxmox_virtual_environment_vm." in out and "| pve1 | update in place |" in out
    assert "2048 → 4096" in out
    saved = json.loads((imported_workspace / "plan.json").read_text())
    assert saved["summary"]["update"] == 1


def test_plan_as_markdown_without_changes_says_so(sim: SimulatorThread, imported_workspace: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run_cli(imported_workspace, "plan", "-o", "markdown") == 0
    out = capsys.readouterr().out
    assert out.startswith("## proxmox-mpc plan") and "No changes: the cluster matches the code" in out
    assert "|" not in out


@pytest.mark.parametrize(("tls", "expected", "variable"), [
    (["--insecure"], "--insecure", None),
    (["--ca-bundle", "pve-ca.pem"], '--ca-bundle "$PVE_CA_BUNDLE"', "PVE_CA_BUNDLE"),
    ([], "--secret-env PVE_TOKEN_SECRET", None),
])
def test_the_certificate_check_follows_the_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   tls: list[str], expected: str, variable: str | None) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    (tmp_path / "pve-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")  # a local path the CI runner lacks
    assert run_cli(tmp_path, "connect", "site", "--url", "https://pve.example.com:8006", "--token-id", "ci@pve!mpc",
                   "--secret-env", "SITE_TOKEN", *tls, "--no-test") == 0
    assert run_cli(tmp_path, "init", "ws") == 0
    assert run_cli(tmp_path / "ws", "ci", "init", "github") == 0
    workflow = load(tmp_path / "ws" / GITHUB)
    connect = next(s["run"] for s in workflow["jobs"]["apply"]["steps"] if s.get("name") == "Connect")
    assert connect.startswith("proxmox-mpc connect site --url") and connect.endswith(expected)
    assert "--fingerprint" not in connect
    if variable:
        assert workflow["env"][variable] == "${{ vars.PVE_CA_BUNDLE }}"  # a path, not a secret
    assert "ci@pve!mpc" not in (tmp_path / "ws" / GITHUB).read_text()
