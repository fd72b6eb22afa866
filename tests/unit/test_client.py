"""The async client as its users meet it: connecting, typed errors, tasks, retries and concurrency.

Every test talks HTTPS to a real in-thread simulator (the `sim` fixture); nothing is mocked.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    NotFound,
    PermissionDenied,
    ServerError,
    TaskFailed,
    TaskTimeout,
    TLSVerificationFailed,
    ValidationFailed,
)
from pmpc_tui.simulator.server import SimulatorInfo, SimulatorOptions, SimulatorThread

WRONG_FINGERPRINT = ":".join(["AB"] * 32)


def token_settings(info: SimulatorInfo, **overrides: Any) -> ConnectionSettings:
    user, name = info.token_id.split("!", 1)
    values: dict[str, Any] = {"fingerprint": info.fingerprint, **overrides}
    return ConnectionSettings(info.url, user, name, values.pop("token_secret", info.token_secret), **values)


def password_settings(info: SimulatorInfo, password: str | None = None) -> ConnectionSettings:
    return ConnectionSettings(info.url, info.user, password=password or info.password,
                              fingerprint=info.fingerprint)


def auditor_settings(info: SimulatorInfo) -> ConnectionSettings:
    user, name = info.auditor_token_id.split("!", 1)
    return ConnectionSettings(info.url, user, name, info.auditor_token_secret, fingerprint=info.fingerprint)


def sim_state(sim: SimulatorThread) -> dict[str, Any]:
    state: dict[str, Any] = sim.control("GET", "/state")
    return state


def guest_status(sim: SimulatorThread, vmid: int) -> str:
    return sim.call(lambda: sim.sim.cluster.guests[vmid].status)


# --- connecting ----------------------------------------------------------------------------------
async def test_token_auth_with_pinned_fingerprint_lists_the_homelab(sim: SimulatorThread) -> None:
    async with PVEClient(token_settings(sim.info)) as client:
        nodes = await client.get("/nodes")
        resources = await client.get("/cluster/resources", type="vm")
    assert sorted(n["node"] for n in nodes) == ["pve1", "pve2", "pve3"]
    assert {r["name"] for r in resources} >= {"web-01", "db-01", "dev-sandbox", "pihole"}


async def test_a_description_in_any_script_reads_back_exactly(sim: SimulatorThread) -> None:
    text = "Übung: web tier ✓ — 数据库 🚀"
    async with PVEClient(token_settings(sim.info)) as client:
        await client.put("/nodes/pve2/qemu/102/config", description=text)
        config = await client.get("/nodes/pve2/qemu/102/config")
    assert config["description"] == text


async def test_password_login_gets_a_ticket_and_can_write(sim: SimulatorThread) -> None:
    async with PVEClient(password_settings(sim.info)) as client:
        assert len(await client.get("/nodes")) == 3
        # a write needs the CSRF token that came with the ticket
        upid = await client.post("/nodes/pve1/qemu/109/status/start")
        status = await client.wait_task(upid, poll=0.02)
    assert status["exitstatus"] == "OK"
    assert status["user"] == "root@pam"  # the ticket's user, not a token
    assert guest_status(sim, 109) == "running"


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback (::1) on this machine")
async def test_ipv6_url_with_port_works_for_token_and_password() -> None:
    with SimulatorThread(SimulatorOptions(host="::1", port=0, task_speed=0.02)) as v6:
        assert v6.info.url.startswith("https://[::1]:")
        async with PVEClient(token_settings(v6.info)) as client:
            assert (await client.get("/version"))["release"] == "9.1"
        async with PVEClient(password_settings(v6.info)) as client:
            assert len(await client.get("/nodes")) == 3
        with pytest.raises(TLSVerificationFailed) as caught:
            async with PVEClient(token_settings(v6.info, fingerprint=None)) as client:
                await client.get("/version")
        assert caught.value.fingerprint == v6.info.fingerprint


async def test_wrong_password_is_authentication_failed(sim: SimulatorThread) -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        async with PVEClient(password_settings(sim.info, password="not-the-password")) as client:
            await client.get("/nodes")
    assert caught.value.status == 401


async def test_tls_verification_is_on_by_default_and_reports_the_fingerprint(sim: SimulatorThread) -> None:
    settings = token_settings(sim.info, fingerprint=None)
    assert settings.verify_tls is True
    before = sim_state(sim)["requests"]
    with pytest.raises(TLSVerificationFailed) as caught:
        async with PVEClient(settings) as client:
            await client.get("/version")
    assert caught.value.fingerprint == sim.info.fingerprint
    assert sim.info.fingerprint in str(caught.value)  # the hint tells the user what to pin
    assert sim_state(sim)["requests"] == before  # nothing was sent over the untrusted connection


async def test_wrong_pinned_fingerprint_is_rejected(sim: SimulatorThread) -> None:
    with pytest.raises(TLSVerificationFailed) as caught:
        async with PVEClient(token_settings(sim.info, fingerprint=WRONG_FINGERPRINT)) as client:
            await client.get("/version")
    assert "does not match the pinned fingerprint" in caught.value.message
    assert caught.value.fingerprint == sim.info.fingerprint


async def test_wrong_pinned_fingerprint_also_blocks_password_login(sim: SimulatorThread) -> None:
    settings = password_settings(sim.info)
    settings.fingerprint = WRONG_FINGERPRINT
    with pytest.raises(TLSVerificationFailed):
        async with PVEClient(settings) as client:
            await client.get("/version")


async def test_bad_token_secret_is_authentication_failed(sim: SimulatorThread) -> None:
    settings = token_settings(sim.info, token_secret="00000000-0000-0000-0000-000000000000")
    with pytest.raises(AuthenticationFailed) as caught:
        async with PVEClient(settings) as client:
            await client.get("/nodes")
    assert caught.value.status == 401
    assert "invalid token" in caught.value.message


async def test_secrets_never_appear_in_settings_repr(sim: SimulatorThread) -> None:
    text = repr(token_settings(sim.info)) + repr(password_settings(sim.info))
    assert sim.info.token_secret not in text and sim.info.password not in text


# --- typed errors --------------------------------------------------------------------------------
async def test_auditor_token_cannot_power_off_a_vm(sim: SimulatorThread) -> None:
    async with PVEClient(auditor_settings(sim.info)) as client:
        assert any(r["vmid"] == 101 for r in await client.get("/cluster/resources", type="vm"))  # can read
        with pytest.raises(PermissionDenied) as caught:
            await client.post("/nodes/pve1/qemu/101/status/stop")
    assert caught.value.privilege == "VM.PowerMgmt"
    assert caught.value.path == "/vms/101"
    assert "VM.PowerMgmt" in caught.value.hint
    assert guest_status(sim, 101) == "running"


async def test_invalid_parameters_are_validation_failed_per_field(sim: SimulatorThread) -> None:
    async with PVEClient(token_settings(sim.info)) as client:
        with pytest.raises(ValidationFailed) as caught:
            await client.post("/nodes/pve1/qemu", vmid=150, cores="many", net0="virtio,bridge=vmbr9")
    err = caught.value
    assert err.status == 400
    assert "cores" in err.errors and "integer" in err.errors["cores"]
    assert "vmid" not in err.errors
    assert sim.call(lambda: 150 not in sim.sim.cluster.guests)


async def test_unknown_parameter_is_named_in_the_errors(sim: SimulatorThread) -> None:
    async with PVEClient(token_settings(sim.info)) as client:
        with pytest.raises(ValidationFailed) as caught:
            await client.post("/nodes/pve1/qemu/101/status/stop", bogus=1)
    assert list(caught.value.errors) == ["bogus"]
    assert guest_status(sim, 101) == "running"


async def test_missing_vm_is_not_found(sim: SimulatorThread) -> None:
    async with PVEClient(token_settings(sim.info)) as client:
        with pytest.raises(NotFound) as caught:
            await client.get("/nodes/pve1/qemu/999/config")
    assert "999" in caught.value.message


# --- tasks ---------------------------------------------------------------------------------------
async def test_wait_task_returns_ok_and_reports_progress(sim: SimulatorThread) -> None:
    updates: list[tuple[str, list[str]]] = []
    async with PVEClient(token_settings(sim.info)) as client:
        upid = await client.post("/nodes/pve1/qemu/109/status/start")
        assert upid.startswith("UPID:pve1:") and ":qmstart:109:" in upid
        status = await client.wait_task(upid, poll=0.01,
                                        on_progress=lambda st, lines: updates.append((st["status"], lines)))
    assert status["status"] == "stopped" and status["exitstatus"] == "OK"
    lines = [line for _, batch in updates for line in batch]
    assert lines[0] == "start VM 109"
    assert lines[-1] == "TASK OK"
    assert len(lines) == len(set(lines))  # each log line reported once
    assert updates[-1][0] == "stopped"
    assert guest_status(sim, 109) == "running"


async def test_failing_task_raises_task_failed_with_log_tail(sim: SimulatorThread) -> None:
    assert guest_status(sim, 109) == "stopped"  # dev-sandbox on pve1
    async with PVEClient(token_settings(sim.info)) as client:
        upid = await client.post("/nodes/pve1/qemu/109/status/stop")
        with pytest.raises(TaskFailed) as caught:
            await client.wait_task(upid, poll=0.01)
    err = caught.value
    assert err.upid == upid
    assert err.exitstatus == "VM 109 not running"
    assert err.log_tail[-1] == "TASK ERROR: VM 109 not running"
    assert "stop VM 109" in err.log_tail


async def test_wait_task_times_out_while_the_task_runs() -> None:
    with SimulatorThread(task_speed=5.0) as slow:  # a VM start takes 5 s here
        async with PVEClient(token_settings(slow.info)) as client:
            upid = await client.post("/nodes/pve1/qemu/109/status/start")
            started = time.monotonic()
            with pytest.raises(TaskTimeout) as caught:
                await client.wait_task(upid, timeout=0.3, poll=0.05)
            waited = time.monotonic() - started
            assert caught.value.upid == upid
            status = await client.get(f"/nodes/pve1/tasks/{upid}/status")
    assert 0.3 <= waited < 2.0
    assert status["status"] == "running"  # the timeout does not stop the task


# --- retries -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["error", "drop"])
async def test_get_is_retried_through_transient_faults(sim: SimulatorThread, kind: str) -> None:
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": [kind], "path_regex": "/version$", "remaining": 2})
    async with PVEClient(token_settings(sim.info), read_retries=3, backoff=0.01) as client:
        before = sim_state(sim)["requests"]
        version = await client.get("/version")
    state = sim_state(sim)
    assert version["release"] == "9.1"
    assert state["faults_injected"] == 2
    assert state["requests"] - before == 3  # two faults, then the answer


async def test_get_gives_up_after_its_retries(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults",
                {"rate": 1.0, "kinds": ["error"], "path_regex": "/version$", "remaining": 10})
    async with PVEClient(token_settings(sim.info), read_retries=2, backoff=0.01) as client:
        before = sim_state(sim)["requests"]
        with pytest.raises(ServerError) as caught:
            await client.get("/version")
    assert caught.value.status == 500
    assert "fault injection" in caught.value.message
    assert sim_state(sim)["requests"] - before == 3


@pytest.mark.parametrize(("kind", "error"), [("error", ServerError), ("drop", ConnectionFailed)])
async def test_post_hitting_a_fault_is_not_retried(sim: SimulatorThread, kind: str,
                                                   error: type[Exception]) -> None:
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": [kind], "methods": ["POST"], "remaining": 5})
    async with PVEClient(token_settings(sim.info), read_retries=3, backoff=0.01) as client:
        await client.get("/version")  # the connection is up; GETs are not affected
        before = sim_state(sim)["requests"]
        with pytest.raises(error):
            await client.post("/nodes/pve1/qemu/109/status/start")
    state = sim_state(sim)
    assert state["requests"] - before == 1
    assert state["faults_injected"] == 1
    assert guest_status(sim, 109) == "stopped"


# --- concurrency ---------------------------------------------------------------------------------
async def test_concurrency_is_bounded_and_all_gathered_calls_complete(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 40})
    client = PVEClient(token_settings(sim.info), max_concurrency=4)
    in_flight = peak = 0
    lock = threading.Lock()
    call = client._call

    def counting_call(method: str, path: str, params: dict[str, Any]) -> Any:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            return call(method, path, params)
        finally:
            with lock:
                in_flight -= 1

    client._call = counting_call  # type: ignore[method-assign]
    vmids = list(range(100, 111))
    async with client:
        resources = {r["vmid"]: r["node"] for r in await client.get("/cluster/resources", type="vm")}
        calls = [client.get(f"/nodes/{resources[v]}/qemu/{v}/config") for v in vmids * 3]
        started = time.monotonic()
        configs = await asyncio.gather(*calls)
        elapsed = time.monotonic() - started
    assert len(configs) == 33
    assert [c["name"] for c in configs[:11]] == [c["name"] for c in configs[11:22]]
    assert configs[1]["name"] == "web-01"
    assert peak == 4
    # 33 requests of ≥36 ms each, four at a time: at least 9 rounds (the peak above shows they overlapped; an upper
    # time bound would only measure how loaded the machine is)
    assert elapsed >= 9 * 0.036


async def test_a_batch_read_answers_in_order_with_each_failure_in_its_place(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 0.0, "latency_ms": 20})
    seen: list[int] = []
    async with PVEClient(token_settings(sim.info), max_concurrency=4) as client:
        resources = {r["vmid"]: r["node"] for r in await client.get("/cluster/resources", type="vm")}
        paths = [f"/nodes/{resources[v]}/qemu/{v}/config" for v in range(100, 111)]
        answers = await client.get_many([*paths, "/nodes/pve1/qemu/999/config", *paths], seen.append)
    assert [a["name"] for a in answers[:11]] == [a["name"] for a in answers[12:]]
    assert answers[1]["name"] == "web-01"
    assert isinstance(answers[11], NotFound)  # the missing guest does not stop the others
    assert seen[-1] == 23 and seen == sorted(seen)


async def test_a_batch_read_retries_transient_faults_like_a_single_get(sim: SimulatorThread) -> None:
    sim.control("POST", "/faults", {"rate": 1.0, "kinds": ["drop"], "path_regex": "/version$", "remaining": 2})
    async with PVEClient(token_settings(sim.info), read_retries=3, backoff=0.01) as client:
        before = sim_state(sim)["requests"]
        answers = await client.get_many(["/version", "/nodes"])
    assert answers[0]["release"] == "9.1" and len(answers[1]) == 3
    assert sim_state(sim)["requests"] - before == 4  # two faults, the answer, and /nodes


async def test_a_proxy_in_the_environment_is_still_used(sim: SimulatorThread,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the environment is read once per connection (not per call), but it is still honoured
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    async with PVEClient(token_settings(sim.info), read_retries=0) as client:
        with pytest.raises(ConnectionFailed):
            await client.get("/version")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with PVEClient(token_settings(sim.info), read_retries=0) as client:
        assert (await client.get("/version"))["release"] == "9.1"


# --- a TLS connection that breaks ----------------------------------------------------------------
class BreakingRelay:
    """A loopback TCP relay to the simulator that answers the next `breaks` connections with garbage."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.breaks = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.breaks > 0:
                self.breaks -= 1
                client.recv(4096)  # the ClientHello
                client.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")  # not TLS: the handshake fails
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def break_next(self, count: int) -> None:
        """Close every relayed connection and answer the next `count` new ones with garbage."""
        self.breaks = count
        for sock in self.open:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.open.clear()

    def close(self) -> None:
        self.listener.close()
        self.break_next(0)


