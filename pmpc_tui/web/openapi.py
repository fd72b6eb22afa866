"""The OpenAPI document, built from the routes themselves: path, methods, the handler's docstring, auth."""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import BaseRoute, Route, WebSocketRoute

from pmpc_tui import __version__

PUBLIC = {"/api/v1/health", "/api/v1/auth/login", "/api/v1/openapi.json"}


def _operation(path: str, method: str, summary: str) -> dict[str, Any]:
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{([^}:]+)", path)]
    op: dict[str, Any] = {"summary": summary, "operationId": f"{method}_{re.sub(r'[^A-Za-z0-9]+', '_', path)}",
                          "responses": {"200": {"description": "ok"},
                                        "default": {"$ref": "#/components/responses/Error"}}}
    if params:
        op["parameters"] = params
    if method in ("post", "put", "patch", "delete"):
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
    if path in PUBLIC:
        op["security"] = []
    return op


def openapi_document(routes: list[BaseRoute]) -> dict[str, Any]:
    """Every HTTP route (and WebSocket route, as a GET with an x-websocket mark) with its summary."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if isinstance(route, Route):
            path = re.sub(r"{([^}:]+):[^}]+}", r"{\1}", route.path)
            summary = (route.endpoint.__doc__ or route.name or "").strip().splitlines()[0]
            for method in sorted(route.methods or ()):
                if method == "HEAD":
                    continue
                paths.setdefault(path, {})[method.lower()] = _operation(path, method.lower(), summary)
        elif isinstance(route, WebSocketRoute):
            summary = (route.endpoint.__doc__ or route.name or "").strip().splitlines()[0]
            op = _operation(route.path, "get", summary)
            op["x-websocket"] = True
            paths.setdefault(route.path, {})["get"] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "proxmox-mpc web API", "version": __version__},
        "paths": paths,
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "pmpc_session",
                            "description": "from POST /api/v1/auth/login; changes also need the X-CSRF-Token header"},
                "pveToken": {"type": "apiKey", "in": "header", "name": "Authorization",
                             "description": "PVEAPIToken=USER@REALM!ID=SECRET"},
            },
            "responses": {"Error": {"description": "error: {error: {code, exit_code, message, next_step}}"}},
        },
        "security": [{"session": []}, {"pveToken": []}],
    }
