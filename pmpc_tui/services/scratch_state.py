"""A read-only session's state database: a private copy it may write (sync, plan), the real one left untouched.

The copy lives in a temporary folder outside the workspace and is removed when the session closes. The real
SQLite file is read through SQLite's backup API on a read-only connection (`immutable` when no write-ahead log
is pending, so not even a lock file or `-shm` appears). A PostgreSQL state gives an empty copy: plans then
rest on the cluster as read live.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from pmpc_tui.state.db import sqlite_url


def copy_sqlite(source: Path | None, target: Path) -> Path:
    """`target`: a copy of the SQLite database `source` (none: a new file), made without writing `source`."""
    from pmpc_tui.state import faults

    if source is None or not source.is_file() or source.stat().st_size == 0:
        return target
    faults.check_sqlite_file(source)  # a directory, a foreign header, a truncated file: the usual error
    wal = source.with_name(source.name + "-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    reader = sqlite3.connect(f"{source.as_uri()}?{mode}", uri=True)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    except sqlite3.DatabaseError as exc:
        raise faults.damaged(str(source), str(exc)) from None
    finally:
        reader.close()
    return target


class ScratchState:
    """The temporary folder holding a read-only session's copy of its state database."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="pmpc-read-only-")
        self._copies = 0

    def url_for(self, real_url: str) -> str:
        """The copy's URL: the SQLite file of `real_url` copied (a new copy per call), or a new file for PostgreSQL."""
        source = None
        if real_url.startswith("sqlite"):
            path = real_url.split(":///", 1)[1] if ":///" in real_url else ""
            source = Path(path) if path and path != ":memory:" else None
        self._copies += 1
        return sqlite_url(copy_sqlite(source, Path(self._folder.name) / f"state-{self._copies}.db"))

    def remove(self) -> None:
        self._folder.cleanup()
