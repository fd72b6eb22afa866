"""Changes made through the web server show on the console's Logs screen (the app log, source `audit`)."""

from __future__ import annotations

from pathlib import Path

from pmpc_tui.observability.applog import app_log
from pmpc_tui.services.audit import AuditFeed, record
from pmpc_tui.state.db import Database, sqlite_url


async def test_web_changes_join_the_console_log_once_each(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "state.db"))
    await db.open()
    try:
        await record(db, "root@pam", "stop", "vm 101", "ok", "c0ffee01", "127.0.0.1")
        feed = AuditFeed()
        start = app_log().since(0)[-1].seq if app_log().since(0) else 0
        assert await feed.poll(db) == 1
        await record(db, "auditor@pve", "start", "vm 102", "PERMISSION: Permission check failed", "c0ffee02")
        assert await feed.poll(db) == 1
        assert await feed.poll(db) == 0
        shown = [e for e in app_log().since(start) if e.source == "audit"]
        assert [e.message for e in shown] == ["web: root@pam stop vm 101 → ok",
                                              "web: auditor@pve start vm 102 → PERMISSION: Permission check failed"]
        assert shown[0].cid == "c0ffee01" and shown[1].level == "WARNING"
    finally:
        await db.close()
