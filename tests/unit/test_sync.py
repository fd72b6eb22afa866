"""Sync as an operator relies on it: the whole cluster lands in the state DB, and a sync that fails
(on the network or while writing) leaves the DB exactly as it was."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlmodel import SQLModel, select

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import ConnectionFailed, ServerError
from pmpc_tui.services import sync as sync_module
from pmpc_tui.services.sync import SyncService
from pmpc_tui.simulator.server import SimulatorInfo, SimulatorThread
from pmpc_tui.state.db import Database, sqlite_url
from pmpc_tui.state.models import VM, Container, Network, Node, Storage, SyncRun, Task

HOMELAB = {"nodes": 3, "vms": 11, "containers": 7, "storages": 12, "networks": 12}
PVE3_GUESTS = {"vms": {108, 110}, "containers": {204, 205}}


def settings(info: SimulatorInfo) -> ConnectionSettings:
    user, name = info.token_id.split("!", 1)
    return ConnectionSettings(info.url, user, name, info.token_secret, fingerprint=info.fingerprint)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(sqlite_url(tmp_path / "state.db"))
    await database.create_all()
    yield database
    await database.close()


@pytest.fixture
async def client(sim: SimulatorThread) -> AsyncIterator[PVEClient]:
    async with PVEClient(settings(sim.info), backoff=0.01) as c:
        yield c


async def dump(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    async with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = await conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}'))
            out[table.name] = [tuple(row) for row in rows]
    return out


async def rows(db: Database, model: Any) -> dict[Any, Any]:
    async with db.session() as session:
        found = (await session.exec(select(model))).all()
    key = next(iter(model.__table__.primary_key.columns)).name
    return {getattr(obj, key): obj for obj in found}


async def run_task(client: PVEClient, method: str, path: str, **params: Any) -> None:
    upid = await client.request(method, path, params)
    status = await client.wait_task(upid, poll=0.01)
    assert status["exitstatus"] == "OK"


# --- a full sync -----------------------------------------------------------------------------------
async def test_sync_records_the_whole_homelab(client: PVEClient, db: Database) -> None:
    progress: list[tuple[int, int, str]] = []
    result = await SyncService(client, db).run(lambda done, total, msg: progress.append((done, total, msg)))

    assert {k: getattr(result, k) for k in HOMELAB} == HOMELAB
    assert result.added == sum(HOMELAB.values()) and result.updated == 0 and result.removed == 0
    assert result.unreachable_nodes == []
    assert result.api_calls == 1 + 18 + 3 + 1  # resources, guest configs, node networks, tasks
    assert progress[-1][0] == progress[-1][1] == 18 + 3 + 1

    nodes = await rows(db, Node)
    assert sorted(nodes) == ["pve1", "pve2", "pve3"]
    assert nodes["pve2"].status == "online"
    assert (nodes["pve2"].maxcpu, nodes["pve2"].maxmem) == (16, 64 * 2**30)

    vms = await rows(db, VM)
    assert sorted(vms) == list(range(100, 111))
    web = vms[101]
    assert (web.name, web.node, web.status, web.tags) == ("web-01", "pve1", "running", "prod;web")
    assert web.config["ipconfig0"] == "ip=192.168.1.21/24,gw=192.168.1.1"
    assert web.config["net0"].startswith("virtio=BC:24:11:")
    assert "digest" not in web.config and len(web.digest) == 40
    assert vms[100].template and not web.template
    assert vms[103].config["description"] == "PostgreSQL 16 primary"
    assert all(vm.removed_at is None for vm in vms.values())

    cts = await rows(db, Container)
    assert sorted(cts) == list(range(200, 207))
    assert cts[200].config["hostname"] == "pihole" and cts[200].node == "pve1"
    assert cts[206].template

    storages = await rows(db, Storage)
    assert "storage/pve3/nas" in storages and storages["storage/pve3/nas"].shared
    assert storages["storage/pve1/local-lvm"].type == "lvmthin"
    assert storages["storage/pve1/local-lvm"].maxdisk == 900 * 2**30

    networks = await rows(db, Network)
    trunk = networks["pve2/vmbr1"]
    assert trunk.vlan_aware and trunk.bridge_ports == "eno2" and trunk.comments
    assert networks["pve1/vmbr0"].cidr == "192.168.1.11/24"

    runs = await rows(db, SyncRun)
    assert list(runs) == [result.run_id]
    run = runs[result.run_id]
    assert (run.status, run.nodes, run.vms, run.containers, run.storages, run.networks) == \
        ("ok", 3, 11, 7, 12, 12)  # storages: local, local-lvm, nas and pbs on each node
    assert (run.added, run.removed, run.api_calls) == (45, 0, result.api_calls)


async def test_sync_records_tasks(client: PVEClient, db: Database) -> None:
    upid = await client.post("/nodes/pve1/qemu/109/status/stop")  # fails: already stopped
    with pytest.raises(Exception, match="not running"):
        await client.wait_task(upid, poll=0.01)
    await SyncService(client, db).run()
    task = (await rows(db, Task))[upid]
    assert (task.node, task.type, task.target, task.status) == ("pve1", "qmstop", "109", "stopped")
    assert task.exitstatus == "VM 109 not running"


async def test_second_sync_marks_deleted_vm_removed_and_recreation_clears_it(
        client: PVEClient, db: Database) -> None:
    service = SyncService(client, db)
    await service.run()
    await run_task(client, "DELETE", "/nodes/pve1/qemu/109")

    second = await service.run()
    assert second.removed == 1 and second.vms == 10 and second.added == 0
    vms = await rows(db, VM)
    assert vms[109].removed_at is not None
    assert vms[109].name == "dev-sandbox"  # the last known state is kept
    assert [v for v, vm in vms.items() if vm.removed_at is not None] == [109]

    third = await service.run()
    assert third.removed == 0  # already marked; not counted again
    assert (await rows(db, VM))[109].removed_at == vms[109].removed_at

    await run_task(client, "POST", "/nodes/pve2/qemu", vmid=109, name="dev-sandbox-2", memory=1024,
                   scsi0="local-lvm:8", net0="virtio,bridge=vmbr0")
    fourth = await service.run()
    assert fourth.vms == 11 and fourth.removed == 0 and fourth.added == 0
    vm = (await rows(db, VM))[109]
    assert vm.removed_at is None
    assert (vm.name, vm.node) == ("dev-sandbox-2", "pve2")
    assert vm.config["scsi0"].startswith("local-lvm:vm-109-disk-0")
    assert len(await rows(db, SyncRun)) == 4


# --- failures leave the database untouched -----------------------------------------------------------
def change_cluster(sim: SimulatorThread) -> None:
    """Changes behind the tool's back, so a following sync has something to write."""
    sim.control("POST", "/guests/101/status", {"status": "stopped"})
    sim.control("POST", "/guests/102/config", {"memory": "4096", "description": "changed"})


