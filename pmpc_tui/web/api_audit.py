"""`/api/v1/audit`: the newest audit rows (who changed what, with which result)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.audit import recent, require_log_reader
from pmpc_tui.web.auth import require_user
from pmpc_tui.web.config import web_state


async def audit_log(request: Request) -> JSONResponse:
    """The audit log, newest first (query: limit, who); needs Sys.Audit on / (as PVE's own logs do)."""
    user = await require_user(request)
    limit_text = request.query_params.get("limit", "100")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= 10_000:
        raise ValidationFailed("limit is a whole number from 1 to 10000", {"limit": "1-10000"})
    await require_log_reader(user.session)
    config = web_state(request).config
    if config.server_session is None:
        return JSONResponse({"entries": []})
    rows = await recent(await config.server_session.db(), int(limit_text), request.query_params.get("who"))
    return JSONResponse({"entries": [r.as_dict() for r in rows]})


def routes() -> list[BaseRoute]:
    return [Route("/api/v1/audit", audit_log, methods=["GET"], name="audit")]
