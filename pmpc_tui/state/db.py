"""Database engine and sessions: SQLite (aiosqlite) by default, PostgreSQL (asyncpg) by URL."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # SQLAlchemy and SQLModel cost ~0.6 s to import: only commands that open a database pay it
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger("pmpc.state")
CONNECT_TIMEOUT = 10.0  # seconds to reach PostgreSQL before giving up with a clear error


def sqlite_url(path: Path | str) -> str:
    return f"sqlite+aiosqlite:///{Path(path).expanduser()}"


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` and `sqlite:///` URLs and pick the async drivers."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.split(":///", 1)[1]
    return url


class Database:
    """Owns the engine; `session()` gives a unit of work, `transaction()` one that commits or rolls back.

    `open()` checks the database and brings its schema to this version; any failure, then or later in a
    session, is raised as one StateDatabaseError naming the file or the URL (password masked).
    """

    def __init__(self, url: str, echo: bool = False) -> None:
        from sqlalchemy import event
        from sqlalchemy.ext.asyncio import create_async_engine

        from pmpc_tui.state import faults

        self.url = normalize_url(url)
        self.where = faults.location(url)  # as the user wrote it, password masked
        self.migrated: str | None = None  # what open() did: "created", "migrated …", or None
        kwargs: dict[str, Any] = {"echo": echo}
        if self.url.startswith("postgresql+asyncpg"):
            kwargs["connect_args"] = {"timeout": CONNECT_TIMEOUT}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.url.startswith("sqlite"):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file (None for PostgreSQL and in-memory databases)."""
        if not self.url.startswith("sqlite"):
            return None
        path = self.url.split(":///", 1)[1]
        return Path(path) if path and path != ":memory:" else None

    async def open(self) -> None:
        """Check the file or connection, then create, migrate or just confirm the schema (cheaply when current)."""
        from pmpc_tui.state import faults, schema

        try:
            path = self.sqlite_path
            if path is not None:
                await asyncio.to_thread(_prepare_file, path)
            async with self.engine.begin() as conn:
                self.migrated = await conn.run_sync(schema.prepare)
        except BaseException as exc:
            await self.engine.dispose()
            if faults.is_open_fault(exc):
                raise self.fault(exc) from None
            raise

    async def create_all(self) -> None:
        """Same as `open()` (the name older callers use)."""
        await self.open()

    def fault(self, exc: BaseException) -> Exception:
        """The StateDatabaseError for a failure of this database (also written to the log, for report-issue)."""
        from pmpc_tui.state import faults

        error = faults.translate(exc, self.url, self.engine.url.password, self.where)
        log.warning("state database fault: %s (%s)", error.message, type(exc).__name__)
        return error

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        from sqlmodel.ext.asyncio.session import AsyncSession

        from pmpc_tui.state import faults

        try:
            async with AsyncSession(self.engine, expire_on_commit=False) as session:
                yield session
        except Exception as exc:
            if faults.is_fault(exc):
                raise self.fault(exc) from None
            raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """All writes inside commit together, or none do."""
        from sqlmodel.ext.asyncio.session import AsyncSession

        from pmpc_tui.state import faults

        try:
            async with AsyncSession(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
        except Exception as exc:
            if faults.is_fault(exc):
                raise self.fault(exc) from None
            raise

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def _prepare_file(path: Path) -> None:
    """Make the folder, then refuse a directory, a foreign header or a truncated file before SQLite opens it."""
    from pmpc_tui.state import faults

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise faults.translate(exc, sqlite_url(path)) from None
    faults.check_sqlite_file(path)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def default_database_url(state_dir: Path) -> str:
    """`PMPC_DATABASE_URL` if set, else a SQLite file in the state directory."""
    env = os.environ.get("PMPC_DATABASE_URL")
    if env:
        return env
    return sqlite_url(state_dir / "state.db")


async def open_database(url: str) -> Database:
    db = Database(url)
    await db.open()
    return db
