"""The pipelines `ci init` writes, run as their CI would run them against the simulator (tests/ci_support.py):
every `run:`/`script:` step that calls proxmox-mpc, in order, in a fresh checkout and HOME with the secrets as
environment variables. Review plans and never applies; the main branch applies exactly the plan it saved, and
stops when the cluster changed between that plan and the apply."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from ci_support import StepRun, load, run_github, run_gitlab
from iac_support import run_cli

from pmpc_tui.simulator.server import SimulatorThread

MR = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
      "CI_MERGE_REQUEST_IID": "7"}
PUSH = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}


@pytest.fixture
def secrets(sim: SimulatorThread) -> dict[str, str]:
    """The CI's secret store: only these reach the jobs (the profile is recreated from them)."""
    return {"PVE_TOKEN_ID": sim.info.token_id, "PVE_TOKEN_SECRET": sim.info.token_secret}


def memory(sim: SimulatorThread, vmid: int) -> str:
    """The memory PVE will run the guest with (a running guest keeps a change pending until its restart)."""
    return sim.call(lambda: str(sim.sim.cluster.guests[vmid].pending.get("memory")
                                or sim.sim.cluster.guests[vmid].config.get("memory")))


def set_memory(workspace: Path, before: int, after: int) -> None:
    path = workspace / "terraform" / "vm-101.tf"
    text = path.read_text()
    assert f"dedicated = {before}" in text
    path.write_text(text.replace(f"dedicated = {before}", f"dedicated = {after}", 1))


def codes(runs: list[StepRun]) -> list[tuple[str, int]]:
    return [(run.name, run.exit_code) for run in runs]


