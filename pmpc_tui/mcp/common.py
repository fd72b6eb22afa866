"""What every MCP tool and resource shares: tool annotations, the secret filter and the error envelope."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp_types import ToolAnnotations

from pmpc_tui.pve.redact import redact

READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, open_world_hint=True)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=True)


def clean(value: Any) -> Any:
    """JSON-safe and secret-free."""
    return json.loads(redact(json.dumps(value, default=str)))


async def guarded(call: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
    """`{"ok": true, "result": …}`, or the error and its next step (secrets removed) instead of a traceback."""
    from pmpc_tui.pve.errors import PVEError

    try:
        return {"ok": True, "result": clean(await call())}
    except PVEError as exc:
        return {"ok": False, "error": redact(str(exc)), "next_step": redact(exc.hint or "")}
