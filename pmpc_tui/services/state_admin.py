"""`state check` and `state rebuild`: is the state database usable, and a way back when it is not.

Check reads only (it never creates, migrates or repairs). Rebuild moves a SQLite file aside as
`<name>.broken-<time>` (with its -wal/-shm), creates a new one, copies the apply journal over when
the broken file still yields it (else says it was lost), and re-syncs from the cluster.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from pmpc_tui.config.profiles import ProfileError
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.health import Check
from pmpc_tui.state import faults, schema
from pmpc_tui.state.db import Database
from pmpc_tui.state.errors import StateDatabaseError

COMPANIONS = ("", "-wal", "-shm")  # SQLite's file and the two it keeps beside it in WAL mode
UNFINISHED = ("running", "failed", "interrupted")


@dataclass
class StateCheck:
    """The outcome of `state check`: where the database is and one line per check."""

    where: str
    backend: str
    checks: list[Check] = field(default_factory=list)
    schema: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(c.status != "critical" for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {"database": self.where, "backend": self.backend, "ok": self.ok, "schema": self.schema,
                "checks": [c.as_dict() for c in self.checks]}


async def check_state(url: str) -> StateCheck:
    """Check the database at `url` without changing it: file, connection, integrity, schema version, journal."""
    db = Database(url)
    report = StateCheck(db.where, "sqlite" if db.url.startswith("sqlite") else db.engine.dialect.name)
    try:
        path = db.sqlite_path
        if path is not None:
            if not path.exists():
                report.checks.append(Check("file", "ok", f"{path} does not exist yet (the first sync creates it)"))
                return report
            try:
                await asyncio.to_thread(faults.check_sqlite_file, path)
            except StateDatabaseError as exc:
                report.checks.append(Check("file", "critical", exc.message, exc.hint))
                return report
            size = (await asyncio.to_thread(path.stat)).st_size
            report.checks.append(Check("file", "ok", f"{path} · {size} bytes"))
        await _inspect(db, report)
    finally:
        await db.engine.dispose()
    return report


async def _inspect(db: Database, report: StateCheck) -> None:
    """Connect and look: integrity (SQLite), schema version, the apply journal; the first failure ends it."""
    stage = "connect"
    try:
        async with db.engine.connect() as conn:
            state = await conn.run_sync(schema.read_state)
            report.checks.append(Check("connect", "ok", f"connected · {len(state.tables)} tables"))
            if db.sqlite_path is not None:
                stage = "integrity"
                rows = (await conn.exec_driver_sql("PRAGMA integrity_check")).scalars().all()
                problems = [str(r) for r in rows if str(r) != "ok"]
                report.checks.append(
                    Check("integrity", "critical", "; ".join(problems[:3]), faults.REBUILD_HINT) if problems
                    else Check("integrity", "ok", "PRAGMA integrity_check: ok"))
            report.schema = schema.describe(state)
            report.checks.append(_schema_check(state))
            if not state.is_new and not state.is_newer:
                stage = "apply journal"
                report.checks.append(await _journal_check(conn, state))
    except Exception as exc:
        error = db.fault(exc)
        hint = error.hint if isinstance(error, PVEError) else ""
        message = error.message if isinstance(error, PVEError) else str(error)
        report.checks.append(Check(stage, "critical", message, hint))


def _schema_check(state: schema.SchemaState) -> Check:
    if state.is_new:
        return Check("schema", "ok", f"empty: the tables are created on first use (schema {schema.HEAD})")
    if state.is_newer:
        return Check("schema", "critical", f"schema {state.version} was written by a newer proxmox-mpc "
                     f"(this version knows up to {schema.HEAD})", "Upgrade proxmox-mpc; the file is not touched.")
    if state.needs_migration:
        return Check("schema", "warning", f"schema {state.version or 'without a version (before versioning)'}: "
                     f"migrated to {schema.HEAD} on next use", "Nothing to do; any command that opens it migrates it.")
    return Check("schema", "ok", f"schema {state.version} (current)")


async def _journal_check(conn: Any, state: schema.SchemaState) -> Check:
    missing = [t for t in schema.JOURNAL_TABLES if t not in state.tables]
    if missing:
        return Check("apply journal", "ok", "no applies recorded yet")
    runs = (await conn.execute(text("SELECT status FROM applyrun"))).scalars().all()
    steps = (await conn.execute(text("SELECT count(*) FROM applystep"))).scalar_one()
    unfinished = sum(1 for s in runs if s in UNFINISHED)
    more = f", {unfinished} unfinished (apply --resume or --abandon)" if unfinished else ""
    return Check("apply journal", "ok", f"{len(runs)} applies, {steps} steps readable{more}")


@dataclass
class Journal:
    """The apply journal read from a broken file: column names and rows per table, or why it was lost."""

    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)
    lost: str | None = None

    def summary(self) -> str:
        if self.lost:
            return f"lost: {self.lost}"
        runs = len(self.rows.get("applyrun", ([], []))[1])
        steps = len(self.rows.get("applystep", ([], []))[1])
        return f"{runs} applies and {steps} steps kept" if runs or steps else "empty (no applies recorded)"


@dataclass
class RebuildPlan:
    """What `state rebuild` does: move these paths aside, carry this journal over, then re-sync."""

    path: Path
    moves: list[tuple[Path, Path]]
    journal: Journal
    done: bool = False
    synced: str | None = None
    sync_error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"database": str(self.path), "moved": [[str(a), str(b)] for a, b in self.moves],
                "journal": self.journal.summary(), "journal_kept": self.journal.lost is None, "done": self.done,
                "synced": self.synced, "sync_error": self.sync_error}

    def describe(self) -> str:
        """What will be (or was) done, in a few lines."""
        lines = [f"{'moved' if self.done else 'move'} {a} → {b.name}" for a, b in self.moves] or [
            f"{self.path} does not exist: nothing to move"]
        lines.append(f"apply journal: {self.journal.summary()}")
        lines.append(f"{'created' if self.done else 'create'} a new {self.path.name}"
                     f" and {'re-synced' if self.done else 're-sync'} from the cluster")
        return "\n".join(lines)


async def plan_rebuild(url: str) -> RebuildPlan:
    """Decide what a rebuild moves and read the apply journal from a copy of the file (nothing is changed)."""
    db = Database(url)
    await db.engine.dispose()
    path = db.sqlite_path
    if path is None:
        raise StateDatabaseError(
            f"state rebuild works on a SQLite file; {db.where} is not one, so it was not touched",
            "Fix the server or the URL (`proxmox-mpc state check` shows what fails), or unset PMPC_DATABASE_URL "
            "to use a SQLite file in the state folder.", db.where)
    return await asyncio.to_thread(_plan, path)


def _plan(path: Path) -> RebuildPlan:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.broken-{stamp}-{n}")
    moves = [(path.with_name(path.name + s), target.with_name(target.name + s)) for s in COMPANIONS
             if path.with_name(path.name + s).exists() or path.with_name(path.name + s).is_symlink()]
    return RebuildPlan(path, moves, read_journal(path))


def read_journal(path: Path) -> Journal:
    """The apply journal of a (possibly broken) SQLite file, read from a copy so the file stays as it was.

    A truncated file is read a second time with its page count taken from the file's size (SQLite's rule
    when the header's count is marked stale), so journal pages before the cut are still found.
    """
    if not path.exists():
        return Journal()
    if path.is_dir():
        return Journal(lost=f"{path} is a directory, not a database file")
    with tempfile.TemporaryDirectory(prefix="pmpc-journal-") as tmp:
        copy = Path(tmp) / "state.db"
        try:
            for suffix in COMPANIONS:
                source = path.with_name(path.name + suffix)
                if source.is_file():
                    shutil.copyfile(source, copy.with_name(copy.name + suffix))
        except OSError as exc:
            return Journal(lost=f"cannot read {path.name}: {exc}")
        journal = _read_journal_copy(copy)
        if journal.lost and _mark_page_count_stale(copy):
            second = _read_journal_copy(copy)
            if not second.lost:
                return second
        if journal.lost:
            journal.lost = f"{path.name} could not be read ({journal.lost})"
        return journal


def _read_journal_copy(copy: Path) -> Journal:
    try:
        conn = sqlite3.connect(copy)
    except sqlite3.Error as exc:
        return Journal(lost=str(exc))
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        journal = Journal()
        for table in schema.JOURNAL_TABLES:
            if table in tables:
                cursor = conn.execute(f"SELECT * FROM {table} ORDER BY id")
                rows = cursor.fetchall()
                journal.rows[table] = ([d[0] for d in cursor.description], rows)
        return journal
    except sqlite3.Error as exc:
        return Journal(lost=str(exc))
    finally:
        conn.close()


def _mark_page_count_stale(copy: Path) -> bool:
    """Make SQLite size the copy by its length (version-valid-for ≠ change counter); False if not SQLite."""
    with copy.open("r+b") as fh:
        header = fh.read(100)
        if len(header) < 100 or not header.startswith(faults.SQLITE_MAGIC):
            return False
        counter = int.from_bytes(header[24:28], "big")
        fh.seek(92)
        fh.write(((counter + 1) % 2**32).to_bytes(4, "big"))
    return True


async def execute_rebuild(plan: RebuildPlan, url: str, client_factory: Any) -> RebuildPlan:
    """Move the file aside, create a new database, copy the journal in, and re-sync (a failed sync is reported)."""
    await asyncio.to_thread(_move_aside, plan)
    db = Database(url)
    try:
        await db.open()
    finally:
        await db.close()
    if plan.journal.rows:
        try:
            await asyncio.to_thread(_copy_journal, plan.path, plan.journal)
        except sqlite3.Error as exc:  # the rows stay in the file moved aside
            plan.journal.lost = f"it could not be copied into the new database ({exc})"
    plan.done = True
    db = Database(url)
    try:
        await db.open()
        from pmpc_tui.services.sync import SyncService

        result = await SyncService(await client_factory(), db).run()
        plan.synced = (f"{result.nodes} nodes, {result.vms} VMs, {result.containers} containers, "
                       f"{result.storages} storages")
    except (PVEError, ProfileError) as exc:  # the new database stays; `sync` fills it later
        plan.sync_error = exc.message if isinstance(exc, PVEError) else str(exc)
    finally:
        await db.close()
    return plan


def _move_aside(plan: RebuildPlan) -> None:
    for source, target in plan.moves:
        source.rename(target)


def _copy_journal(path: Path, journal: Journal) -> None:
    """Insert the kept rows with their ids, in the columns both the old file and today's schema have."""
    wanted = schema.journal_columns()
    conn = sqlite3.connect(path)
    try:
        with conn:
            for table, (columns, rows) in journal.rows.items():
                keep = [i for i, c in enumerate(columns) if c in wanted[table]]
                names = ", ".join(columns[i] for i in keep)
                marks = ", ".join("?" for _ in keep)
                conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",
                                 [tuple(row[i] for i in keep) for row in rows])
    finally:
        conn.close()
