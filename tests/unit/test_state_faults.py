"""A damaged, unreachable or foreign state database: short errors naming it and the fix, `state check`,
`state rebuild`, and schema upgrades that keep the apply journal (SQLite and a real PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from postgres_support import _free_port
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from pmpc_tui.cli.main import main
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.state import schema
from pmpc_tui.state.db import Database, sqlite_url
from pmpc_tui.state.errors import StateDatabaseError, StateDatabaseNewer
from pmpc_tui.state.models import VM, ApplyRun, ApplyStep

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "s3cret-pw-9x"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_sim: SimulatorThread) -> Path:
    """A profile 'lab' on the simulator and a synced state DB; returns the DB's path."""
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.delenv("PMPC_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_TOKEN", shared_sim.info.token_secret)
    assert main(["connect", "lab", "--url", shared_sim.info.url, "--token-id", shared_sim.info.token_id,
                 "--secret-env", "LAB_TOKEN", "--fingerprint", shared_sim.info.fingerprint]) == 0
    assert main(["sync"]) == 0
    return tmp_path / "state" / "lab" / "state.db"


def truncate(path: Path) -> None:
    """Cut off the end, as an interrupted copy or a full disk leaves it."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 5000])


def truncate_to_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def garbage_header(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"this is not sqlite at all, it is garbage. " * 3)


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something").write_text("x")


def damaged_inventory_page(path: Path) -> None:
    """Garbage over the VM table's first page; header, schema and journal pages are intact."""
    import sqlite3

    conn = sqlite3.connect(path)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'vm'").fetchone()[0]
    conn.close()
    with path.open("r+b") as fh:
        fh.seek((page - 1) * 4096)
        fh.write(b"\xff" * 4096)


FAULTS: dict[str, Callable[[Path], None]] = {"truncated": truncate, "garbage header": garbage_header,
                                             "directory in its place": directory}


