"""`/api/v1/auth/login` and `/logout`: the user's own PVE login, kept as an opaque session cookie."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.observability.correlation import operation
from pmpc_tui.pve.errors import AuthenticationFailed
from pmpc_tui.services.web_sessions import check_login_input
from pmpc_tui.web.audit_hook import audit
from pmpc_tui.web.auth import require_user
from pmpc_tui.web.body import json_body
from pmpc_tui.web.config import COOKIE, web_state
from pmpc_tui.web.errors import error_response


def client_of(request: Request) -> str:
    return request.client.host if request.client else "-"


async def login(request: Request) -> JSONResponse:
    """Log in with username, password and realm (the cluster checks them); sets the session cookie."""
    with operation("web login"):
        return await _login(request)


async def _login(request: Request) -> JSONResponse:
    state = web_state(request)
    body = await json_body(request)
    userid = check_login_input(body.get("username", ""), body.get("password", ""), body.get("realm"))
    client = client_of(request)
    wait = state.limiter.retry_after(userid, client)
    if wait is not None:
        await audit(request, userid, "login", userid, "refused: too many failed logins")
        return error_response(429, ExitCode.REFUSED, "too many failed logins for this user from here",
                              f"Wait {wait} s, then try again.", headers={"Retry-After": str(wait)})
    try:
        ws = await state.sessions.login(userid, body["password"])
    except AuthenticationFailed:
        state.limiter.failed(userid, client)
        await audit(request, userid, "login", userid, "failed: wrong user, realm or password")
        return error_response(401, ExitCode.CONNECT, "wrong user name, realm or password",
                              "Check them and log in again.")
    state.limiter.succeeded(userid, client)
    await audit(request, userid, "login", userid, "ok")
    response = JSONResponse({"username": ws.username, "realm": ws.realm, "csrf_token": ws.csrf,
                             "idle_timeout": state.config.idle_timeout})
    response.set_cookie(COOKIE, ws.id, httponly=True, secure=state.config.secure_cookie, samesite="strict",
                        path="/")
    return response


async def logout(request: Request) -> JSONResponse:
    """Forget the login (its PVE ticket with it) and clear the cookie."""
    with operation("web logout"):
        return await _logout(request)


async def _logout(request: Request) -> JSONResponse:
    user = await require_user(request, writes=False)
    await web_state(request).sessions.logout(request.cookies.get(COOKIE))
    await audit(request, user.who, "logout", user.who, "ok")
    response = JSONResponse({"logged_out": True})
    response.delete_cookie(COOKIE, path="/", secure=web_state(request).config.secure_cookie, httponly=True,
                           samesite="strict")
    return response


async def whoami(request: Request) -> JSONResponse:
    """Who is logged in."""
    user = await require_user(request)
    return JSONResponse({"username": user.username, "realm": user.realm, "token": user.web_session.token_id})


def routes() -> list[BaseRoute]:
    return [Route("/api/v1/auth/login", login, methods=["POST"], name="login"),
            Route("/api/v1/auth/logout", logout, methods=["POST"], name="logout"),
            Route("/api/v1/auth/whoami", whoami, methods=["GET"], name="whoami")]