@pytest.mark.parametrize(("kind", "path_regex", "error"), [
    ("error", "/config$", ServerError),
    ("drop", "/network$", ConnectionFailed),
    ("error", "/cluster/tasks$", ServerError),
])
async def test_fault_during_sync_leaves_every_table_as_it_was(
        sim: SimulatorThread, db: Database, kind: str, path_regex: str, error: type[Exception]) -> None:
    async with PVEClient(settings(sim.info), read_retries=0) as client:
        service = SyncService(client, db)
        await service.run()
        change_cluster(sim)
        before = await dump(db)
        sim.control("POST", "/faults", {"rate": 1.0, "kinds": [kind], "path_regex": path_regex})
        with pytest.raises(error):
            await service.run()
        assert sim.control("GET", "/state")["faults_injected"] >= 1
        assert await dump(db) == before
        assert len(before["syncrun"]) == 1

        sim.control("POST", "/faults", {"rate": 0.0})
        await service.run()  # the same sync succeeds once the faults stop ...
    after = await dump(db)
    assert after != before  # ... and it had changes to write
    vms = await rows(db, VM)
    assert vms[101].status == "stopped" and vms[102].config["description"] == "changed"
    assert len(after["syncrun"]) == 2


async def test_failure_while_writing_rolls_back_statements_already_sent(
        sim: SimulatorThread, client: PVEClient, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    service = SyncService(client, db)
    await service.run()
    change_cluster(sim)
    await run_task(client, "DELETE", "/nodes/pve1/qemu/109")
    before = await dump(db)

    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    def broken(node: str, n: dict[str, Any]) -> dict[str, Any]:
        raise RuntimeError("disk full")

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    monkeypatch.setattr(sync_module, "_network_values", broken)  # networks are written after guests
    with pytest.raises(RuntimeError, match="disk full"):
        await service.run()
    event.remove(db.engine.sync_engine, "before_cursor_execute", record)

    assert "UPDATE" in statements  # node/guest changes had reached the database ...
    assert await dump(db) == before  # ... and were rolled back


async def test_a_sync_is_written_in_exactly_one_transaction(sim: SimulatorThread, client: PVEClient,
                                                            db: Database) -> None:
    service = SyncService(client, db)
    await service.run()
    change_cluster(sim)
    commits: list[int] = []
    event.listen(db.engine.sync_engine, "commit", lambda _conn: commits.append(1))
    result = await service.run()
    assert result.updated >= 2
    assert len(commits) == 1


# --- an unreachable node ---------------------------------------------------------------------------
async def test_offline_node_keeps_its_guests_and_is_reported(sim: SimulatorThread, client: PVEClient,
                                                             db: Database) -> None:
    service = SyncService(client, db)
    await service.run()
    known_vms, known_cts, known_nets = await rows(db, VM), await rows(db, Container), await rows(db, Network)

    sim.control("POST", "/nodes/pve3", {"online": False})
    result = await service.run()

    assert result.unreachable_nodes == ["pve3"]
    assert result.removed == 0
    assert (result.vms, result.containers, result.networks) == (11, 7, 12)
    known_pve3 = (await rows(db, Node))["pve3"]
    assert known_pve3.status == "offline"
    assert known_pve3.maxmem > 0 and known_pve3.maxcpu > 0  # last known sizes kept, not zeroed
    vms, cts, nets = await rows(db, VM), await rows(db, Container), await rows(db, Network)
    checks = ((vms, known_vms, PVE3_GUESTS["vms"]), (cts, known_cts, PVE3_GUESTS["containers"]))
    for model_rows, known, ids in checks:
        for vmid in ids:
            guest = model_rows[vmid]
            assert guest.removed_at is None
            assert guest.status == "unknown"
            assert guest.config == known[vmid].config and guest.config  # last known config kept
            assert guest.digest == known[vmid].digest
    pve3_nets = {k: v for k, v in nets.items() if v.node == "pve3"}
    assert len(pve3_nets) == 4
    assert all(n.removed_at is None and n.cidr == known_nets[k].cidr for k, n in pve3_nets.items())

    sim.control("POST", "/nodes/pve3", {"online": True})
    back = await service.run()
    assert back.unreachable_nodes == [] and back.removed == 0
    assert (await rows(db, VM))[108].status == "running"


async def test_interface_removed_before_its_node_went_offline_stays_removed(
        sim: SimulatorThread, client: PVEClient, db: Database) -> None:
    service = SyncService(client, db)
    await service.run()

    def drop_eno2() -> None:
        node = sim.sim.cluster.nodes["pve3"]
        node.networks = [n for n in node.networks if n["iface"] != "eno2"]

    sim.call(drop_eno2)
    assert (await service.run()).removed == 1
    removed_at = (await rows(db, Network))["pve3/eno2"].removed_at
    assert removed_at is not None

    sim.control("POST", "/nodes/pve3", {"online": False})
    result = await service.run()
    nets = await rows(db, Network)
    assert nets["pve3/eno2"].removed_at == removed_at  # unknown now, but it was gone: not brought back
    assert nets["pve3/vmbr0"].removed_at is None
    assert result.networks == 11
