"""The workspace file tree: IaC files only — no state, drafts, backups or terraform caches."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.widgets import DirectoryTree

HIDDEN_DIRS = {".proxmox-mpc", ".git", ".terraform", "__pycache__", ".venv"}


class IacTree(DirectoryTree):
    """Directories and editable files of a workspace."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        for path in paths:
            if path.name in HIDDEN_DIRS or path.name.endswith((".bak", ".tfstate", ".tfstate.backup", "~")):
                continue
            yield path
