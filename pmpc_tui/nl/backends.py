"""Optional model back ends for requests the offline parser cannot handle.

Configured in proxmox-mpc.yaml:

    nl:
      backend: http            # or claude-code
      url: http://127.0.0.1:8080/v1/chat/completions   # OpenAI-compatible (or an Anthropic /v1/messages URL)
      model: local-model
      api_key_env: MODEL_API_KEY   # optional: the key is read from this variable, never stored

Whatever a model proposes goes through the same checks as the offline parser (`nl.safety`, again in
`nl.propose` with the cluster's names): every line must be a registry command plain English may propose,
and the risk comes from the registry — never from the model.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pmpc_tui.nl.proposal import Proposal

Note = Callable[[str, str], None]  # (text, "info" | "warning"), as nl.flow's

INSTRUCTIONS = ("You turn a Proxmox VE admin's request into proxmox-mpc CLI command lines (without the "
                "`proxmox-mpc` prefix). Answer with JSON only: {\"commands\": [...], \"explanation\": \"...\"}. "
                "Known commands: ")


@dataclass
class BackendConfig:
    backend: str
    url: str | None = None
    model: str = ""
    api_key_env: str | None = None


def load_config(workspace_root: Path | None) -> BackendConfig | None:
    """The `nl:` section of proxmox-mpc.yaml, if any."""
    if workspace_root is None:
        return None
    from ruamel.yaml import YAML

    try:
        data = YAML(typ="safe").load((workspace_root / "proxmox-mpc.yaml").read_text()) or {}
    except (OSError, ValueError):
        return None
    nl = data.get("nl") if isinstance(data, dict) else None
    if not isinstance(nl, dict) or not nl.get("backend"):
        return None
    return BackendConfig(str(nl["backend"]), nl.get("url"), str(nl.get("model", "")), nl.get("api_key_env"))


def _prompt(request: str) -> str:
    from pmpc_tui.commands.registry import COMMANDS

    known = "; ".join(f"{c.name} ({c.help})" for c in COMMANDS if c.console)
    return f"{INSTRUCTIONS}{known}.\nRequest: {request}"


def checked(commands: list[str], explanation: str) -> Proposal:
    """A model's answer as a proposal, through the one safety path (`nl.safety`): only registry commands
    plain English may propose; the risk from the registry, never from the model."""
    from pmpc_tui.nl.safety import check
    from pmpc_tui.services.names import Names

    lines = [c for c in commands if isinstance(c, str)]
    return check(Proposal(lines, 0.6, f"model: {explanation}", suggestions=["/help"]), Names())


def _parse_answer(text: str) -> tuple[list[str], str]:
    match = re.search(r"\{.*\}", text, re.S)
    if not match:
        return [], "the model did not answer with JSON"
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return [], "the model's JSON did not parse"
    commands = data.get("commands") or []
    return [str(c) for c in commands] if isinstance(commands, list) else [], str(data.get("explanation", ""))


async def ask_http(config: BackendConfig, request: str, timeout: float = 30.0) -> Proposal:
    """An OpenAI-compatible chat endpoint (or Anthropic's /v1/messages when the URL says so)."""
    import httpx

    key = os.environ.get(config.api_key_env or "", "")
    headers: dict[str, str] = {"content-type": "application/json"}
    anthropic = bool(config.url and "/v1/messages" in config.url)
    if anthropic:
        headers.update({"x-api-key": key, "anthropic-version": "2023-06-01"})
        body: dict[str, Any] = {"model": config.model, "max_tokens": 512,
                                "messages": [{"role": "user", "content": _prompt(request)}]}
    else:
        if key:
            headers["authorization"] = f"Bearer {key}"
        body = {"model": config.model, "messages": [{"role": "user", "content": _prompt(request)}]}
    async with httpx.AsyncClient(timeout=timeout) as client:
        response = await client.post(str(config.url), json=body, headers=headers)
    response.raise_for_status()
    data = response.json()
    text = data["content"][0]["text"] if anthropic else data["choices"][0]["message"]["content"]
    return checked(*_parse_answer(text))


async def ask_claude_code(request: str, timeout: float = 120.0, note: Note | None = None,
                          workspace_root: Path | None = None) -> Proposal:
    """Headless Claude Code with the read-only MCP server (nl/claude_code.py): its stream-json is read as it
    comes, tool calls become notes, and the final answer is checked like every model's."""
    from pmpc_tui.nl.claude_code import GUIDANCE, run_claude

    outcome = await run_claude(_prompt(request) + GUIDANCE, note or (lambda _text, _level: None), timeout,
                               workspace_root)
    if outcome.answer is None:
        return Proposal([], 0.0, outcome.problem, suggestions=["/help"])
    return checked(*_parse_answer(outcome.answer))


async def ask_model(config: BackendConfig, request: str, note: Note | None = None,
                    workspace_root: Path | None = None) -> Proposal:
    if config.backend == "claude-code":
        return await ask_claude_code(request, note=note, workspace_root=workspace_root)
    return await ask_http(config, request)
