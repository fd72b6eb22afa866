"""Password (ticket) profiles over a long session: tickets are renewed before they expire, a 401 logs in
again once, a wrong password fails at once. Real HTTPS against the simulator; nothing is mocked."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from iac_support import run_cli
from mcp import Client, StdioServerParameters

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import AuthenticationFailed
from pmpc_tui.simulator.server import SimulatorInfo, SimulatorOptions, SimulatorThread


def password_settings(info: SimulatorInfo, password: str | None = None, **extra: Any) -> ConnectionSettings:
    return ConnectionSettings(info.url, info.user, password=password or info.password, fingerprint=info.fingerprint,
                              **extra)


def logins(sim: SimulatorThread) -> dict[str, int]:
    return dict(sim.control("GET", "/state")["logins"])


def statuses(client: PVEClient) -> list[int]:
    """Every API answer's status as the client's observers (the API log) see it."""
    seen: list[int] = []
    client.observers.append(lambda method, path, status, elapsed: seen.append(status))
    return seen


async def test_a_long_password_session_keeps_working_after_every_ticket_expired(sim: SimulatorThread) -> None:
    async with PVEClient(password_settings(sim.info)) as client:
        assert len(await client.get("/nodes")) == 3
        sim.control("POST", "/tickets/expire")
        assert len(await client.get("/nodes")) == 3  # logged in again, the call repeated
        sim.control("POST", "/tickets/expire")
        upid = await client.post("/nodes/pve1/qemu/109/status/start")  # a write: the new CSRF token came along
        assert (await client.wait_task(upid, poll=0.02))["exitstatus"] == "OK"
    assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "running"
    assert logins(sim) == {"password": 3, "ticket": 0, "refused": 0}


async def test_the_ticket_is_renewed_before_it_expires() -> None:
    with SimulatorThread(SimulatorOptions(port=0, task_speed=0.02, ticket_lifetime=3)) as short:
        async with PVEClient(password_settings(short.info, ticket_renew_after=1.0)) as client:
            seen = statuses(client)
            for _ in range(9):  # 4.5 s: half again as long as one ticket lives
                assert len(await client.get("/nodes")) == 3
                await asyncio.sleep(0.5)
        assert seen == [200] * 9  # no call was ever refused: renewal came first
        counts = logins(short)
        assert counts["password"] >= 4 and counts["refused"] == 0


async def test_after_expiry_many_parallel_calls_log_in_again_only_once(sim: SimulatorThread) -> None:
    async with PVEClient(password_settings(sim.info)) as client:
        await client.get("/version")
        sim.control("POST", "/tickets/expire")
        results = await asyncio.gather(*(client.get(f"/nodes/{node}/status") for node in ("pve1", "pve2") * 10))
    assert len(results) == 20
    assert logins(sim)["password"] == 2


async def test_a_wrong_password_fails_with_one_attempt_only(sim: SimulatorThread) -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        async with PVEClient(password_settings(sim.info, password="not-the-password")) as client:
            await client.get("/nodes")
    assert caught.value.exit_code == 3 and "password" in caught.value.hint
    assert "not-the-password" not in str(caught.value) + caught.value.hint
    assert logins(sim) == {"password": 0, "ticket": 0, "refused": 1}


async def test_a_password_changed_during_the_session_fails_after_one_login_attempt(sim: SimulatorThread) -> None:
    async with PVEClient(password_settings(sim.info)) as client:
        await client.get("/nodes")

        def change_password() -> None:
            sim.sim.access.users["root@pam"].password = "rotated-elsewhere"
        sim.call(change_password)
        sim.control("POST", "/tickets/expire")
        with pytest.raises(AuthenticationFailed):
            await client.post("/nodes/pve1/qemu/109/status/start")
    assert logins(sim) == {"password": 1, "ticket": 0, "refused": 1}
    assert sim.call(lambda: sim.sim.cluster.guests[109].status) == "stopped"
    assert sim.control("GET", "/state")["writes"] == 1  # the refused start, answered 401, never ran


async def test_a_renewal_refused_for_a_changed_password_is_not_tried_again(sim: SimulatorThread) -> None:
    async with PVEClient(password_settings(sim.info, ticket_renew_after=0.5)) as client:
        await client.get("/nodes")

        def change_password() -> None:
            sim.sim.access.users["root@pam"].password = "rotated-elsewhere"
        sim.call(change_password)
        await asyncio.sleep(0.6)  # the next call renews first, and is refused
        with pytest.raises(AuthenticationFailed):
            await client.get("/nodes")
    assert logins(sim) == {"password": 1, "ticket": 0, "refused": 1}


async def test_token_profiles_are_unaffected_by_ticket_expiry(sim: SimulatorThread) -> None:
    user, name = sim.info.token_id.split("!", 1)
    settings = ConnectionSettings(sim.info.url, user, name, sim.info.token_secret, fingerprint=sim.info.fingerprint)
    async with PVEClient(settings) as client:
        await client.get("/nodes")
        sim.control("POST", "/tickets/expire")
        assert len(await client.get("/nodes")) == 3
    assert logins(sim) == {"password": 0, "ticket": 0, "refused": 0}


# --- through the CLI -----------------------------------------------------------------------------
@pytest.fixture
def password_profile(sim: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    """An active password profile 'pw' for the simulator, config and state under tmp_path."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
        mp.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
        for name in ("PMPC_PROFILE", "PMPC_DATABASE_URL", "PMPC_WORKSPACE"):
            mp.delenv(name, raising=False)
        mp.setenv("PW_SECRET", sim.info.password)
        assert run_cli(tmp_path, "connect", "pw", "--url", sim.info.url, "--user", sim.info.user,
                       "--secret-env", "PW_SECRET", "--fingerprint", sim.info.fingerprint) == 0
        yield tmp_path


