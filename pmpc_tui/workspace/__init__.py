"""Workspaces: a directory holding proxmox-mpc.yaml, the IaC (terraform/, ansible/) and local state."""

from pmpc_tui.workspace.config import WORKSPACE_FILE, Workspace, WorkspaceConfig, WorkspaceError
from pmpc_tui.workspace.find import find_workspace, require_workspace
from pmpc_tui.workspace.init import InitOptions, InitResult, init_workspace

__all__ = ["WORKSPACE_FILE", "InitOptions", "InitResult", "Workspace", "WorkspaceConfig", "WorkspaceError",
           "find_workspace", "init_workspace", "require_workspace"]
