"""`ask` reads the guests' names from a current SQLite state database with the standard library (its start-up
skips the database layer): the same names as the usual way, and the usual way wherever it must decide."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.services.names import names_from_file, names_from_state
from pmpc_tui.services.sync import SyncService
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.state.db import Database, sqlite_url


@pytest.fixture
async def synced(sim: SimulatorThread, tmp_path: Path) -> AsyncIterator[tuple[Database, str]]:
    url = sqlite_url(tmp_path / "state.db")
    db = Database(url)
    await db.open()
    user, name = sim.info.token_id.split("!", 1)
    settings = ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)
    async with PVEClient(settings) as client:
        await SyncService(client, db).run()
    yield db, url
    await db.close()


async def test_the_names_read_straight_from_the_file_are_the_usual_ones(synced: tuple[Database, str]) -> None:
    db, url = synced
    quick = names_from_file(url)
    assert quick is not None and quick == await names_from_state(db)
    assert "web-01" in quick.guests and quick.templates and quick.nodes == ["pve1", "pve2", "pve3"]


async def test_a_database_never_synced_or_not_at_the_newest_schema_is_left_to_the_usual_way(
        synced: tuple[Database, str], tmp_path: Path) -> None:
    db, url = synced
    await db.close()
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0002'")  # the usual way migrates it
    assert names_from_file(url) is None
    fresh = Database(sqlite_url(tmp_path / "fresh.db"))
    await fresh.open()  # created, never synced: the usual way syncs first
    await fresh.close()
    assert names_from_file(sqlite_url(tmp_path / "fresh.db")) is None
    assert names_from_file(sqlite_url(tmp_path / "missing.db")) is None
    assert names_from_file("postgresql+asyncpg://u:p@localhost/db") is None
    (tmp_path / "garbage.db").write_bytes(b"not a database at all" * 100)
    assert names_from_file(sqlite_url(tmp_path / "garbage.db")) is None


def test_ask_in_a_synced_workspace_answers_without_loading_the_database_layer(
        imported_workspace: Path) -> None:
    code = ("import sys; from pmpc_tui.cli.main import main; code = main(['ask', '--explain', 'stop web-01']); "
            "print('sqlalchemy' in sys.modules, code)")
    done = subprocess.run([sys.executable, "-c", code], cwd=imported_workspace, capture_output=True, text=True,
                          check=False, timeout=60)
    assert '"stop vm web-01"' in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "False 0", done.stdout + done.stderr
