"""`/metrics`: Prometheus text format for a logged-in user or an API token (their ACLs decide what counts)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.services.prometheus import exposition
from pmpc_tui.web.auth import require_user
from pmpc_tui.web.config import web_state

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


async def metrics(request: Request) -> PlainTextResponse:
    """Prometheus metrics: guests by status, node usage, API latency, command timings, apply results."""
    user = await require_user(request)
    state = web_state(request)
    server = state.config.server_session
    db = (await server.db_or_error())[0] if server is not None else None
    return PlainTextResponse(await exposition(user.session, db, state.reads), media_type=CONTENT_TYPE)


def routes() -> list[BaseRoute]:
    return [Route("/metrics", metrics, methods=["GET"], name="metrics")]