def test_a_github_pull_request_validates_and_plans_and_changes_nothing(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    set_memory(imported_workspace, 2048, 4096)
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    runs = run_github(workflow, "pull_request", imported_workspace, tmp_path / "ci", secrets)
    assert codes(runs) == [("Connect", 0), ("Read the cluster", 0), ("Validate", 0), ("Plan", 0)], \
        [r.stdout + r.stderr for r in runs]
    plan = runs[-1]
    assert plan.outputs == {"exit-code": "2", "changes": "true"}  # changes present: an output, not a failure
    assert plan.summary.startswith("## proxmox-mpc plan") and "2048 → 4096" in plan.summary
    saved = json.loads((tmp_path / "ci" / "checkout-plan" / "plan.json").read_text())  # the artifact
    assert saved["summary"]["update"] == 1
    assert memory(sim, 101) == "2048"
    assert secrets["PVE_TOKEN_SECRET"] not in "".join(r.stdout + r.stderr + r.summary for r in runs)


def test_a_github_push_to_main_applies_exactly_the_plan_it_saved(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    set_memory(imported_workspace, 2048, 4096)
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")

    def between(job: str, step: str, checkout: Path) -> None:
        if step == "Apply the saved plan":  # code that changed after the plan is not what gets applied
            set_memory(checkout, 4096, 8192)

    runs = run_github(workflow, "push", imported_workspace, tmp_path / "ci", secrets, between)
    assert codes(runs) == [("Connect", 0), ("Read the cluster", 0), ("Validate", 0), ("Plan", 0),
                           ("Apply the saved plan", 0)], [r.stdout + r.stderr for r in runs]
    assert runs[3].outputs["changes"] == "true"
    assert memory(sim, 101) == "4096"


def test_a_github_push_with_nothing_to_change_reports_no_changes_and_applies_nothing(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    runs = run_github(workflow, "push", imported_workspace, tmp_path / "ci", secrets)
    assert codes(runs)[-1] == ("Apply the saved plan", 0)
    assert runs[3].outputs == {"exit-code": "0", "changes": "false"}
    assert "No changes" in runs[-1].stdout


def test_a_cluster_changed_between_plan_and_apply_stops_the_github_apply(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    set_memory(imported_workspace, 2048, 4096)
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")

    def someone_else_edits_the_vm(job: str, step: str, checkout: Path) -> None:
        if step == "Apply the saved plan":
            sim.control("POST", "/guests/101/config", {"cores": 4})

    runs = run_github(workflow, "push", imported_workspace, tmp_path / "ci", secrets, someone_else_edits_the_vm)
    assert codes(runs)[-1] == ("Apply the saved plan", 7)  # conflict: changed since the plan; the job fails
    assert "out of date" in runs[-1].stderr
    assert memory(sim, 101) == "2048"


def test_broken_code_fails_the_github_job_at_validate(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    path = imported_workspace / "terraform" / "vm-101.tf"
    path.write_text(path.read_text().replace("dedicated = 2048", "dedicated = ", 1))
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    runs = run_github(workflow, "pull_request", imported_workspace, tmp_path / "ci", secrets)
    # validate's findings (exit 2) fail the job before anything is planned; they name the file
    assert codes(runs) == [("Connect", 0), ("Read the cluster", 0), ("Validate", 2)]
    assert "vm-101.tf" in runs[-1].stdout


def test_a_missing_secret_fails_the_job_at_connect(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    runs = run_github(workflow, "pull_request", imported_workspace, tmp_path / "ci",
                      {**secrets, "PVE_TOKEN_SECRET": "wrong"})
    assert codes(runs) == [("Connect", 3)]


def test_a_gitlab_merge_request_plans_with_an_allowed_exit_code_2_and_applies_nothing(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    set_memory(imported_workspace, 2048, 4096)
    runs = run_gitlab(load(imported_workspace / ".gitlab-ci.yml"), MR, imported_workspace, tmp_path / "ci", secrets)
    assert codes(runs) == [("validate", 0), ("plan", 2)], [r.stdout + r.stderr for r in runs]  # 2: an allowed failure
    markdown = (tmp_path / "ci" / "artifacts" / "plan.md").read_text()
    assert markdown.startswith("## proxmox-mpc plan") and "2048 → 4096" in markdown
    assert json.loads((tmp_path / "ci" / "artifacts" / "plan.json").read_text())["summary"]["update"] == 1
    assert memory(sim, 101) == "2048"


def test_a_gitlab_push_to_main_applies_the_plan_jobs_artifact(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    set_memory(imported_workspace, 2048, 4096)

    def between(job: str, checkout: Path) -> None:
        if job == "apply":
            set_memory(checkout, 4096, 8192)  # the apply job applies the plan job's artifact, not this

    runs = run_gitlab(load(imported_workspace / ".gitlab-ci.yml"), PUSH, imported_workspace, tmp_path / "ci",
                      secrets, between)
    assert codes(runs) == [("validate", 0), ("plan", 2), ("apply", 0)], [r.stdout + r.stderr for r in runs]
    assert memory(sim, 101) == "4096"


def test_a_cluster_changed_between_plan_and_apply_stops_the_gitlab_apply(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    set_memory(imported_workspace, 2048, 4096)

    def someone_else_edits_the_vm(job: str, checkout: Path) -> None:
        if job == "apply":
            sim.control("POST", "/guests/101/config", {"cores": 4})

    runs = run_gitlab(load(imported_workspace / ".gitlab-ci.yml"), PUSH, imported_workspace, tmp_path / "ci",
                      secrets, someone_else_edits_the_vm)
    assert codes(runs) == [("validate", 0), ("plan", 2), ("apply", 7)]
    assert memory(sim, 101) == "2048"


@pytest.fixture
def gitlab_api() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A stand-in for GitLab's API that records the merge-request notes posted to it."""
    posted: list[dict[str, Any]] = []

    class Notes(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posted.append({"path": self.path, "token": self.headers["PRIVATE-TOKEN"], **json.loads(body)})
            self.send_response(201)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Notes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4", posted
    server.shutdown()


def test_a_gitlab_merge_request_gets_the_plan_as_a_note_when_a_note_token_is_set(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path, secrets: dict[str, str],
        gitlab_api: tuple[str, list[dict[str, Any]]]) -> None:
    assert run_cli(imported_workspace, "ci", "init", "gitlab") == 0
    set_memory(imported_workspace, 2048, 4096)
    url, posted = gitlab_api
    variables = {**MR, "CI_API_V4_URL": url, "CI_PROJECT_ID": "42"}
    runs = run_gitlab(load(imported_workspace / ".gitlab-ci.yml"), variables, imported_workspace, tmp_path / "ci",
                      {**secrets, "PMPC_GITLAB_NOTE_TOKEN": "glpat-note"}, after_script=True)
    assert codes(runs) == [("validate", 0), ("plan", 2), ("plan after_script", 0)], [r.stderr for r in runs]
    assert len(posted) == 1 and posted[0]["path"] == "/api/v4/projects/42/merge_requests/7/notes"
    assert posted[0]["token"] == "glpat-note"
    assert posted[0]["body"].startswith("## proxmox-mpc plan") and "2048 → 4096" in posted[0]["body"]


def test_a_review_needs_only_a_read_only_token_and_an_apply_with_one_is_refused(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path) -> None:
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    set_memory(imported_workspace, 2048, 4096)
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    auditor = {"PVE_TOKEN_ID": sim.info.auditor_token_id, "PVE_TOKEN_SECRET": sim.info.auditor_token_secret}
    review = run_github(workflow, "pull_request", imported_workspace, tmp_path / "review", auditor)
    assert codes(review) == [("Connect", 0), ("Read the cluster", 0), ("Validate", 0), ("Plan", 0)], \
        [r.stdout + r.stderr for r in review]
    assert review[-1].outputs["changes"] == "true"
    push = run_github(workflow, "push", imported_workspace, tmp_path / "push", auditor)
    # the step fails (apply reports a failed step as 1) and names the privilege the token lacks
    assert codes(push)[-1] == ("Apply the saved plan", 1)
    assert "VM.Config.Memory" in push[-1].stdout + push[-1].stderr
    assert memory(sim, 101) == "2048"


def test_a_password_profile_gets_a_pipeline_that_logs_in_with_user_and_password(
        sim: SimulatorThread, imported_workspace: Path, tmp_path: Path) -> None:
    import os

    os.environ["LAB_PASSWORD"] = sim.info.password  # cli_environment's monkeypatch restores the environment
    assert run_cli(imported_workspace, "connect", "lab", "--url", sim.info.url, "--user", sim.info.user,
                   "--secret-env", "LAB_PASSWORD", "--fingerprint", sim.info.fingerprint) == 0
    assert run_cli(imported_workspace, "ci", "init", "github") == 0
    text = (imported_workspace / ".github/workflows/proxmox-mpc.yml").read_text()
    assert "PVE_PASSWORD: ${{ secrets.PVE_PASSWORD }}" in text and sim.info.password not in text
    workflow = load(imported_workspace / ".github/workflows/proxmox-mpc.yml")
    runs = run_github(workflow, "pull_request", imported_workspace, tmp_path / "ci",
                      {"PVE_USER": sim.info.user, "PVE_PASSWORD": sim.info.password})
    assert codes(runs) == [("Connect", 0), ("Read the cluster", 0), ("Validate", 0), ("Plan", 0)], \
        [r.stdout + r.stderr for r in runs]
