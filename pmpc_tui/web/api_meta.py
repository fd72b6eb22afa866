"""`/api/v1/health` (no login: only that the server is up) and `/api/v1/openapi.json` (every route)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui import __version__
from pmpc_tui.web.config import web_state
from pmpc_tui.web.openapi import openapi_document


async def health(request: Request) -> JSONResponse:
    """Is the server up (unauthenticated; says nothing about the cluster or its users)."""
    return JSONResponse({"status": "ok", "version": __version__, "read_only": web_state(request).config.read_only})


async def openapi(request: Request) -> JSONResponse:
    """The OpenAPI 3.1 document of every route this server has."""
    return JSONResponse(openapi_document(request.app.routes))


def routes() -> list[BaseRoute]:
    return [Route("/api/v1/health", health, methods=["GET"], name="health"),
            Route("/api/v1/openapi.json", openapi, methods=["GET"], name="openapi")]