def err_of(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


async def add_journal(path: Path) -> None:
    """An interrupted apply with two steps, as `apply` journals it."""
    db = Database(sqlite_url(path))
    await db.open()
    async with db.transaction() as session:
        session.add(ApplyRun(id=7, workspace="/srv/iac", status="interrupted", plan={"changes": 2}, summary="+2"))
        session.add(ApplyStep(id=1, run_id=7, address="proxmox_virtual_environment_vm.web_03", action="create",
                              status="done", upid="UPID:pve1:1"))
        session.add(ApplyStep(id=2, run_id=7, address="proxmox_virtual_environment_vm.web_04", action="create",
                              status="running"))
    await db.close()


async def journal_of(db: Database) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    async with db.session() as session:
        runs = [(r.id or 0, r.status, r.workspace) for r in (await session.exec(select(ApplyRun))).all()]
        steps = [(s.id or 0, s.status) for s in (await session.exec(select(ApplyStep).order_by(ApplyStep.id))).all()]  # type: ignore[arg-type]
    return runs, steps


# ---- every command that opens the database: one short error, the documented code ----------------

@pytest.mark.parametrize("fault", FAULTS)
def test_a_damaged_state_db_stops_sync_with_a_short_error_naming_the_file_and_the_fix(
        cli: Path, fault: str, capsys: pytest.CaptureFixture[str]) -> None:
    FAULTS[fault](cli)
    rc, _out, err = err_of(capsys, "sync")
    assert rc == ExitCode.ERROR
    assert err.startswith(f"error: the state database {cli} ")
    assert "proxmox-mpc state rebuild" in err and "Traceback" not in err and len(err.splitlines()) == 2


@pytest.mark.parametrize("fault", FAULTS)
def test_health_and_report_issue_still_work_and_call_a_damaged_db_critical(
        cli: Path, fault: str, capsys: pytest.CaptureFixture[str]) -> None:
    FAULTS[fault](cli)
    rc, out, _err = err_of(capsys, "health", "-o", "json")
    assert rc == ExitCode.ERROR
    database = next(c for c in json.loads(out) if c["check"] == "database")
    assert database["status"] == "critical" and str(cli) in database["detail"]
    assert "state rebuild" in database["next_step"]
    assert next(c for c in json.loads(out) if c["check"] == "api")["status"] != "critical"  # the API still works

    rc, out, err = err_of(capsys, "report-issue", "sync fails", "-o", "json")
    assert rc == ExitCode.OK and "state database cannot be used" in err
    with zipfile.ZipFile(json.loads(out)["bundle"]) as bundle:
        health = json.loads(bundle.read("health.json"))
        state = json.loads(bundle.read("state.json"))
    assert next(c for c in health if c["check"] == "database")["status"] == "critical"
    assert state["ok"] is False and state["database"] == str(cli)


def test_commands_that_do_not_need_the_state_db_are_unaffected_by_a_damaged_one(
        cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    garbage_header(cli)
    rc, out, _err = err_of(capsys, "list", "vms", "-o", "json")
    assert rc == ExitCode.OK and len(json.loads(out)) == 11


def test_the_real_process_prints_no_traceback_for_a_damaged_db(cli: Path, tmp_path: Path) -> None:
    truncate(cli)
    done = subprocess.run([sys.executable, "-m", "pmpc_tui.cli.main", "sync"], capture_output=True, text=True,
                          timeout=120, env=os.environ.copy(), cwd=tmp_path)
    assert done.returncode == ExitCode.ERROR
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert f"the state database {cli} is damaged (truncated" in done.stderr


def test_a_damage_found_while_reading_is_the_same_short_error(cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    size = cli.stat().st_size
    with cli.open("r+b") as fh:  # the header is fine; the pages after the first are not
        fh.seek(4096)
        fh.write(b"\xff" * (size - 4096))
    rc, _out, err = err_of(capsys, "sync")
    assert rc == ExitCode.ERROR and f"the state database {cli} is damaged" in err and "Traceback" not in err


# ---- state check ------------------------------------------------------------------------------

def test_state_check_reports_a_healthy_db_with_its_schema_version(cli: Path, capsys: pytest.CaptureFixture[str]
                                                                  ) -> None:
    rc, out, _ = err_of(capsys, "state", "check", "-o", "json")
    report = json.loads(out)
    assert rc == ExitCode.OK and report["ok"] is True and report["database"] == str(cli)
    assert {c["check"]: c["status"] for c in report["checks"]} == {
        "file": "ok", "connect": "ok", "integrity": "ok", "schema": "ok", "apply journal": "ok"}
    assert report["schema"]["version"] == schema.HEAD


@pytest.mark.parametrize("fault", FAULTS)
def test_state_check_names_what_is_wrong_and_changes_nothing(cli: Path, fault: str,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    FAULTS[fault](cli)
    before = sorted(p.name for p in cli.parent.iterdir())
    rc, out, _ = err_of(capsys, "state", "check")
    assert rc == ExitCode.ERROR and "FAIL" in out and "state rebuild" in out
    assert sorted(p.name for p in cli.parent.iterdir()) == before


# ---- state rebuild -----------------------------------------------------------------------------

@pytest.mark.parametrize("damage", [truncate, damaged_inventory_page], ids=["truncated", "a damaged VM page"])
def test_rebuild_keeps_the_apply_journal_when_it_can_be_read_and_resyncs(
        cli: Path, damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(add_journal(cli))
    damage(cli)
    assert err_of(capsys, "sync")[0] == ExitCode.ERROR
    rc, out, _ = err_of(capsys, "state", "rebuild", "--yes", "-o", "json")
    result = json.loads(out)
    assert rc == ExitCode.OK and result["journal_kept"] is True and result["sync_error"] is None
    assert result["journal"] == "1 applies and 2 steps kept"
    broken = [p for p in cli.parent.iterdir() if p.name.startswith("state.db.broken-")]
    assert len(broken) == 1 and broken[0].stat().st_size > 0

    async def read_back() -> tuple[object, int]:
        db = Database(sqlite_url(cli))
        await db.open()
        try:
            async with db.session() as session:
                return await journal_of(db), len((await session.exec(select(VM))).all())
        finally:
            await db.close()

    journal, vms = asyncio.run(read_back())
    assert journal == ([(7, "interrupted", "/srv/iac")], [(1, "done"), (2, "running")])
    assert vms == 11  # re-synced from the cluster
    assert err_of(capsys, "state", "check")[0] == ExitCode.OK


def test_rebuild_keeps_the_journal_of_a_db_written_by_an_older_version(cli: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    for suffix in ("", "-wal", "-shm"):
        cli.with_name(cli.name + suffix).unlink(missing_ok=True)
    asyncio.run(make_old_database(Database(sqlite_url(cli)), versioned=True))  # schema 0001: no tool_version
    damaged_inventory_page(cli)
    rc, out, _ = err_of(capsys, "state", "rebuild", "--yes", "-o", "json")
    assert rc == ExitCode.OK and json.loads(out)["journal"] == "1 applies and 2 steps kept"

    async def read_back() -> tuple[object, list[str]]:
        db = Database(sqlite_url(cli))
        await db.open()
        try:
            async with db.session() as session:
                versions = [r.tool_version for r in (await session.exec(select(ApplyRun))).all()]
            return await journal_of(db), versions
        finally:
            await db.close()

    journal, versions = asyncio.run(read_back())
    assert journal == ([(7, "interrupted", "/srv/iac")], [(1, "done"), (2, "running")]) and versions == [""]


@pytest.mark.parametrize("damage", [garbage_header, directory, truncate_to_half],
                         ids=["garbage header", "directory in its place", "truncated to half"])
def test_rebuild_says_clearly_when_the_journal_could_not_be_read(cli: Path, damage: Callable[[Path], None],
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(add_journal(cli))
    damage(cli)
    rc, out, _ = err_of(capsys, "state", "rebuild", "--yes")
    assert rc == ExitCode.OK
    assert "apply journal: lost:" in out and "synced 3 nodes, 11 VMs" in out
    assert err_of(capsys, "sync")[0] == ExitCode.OK


def test_rebuild_dry_run_and_a_missing_confirmation_change_nothing(cli: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    truncate(cli)
    data = cli.read_bytes()
    rc, out, _ = err_of(capsys, "state", "rebuild", "--dry-run")
    assert rc == ExitCode.OK and "dry run, nothing changed" in out and "state.db.broken-" in out
    rc, _, err = err_of(capsys, "state", "rebuild")  # no terminal to ask, no --yes
    assert rc == ExitCode.REFUSED and "--yes" in err
    assert cli.read_bytes() == data and [p.name for p in cli.parent.iterdir()] == ["state.db"]


def test_rebuild_reports_a_failed_resync_but_leaves_a_working_db(cli: Path, shared_sim: SimulatorThread,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    garbage_header(cli)
    monkeypatch.setenv("LAB_TOKEN", "wrong-secret")
    rc, out, _ = err_of(capsys, "state", "rebuild", "--yes")
    assert rc == ExitCode.ERROR and "the re-sync failed" in out and "proxmox-mpc sync" in out
    monkeypatch.setenv("LAB_TOKEN", shared_sim.info.token_secret)
    assert err_of(capsys, "state", "check")[0] == ExitCode.OK


# ---- the console -------------------------------------------------------------------------------

async def test_the_console_says_at_start_up_that_the_workspace_db_is_damaged(shared_sim: SimulatorThread,
                                                                            tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from tui_support import editor_app, settle

    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_DATABASE_URL", raising=False)
    (tmp_path / "proxmox-mpc.yaml").write_text("profile: demo\n")
    db_path = tmp_path / ".proxmox-mpc" / "state.db"
    db_path.parent.mkdir()
    db_path.write_bytes(b"garbage" * 100)
    app = editor_app(shared_sim, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        shown = [n for n in app._notifications if n.title == "State database cannot be used"]
        assert shown and str(db_path) in shown[0].message and "state rebuild" in shown[0].message


# ---- an unreachable PostgreSQL -----------------------------------------------------------------

@pytest.fixture
def unreachable_pg(cli: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"postgresql://pmpc:{PASSWORD}@127.0.0.1:{_free_port()}/pmpc"  # nothing listens there
    monkeypatch.setenv("PMPC_DATABASE_URL", url)
    return url.replace(PASSWORD, "***")


def test_an_unreachable_postgresql_gives_a_short_error_with_the_password_masked(
        unreachable_pg: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = err_of(capsys, "sync")
    assert rc == ExitCode.ERROR and f"cannot connect to the state database {unreachable_pg}" in err
    assert "PMPC_DATABASE_URL" in err and PASSWORD not in out + err and "Traceback" not in err

    rc, out, err = err_of(capsys, "health", "-o", "json")
    database = next(c for c in json.loads(out) if c["check"] == "database")
    assert rc == ExitCode.ERROR and database["status"] == "critical" and unreachable_pg in database["detail"]

    rc, out, err = err_of(capsys, "report-issue", "no state", "-o", "json")
    assert rc == ExitCode.OK
    with zipfile.ZipFile(json.loads(out)["bundle"]) as bundle:
        assert all(PASSWORD not in bundle.read(name).decode() for name in bundle.namelist())

    rc, out, _ = err_of(capsys, "state", "check", "-o", "json")
    report = json.loads(out)
    assert rc == ExitCode.ERROR and report["checks"][0]["check"] == "connect" and PASSWORD not in out
    rc, _, err = err_of(capsys, "state", "rebuild", "--yes")
    assert rc == ExitCode.ERROR and "not touched" in err and PASSWORD not in err


# ---- schema versions and upgrades --------------------------------------------------------------

async def make_old_database(db: Database, *, versioned: bool) -> None:
    """The schema as the baseline revision built it, an interrupted apply and a VM in it."""
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.run_sync(lambda c: schema.migrate(c, "0001"))
        await conn.execute(text("INSERT INTO applyrun (id, workspace, started_at, status, plan, summary) "
                                "VALUES (7, '/srv/iac', '2026-01-02 03:04:05+00:00', 'interrupted', '{}', '+2')"))
        await conn.execute(text("INSERT INTO applystep (id, run_id, address, action, status) VALUES "
                                "(1, 7, 'proxmox_virtual_environment_vm.web_03', 'create', 'done'), "
                                "(2, 7, 'proxmox_virtual_environment_vm.web_04', 'create', 'running')"))
        await conn.execute(text("INSERT INTO vm (vmid, name, node, status, template, tags, cpus, cpu, mem, maxmem, "
                                "disk, maxdisk, uptime, config, digest, last_seen) VALUES (101, 'web-01', 'pve1', "
                                "'running', false, 'web', 2, 0, 0, 2147483648, 0, 0, 0, '{}', 'abc', "
                                "'2026-01-02 03:04:05+00:00')"))
        if not versioned:
            await conn.execute(text("DROP TABLE alembic_version"))
    await db.close()


async def columns_of(db: Database) -> dict[str, set[str]]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(lambda c: {t: {col["name"] for col in inspect(c).get_columns(t)}
                                              for t in inspect(c).get_table_names()})


async def assert_upgraded(url: str, fresh_url: str) -> None:
    db = Database(url)
    await db.open()
    try:
        assert db.migrated and db.migrated.endswith(f"to {schema.HEAD}")
        runs, steps = await journal_of(db)
        assert runs == [(7, "interrupted", "/srv/iac")] and steps == [(1, "done"), (2, "running")]
        async with db.session() as session:
            run = (await session.exec(select(ApplyRun))).one()
            vm = (await session.exec(select(VM))).one()
        assert run.tool_version == "" and vm.name == "web-01" and vm.maxmem == 2 * 2**30
        fresh = Database(fresh_url)
        await fresh.open()
        try:
            assert await columns_of(db) == await columns_of(fresh)  # migrated == created new
        finally:
            await fresh.close()
    finally:
        await db.close()
    again = Database(url)
    await again.open()
    await again.close()
    assert again.migrated is None  # the second open finds it current


@pytest.mark.parametrize("versioned", [True, False], ids=["schema 0001", "before versioning"])
async def test_an_older_sqlite_db_is_migrated_and_keeps_the_apply_journal(tmp_path: Path, versioned: bool) -> None:
    url = sqlite_url(tmp_path / "old.db")
    await make_old_database(Database(url), versioned=versioned)
    await assert_upgraded(url, sqlite_url(tmp_path / "fresh.db"))


async def test_several_commands_opening_a_new_or_old_db_at_once_all_succeed(tmp_path: Path) -> None:
    old_url = sqlite_url(tmp_path / "old.db")
    await make_old_database(Database(old_url), versioned=False)
    for url in (sqlite_url(tmp_path / "new.db"), old_url):
        dbs = [Database(url) for _ in range(4)]
        try:
            await asyncio.gather(*(db.open() for db in dbs))
            assert sum(1 for db in dbs if db.migrated) == 1  # one did the work, the others found it done
            async with dbs[0].session() as session:
                versions = (await session.exec(text("SELECT version_num FROM alembic_version"))).all()  # type: ignore[call-overload]
            assert [v[0] for v in versions] == [schema.HEAD]
        finally:
            for db in dbs:
                await db.close()
    db = Database(old_url)
    await db.open()
    try:
        assert (await journal_of(db))[0] == [(7, "interrupted", "/srv/iac")]
    finally:
        await db.close()


def downgrade_to_baseline(path: Path) -> None:
    """The file as the release before schema 0002 left it (through the shipped migrations' downgrade)."""
    import sqlalchemy
    from alembic import command
    from alembic.config import Config

    engine = sqlalchemy.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(schema.MIGRATIONS))
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    engine.dispose()


def test_an_apply_cut_short_before_an_upgrade_is_resumed_after_it(
        sim: SimulatorThread, imported_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from iac_support import run_cli

    ws = imported_workspace
    for vmid in (150, 151):
        assert run_cli(ws, "create", "vm", "--name", f"app-{vmid}", "--node", "pve1", "--cores", "1",
                       "--memory", "512", "--disk", "8", "--vmid", str(vmid)) == 0
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["error"], "path_regex": "^/api2/json/nodes/pve1/qemu$",
                                    "methods": ["POST"], "remaining": 1})
    assert run_cli(ws, "apply", "--auto-approve") == 1  # the create of 151 fails: the apply is unfinished
    db_path = ws / ".proxmox-mpc" / "state.db"
    downgrade_to_baseline(db_path)
    capsys.readouterr()
    assert run_cli(ws, "state", "check") == ExitCode.OK
    assert f"migrated to {schema.HEAD} on next use" in capsys.readouterr().out

    assert run_cli(ws, "apply", "--resume") == 0  # opens (and migrates) the old file, finds the journal
    names = sim.call(lambda: [g.name for g in sim.sim.cluster.guests.values()])
    assert names.count("app-150") == 1 and names.count("app-151") == 1
    capsys.readouterr()
    assert run_cli(ws, "state", "check", "-o", "json") == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["schema"]["version"] == schema.HEAD


def test_a_db_from_a_newer_proxmox_mpc_is_refused_and_left_as_it_was(
        cli: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def stamp_newer() -> None:
        db = Database(sqlite_url(cli))
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        await db.close()

    asyncio.run(stamp_newer())
    data = cli.read_bytes()
    rc, _, err = err_of(capsys, "sync")
    assert rc == ExitCode.ERROR and "written by a newer proxmox-mpc (schema 0099" in err and "Upgrade" in err
    rc, out, _ = err_of(capsys, "state", "check", "-o", "json")
    assert rc == ExitCode.ERROR and json.loads(out)["schema"]["newer"] is True
    assert cli.read_bytes() == data
    with pytest.raises(StateDatabaseNewer):
        asyncio.run(Database(sqlite_url(cli)).open())


async def test_tables_that_are_not_ours_are_refused_not_misread(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path / "odd.db"))
    async with db.engine.begin() as conn:
        await conn.execute(text("CREATE TABLE applyrun (id INTEGER PRIMARY KEY, something TEXT)"))
    await db.close()
    with pytest.raises(StateDatabaseError, match="does not recognise"):
        await Database(sqlite_url(tmp_path / "odd.db")).open()


def test_the_shipped_migrations_match_the_known_revisions() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(schema.MIGRATIONS))
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(chain) == schema.REVISIONS and scripts.get_current_head() == schema.HEAD
    assert (schema.MIGRATIONS / "env.py").is_file()
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"state/migrations/versions/*.py"' in pyproject  # shipped as package data


def test_help_and_opening_a_current_db_do_not_import_alembic(tmp_path: Path) -> None:
    code = (
        "import asyncio, sys\n"
        "from pmpc_tui.cli.main import build_parser\n"
        "build_parser().format_help()\n"
        "assert 'alembic' not in sys.modules and 'sqlalchemy' not in sys.modules\n"
        "from pmpc_tui.state.db import Database, sqlite_url\n"
        "async def go():\n"
        "    for _ in range(2):\n"
        f"        db = Database(sqlite_url({str(tmp_path / 'new.db')!r}))\n"
        "        await db.open()\n"
        "        await db.close()\n"
        "asyncio.run(go())\n"
        "print('alembic' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


# ---- the same on PostgreSQL ---------------------------------------------------------------------

@pytest.fixture
async def pg_clean(postgres_url: str) -> AsyncIterator[str]:
    yield postgres_url
    db = Database(postgres_url)
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
    await db.close()


@pytest.mark.parametrize("versioned", [True, False], ids=["schema 0001", "before versioning"])
async def test_an_older_postgresql_db_is_migrated_and_keeps_the_apply_journal(pg_clean: str, tmp_path: Path,
                                                                            versioned: bool) -> None:
    await make_old_database(Database(pg_clean), versioned=versioned)
    await assert_upgraded(pg_clean, sqlite_url(tmp_path / "fresh.db"))


async def test_a_newer_postgresql_db_is_refused(pg_clean: str) -> None:
    db = Database(pg_clean)
    await db.open()
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    await db.close()
    with pytest.raises(StateDatabaseNewer, match="schema 0099"):
        await Database(pg_clean).open()


# ---- the MCP server ----------------------------------------------------------------------------

async def test_mcp_tools_return_the_error_and_health_calls_the_db_critical(sim: SimulatorThread,
                                                                           tmp_path: Path) -> None:
    from iac_support import cli_environment, run_cli
    from mcp import Client
    from mcp_support import error, payload, server

    def workspace() -> None:
        with cli_environment(sim, tmp_path):
            assert run_cli(tmp_path, "init", str(tmp_path / "ws")) == 0
            assert run_cli(tmp_path / "ws", "import") == 0

    await asyncio.to_thread(workspace)
    db_path = tmp_path / "ws" / ".proxmox-mpc" / "state.db"
    garbage_header(db_path)
    async with Client(server(sim, tmp_path)) as client:
        synced = error(await client.call_tool("sync", {}))
        assert f"the state database {db_path} is damaged" in synced
        assert "next step:" in synced and "state rebuild" in synced
        health = payload(await client.call_tool("health", {}))  # the broken database is a check, not a failure
        database = next(c for c in health["checks"] if c["check"] == "database")
        assert database["status"] == "critical" and str(db_path) in database["detail"]


async def test_a_missing_postgresql_database_is_named_with_how_to_create_it(postgres_url: str) -> None:
    missing = postgres_url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(StateDatabaseError) as raised:
        await Database(missing).open()
    assert f"the state database {missing} does not exist on the server" in raised.value.message
    assert "createdb" in raised.value.hint
