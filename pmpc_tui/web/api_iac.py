"""`/api/v1/plan`, `/apply`, `/drift`, `/validate`: the workspace `serve` was started in, as the CLI sees it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.web.auth import require_user
from pmpc_tui.web.body import json_body
from pmpc_tui.web.runner import options, query_body, run


async def plan(request: Request) -> JSONResponse:
    """What applying the workspace's code would change (exit_code CHANGES when something would; query: target)."""
    user = await require_user(request)
    targets = request.query_params.getlist("target")
    return await run(request, user, "plan", options({"target": targets} if targets else {}, repeated=("target",)))


async def apply(request: Request) -> JSONResponse:
    """Apply the workspace's code (body: confirm: true; with deletions confirm = their count and allow_destroy:
    true; resume, abandon, dry_run)."""
    user = await require_user(request)
    body = await json_body(request)
    return await run(request, user, "apply", options(body, flags=("resume", "abandon", "dry_run")), body,
                     target="workspace")


async def drift(request: Request) -> JSONResponse:
    """What changed in the cluster outside the code, and guests no code describes."""
    user = await require_user(request)
    return await run(request, user, "drift", [])


async def validate(request: Request) -> JSONResponse:
    """Check the workspace's code (query: offline=true to contact no cluster)."""
    user = await require_user(request)
    return await run(request, user, "validate", options(query_body(request), flags=("offline",)))


def routes() -> list[BaseRoute]:
    return [Route("/api/v1/plan", plan, methods=["GET"], name="plan"),
            Route("/api/v1/apply", apply, methods=["POST"], name="apply"),
            Route("/api/v1/drift", drift, methods=["GET"], name="drift"),
            Route("/api/v1/validate", validate, methods=["GET"], name="validate")]
