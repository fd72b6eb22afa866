"""Find the workspace a command runs in: the nearest proxmox-mpc.yaml upwards, as git finds .git."""

from __future__ import annotations

import os
from pathlib import Path

from pmpc_tui.workspace.config import WORKSPACE_FILE, Workspace, WorkspaceError


def find_workspace_root(start: Path | None = None) -> Path | None:
    """The closest directory at or above `start` (default: $PMPC_WORKSPACE or the cwd) with proxmox-mpc.yaml."""
    env = os.environ.get("PMPC_WORKSPACE")
    here = Path(start if start is not None else (env or Path.cwd())).expanduser().resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    return None


def find_workspace(start: Path | None = None, remember: bool = True) -> Workspace | None:
    """The workspace containing `start`, or None outside any workspace (`remember=False`: write no memo)."""
    root = find_workspace_root(start)
    return Workspace.load(root, remember) if root is not None else None


def require_workspace(start: Path | None = None) -> Workspace:
    """Like `find_workspace`, but outside a workspace raise an error that says what to do."""
    ws = find_workspace(start)
    if ws is None:
        where = Path(start) if start is not None else Path.cwd()
        raise WorkspaceError(f"{where} is not inside a proxmox-mpc workspace (no {WORKSPACE_FILE} here or above). "
                             "Create one with `proxmox-mpc init [DIR]`, or cd into one.")
    return ws
