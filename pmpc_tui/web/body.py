"""Reading a request's JSON body: an object or nothing; anything else is a usage error (nothing is sent)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from pmpc_tui.pve.errors import ValidationFailed

MAX_BODY = 256 * 1024


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} when there is no body); ValidationFailed (400) for anything else."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_BODY:
        raise ValidationFailed("request body too large", {"body": f"at most {MAX_BODY} bytes"})
    raw = await request.body()
    if not raw.strip():
        return {}
    if len(raw) > MAX_BODY:
        raise ValidationFailed("request body too large", {"body": f"at most {MAX_BODY} bytes"})
    import json

    try:
        data = json.loads(raw)
    except ValueError:
        raise ValidationFailed("the body is not JSON", {"body": "send a JSON object"}) from None
    if not isinstance(data, dict):
        raise ValidationFailed("the body is not a JSON object", {"body": "send a JSON object"})
    return data
