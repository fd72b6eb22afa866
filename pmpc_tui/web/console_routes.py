"""The console in the browser: the login page, `/console` (page), `/console/ws` (bridge to a console process).

The page is textual-serve's terminal front end (its JavaScript, CSS and font, served from the installed
`textual_serve` package, nothing from the internet); the bridge is ours, behind login: one console process per
WebSocket, handed the user's own PVE ticket through a pipe once loaded (services/console_process.py). Opening
the page loads a spare console, so the tab's WebSocket usually finds one ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import importlib.util
import json
import logging
from pathlib import Path
from string import Template
from typing import Any

from starlette.exceptions import HTTPException, WebSocketException
from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.console_process import (
    LOGIN_CHECK_SECONDS,
    ConsoleProcess,
    ConsoleSlots,
    ConsoleSpares,
    console_limit,
    handover_usable,
    spares_wanted,
)
from pmpc_tui.web.auth import WebUser, require_user
from pmpc_tui.web.config import COOKIE, web_state

log = logging.getLogger("pmpc.web.console")
STATIC = Path(__file__).parent / "static"
# what our pages may load: this server only (the terminal's script injects its styles, hence 'unsafe-inline')
CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
WS_TRY_AGAIN = 1013  # WebSocket close code: the server is busy (every console slot in use)
SPARE_DELAY = 5.0  # seconds after a console started before the next spare loads (the new console draws first)
WS_POLICY = 1008  # WebSocket close code: refused (another origin, no usable login)


def terminal_assets() -> Path:
    """The folder of textual-serve's built front end (js/textual.js, css/xterm.css, fonts/) in its installed package."""
    spec = importlib.util.find_spec("textual_serve")  # found, not imported: its server needs aiohttp
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the textual-serve package is not installed (pip install textual-serve)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def _page(name: str, **values: str) -> HTMLResponse:
    text = Template((STATIC / name).read_text()).safe_substitute({k: html.escape(v) for k, v in values.items()})
    return HTMLResponse(text, headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                       "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})


async def login_page(request: Request) -> Response:
    """The login form (it posts to /api/v1/auth/login); a console loads meanwhile for whoever logs in next."""
    _spares(request).warm_soon(_workdir(request))
    return _page("login.html")


async def console_page(request: Request) -> Response:
    """The console in the browser; not logged in: the login page, coming back here after."""
    try:
        user = await require_user(request)
    except HTTPException as exc:
        if exc.status_code != 401:
            raise
        return RedirectResponse("/login?next=/console", status_code=303)
    _spares(request).warm_soon(_workdir(request))  # loads while the page loads: the socket finds it ready
    scheme = "wss" if request.url.scheme in ("https", "wss") else "ws"
    size = request.query_params.get("fontsize", "16")
    return _page("console.html", user=user.who, websocket_url=f"{scheme}://{request.url.netloc}/console/ws",
                 font_size=size if size.isdigit() and 6 <= int(size) <= 40 else "16")


async def own_asset(request: Request) -> Response:
    """Our page's own files (stylesheet, login script)."""
    name = request.path_params["name"]
    if name not in ("pmpc.css", "login.js"):
        raise HTTPException(404, "no such file")
    return FileResponse(STATIC / name, headers={"X-Content-Type-Options": "nosniff"})


def _workdir(conn: HTTPConnection) -> Path | None:
    """Where consoles run: the workspace `serve` was started in, else its working directory."""
    workspace = getattr(web_state(conn).config, "workspace", None)
    return Path(workspace) if workspace is not None else None


def _spares(conn: HTTPConnection) -> ConsoleSpares:
    extra = web_state(conn).extra
    spares = extra.get("console_spares")
    if not isinstance(spares, ConsoleSpares):
        spares = extra["console_spares"] = ConsoleSpares(enabled=spares_wanted())
    return spares


def _slots(websocket: WebSocket) -> ConsoleSlots:
    state = web_state(websocket)
    slots = state.extra.get("console_slots")
    if not isinstance(slots, ConsoleSlots):
        slots = ConsoleSlots(console_limit(getattr(state.config, "max_consoles", None)))
        state.extra["console_slots"] = slots
    return slots


def _cells(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() else default


async def console_socket(websocket: WebSocket) -> None:
    """Bridge one browser terminal to one console process running as the logged-in user."""
    user = await require_user(websocket)  # refused: 4401 without a login, 4403 from another site's page
    handover = user.pve_env()
    if not handover_usable(handover):
        raise WebSocketException(WS_POLICY, "this login cannot open a console")
    await websocket.accept()
    slots = _slots(websocket)
    try:
        slots.take()
    except PVEError as exc:
        await websocket.close(WS_TRY_AGAIN, exc.message[:100])
        return
    console: ConsoleProcess | None = None
    try:
        console = await _spares(websocket).take(handover, _cells(websocket.query_params.get("width"), 80),
                                                _cells(websocket.query_params.get("height"), 24), _workdir(websocket))
        await console.start()
        log.info("console started for %s (pid %s)", user.who, console.pid)
        if slots.in_use < slots.limit:
            _spares(websocket).warm_soon(_workdir(websocket), delay=SPARE_DELAY)  # for the next tab
        await _bridge(websocket, console, user)
    except PVEError as exc:
        log.warning("console for %s did not start: %s", user.who, exc)
        with contextlib.suppress(Exception):
            await websocket.close(1011, "the console did not start")
    finally:
        code = await console.stop() if console is not None else None
        slots.give_back()
        log.info("console for %s ended (exit %s)", user.who, code)
        with contextlib.suppress(Exception):
            await websocket.close()


async def _bridge(websocket: WebSocket, console: ConsoleProcess, user: WebUser) -> None:
    """Pump both ways until the browser leaves, the console ends, or the login ends."""
    activity = {"typed": False}
    tasks = [asyncio.create_task(_to_browser(websocket, console)),
             asyncio.create_task(_from_browser(websocket, console, activity)),
             asyncio.create_task(_watch_login(websocket, activity))]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _to_browser(websocket: WebSocket, console: ConsoleProcess) -> None:
    async for kind, payload in console.output():
        if kind == "data":
            await websocket.send_bytes(payload)
        elif kind == "meta" and isinstance(payload, dict):
            if payload.get("type") == "exit":
                return
            if payload.get("type") == "open_url":
                await websocket.send_text(json.dumps(["open_url", {"url": str(payload.get("url", "")),
                                                                   "new_tab": bool(payload.get("new_tab"))}]))


async def _from_browser(websocket: WebSocket, console: ConsoleProcess, activity: dict[str, bool]) -> None:
    while True:
        try:
            text = await websocket.receive_text()
        except (WebSocketDisconnect, KeyError, RuntimeError):
            return
        try:
            envelope: Any = json.loads(text)
        except ValueError:
            continue
        if not isinstance(envelope, list) or not envelope:
            continue
        kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
        if kind == "stdin" and isinstance(data, str):
            activity["typed"] = True
            if not await console.send_keys(data):
                return
        elif kind == "resize" and isinstance(data, dict):
            await console.resize(_cells(str(data.get("width")), console.width),
                                 _cells(str(data.get("height")), console.height))
        elif kind == "ping":
            await websocket.send_text(json.dumps(["pong", data]))
        elif kind in ("focus", "blur"):
            await console.send_meta({"type": kind})


async def _watch_login(websocket: WebSocket, activity: dict[str, bool]) -> None:
    """End the console when its login ends (logout, idle timeout); typing in it counts as activity."""
    sessions = web_state(websocket).sessions
    cookie = websocket.cookies.get(COOKIE)
    if cookie is None:  # an API token: it stays valid while the socket is open
        await asyncio.Event().wait()
    while True:
        await asyncio.sleep(LOGIN_CHECK_SECONDS)
        if activity.pop("typed", False):
            await sessions.get(cookie)  # touched: the user is working in the console
            activity["typed"] = False
        if not sessions.alive(cookie):
            log.info("console closed: its login ended")
            return


def routes() -> list[BaseRoute]:
    return [Route("/login", login_page, methods=["GET"], name="login_page"),
            Route("/console", console_page, methods=["GET"], name="console"),
            Route("/console/static/{name}", own_asset, methods=["GET"], name="console_static"),
            Mount("/console/assets", StaticFiles(directory=terminal_assets(), check_dir=False),
                  name="console_assets"),
            WebSocketRoute("/console/ws", console_socket, name="console_ws")]
