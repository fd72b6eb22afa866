"""What clears the users' cached reads: a change sent to this server, or an event saying a guest changed."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from starlette.types import ASGIApp, Receive, Scope, Send

from pmpc_tui.services.read_cache import ReadCache
from pmpc_tui.web.config import STATE_CHANGING

# a task ended (a guest may have started, stopped, moved …), a status changed, an apply or a sync finished
CLEARING_EVENTS = frozenset({"task.finished", "task.failed", "guest.status", "apply.finished", "sync.finished"})


class ClearReadsOnChange:
    """Every state-changing request clears every user's cached reads, when it arrives and when it is answered.

    Cleared for everyone, not only for the caller: a guest one user started has changed for all of them.
    """

    def __init__(self, app: ASGIApp, reads: ReadCache) -> None:
        self.app = app
        self.reads = reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in STATE_CHANGING:
            await self.app(scope, receive, send)
            return
        self.reads.clear()
        try:
            await self.app(scope, receive, send)
        finally:
            self.reads.clear()


async def clear_on_events(reads: ReadCache) -> None:
    """Clear every user's cached reads whenever the event bus says something changed (runs until cancelled).

    Passive: these events flow when an event stream or a webhook asks for them; the cache alone makes no task
    be followed (without them, the TTL bounds how long a change made by a finishing task goes unseen)."""
    from pmpc_tui.services import events

    with events.BUS.subscribe(CLEARING_EVENTS, passive=True) as subscription:
        async for _event in subscription:
            reads.clear()


@contextlib.asynccontextmanager
async def event_watch(reads: ReadCache) -> AsyncIterator[None]:
    """`clear_on_events` while the server runs."""
    task = asyncio.create_task(clear_on_events(reads))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
