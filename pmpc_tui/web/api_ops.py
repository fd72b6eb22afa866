"""`/api/v1/health/cluster`, `/api/v1/tasks`, `/api/v1/logs`: what the CLI's health, tasks and logs show."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.services.audit import require_log_reader
from pmpc_tui.web.auth import require_user
from pmpc_tui.web.runner import options, query_body, run, text_value


async def cluster_health(request: Request) -> JSONResponse:
    """API, credentials, database, workspace, quorum, nodes, storage and failed tasks, as this user sees them
    (200 with exit_code ERROR when a check is critical)."""
    user = await require_user(request)
    return await run(request, user, "health", [], report=True)


async def tasks(request: Request) -> JSONResponse:
    """Recent tasks (query: node, limit)."""
    user = await require_user(request)
    return await run(request, user, "tasks", ["list", *options(query_body(request), ("node", "limit"))])


async def task_log(request: Request) -> JSONResponse:
    """One task's log."""
    user = await require_user(request)
    return await run(request, user, "tasks", ["log", text_value("upid", request.path_params["upid"])])


async def logs(request: Request) -> JSONResponse:
    """The log files (query: since, level, op, cid, grep, limit); secrets are masked; needs Sys.Audit on /."""
    user = await require_user(request)
    await require_log_reader(user.session)
    return await run(request, user, "logs", options(query_body(request), ("since", "level", "op", "cid", "grep",
                                                                          "limit")))


def routes() -> list[BaseRoute]:
    return [Route("/api/v1/health/cluster", cluster_health, methods=["GET"], name="cluster_health"),
            Route("/api/v1/tasks", tasks, methods=["GET"], name="tasks"),
            Route("/api/v1/tasks/{upid}/log", task_log, methods=["GET"], name="task_log"),
            Route("/api/v1/logs", logs, methods=["GET"], name="logs")]
