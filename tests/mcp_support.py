"""Helpers for talking to `proxmox-mpc mcp` over stdio with the official SDK client."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mcp import StdioServerParameters

from pmpc_tui.simulator.server import SimulatorThread


def server(sim: SimulatorThread, home: Path, *extra: str) -> StdioServerParameters:
    """The MCP server in a child process, working in `home`/ws with the config and state under `home`."""
    env = {"PMPC_CONFIG_DIR": str(home / "config"), "PMPC_STATE_DIR": str(home / "state"),
           "LAB_TOKEN": sim.info.token_secret, "PATH": "/usr/bin:/bin"}
    return StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp", *extra], env=env,
                                 cwd=str(home / "ws"))


def payload(result: Any) -> dict[str, Any]:
    """A tool's answer as a dict (structured content, else the JSON text)."""
    if getattr(result, "structured_content", None):
        return dict(result.structured_content)
    return json.loads(result.content[0].text)  # type: ignore[no-any-return]
