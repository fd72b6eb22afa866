"""`GET /api/v1/events`: the live event stream, as a WebSocket or as Server-Sent Events, behind login.

`?types=task.progress,guest.status` (or `task.*`) filters; each user sees only what PVE lets them see
(services/event_access.py); the first event is `events.subscribed`; a quiet stream sends a heartbeat
(WebSocket: a `heartbeat` event; SSE: a comment line) every HEARTBEAT seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.services import events
from pmpc_tui.services.event_access import EventAccess
from pmpc_tui.web.auth import WebUser, require_user
from pmpc_tui.web.errors import error_response

PATH = "/api/v1/events"
HEARTBEAT = 15.0  # seconds of quiet before a heartbeat


def routes() -> list[BaseRoute]:
    return [Route(PATH, events_sse, methods=["GET"]), WebSocketRoute(PATH, events_websocket)]


def _types(query: str | None) -> tuple[frozenset[str] | None, str | None]:
    try:
        return events.parse_types(query), None
    except ValueError as exc:
        return None, str(exc)


def _wants_sse(request: Request) -> bool:
    accept = request.headers.get("accept", "*/*").lower()
    return "text/event-stream" in accept or "*/*" in accept


async def events_sse(request: Request) -> Response:
    """Server-Sent Events: `id`, `event` (the type) and `data` (the event JSON) per event."""
    user = await require_user(request)
    if not _wants_sse(request):
        return error_response(406, ExitCode.USAGE, "this URL streams events",
                              "Open it as a WebSocket, or send 'Accept: text/event-stream'.")
    types, error = _types(request.query_params.get("types"))
    if error is not None:
        return error_response(400, ExitCode.USAGE, error, "Leave out ?types= for every event type.")
    access = await _access(user)
    sub = events.BUS.subscribe(types)
    return StreamingResponse(_sse_stream(sub, access), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _access(user: WebUser) -> EventAccess:
    """What this user may see: PVE's permissions, asked with their own ticket or token."""
    return EventAccess(await user.session.client(), (user.userid, user.who))


async def _sse_stream(sub: events.Subscription, access: EventAccess) -> AsyncIterator[bytes]:
    seq = 0
    try:
        first = events.make_event("events.subscribed", {"types": _listed(sub.types)})
        yield _sse_frame(0, first)
        while True:
            event = await sub.get(timeout=HEARTBEAT)
            if event is None:
                yield f": heartbeat {events.now_rfc3339()}\n\n".encode()
                continue
            if not await access.allows(event):
                continue
            seq += 1
            yield _sse_frame(seq, event)
    finally:
        sub.close()


def _sse_frame(seq: int, event: events.Event) -> bytes:
    return b"id: %d\nevent: %s\ndata: %s\n\n" % (seq, event.type.encode(), event.to_json())


def _listed(types: frozenset[str] | None) -> list[str] | None:
    return None if types is None else sorted(types)


async def events_websocket(websocket: WebSocket) -> None:
    """The same stream over a WebSocket: one JSON text message per event."""
    await websocket.accept()  # accepted first, so that a refusal reaches the client as close code 4401
    user = await require_user(websocket)
    types, error = _types(websocket.query_params.get("types"))
    if error is not None:
        await websocket.close(code=4400, reason=error[:120])
        return
    access = await _access(user)
    sub = events.BUS.subscribe(types)
    sender = asyncio.create_task(_ws_send(websocket, sub, access))
    try:
        while True:  # read until the client leaves (what it sends is ignored)
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        sub.close()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _ws_send(websocket: WebSocket, sub: events.Subscription, access: EventAccess) -> None:
    event: events.Event | None = events.make_event("events.subscribed", {"types": _listed(sub.types)})
    while True:
        if event is None:
            event = events.make_event("heartbeat", {})
        if await access.allows(event):
            await websocket.send_text(event.to_json().decode())
        event = await sub.get(timeout=HEARTBEAT)
