"""Import reads the cluster objects (the guests' firewall options among them) in a child process on the
other core (`pve/read_child.py`): the same answers and typed errors as in-process, in-process when the
child cannot start or dies, no secret where `ps` shows it, and no child left behind."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment, run_cli

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.pve.read_child import ChildReader
from pmpc_tui.simulator.server import SimulatorThread

OPTIONS = ["/nodes/pve1/qemu/101/firewall/options", "/nodes/pve2/qemu/102/firewall/options",
           "/nodes/pve1/qemu/101/firewall/rules", "/nodes/pve1/qemu/999/firewall/options", "/cluster/firewall/groups"]


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    with cli_environment(sim, tmp_path):
        yield tmp_path


def token_client(sim: SimulatorThread) -> PVEClient:
    user, name = sim.info.token_id.split("!", 1)
    return PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret,
                                        fingerprint=sim.info.fingerprint))


def imported(home: Path, name: str) -> tuple[int, dict[str, str]]:
    """Import into a new workspace: the exit code and its object files (the guests' own files left out)."""
    ws = home / name
    assert run_cli(home, "init", str(ws)) == 0
    code = run_cli(ws, "import")
    return code, {p.name: p.read_text() for p in sorted((ws / "terraform").glob("*.tf"))
                  if not p.name.startswith(("vm-", "ct-"))}


def import_output(home: Path, name: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str], str]:
    capsys.readouterr()
    code, files = imported(home, name)
    out = capsys.readouterr()
    return code, files, (out.out + out.err).replace(str(home / name), "WS")


def no_interpreter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Python to start a child with: every child process import would start fails to."""
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python-here"))


def children_reading() -> list[int]:
    """The reader children of this process still alive."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if ppid == os.getpid() and b"read_child" in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def same(answers: list[object], expected: list[object]) -> None:
    """Equal answers; errors of the same type with the same message, hint and status."""
    assert len(answers) == len(expected)
    for got, want in zip(answers, expected, strict=True):
        if isinstance(want, PVEError):
            assert type(got) is type(want) and (str(got), got.status) == (str(want), want.status)  # type: ignore[attr-defined]
        else:
            assert got == want