@pytest.fixture
def relay(sim: SimulatorThread) -> Any:
    relay = BreakingRelay(int(sim.info.host.rsplit(":", 1)[1]))
    yield relay
    relay.close()


def relayed(sim: SimulatorThread, relay: BreakingRelay, fingerprint: str | None = None) -> ConnectionSettings:
    user, name = sim.info.token_id.split("!", 1)
    return ConnectionSettings(f"https://127.0.0.1:{relay.port}", user, name, sim.info.token_secret,
                              fingerprint=fingerprint or sim.info.fingerprint)


async def test_a_read_is_retried_when_a_tls_handshake_breaks(sim: SimulatorThread, relay: BreakingRelay) -> None:
    # a broken handshake with the right server is a network blip, not an untrusted certificate
    async with PVEClient(relayed(sim, relay), read_retries=3, backoff=0.01) as client:
        relay.break_next(1)
        assert (await client.get("/version"))["release"] == "9.1"
        relay.break_next(1)
        answers = await client.get_many(["/version", "/nodes"])
    assert answers[0]["release"] == "9.1" and len(answers[1]) == 3


async def test_a_handshake_that_keeps_breaking_is_not_called_a_fingerprint_mismatch(
        sim: SimulatorThread, relay: BreakingRelay) -> None:
    async with PVEClient(relayed(sim, relay), read_retries=1, backoff=0.01) as client:
        relay.break_next(100)
        with pytest.raises(ConnectionFailed) as caught:
            await client.get("/version")
    assert not isinstance(caught.value, TLSVerificationFailed)
    assert "broke" in caught.value.message and "fingerprint" not in str(caught.value)


async def test_a_wrong_pin_through_the_relay_is_still_refused(sim: SimulatorThread, relay: BreakingRelay) -> None:
    with pytest.raises(TLSVerificationFailed) as caught:
        async with PVEClient(relayed(sim, relay, WRONG_FINGERPRINT), read_retries=3) as client:
            await client.get("/version")
    assert "does not match the pinned fingerprint" in caught.value.message
    assert sim.info.fingerprint in str(caught.value)  # the hint names what the server presented
