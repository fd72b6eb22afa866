"""The audit log of the web server: every state-changing request, in the state database (secrets masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from pmpc_tui.pve.errors import PermissionDenied
from pmpc_tui.pve.redact import redact
from pmpc_tui.services.session import Session
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    """One audit row as front ends show it."""

    id: int
    at: datetime
    who: str
    client: str
    action: str
    target: str
    result: str
    correlation_id: str

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "who": self.who, "client": self.client, "action": self.action,
                "target": self.target, "result": self.result, "correlation_id": self.correlation_id}


async def require_log_reader(session: Session) -> None:
    """Reading the audit log and the log files (every user's actions) needs Sys.Audit on `/`, as PVE's own
    task and syslog views do; the cluster's ACLs decide (PermissionDenied, 403, otherwise)."""
    held = await (await session.client()).request("GET", "/access/permissions", {"path": "/"})
    if "Sys.Audit" not in (held or {}).get("/", {}):
        raise PermissionDenied("Permission check failed (/, Sys.Audit)")


async def record(db: Database, who: str, action: str, target: str, result: str, correlation_id: str,
                 client: str = "") -> None:
    """Write one row; every text is redacted first, so a secret in an error message never lands here."""
    entry = AuditEntry(who=redact(who)[:200], client=client[:100], action=redact(action)[:100],
                       target=redact(target)[:1000], result=redact(result)[:2000],
                       correlation_id=correlation_id[:64])
    async with db.transaction() as s:
        s.add(entry)


async def recent(db: Database, limit: int = 100, who: str | None = None) -> list[AuditRecord]:
    """The newest rows first (at most `limit`), optionally only one caller's."""
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(max(1, min(limit, 10_000)))
    if who:
        query = query.where(AuditEntry.who == who)
    async with db.session() as s:
        rows = (await s.exec(query)).all()
    return [_record(r) for r in rows]


def _record(r: AuditEntry) -> AuditRecord:
    return AuditRecord(r.id or 0, r.at, r.who, r.client, r.action, r.target, r.result, r.correlation_id)


async def after(db: Database, last_id: int | None, backlog: int = 50) -> list[AuditRecord]:
    """Rows newer than `last_id`, oldest first (None: the newest `backlog` rows)."""
    if last_id is None:
        return list(reversed(await recent(db, backlog)))
    query = select(AuditEntry).where(col(AuditEntry.id) > last_id).order_by(col(AuditEntry.id)).limit(500)
    async with db.session() as s:
        return [_record(r) for r in (await s.exec(query)).all()]


class AuditFeed:
    """Feeds new audit rows into the app log, where the console's Logs screen shows them (source `audit`)."""

    def __init__(self, backlog: int = 50) -> None:
        self.backlog = backlog
        self.last_id: int | None = None

    async def poll(self, db: Database) -> int:
        """Add the rows written since the last poll to the app log (only its ring, not the log file)."""
        import logging

        from pmpc_tui.observability.applog import LOGGER_NAME, app_log
        from pmpc_tui.state.errors import StateDatabaseError

        try:
            rows = await after(db, self.last_id, self.backlog)
        except StateDatabaseError:
            return 0  # the Logs screen keeps working; `state check` says what is wrong
        if self.last_id is None and not rows:
            self.last_id = 0
        for row in rows:
            self.last_id = row.id
            failed = row.result != "ok"
            record = logging.makeLogRecord({
                "name": f"{LOGGER_NAME}.audit", "levelno": logging.WARNING if failed else logging.INFO,
                "levelname": "WARNING" if failed else "INFO", "created": row.at.timestamp(),
                "msg": f"web: {row.who} {row.action} {row.target} → {row.result}", "cid": row.correlation_id,
                "op": f"web {row.action}"})
            app_log().emit(record)  # not handle(): its filter would put the poller's correlation ID on it
        return len(rows)
