"""The audit log of the web server: every state-changing request, in the state database (secrets masked)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select

from pmpc_tui.pve.redact import redact
from pmpc_tui.state.db import Database
from pmpc_tui.state.models import AuditEntry


@dataclass(frozen=True)
class AuditRecord:
    """One audit row as front ends show it."""

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
    return [AuditRecord(r.at, r.who, r.client, r.action, r.target, r.result, r.correlation_id) for r in rows]
