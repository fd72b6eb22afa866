"""Workspaces: a directory holding proxmox-mpc.yaml, the IaC (terraform/, ansible/) and local state.

Creating one (`init_workspace`) is a use case: `pmpc_tui/services/workspace_init.py`."""

from pmpc_tui.workspace.config import WORKSPACE_FILE, Workspace, WorkspaceConfig, WorkspaceError
from pmpc_tui.workspace.find import find_workspace, require_workspace

__all__ = ["WORKSPACE_FILE", "Workspace", "WorkspaceConfig", "WorkspaceError", "find_workspace", "require_workspace"]
