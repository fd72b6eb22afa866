"""What every MCP tool and resource shares: tool annotations, the secret filter and the error convention.

A tool that fails or refuses raises `ToolError`: the client gets `isError: true` and one text block with what
went wrong and the next step, secrets removed. Success returns the tool's typed result (its `outputSchema`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel

from pmpc_tui.pve.redact import redact

# read: changes nothing, so calling it twice is the same as once
READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
# change: writes the workspace or the state database (or starts a guest); nothing is lost
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
# the same call again changes nothing more (sync reads the cluster again into the same rows)
WRITE_IDEMPOTENT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True,
                                   open_world_hint=True)
# may interrupt or delete something (stop, reboot, apply, delete): asks for confirm=true
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False,
                              open_world_hint=True)


def clean(value: Any) -> Any:
    """JSON-safe and secret-free (pydantic models as their JSON form)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    return json.loads(redact(json.dumps(value, default=str)))


def error_text(message: str, next_step: str = "") -> str:
    """The text of a tool error: what went wrong, then the next step (secrets removed)."""
    text = redact(message.strip())
    return f"{text}\nnext step: {redact(next_step.strip())}" if next_step.strip() else text


def fail(message: str, next_step: str = "") -> ToolError:
    """A tool error (`isError: true`) with the message and next step; raise it."""
    return ToolError(error_text(message, next_step))


async def guarded(call: Callable[[], Awaitable[Any]]) -> Any:
    """The call's result, JSON-safe and secret-free; a failure becomes a tool error with its next step.

    Typed errors (PVEError and its kinds: not found, refused, conflict, bad input …) keep their message and hint;
    a missing or broken profile says so; nothing else is caught (the SDK reports a crash without its text)."""
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.pve.errors import PVEError

    try:
        return clean(await call())
    except PVEError as exc:
        raise fail(exc.message, exc.hint or "") from None
    except ProfileError as exc:
        raise fail(str(exc), "Save a profile with `proxmox-mpc connect`, or start the server in a workspace "
                             "that names one.") from None


async def read_guarded(call: Callable[[], Awaitable[Any]]) -> Any:
    """For resources: the result, JSON-safe and secret-free; bad input or a missing thing is `-32602` (not
    found), any other typed failure `-32603`, each with the message and next step."""
    from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

    from pmpc_tui.pve.errors import NotFound, PVEError, ValidationFailed

    try:
        return clean(await call())
    except (NotFound, ValidationFailed) as exc:
        raise ResourceNotFoundError(error_text(exc.message, exc.hint or "")) from None
    except PVEError as exc:
        raise ResourceError(error_text(exc.message, exc.hint or "")) from None
