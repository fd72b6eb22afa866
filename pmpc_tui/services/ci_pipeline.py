"""`ci init`: a GitHub Actions or GitLab CI pipeline for the workspace (validate and plan on review, plan and
apply of exactly that saved plan on the main branch), rendered from Jinja2 templates in iac/templates/ci/.

What the pipeline needs from the workspace's profile: the URL, the pinned certificate fingerprint (or the
CA bundle / insecure choice) and the profile's name. The token id and secret are never written into the
file: the pipeline reads them from the CI's secret store as environment variables (see `secret_variables`).
"""

from __future__ import annotations

import difflib
import json
import shlex
from dataclasses import dataclass
from pathlib import Path

from pmpc_tui import __version__
from pmpc_tui.config.profiles import Profile
from pmpc_tui.pve.errors import ConflictError, ValidationFailed
from pmpc_tui.workspace.config import Workspace

PROVIDERS = {"github": ".github/workflows/proxmox-mpc.yml", "gitlab": ".gitlab-ci.yml"}
BRANCH_RULE = r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}"  # a branch name we can quote safely in YAML, shell and rules


@dataclass(frozen=True)
class CiVariable:
    """One value the pipeline reads from the CI's secret store."""

    name: str
    what: str
    secret: bool = True


@dataclass
class PipelineFile:
    """A rendered pipeline and what writing it would do to the file already there."""

    provider: str
    path: Path
    relative: str  # from the repository root
    text: str
    existing: str | None
    variables: list[CiVariable]

    @property
    def action(self) -> str:
        """created, unchanged or overwritten (what `write` does or would do)."""
        if self.existing is None:
            return "created"
        return "unchanged" if self.existing == self.text else "overwritten"

    def diff(self) -> str:
        """The unified diff from the file on disk to the new text (empty when new or unchanged)."""
        if self.existing is None or self.existing == self.text:
            return ""
        return "".join(difflib.unified_diff(self.existing.splitlines(keepends=True),
                                            self.text.splitlines(keepends=True),
                                            f"a/{self.relative}", f"b/{self.relative}"))


def repository_root(start: Path) -> Path:
    """The closest directory at or above `start` holding `.git`; `start` itself when there is none."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def secret_variables(profile: Profile) -> list[CiVariable]:
    """What the pipeline reads from the CI's secret store for this profile (names only, never values)."""
    names = [CiVariable("PVE_TOKEN_ID", "API token id, USER@REALM!TOKENID"),
             CiVariable("PVE_TOKEN_SECRET", "API token secret (the UUID PVE showed once)")]
    if profile.auth == "password":
        names = [CiVariable("PVE_USER", "user, USER@REALM"),
                 CiVariable("PVE_PASSWORD", "that user's password")]
    if profile.ca_bundle and profile.verify_tls and not profile.fingerprint:
        names.append(CiVariable("PVE_CA_BUNDLE", "path of the CA certificate file (a file variable)", secret=False))
    return names


def connect_command(profile: Profile) -> str:
    """The `proxmox-mpc connect` line that recreates the profile in the CI job from its variables."""
    words = ["proxmox-mpc", "connect", profile.name, "--url", '"$PVE_URL"']
    if profile.auth == "password":
        words += ["--user", '"$PVE_USER"', "--secret-env", "PVE_PASSWORD"]
    else:
        words += ["--token-id", '"$PVE_TOKEN_ID"', "--secret-env", "PVE_TOKEN_SECRET"]
    if profile.fingerprint:
        words += ["--fingerprint", shlex.quote(profile.fingerprint)]
    elif not profile.verify_tls:
        words.append("--insecure")
    elif profile.ca_bundle:
        words += ["--ca-bundle", '"$PVE_CA_BUNDLE"']
    return " ".join(words)


def _check_branch(branch: str) -> str:
    import re

    if not re.fullmatch(BRANCH_RULE, branch, re.ASCII) or ".." in branch:
        raise ValidationFailed("invalid", {"--branch": f"{branch[:40]!r}: use letters, digits, '.', '_', '/' "
                                                       "or '-' (a branch name such as main)"})
    return branch


def render_pipeline(provider: str, ws: Workspace, profile: Profile, branch: str = "main",
                    allow_destroy: bool = False) -> PipelineFile:
    """The pipeline file for `provider` (github or gitlab), rendered but not written."""
    from pmpc_tui.iac.render import render_template

    if provider not in PROVIDERS:
        raise ValidationFailed("invalid", {"provider": f"{provider[:20]!r}: use github or gitlab"})
    branch = _check_branch(branch)
    root = repository_root(ws.root)
    workspace_dir = ws.root.relative_to(root).as_posix() if ws.root != root else "."
    variables = secret_variables(profile)
    apply_line = "proxmox-mpc apply plan.json --auto-approve" + (" --allow-destroy" if allow_destroy else "")
    text = render_template(
        f"ci/{provider}.yml", version=__version__, profile=profile.name, url=json.dumps(profile.url),
        connect=connect_command(profile), branch=branch, branch_json=json.dumps(branch),
        workspace_dir=workspace_dir, workspace_json=json.dumps(workspace_dir), variables=variables,
        prefix="" if workspace_dir == "." else workspace_dir + "/", apply=apply_line)
    path = root / PROVIDERS[provider]
    existing = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    return PipelineFile(provider, path, PROVIDERS[provider], text, existing, variables)


def write_pipeline(pipeline: PipelineFile, force: bool = False) -> str:
    """Write the file: a different file already there is kept unless `force` (ConflictError, exit 7)."""
    from pmpc_tui.config.files import atomic_write

    if pipeline.action == "unchanged":
        return "unchanged"
    if pipeline.action == "overwritten" and not force:
        raise ConflictError(f"{pipeline.relative} exists and differs from the pipeline proxmox-mpc would write; "
                            "it was left as it is",
                            f"`proxmox-mpc ci init {pipeline.provider} --dry-run` shows the difference, "
                            "--force overwrites it (a .bak is kept).")
    atomic_write(pipeline.path, pipeline.text, backup=pipeline.existing is not None)
    return pipeline.action
