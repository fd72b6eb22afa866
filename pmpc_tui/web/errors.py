"""Error answers: one JSON shape with the exit-code name and the next step; never a traceback or a secret."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import AuthenticationFailed, ConnectionFailed, PVEError, ServerError
from pmpc_tui.pve.redact import redact

STATUS = {ExitCode.USAGE: 400, ExitCode.CONNECT: 502, ExitCode.NOT_FOUND: 404, ExitCode.PERMISSION: 403,
          ExitCode.REFUSED: 428, ExitCode.CONFLICT: 409, ExitCode.DOES_NOT_PARSE: 422, ExitCode.ERROR: 500,
          ExitCode.CHANGES: 200, ExitCode.OK: 200}


def error_body(code: ExitCode, message: str, next_step: str = "", **extra: object) -> dict[str, object]:
    """The one error shape: {"error": {"code": NAME, "exit_code": n, "message", "next_step"}}."""
    body: dict[str, object] = {"code": code.name, "exit_code": int(code), "message": redact(message)[:2000],
                               "next_step": redact(next_step)[:500]}
    body.update(extra)
    return {"error": body}


def error_response(status: int, code: ExitCode, message: str, next_step: str = "",
                   headers: dict[str, str] | None = None, **extra: object) -> JSONResponse:
    return JSONResponse(error_body(code, message, next_step, **extra), status_code=status, headers=headers)


def code_of(exc: PVEError) -> ExitCode:
    try:
        return ExitCode(exc.exit_code)
    except ValueError:
        return ExitCode.ERROR


def status_of(exc: PVEError) -> int:
    """The HTTP status for a typed error (a refused login or expired ticket is 401, not 502)."""
    if isinstance(exc, AuthenticationFailed):
        return 401
    if isinstance(exc, ConnectionFailed | ServerError):  # the cluster failed, not this server
        return 502
    return STATUS.get(code_of(exc), 500)


def pve_error_response(exc: PVEError) -> JSONResponse:
    code = code_of(exc)
    extra: dict[str, object] = {}
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        extra["fields"] = {redact(str(k)): redact(str(v)) for k, v in errors.items()}
    return JSONResponse(error_body(code, exc.message, exc.hint, **extra), status_code=status_of(exc))


async def pve_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PVEError)
    return pve_error_response(exc)


async def unexpected_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """A bug: one short line to the client, the traceback to the log (redacted by its filter)."""
    logging.getLogger("pmpc.web").error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, ExitCode.ERROR, f"unexpected {type(exc).__name__}",
                          "`proxmox-mpc logs --level error` shows the details.")
