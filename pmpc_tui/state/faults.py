"""Recognise a state database that cannot be used and say so in one short StateDatabaseError."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.state.errors import REBUILD_HINT, NewerSchema, StateDatabaseError, StateDatabaseNewer, UnrecognisedSchema

SQLITE_MAGIC = b"SQLite format 3\x00"
POSTGRES_HINT = ("Start PostgreSQL or correct PMPC_DATABASE_URL (unset it to use the SQLite file in the state "
                 "folder); `proxmox-mpc state check` tests the connection.")
DAMAGED = ("file is not a database", "malformed", "disk i/o error", "not a database", "corrupt")
# Errors while a session runs that mean the database itself is at fault (not the caller's data).
SESSION_FAULTS: tuple[type[BaseException], ...] = (DBAPIError, ConnectionError, TimeoutError)


def location(url: str) -> str:
    """The file path of a SQLite URL, or the URL with its password masked."""
    if url.startswith("sqlite"):
        return url.split(":///", 1)[1] or ":memory:"
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not parseable: show no part of it that could hold a secret
        return url.split("://", 1)[0] + "://…"


def check_sqlite_file(path: Path) -> None:
    """Cheap checks before SQLite opens the file: a directory, a foreign header, a truncated file."""
    where = str(path)
    if path.is_dir():
        raise StateDatabaseError(f"the state database {where} is a directory, not a database file", REBUILD_HINT,
                                 where)
    if not path.exists():
        return
    size = path.stat().st_size
    if size == 0:
        return  # SQLite treats an empty file as a new database
    with path.open("rb") as fh:
        header = fh.read(100)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise damaged(where, "it does not start with a SQLite header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    count_valid = header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0  # a checkpoint may still grow the file: trust SQLite
    if count_valid and not wal_pending and pages * page_size > size:
        raise damaged(where, f"truncated: {size} bytes of {pages * page_size}")


def damaged(where: str, reason: str) -> StateDatabaseError:
    return StateDatabaseError(f"the state database {where} is damaged ({reason})", REBUILD_HINT, where)


def translate(exc: BaseException, url: str, password: str | None = None, where: str | None = None
              ) -> StateDatabaseError:
    """One StateDatabaseError for a failure opening or using the database at `url` (shown as `where`)."""
    if isinstance(exc, StateDatabaseError):
        return exc
    where = where or location(url)
    sqlite = url.startswith("sqlite")
    if isinstance(exc, NewerSchema):
        return StateDatabaseNewer(
            f"the state database {where} was written by a newer proxmox-mpc ({exc}); it was not read or changed",
            "Upgrade proxmox-mpc (pip install -U proxmox-mpc), or set PMPC_DATABASE_URL to another database.",
            where)
    if isinstance(exc, UnrecognisedSchema):
        return StateDatabaseError(f"the state database {where} has tables this version does not recognise ({exc})",
                                  REBUILD_HINT, where)
    reason = _reason(exc, password)
    lowered = reason.lower()
    if sqlite:
        if any(word in lowered for word in DAMAGED):
            return damaged(where, reason)
        if "locked" in lowered:
            error = StateDatabaseError(f"the state database {where} is locked by another process ({reason})",
                                       "Wait for the other proxmox-mpc (a sync or apply) to finish and retry.", where)
            error.exit_code = int(ExitCode.CONFLICT)
            return error
        if "no such table" in lowered or "no such column" in lowered:
            return StateDatabaseError(f"the state database {where} does not have the expected tables ({reason})",
                                      REBUILD_HINT, where)
        return StateDatabaseError(f"cannot use the state database {where}: {reason}",
                                  "Check the file's and its folder's permissions and free space; if the file is "
                                  "damaged, run `proxmox-mpc state rebuild`.", where)
    if "password" in lowered or "authentication" in lowered or "role" in lowered:
        return StateDatabaseError(f"the state database {where} refused the login: {reason}",
                                  "Check the user and password in PMPC_DATABASE_URL.", where)
    if "does not exist" in lowered and "database" in lowered:
        return StateDatabaseError(f"the state database {where} does not exist on the server: {reason}",
                                  "Create it (createdb) or correct the database name in PMPC_DATABASE_URL.", where)
    if isinstance(exc, OSError | asyncio.TimeoutError) or not isinstance(exc, DBAPIError) or _connection_lost(exc):
        return StateDatabaseError(f"cannot connect to the state database {where}: {reason}", POSTGRES_HINT, where)
    return StateDatabaseError(f"the state database {where} failed: {reason}",
                              "`proxmox-mpc state check` shows whether the server and the schema are in order.", where)


def is_open_fault(exc: BaseException) -> bool:
    """Whether an error while opening is the database's (a bug in our code is not, and keeps its traceback)."""
    if isinstance(exc, DBAPIError | OSError | StateDatabaseError | NewerSchema | UnrecognisedSchema):
        return True
    return type(exc).__module__.split(".")[0] in ("asyncpg", "sqlite3", "aiosqlite")


def is_fault(exc: BaseException) -> bool:
    """Whether an error raised inside a session is the database's fault (IntegrityError is the caller's)."""
    return isinstance(exc, SESSION_FAULTS) and not isinstance(exc, IntegrityError)


def _connection_lost(exc: DBAPIError) -> bool:
    return bool(exc.connection_invalidated) or isinstance(exc.orig, OSError)


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own words, first line only, without SQLAlchemy's decoration or the password."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else type(inner).__name__
    if text.startswith("(") and ") " in text:  # "(sqlite3.DatabaseError) file is not a database"
        text = text.split(") ", 1)[1]
    if isinstance(inner, TimeoutError | asyncio.TimeoutError) and not str(inner).strip():
        text = "timed out"
    if password:
        text = text.replace(password, "***")
    return text
