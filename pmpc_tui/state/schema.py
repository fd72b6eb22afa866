"""Schema versions: a cheap version check on every open; Alembic runs only when a migration is needed.

The version lives in Alembic's own table (`alembic_version`). A new database is created from the
models and stamped with the newest revision; one without a version row but with our tables was
written before versioning and is migrated from the baseline; one newer than this code is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, PrimaryKeyConstraint, String, Table, insert, inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from pmpc_tui.state import models  # noqa: F401  (registers the tables)
from pmpc_tui.state.versions import HEAD, REVISIONS, VERSION_TABLE

MIGRATIONS = Path(__file__).with_name("migrations")
JOURNAL_TABLES = ("applyrun", "applystep")
LOCK_KEY = 0x706D7063  # "pmpc": PostgreSQL advisory lock held while the schema is created or migrated

# Declared like Alembic creates it, so `create_all`/`drop_all` treat the version with the tables.
version_table = Table(VERSION_TABLE, SQLModel.metadata, Column("version_num", String(32), nullable=False),
                      PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def our_tables() -> set[str]:
    """The tables the models declare (without the version table)."""
    return set(SQLModel.metadata.tables) - {VERSION_TABLE}


@dataclass
class SchemaState:
    """What an existing database holds: its version row (None: unversioned) and its table names."""

    version: str | None
    tables: set[str] = field(default_factory=set)

    @property
    def is_new(self) -> bool:
        return self.version is None and not (self.tables & our_tables())

    @property
    def is_newer(self) -> bool:
        return self.version is not None and self.version not in REVISIONS

    @property
    def needs_migration(self) -> bool:
        return not self.is_new and not self.is_newer and self.version != HEAD


def read_state(conn: Connection) -> SchemaState:
    """One or two cheap queries: the table names, then the version row if the table exists."""
    tables = set(inspect(conn).get_table_names())
    version = None
    if VERSION_TABLE in tables:
        version = conn.execute(select(version_table.c.version_num)).scalars().first()
    return SchemaState(version, tables)


def prepare(conn: Connection) -> str | None:
    """Bring the schema to HEAD; returns what was done ("created", "migrated …") or None when nothing was."""
    state = read_state(conn)
    if state.version == HEAD and not our_tables() - state.tables:
        return None  # the common case: no lock taken, nothing written
    _lock(conn)
    state = read_state(conn)  # another process may have done it while we waited
    if state.version == HEAD:
        if our_tables() - state.tables:
            SQLModel.metadata.create_all(conn)
        return None
    if state.is_new:
        SQLModel.metadata.create_all(conn)
        conn.execute(insert(version_table).values(version_num=HEAD))
        return "created"
    if state.is_newer:
        from pmpc_tui.state.errors import NewerSchema

        raise NewerSchema(f"schema {state.version}; this version knows up to {HEAD}")
    migrate(conn)
    return f"migrated from schema {state.version or 'without a version (baseline)'} to {HEAD}"


def _lock(conn: Connection) -> None:
    """Hold the database for this change until commit: one creator or migrator at a time, DDL included.

    SQLite: BEGIN IMMEDIATE (the driver would otherwise run DDL outside any transaction);
    PostgreSQL: a transaction-scoped advisory lock.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")


def migrate(conn: Connection, target: str = "head") -> None:
    """Run Alembic's upgrade on this connection (imported only here: most opens never need it)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def journal_columns() -> dict[str, list[str]]:
    """Column names of the apply journal tables as the models declare them now."""
    return {name: [c.name for c in SQLModel.metadata.tables[name].columns] for name in JOURNAL_TABLES}


def describe(state: SchemaState) -> dict[str, Any]:
    """The version facts `state check` shows."""
    return {"version": state.version, "code_version": HEAD, "new": state.is_new, "newer": state.is_newer,
            "needs_migration": state.needs_migration}
