"""Helpers for talking to `proxmox-mpc mcp` over stdio with the official SDK client."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from iac_support import cli_environment
from mcp import StdioServerParameters
from workspace_copy_support import Template, copy_workspace

from pmpc_tui.simulator.server import SimulatorThread


@contextmanager
def workspace_home(sim: SimulatorThread, home: Path, template: Template) -> Iterator[Path]:
    """A profile 'lab' for `sim` and a workspace `home`/ws with every guest imported (a copy of `template`,
    the `homelab_template` fixture, for `sim`)."""
    with cli_environment(sim, home):
        copy_workspace(template, home / "ws", sim.info.url)
    yield home


def server(sim: SimulatorThread, home: Path, *extra: str, cwd: Path | None = None) -> StdioServerParameters:
    """The MCP server in a child process, working in `home`/ws (or `cwd`) with the config and state under `home`."""
    env = {"PMPC_CONFIG_DIR": str(home / "config"), "PMPC_STATE_DIR": str(home / "state"),
           "LAB_TOKEN": sim.info.token_secret, "PATH": "/usr/bin:/bin"}
    return StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp", *extra], env=env,
                                 cwd=str(cwd or home / "ws"))


def payload(result: Any) -> dict[str, Any]:
    """A successful tool answer's structured content (the call must not be an error)."""
    assert not result.is_error, result.content[0].text if result.content else result
    assert result.structured_content is not None, "every tool has an output schema"
    return dict(result.structured_content)


def error(result: Any) -> str:
    """The text of a tool error (the call must be one, with no traceback in it)."""
    assert result.is_error, result.structured_content
    text = "\n".join(block.text for block in result.content)
    assert "Traceback" not in text
    return text


def answer(result: Any) -> tuple[bool, Any, str]:
    """(succeeded, its structured result, all of its text): a failure or refusal is a tool error (`isError`)."""
    if result.is_error:
        return False, None, error(result)
    data = payload(result)
    return True, data, json.dumps(data)


def writes(sim: SimulatorThread) -> int:
    """How many changing requests the simulator has served."""
    return int(sim.control("GET", "/state")["writes"])


def requests(sim: SimulatorThread) -> int:
    """How many requests the simulator has served."""
    return int(sim.control("GET", "/state")["requests"])
