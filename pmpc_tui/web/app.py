"""The ASGI app of `proxmox-mpc serve`: every front-end module's routes under one Starlette app."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.web.auth import WebRefusal
from pmpc_tui.web.config import WebConfig, WebState
from pmpc_tui.web.errors import error_body, pve_error_handler, unexpected_error_handler
from pmpc_tui.web.read_cache_hook import ClearReadsOnChange, event_watch

__all__ = ["WebConfig", "build_app", "route_modules"]

# each module exports `routes() -> list[BaseRoute]`; a module another engineer has not merged yet is skipped
ROUTE_MODULES = ("api_auth", "api_meta", "api_guests", "api_ops", "api_iac", "api_audit", "metrics",
                 "events_routes", "console_routes")
HTTP_CODES = {400: ExitCode.USAGE, 401: ExitCode.CONNECT, 403: ExitCode.PERMISSION, 404: ExitCode.NOT_FOUND,
              405: ExitCode.USAGE, 409: ExitCode.CONFLICT, 429: ExitCode.REFUSED}


def route_modules() -> list[str]:
    """The route modules present in this build, in mount order."""
    present = []
    for name in ROUTE_MODULES:
        try:
            importlib.import_module(f"pmpc_tui.web.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"pmpc_tui.web.{name}":
                raise
            continue
        present.append(name)
    return present


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in route_modules():
        routes.extend(importlib.import_module(f"pmpc_tui.web.{name}").routes())
    return routes


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if isinstance(exc, WebRefusal):
        body = exc.body
    else:
        body = error_body(HTTP_CODES.get(exc.status_code, ExitCode.ERROR), str(exc.detail))
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"), (b"strict-transport-security", b"max-age=31536000")]


class SecurityHeaders:
    """Headers on every answer: no sniffing, no referrer, no framing, HTTPS only; API answers are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/") or scope["path"] == "/metrics"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if api and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


def build_app(config: WebConfig) -> Starlette:
    """The whole web server for `config`: REST API, events, console, metrics; sessions closed on shutdown."""
    state = WebState.create(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        from pmpc_tui.services import events
        from pmpc_tui.services.task_events import cancel_watchers

        events.BUS.default_cluster = events.cluster_name(config.cluster.url)
        if config.webhooks is not None:
            await config.webhooks.start()
        try:
            async with event_watch(state.reads):
                yield
        finally:
            if config.webhooks is not None:
                await config.webhooks.stop()
            await cancel_watchers()
            await state.sessions.close()
            if config.server_session is not None:  # its state database (audit log) lives on this loop
                await config.server_session.close()

    app = Starlette(routes=all_routes(), lifespan=lifespan, middleware=[Middleware(SecurityHeaders),
                                                                          Middleware(ClearReadsOnChange,
                                                                                     reads=state.reads)],
                    exception_handlers={HTTPException: _http_error, PVEError: pve_error_handler,
                                        Exception: unexpected_error_handler})
    app.state.web = state
    return app
