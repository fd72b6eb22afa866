"""Reads of a current SQLite state database with the standard library's sqlite3, for a command whose start-up
counts (`ask`): no SQLAlchemy import, which costs ~0.25 s. None wherever the usual way must decide — another
database, no file yet, a schema not at HEAD (it migrates), never synced (it syncs first), any error (it says
what is wrong) — and the caller then opens the database the usual way."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from pmpc_tui.state.versions import HEAD, VERSION_TABLE

_GUEST_COLUMNS = "vmid, name, node, status, tags, template"


def synced_names(url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[str]] | None:
    """(VMs, containers, nodes, storage) not removed, as the last sync saw them; None: ask the usual way."""
    path = _sqlite_file(url)
    if path is None:
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error:
        return None
    try:
        version = conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
        if [v for (v,) in version] != [HEAD] or conn.execute("SELECT 1 FROM syncrun LIMIT 1").fetchone() is None:
            return None
        vms, cts = (_guests(conn, table) for table in ("vm", "container"))
        nodes = sorted(n for (n,) in conn.execute("SELECT name FROM node WHERE removed_at IS NULL"))
        storage = sorted({s for (s,) in conn.execute("SELECT storage FROM storage WHERE removed_at IS NULL")})
        return vms, cts, nodes, storage
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _guests(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    query = (f"SELECT {_GUEST_COLUMNS} FROM {table} WHERE removed_at IS NULL AND name IS NOT NULL AND name != '' "
             "ORDER BY vmid")
    return [{"vmid": vmid, "name": name, "node": node, "status": status, "tags": tags, "template": bool(template)}
            for vmid, name, node, status, tags, template in conn.execute(query)]


def _sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    path = url.split(":///", 1)[1]
    if not path or path == ":memory:" or "?" in path:
        return None
    found = Path(path)
    return found if found.is_file() else None
