"""The last sync's nodes, storages, bridges and guests read with stdlib sqlite3 (no SQLAlchemy import, ~1 s less)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from pmpc_tui.iac.bpg import GuestState


@dataclass
class LastSync:
    """What `validate --offline` checks the code against; same shape as the ORM-read cluster."""

    nodes: dict[str, Any] = field(default_factory=dict)
    storages: dict[tuple[str, str], Any] = field(default_factory=dict)
    bridges: set[tuple[str, str]] = field(default_factory=set)
    guests: list[GuestState] = field(default_factory=list)


def read_last_sync(path: Path) -> LastSync | None:
    """The last sync from a SQLite state file, read-only; None when the file cannot be read this way
    (missing, locked, an older schema): the caller then falls back to the ORM."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        return _read(conn)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection) -> LastSync:
    live = "WHERE removed_at IS NULL"
    out = LastSync()
    for row in _rows(conn, f"SELECT * FROM node {live}"):
        out.nodes[row["name"]] = SimpleNamespace(**row)
    for row in _rows(conn, f"SELECT * FROM storage {live}"):
        row["shared"] = bool(row["shared"])
        out.storages[(row["node"], row["storage"])] = SimpleNamespace(**row)
    for node, iface in conn.execute(f"SELECT node, iface FROM network {live} AND type IN ('bridge', 'OVSBridge')"):
        out.bridges.add((node, iface))
    for kind, table in (("qemu", "vm"), ("lxc", "container")):
        for vmid, node, name, status, config in conn.execute(
                f"SELECT vmid, node, name, status, config FROM {table} {live} ORDER BY vmid"):
            loaded = json.loads(config) if isinstance(config, str) else (config or {})
            out.guests.append(GuestState(kind, vmid, node, name, status, dict(loaded)))
    return out


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    """Rows as column → value (every column, like the ORM's objects)."""
    cursor = conn.execute(sql)
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]