def test_import_writes_every_guest_firewall_the_same_as_reading_in_process(
        home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, files, out = import_output(home, "child", capsys)
    assert code == 0 and "firewall.tf" in files
    assert 'resource "proxmox_virtual_environment_firewall_options" "vm_101"' in files["firewall.tf"]
    no_interpreter(monkeypatch, home)
    code2, files2, out2 = import_output(home, "in-process", capsys)
    assert code2 == 0
    assert files2 == files  # every object file, the guests' firewall options and rules among them
    assert [line for line in out.splitlines() if "firewall" in line] == \
        [line for line in out2.splitlines() if "firewall" in line]


def test_a_pve_error_on_one_guest_firewall_read_is_reported_as_before(
        sim: SimulatorThread, home: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    fault = {"rate": 1.0, "kinds": ["error"], "path_regex": "/qemu/101/firewall/options$", "methods": ["GET"]}
    sim.control("POST", "/faults", fault)
    code, files, out = import_output(home, "child", capsys)
    sim.control("POST", "/faults", fault)  # the same fault, from its start
    no_interpreter(monkeypatch, home)
    code2, files2, out2 = import_output(home, "in-process", capsys)
    assert (code, files) == (code2, files2)
    assert [line for line in out.splitlines() if "101" in line or "firewall" in line] == \
        [line for line in out2.splitlines() if "101" in line or "firewall" in line]

    async def both() -> tuple[list[object], list[object]]:
        async with token_client(sim) as client:
            reader = await ChildReader.start(client)
            try:
                assert reader.in_child
                return await reader.get_many(OPTIONS), await client.get_many(OPTIONS)
            finally:
                await reader.close()

    monkeypatch.undo()  # Python to start the child with again
    sim.control("POST", "/faults", fault)
    from_child, in_process = asyncio.run(both())
    same(from_child, in_process)
    assert isinstance(from_child[0], PVEError) and isinstance(from_child[3], PVEError)  # the fault; no guest 999


def test_import_reads_in_process_when_the_child_cannot_start(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_interpreter(monkeypatch, home)
    code, files = imported(home, "ws")
    assert code == 0
    assert 'resource "proxmox_virtual_environment_firewall_options" "vm_101"' in files["firewall.tf"]


def test_a_child_that_dies_leaves_its_reads_to_this_process(sim: SimulatorThread) -> None:
    async def go() -> None:
        async with token_client(sim) as client:
            reader = await ChildReader.start(client)
            assert reader.in_child and reader.process is not None
            reader.process.kill()
            await reader.process.wait()
            same(await reader.get_many(OPTIONS), await client.get_many(OPTIONS))
            assert not reader.in_child  # the next batches are read in-process too
            await reader.close()

    asyncio.run(go())


def test_a_large_batch_is_shared_by_two_children_and_a_dead_ones_half_read_in_process(sim: SimulatorThread) -> None:
    many = OPTIONS * 90  # 450 paths: a half each

    async def go() -> None:
        async with token_client(sim) as client:
            reader = await ChildReader.start(client, children=2)
            try:
                assert len(reader.processes) == 2
                expected = await client.get_many(many)
                same(await reader.get_many(many), expected)
                reader.processes[1].kill()
                await reader.processes[1].wait()
                same(await reader.get_many(many), expected)
                assert len(reader.processes) == 1
            finally:
                await reader.close()

    asyncio.run(go())


def test_no_secret_reaches_the_childs_command_line_or_environment(
        sim: SimulatorThread, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_TOKEN", sim.info.token_secret)  # a secret source in this process's environment

    async def go(client: PVEClient, secrets: list[str]) -> None:
        async with client:
            ticket = client.current_ticket()
            reader = await ChildReader.start(client)
            try:
                assert reader.in_child and reader.process is not None
                shown = (Path(f"/proc/{reader.process.pid}/cmdline").read_bytes()
                         + Path(f"/proc/{reader.process.pid}/environ").read_bytes()).decode("utf-8", "replace")
                for secret in [*secrets, *(ticket or ())]:
                    assert secret not in shown
                assert not isinstance((await reader.get_many(["/version"]))[0], PVEError)  # logged in all the same
            finally:
                await reader.close()

    asyncio.run(go(token_client(sim), [sim.info.token_secret]))
    password = PVEClient(ConnectionSettings(sim.info.url, sim.info.user, password=sim.info.password,
                                            fingerprint=sim.info.fingerprint))
    asyncio.run(go(password, [sim.info.password]))


def test_a_wrong_pinned_fingerprint_fails_in_the_child_as_in_process(sim: SimulatorThread) -> None:
    async def go() -> None:
        user, name = sim.info.token_id.split("!", 1)
        wrong = "AA:" * 31 + "AA"
        client = PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=wrong),
                           read_retries=0)
        async with client:
            reader = await ChildReader.start(client)
            try:
                assert reader.in_child
                same(await reader.get_many(["/version"]), await client.get_many(["/version"]))
            finally:
                await reader.close()

    asyncio.run(go())


def test_interrupting_import_stops_its_reader_child(sim: SimulatorThread) -> None:
    from pmpc_tui.services.cluster_objects import read_objects_apart

    async def go() -> None:
        sim.control("POST", "/faults", {"latency_ms": 300})
        async with token_client(sim) as client:
            task = asyncio.ensure_future(read_objects_apart(client))
            for _ in range(100):
                await asyncio.sleep(0.05)
                if children_reading():
                    break
            assert children_reading()
            task.cancel()  # what Ctrl-C does to the command's task
            with pytest.raises(asyncio.CancelledError):
                await task
            assert not children_reading()

    asyncio.run(go())


def test_the_childs_short_way_answers_as_the_client_and_leaves_every_failure_to_it(sim: SimulatorThread) -> None:
    from pmpc_tui.pve.read_lean import AGAIN, LeanGets

    async def go(client: PVEClient) -> None:
        async with client:
            lean = LeanGets.for_client(client)
            assert lean is not None  # a pinned fingerprint: the pool checks it
            try:
                seen: list[tuple[str, int]] = []
                got = lean.get_many(OPTIONS, lambda method, path, status, elapsed: seen.append((path, status)))
                expected = await client.get_many(OPTIONS)
                assert [g for g in got if g is not AGAIN] == [e for e, g in zip(expected, got, strict=True)
                                                              if g is not AGAIN]
                assert got[3] is AGAIN and isinstance(expected[3], PVEError)  # no guest 999: the client says so
                assert sum(g is not AGAIN for g in got) == 4 and len(seen) == 4
            finally:
                lean.close()

    asyncio.run(go(token_client(sim)))
    asyncio.run(go(PVEClient(ConnectionSettings(sim.info.url, sim.info.user, password=sim.info.password,
                                                fingerprint=sim.info.fingerprint))))

    async def unpinned() -> LeanGets | None:
        user, name = sim.info.token_id.split("!", 1)
        async with PVEClient(ConnectionSettings(sim.info.url, user, name, sim.info.token_secret,
                                                verify_tls=False)) as client:
            return LeanGets.for_client(client)

    assert asyncio.run(unpinned()) is None  # CA verification: always the client's way
