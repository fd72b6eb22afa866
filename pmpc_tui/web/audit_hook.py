"""Writing the audit row of a request: the server's state database, never in read-only mode."""

from __future__ import annotations

import logging

from starlette.requests import HTTPConnection

from pmpc_tui.observability.correlation import correlation_id
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.audit import record
from pmpc_tui.web.config import web_state


async def audit(conn: HTTPConnection, who: str, action: str, target: str, result: str) -> None:
    """Record one state-changing request (a failure to write is logged, and does not fail the request)."""
    config = web_state(conn).config
    if config.read_only or config.server_session is None:
        return
    client = conn.client.host if conn.client else ""
    try:
        await record(await config.server_session.db(), who, action, target, result, correlation_id.get(), client)
    except PVEError as exc:
        logging.getLogger("pmpc.web").warning("audit row not written: %s", exc.message)
