"""Run a generated CI pipeline as its CI would, against the simulator: parse the YAML (ruamel.yaml), pick the
jobs an event runs, and run each `run:`/`script:` step that calls proxmox-mpc in a fresh checkout and a
throwaway HOME, with the secrets as environment variables. The install step is replaced by this checkout
(its proxmox-mpc is first on PATH); marketplace actions (checkout, setup-python, upload-artifact) are not run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

VENV_BIN = Path(sys.executable).parent
_EXPRESSION = re.compile(r"^\$\{\{\s*(secrets|vars)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_RULE = re.compile(r'^\$([A-Za-z_][A-Za-z0-9_]*)\s*==\s*"([^"]*)"$')


@dataclass
class StepRun:
    """One step (GitHub) or job (GitLab) as it ran."""

    job: str
    name: str
    exit_code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str = ""


def load(path: Path) -> dict[str, Any]:
    """The pipeline file as plain data (YAML 1.2: GitHub's `on:` stays the string "on")."""
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), data
    return data


def checkout(repository: Path, dest: Path) -> Path:
    """What a CI runner checks out: the repository without the files its .gitignore keeps out."""
    shutil.copytree(repository, dest, ignore=shutil.ignore_patterns(".proxmox-mpc", "*.bak", "*.secret", ".git"))
    return dest


def _env(home: Path, variables: dict[str, str]) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "CI": "true", **variables}


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def is_install(command: str) -> bool:
    return "pip install" in command


def calls_proxmox_mpc(command: str) -> bool:
    return re.search(r"(^|\s)proxmox-mpc\s", command) is not None


# ---- GitHub Actions ------------------------------------------------------------------------------
def _github_value(value: Any, secrets: dict[str, str]) -> str:
    match = _EXPRESSION.match(str(value))
    return secrets.get(match.group(2), "") if match else str(value)


def run_github(workflow: dict[str, Any], event: str, repository: Path, work: Path, secrets: dict[str, str],
               before_step: Callable[[str, str, Path], None] | None = None) -> list[StepRun]:
    """Run the jobs `event` (pull_request or push) starts; each step that calls proxmox-mpc, in order, until
    one fails. `before_step(job, step name, checkout)` runs first (to change the cluster or the code)."""
    runs: list[StepRun] = []
    directory = workflow.get("defaults", {}).get("run", {}).get("working-directory", ".")
    for job_name, job in workflow["jobs"].items():
        if f"github.event_name == '{event}'" not in str(job.get("if", "")):
            continue
        root = checkout(repository, work / f"checkout-{job_name}")
        home = work / f"home-{job_name}"
        env = _env(home, {k: _github_value(v, secrets) for k, v in {**workflow.get("env", {}),
                                                                      **job.get("env", {})}.items()})
        for index, step in enumerate(job["steps"]):
            command = step.get("run")
            if command is None or is_install(command) or not calls_proxmox_mpc(command):
                continue
            name = step.get("name", f"step {index}")
            if before_step is not None:
                before_step(job_name, name, root)
            output, summary = work / f"{job_name}-{index}.out", work / f"{job_name}-{index}.md"
            output.write_text(""), summary.write_text("")
            step_env = {**env, **{k: _github_value(v, secrets) for k, v in step.get("env", {}).items()},
                        "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
            done = _bash(command, root / step.get("working-directory", directory), step_env)
            outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
            runs.append(StepRun(job_name, name, done.returncode, done.stdout, done.stderr, outputs,
                                summary.read_text()))
            if done.returncode != 0:
                return runs
    return runs


# ---- GitLab CI ----------------------------------------------------------------------------------
def _resolved(config: dict[str, Any], name: str) -> dict[str, Any]:
    job = dict(config[name])
    parents = job.pop("extends", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        job = {**_resolved(config, parent), **job}
    return job


def _rule_matches(expression: str, variables: dict[str, str]) -> bool:
    for part in expression.split("&&"):
        match = _RULE.match(part.strip())
        assert match, f"a rule this runner cannot read: {part!r}"
        if variables.get(match.group(1), "") != match.group(2):
            return False
    return True


def gitlab_jobs(config: dict[str, Any], variables: dict[str, str]) -> list[str]:
    """The jobs a pipeline with these predefined variables runs, in stage order."""
    stages = config["stages"]
    jobs = [name for name, job in config.items()
            if isinstance(job, dict) and not name.startswith(".") and "script" in job
            and any(_rule_matches(rule["if"], variables) for rule in _resolved(config, name).get("rules", []))]
    return sorted(jobs, key=lambda name: stages.index(config[name]["stage"]))


def run_gitlab(config: dict[str, Any], variables: dict[str, str], repository: Path, work: Path,
               secrets: dict[str, str], before_job: Callable[[str, Path], None] | None = None,
               after_script: bool = False) -> list[StepRun]:
    """Run the jobs these predefined variables start, stage by stage, each in a fresh checkout and HOME with
    the artifacts of the jobs before it; `before_script` + `script` run in one shell as GitLab's runner does
    (`after_script` too, in a shell of its own, when asked). A job that fails (other than with an allowed exit
    code) stops the later stages."""
    runs: list[StepRun] = []
    artifacts = work / "artifacts"
    artifacts.mkdir(parents=True)
    for name in gitlab_jobs(config, variables):
        job = _resolved(config, name)
        root = checkout(repository, work / f"checkout-{name}")
        shutil.copytree(artifacts, root, dirs_exist_ok=True)
        lines = [line for line in [*job.get("before_script", []), *job["script"]] if not is_install(line)]
        if before_job is not None:
            before_job(name, root)
        env = _env(work / f"home-{name}", {**{k: str(v) for k, v in config.get("variables", {}).items()},
                                           **variables, **secrets, "CI_PROJECT_DIR": str(root)})
        done = _bash("\n".join(lines), root, env)
        runs.append(StepRun(name, name, done.returncode, done.stdout, done.stderr, {}))
        if after_script and job.get("after_script"):
            after = _bash("\n".join(job["after_script"]), root, env)
            runs.append(StepRun(name, f"{name} after_script", after.returncode, after.stdout, after.stderr, {}))
        for pattern in job.get("artifacts", {}).get("paths", []):
            for path in root.glob(pattern):
                target = artifacts / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        allowed = job.get("allow_failure", {})
        allowed_codes = allowed.get("exit_codes", []) if isinstance(allowed, dict) else []
        if done.returncode != 0 and done.returncode not in allowed_codes:
            return runs
    return runs
