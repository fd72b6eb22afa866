"""Claude Code headless as a model back end: `claude -p PROMPT --output-format stream-json --verbose
--mcp-config FILE` with the project's read-only MCP server, so the model can read the cluster (never change it).

The stream is read line by line as it comes: the `system`/`init` message, the assistant's messages (its
MCP tool calls become progress notes: "the model is reading the cluster: list_guests …"), the tool
results, and the final `result` message, whose text holds the JSON answer `{commands, explanation}`.
That answer goes through `backends.checked` like the HTTP back end's. A missing `claude`, a timeout, a
non-zero exit or malformed lines give a short note — never a traceback, never a command.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVER = "proxmox-mpc"
TOOL_PREFIX = f"mcp__{SERVER}__"
LINE_LIMIT = 16 * 2**20  # one stream-json line can carry a large tool result
Note = Callable[[str, str], None]  # (text, "info" | "warning")
GUIDANCE = ("\nYou may read the cluster and the workspace with the proxmox-mpc MCP tools (read-only); "
            "never try to change anything yourself. Your final message must be the JSON object only.")


@dataclass
class StreamOutcome:
    """What a stream-json run said: the final answer's text, or why there is none, and the tools it used."""

    answer: str | None = None
    problem: str = ""
    tools: list[str] = field(default_factory=list)
    malformed: int = 0


def mcp_config() -> dict[str, Any]:
    """The MCP servers Claude Code may use: only this project's, read-only (it reads the profile itself)."""
    return {"mcpServers": {SERVER: {"command": sys.executable, "args": ["-m", "pmpc_tui", "mcp", "--read-only"]}}}


def command_line(prompt: str, config_path: str) -> list[str]:
    """The `claude` invocation: headless, streamed, our MCP server only, and its tools the only ones allowed."""
    return ["claude", "-p", prompt, "--output-format", "stream-json", "--verbose", "--mcp-config", config_path,
            "--strict-mcp-config", "--allowedTools", f"mcp__{SERVER}",
            "--disallowedTools", "Bash,Edit,Write,NotebookEdit,WebFetch,WebSearch"]


def _tool_note(item: dict[str, Any]) -> str:
    name = str(item.get("name", "?"))
    short = name.removeprefix(TOOL_PREFIX)
    given = item.get("input")
    args: dict[str, Any] = given if isinstance(given, dict) else {}
    shown = " ".join(f"{k}={v}" for k, v in list(args.items())[:4] if isinstance(v, str | int | float | bool))
    if not name.startswith(TOOL_PREFIX):
        return f"the model asked for a tool outside proxmox-mpc's read-only server: {short}"
    return f"the model is reading the cluster: {short} {shown}".rstrip()


def read_message(message: Any, outcome: StreamOutcome, note: Note) -> None:
    """Take one stream-json message: notes for progress, the final answer from `result`."""
    if not isinstance(message, dict):
        outcome.malformed += 1
        return
    kind = message.get("type")
    if kind == "system" and message.get("subtype") == "init":
        servers = {s.get("name"): s.get("status") for s in message.get("mcp_servers") or [] if isinstance(s, dict)}
        if servers.get(SERVER) not in ("connected", None):
            note(f"the read-only MCP server did not start ({servers.get(SERVER)}): the model cannot read the "
                 "cluster", "warning")
        else:
            note(f"Claude Code started ({message.get('model', 'model')})", "info")
    elif kind == "assistant":
        content = (message.get("message") or {}).get("content") or []
        for item in content if isinstance(content, list) else []:
            if isinstance(item, dict) and item.get("type") == "tool_use":
                outcome.tools.append(str(item.get("name", "")).removeprefix(TOOL_PREFIX))
                note(_tool_note(item), "info")
    elif kind == "user":
        content = (message.get("message") or {}).get("content") or []
        for item in content if isinstance(content, list) else []:
            if isinstance(item, dict) and item.get("type") == "tool_result" and item.get("is_error"):
                note("a tool answered with an error; the model goes on without it", "warning")
    elif kind == "result":
        if message.get("is_error") or message.get("subtype") != "success":
            outcome.problem = f"Claude Code stopped without an answer ({message.get('subtype', 'error')})"
        else:
            outcome.answer = str(message.get("result") or "")


async def read_stream(stream: asyncio.StreamReader, note: Note, deadline: float) -> StreamOutcome:
    """Read stream-json lines until the stream ends; TimeoutError when the deadline passes first."""
    outcome = StreamOutcome()
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        try:
            raw = await asyncio.wait_for(stream.readline(), remaining)
        except ValueError:  # a line beyond LINE_LIMIT
            outcome.malformed += 1
            continue
        if not raw:
            return outcome
        if not raw.strip():
            continue
        try:
            read_message(json.loads(raw), outcome, note)
        except ValueError:
            outcome.malformed += 1


async def run_claude(prompt: str, note: Note, timeout: float, cwd: Path | None = None) -> StreamOutcome:
    """Run `claude` headless and read its stream; every failure becomes `problem`, never an exception."""
    from pmpc_tui.pve.redact import redact

    if shutil.which("claude") is None:
        return StreamOutcome(problem="Claude Code (`claude`) is not installed or not on PATH")
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="pmpc-mcp-", delete=False) as fh:
        json.dump(mcp_config(), fh)
        config_path = fh.name
    proc = None
    try:
        proc = await asyncio.create_subprocess_exec(
            *command_line(prompt, config_path), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, cwd=str(cwd) if cwd else None, limit=LINE_LIMIT, env=dict(os.environ))
        assert proc.stdout is not None and proc.stderr is not None
        errors = asyncio.ensure_future(proc.stderr.read())
        outcome = await read_stream(proc.stdout, note, time.monotonic() + timeout)
        try:
            code: int | None = await asyncio.wait_for(proc.wait(), max(1.0, timeout / 10))
            stderr = (await asyncio.wait_for(errors, 1.0)).decode(errors="replace").strip()
        except TimeoutError:  # the stream ended but the process lingers: its answer counts, it is stopped
            code, stderr = None, ""
    except TimeoutError:
        return StreamOutcome(problem=f"Claude Code did not answer within {timeout:.0f} s; it was stopped")
    except OSError as exc:
        return StreamOutcome(problem=f"Claude Code could not be started: {exc.strerror or exc}")
    finally:
        if proc is not None and proc.returncode is None:
            proc.kill()
            await proc.wait()
        Path(config_path).unlink(missing_ok=True)
    if outcome.malformed:
        note(f"skipped {outcome.malformed} line(s) of Claude Code's output that were not stream-json", "warning")
    if code not in (0, None) and outcome.answer is None:
        last = stderr.splitlines()[-1][:200] if stderr else "no message"
        outcome.problem = outcome.problem or f"Claude Code exited with status {code}: {redact(last)}"
    elif outcome.answer is None and not outcome.problem:
        outcome.problem = "Claude Code ended without a result message"
    return outcome
