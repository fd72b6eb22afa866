"""The IaC editor's use cases: validate a buffer, save it safely, diff it against the last generated
version, and keep drafts of unsaved edits so nothing is lost when the console quits or crashes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from pmpc_tui.config.files import atomic_write
from pmpc_tui.services import history

STATE_DIR = ".proxmox-mpc"
DRAFTS = f"{STATE_DIR}/drafts"
GENERATED = f"{STATE_DIR}/generated"
EDITABLE_SUFFIXES = (".tf", ".tfvars", ".yml", ".yaml", ".cfg", ".ini", ".md", ".json", ".j2")


@dataclass(frozen=True)
class Problem:
    """One finding: where (1-based line and column) and what."""

    line: int
    column: int
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        return f"{self.line}:{self.column}: {self.severity}: {self.message}"


def language_for(path: Path) -> str | None:
    """The highlighting language of a file: `hcl`, `yaml`, `json`, `markdown` or None."""
    suffix = path.suffix.lower()
    return {".tf": "hcl", ".tfvars": "hcl", ".yml": "yaml", ".yaml": "yaml", ".json": "json",
            ".md": "markdown"}.get(suffix)


def validate_text(path: Path, text: str) -> list[Problem]:
    """Syntax errors with line and column for HCL and YAML, then the registered Terraform checks."""
    language = language_for(path)
    if language == "hcl":
        return _validate_hcl(path, text)
    if language == "yaml":
        return _validate_yaml(path, text)
    if language == "json":
        import json

        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return [Problem(exc.lineno, exc.colno, exc.msg)]
    return []


def _validate_hcl(path: Path, text: str) -> list[Problem]:
    """The same syntax gate plan uses (Terraform's HCL grammar), then the unknown-argument checks."""
    from pmpc_tui.iac.gate import hcl_problems

    problems = hcl_problems(text.encode("utf-8"), path)
    if problems:
        return [Problem(p.line, p.column, f"HCL syntax: {p.message}") for p in problems]
    from pmpc_tui.iac.checks import unknown_names
    from pmpc_tui.iac.hcl import HclError

    try:
        return [Problem(u.line, u.column, u.message) for u in unknown_names(text)]
    except HclError as exc:
        return [Problem(1, 1, f"HCL syntax: {exc}")]


def _validate_yaml(path: Path, text: str) -> list[Problem]:
    from pmpc_tui.iac.gate import yaml_problems

    return [Problem(p.line, p.column, p.message.replace("YAML: ", "YAML syntax: ", 1))
            for p in yaml_problems(text.encode("utf-8"), path)]


def line_of(text: str, needle: str, start_line: int = 1) -> int:
    """1-based line of the first occurrence of `needle` at or after `start_line` (1 if not found)."""
    lines = text.splitlines()
    for number in range(max(start_line, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return 1


def save_file(root: Path, path: Path, text: str) -> list[Problem]:
    """Validate, then write atomically (keeping `.bak`) and drop the draft. Saves even when there are
    problems — the user's text is never thrown away — and returns them."""
    problems = validate_text(path, text)
    atomic_write(path, text)
    clear_draft(root, path)
    history.record_edit(root, path)  # a commit, where proxmox-mpc commits
    return problems


def generated_version(root: Path, path: Path) -> str | None:
    """The text proxmox-mpc last generated for this file, if it generated it."""
    copy = root / GENERATED / path.relative_to(root)
    return copy.read_text(encoding="utf-8") if copy.is_file() else None


def diff_against_generated(root: Path, path: Path, text: str) -> str:
    """A unified diff from the last generated version to `text` ('' when they are the same)."""
    generated = generated_version(root, path)
    if generated is None:
        return ""
    rel = str(path.relative_to(root))
    return "".join(difflib.unified_diff(generated.splitlines(keepends=True), text.splitlines(keepends=True),
                                        fromfile=f"generated/{rel}", tofile=rel))


def _draft_path(root: Path, path: Path) -> Path:
    return root / DRAFTS / path.relative_to(root)


def save_draft(root: Path, path: Path, text: str) -> None:
    """Keep unsaved edits under .proxmox-mpc/drafts/ (mode 0600, no backup)."""
    atomic_write(_draft_path(root, path), text, mode=0o600, backup=False)


def load_draft(root: Path, path: Path) -> str | None:
    draft = _draft_path(root, path)
    return draft.read_text(encoding="utf-8") if draft.is_file() else None


def clear_draft(root: Path, path: Path) -> None:
    _draft_path(root, path).unlink(missing_ok=True)


def drafts(root: Path) -> list[Path]:
    """Files that have unsaved edits kept as drafts."""
    base = root / DRAFTS
    return sorted(root / p.relative_to(base) for p in base.rglob("*") if p.is_file()) if base.is_dir() else []