def test_a_wrong_password_exits_3_after_one_attempt(sim: SimulatorThread, password_profile: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["PW_SECRET"] = "not-the-password"  # restored by the fixture's MonkeyPatch
    before = logins(sim)
    capsys.readouterr()
    assert run_cli(password_profile, "list", "vms") == 3
    out = capsys.readouterr()
    assert "not-the-password" not in out.out + out.err
    after = logins(sim)
    assert after["refused"] == before["refused"] + 1 and after["password"] == before["password"]
    assert sim.control("GET", "/state")["writes"] == 0


def test_the_workspace_test_command_works_with_a_password_profile(
        sim: SimulatorThread, password_profile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = password_profile / "ws"
    assert run_cli(password_profile, "init", str(ws)) == 0
    assert run_cli(ws, "import") == 0
    sim.control("POST", "/tickets/expire")  # the session's ticket is gone; the suite logs in by itself
    capsys.readouterr()
    assert run_cli(ws, "test") == 0
    out = capsys.readouterr().out
    assert "18 passed, 0 failed" in out
    assert sim.info.password not in out
    assert sim.info.password not in "".join(p.read_text() for p in (ws / "tests").iterdir() if p.is_file())


async def test_a_long_mcp_session_on_a_password_profile_outlives_its_ticket(sim: SimulatorThread,
                                                                         password_profile: Path) -> None:
    env = {"PMPC_CONFIG_DIR": str(password_profile / "config"), "PMPC_STATE_DIR": str(password_profile / "state"),
           "PW_SECRET": sim.info.password, "PATH": "/usr/bin:/bin"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "pmpc_tui", "mcp", "--read-only"], env=env,
                                   cwd=str(password_profile))
    async with Client(params) as client:
        first = await client.call_tool("list_guests", {"kind": "ct"})
        sim.control("POST", "/tickets/expire")
        second = await client.call_tool("list_guests", {"kind": "ct"})
    assert not first.is_error and not second.is_error, second.content[0].text
    assert len(second.structured_content["guests"]) == len(first.structured_content["guests"]) == 7
    assert logins(sim)["refused"] == 0


# --- the simulator's side ------------------------------------------------------------------------
def test_the_simulator_expires_tickets_on_request_and_renews_a_valid_one() -> None:
    with SimulatorThread(SimulatorOptions(port=0, ticket_lifetime=2)) as short, \
            httpx.Client(base_url=f"{short.info.url}/api2/json", verify=False, timeout=10) as http:
        def login(password: str) -> httpx.Response:
            return http.post("/access/ticket", data={"username": short.info.user, "password": password})

        first = login(short.info.password).json()["data"]["ticket"]
        renewed = login(first)
        assert renewed.status_code == 200  # a valid ticket renews itself
        second = renewed.json()["data"]["ticket"]
        assert http.get("/version", headers={"Cookie": f"PVEAuthCookie={second}"}).status_code == 200
        short.control("POST", "/tickets/expire")
        assert http.get("/version", headers={"Cookie": f"PVEAuthCookie={second}"}).status_code == 401
        assert login(second).status_code == 401  # an expired ticket cannot renew itself
        third = login(short.info.password).json()["data"]["ticket"]
        assert http.get("/version", headers={"Cookie": f"PVEAuthCookie={third}"}).status_code == 200
        time.sleep(3.2)  # past the 2 s lifetime
        assert http.get("/version", headers={"Cookie": f"PVEAuthCookie={third}"}).status_code == 401
        assert short.control("GET", "/state")["logins"] == {"password": 2, "ticket": 1, "refused": 1}


def test_the_simulator_refuses_a_ticket_lifetime_of_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run_cli(tmp_path, "simulator", "--port", "0", "--ticket-lifetime", "0")
    out = capsys.readouterr()
    assert code not in (0, 1) and "--ticket-lifetime" in out.out + out.err and "Traceback" not in out.err
