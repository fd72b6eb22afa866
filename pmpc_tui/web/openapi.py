"""The OpenAPI document, built from the routes themselves: path, methods, the handler's docstring, auth."""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute

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
    """Every HTTP route (WebSocket routes as a GET marked x-websocket, mounts as `PATH/{path}`) with its summary."""
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
            existing = paths.setdefault(route.path, {}).get("get")
            if existing is not None:  # the same path also answers plain GET (such as SSE next to a WebSocket)
                existing["x-websocket"] = True
                existing["summary"] += f"; as a WebSocket: {summary}"
            else:
                op = _operation(route.path, "get", summary)
                op["x-websocket"] = True
                paths[route.path]["get"] = op
        elif isinstance(route, Mount):
            path = route.path.rstrip("/") + "/{path}"
            paths.setdefault(path, {})["get"] = _operation(path, "get", f"files under {route.path}/")
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
