"""Run the simulator: in the foreground (CLI), on a background thread (tests), or as a subprocess."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

from pmpc_tui.simulator.api import SimulatorAPI
from pmpc_tui.simulator.auth import ACLEntry, Credentials, Token, User, default_access
from pmpc_tui.simulator.certs import make_self_signed
from pmpc_tui.simulator.faults import FaultPlan
from pmpc_tui.simulator.httpserver import HTTPServer, Request, Response
from pmpc_tui.simulator.model import Cluster
from pmpc_tui.simulator.scenario_access import seed_access
from pmpc_tui.simulator.scenarios import build

T = TypeVar("T")


@dataclass
class SimulatorOptions:
    """Everything `proxmox-mpc simulator` accepts."""

    host: str = "127.0.0.1"
    port: int = 8006
    scenario: str = "homelab"
    nodes: int | None = None
    vms: int | None = None
    cts: int | None = None
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    seed: int = 1
    task_speed: float = 1.0
    password: str | None = None
    ticket_lifetime: float = 2 * 3600  # seconds a login ticket is valid, as PVE


@dataclass(frozen=True)
class SimulatorInfo:
    """How to reach a running simulator (what `--json` prints)."""

    url: str
    fingerprint: str
    user: str
    password: str
    token_id: str
    token_secret: str
    auditor_token_id: str
    auditor_token_secret: str

    @property
    def host(self) -> str:
        return self.url.split("//", 1)[1].split("/", 1)[0]

    def to_json(self) -> str:
        return json.dumps(asdict(self))


class Simulator:
    """One simulated cluster behind one HTTPS listener."""

    def __init__(self, options: SimulatorOptions) -> None:
        self.options = options
        self.cluster: Cluster = build(options.scenario, options.seed, options.nodes, options.vms, options.cts)
        self.access, self.credentials = default_access(options.password)
        seed_access(self.access, self.cluster.name)  # the scenario's users, groups and ACL entries
        self.access.vm_pool = self.cluster.pool_of  # a pool's ACL entries reach its guests
        self.access.ticket_lifetime = options.ticket_lifetime
        self.faults = FaultPlan(latency_ms=options.latency_ms, rate=options.fault_rate, seed=options.seed)
        self.certificate = make_self_signed("pve-simulator")
        self.api = SimulatorAPI(self.cluster, self.access, self.faults, options.task_speed)
        self.api.fingerprint = self.certificate.fingerprint
        self.api.control = self._control
        from pmpc_tui.simulator.handlers_storage import is_upload  # its body streams to disk, with no size limit

        self.server = HTTPServer(self.api.handle, options.host, options.port, self.certificate.server_context(),
                                 streamed=is_upload)

    async def start(self) -> SimulatorInfo:
        await self.server.start()
        return self.info

    async def close(self) -> None:
        await self.api.tasks.cancel_all()
        await self.server.close()

    @property
    def info(self) -> SimulatorInfo:
        c: Credentials = self.credentials
        host = self.options.host if ":" not in self.options.host else f"[{self.options.host}]"
        return SimulatorInfo(
            url=f"https://{host}:{self.server.port}", fingerprint=self.certificate.fingerprint,
            user=c.user, password=c.password, token_id=c.token_id, token_secret=c.token_secret,
            auditor_token_id=c.auditor_token_id, auditor_token_secret=c.auditor_token_secret,
        )

    # --- control API: changes "behind the tool's back", for tests and demos ----------------------
    async def _control(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        ctx = self.access.verify_token(header)
        if ctx is None or ctx.userid != "root@pam":
            return Response(status=401, reason="control API needs the root@pam token")
        try:
            body = json.loads(request.body or b"{}")
            result = self.control(request.method, request.path[len("/_sim"):], body)
        except (KeyError, ValueError, TypeError) as exc:
            return Response.json({"error": str(exc)}, status=400, reason="bad control request")
        return Response.json({"data": result})

    def control(self, method: str, path: str, body: dict[str, Any]) -> Any:
        """Apply a control operation; usable directly when the simulator runs in-process."""
        c = self.cluster
        if method == "GET" and path == "/state":
            return {"guests": len(c.guests), "nodes": {n: x.online for n, x in c.nodes.items()},
                    "requests": self.api.request_count, "writes": self.api.write_count,
                    "peak_in_flight": self.api.peak_in_flight,
                    "logins": dict(self.access.logins), "faults_injected": self.faults.injected}
        if method == "POST" and path == "/tickets/expire":
            self.access.expire_tickets()
            return {"ok": True}
        if method == "POST" and path == "/faults":
            plan = FaultPlan(
                latency_ms=float(body.get("latency_ms", self.faults.latency_ms)),
                rate=float(body.get("rate", 0.0)),
                kinds=tuple(body.get("kinds", ("error", "slow", "drop"))),
                path_regex=body.get("path_regex"), methods=tuple(body["methods"]) if body.get("methods") else None,
                slow_ms=float(body.get("slow_ms", 2000)), remaining=body.get("remaining"),
                seed=int(body.get("seed", self.options.seed)),
            )
            self.faults = self.api.faults = plan
            return {"ok": True}
        match = re.match(r"^/nodes/([^/]+)$", path)
        if method == "POST" and match:
            c.nodes[match.group(1)].online = bool(body["online"])
            return {"ok": True}
        match = re.match(r"^/guests/(\d+)/(config|status)$", path)
        if method == "POST" and match:
            guest = c.guests[int(match.group(1))]
            if match.group(2) == "config":
                for key, value in body.items():
                    if value is None:
                        guest.config.pop(key, None)
                    else:
                        guest.config[key] = value
            else:
                guest.status = body["status"]
            return {"ok": True, "digest": guest.digest()}
        match = re.match(r"^/storage/([^/]+)$", path)
        if method == "POST" and match:
            st = c.storages[match.group(1)]
            fraction = float(body["used_fraction"])
            node = body.get("node") or next(iter(c.nodes))
            volumes = c.storage_used(st.storage, node) - st.base_used
            st.base_used = max(0, int(st.total * fraction) - volumes)
            return {"ok": True}
        if method == "POST" and path == "/tokens":
            token = Token(body["tokenid"], body["secret"], bool(body.get("privsep", True)))
            user = token.tokenid.split("!", 1)[0]
            self.access.users.setdefault(user, User(user, body.get("password")))
            self.access.tokens[token.tokenid] = token
            for entry in body.get("acl", []):
                self.access.acl.append(ACLEntry(entry["path"], entry.get("ugid", token.tokenid), entry["role"]))
            return {"ok": True}
        raise KeyError(f"no control operation {method} {path}")


class SimulatorThread:
    """A simulator on its own event loop in a daemon thread, for tests and in-process demos."""

    def __init__(self, options: SimulatorOptions | None = None, **kwargs: Any) -> None:
        opts = options or SimulatorOptions(port=0, **kwargs)
        self.sim = Simulator(opts)
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pve-simulator", daemon=True)
        self.info: SimulatorInfo

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.info = self.loop.run_until_complete(self.sim.start())
        self._ready.set()
        self.loop.run_forever()

    def start(self) -> SimulatorInfo:
        self._thread.start()
        self._ready.wait(30)
        return self.info

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` on the simulator loop (safe access to the cluster) and return its result."""
        async def wrapper() -> T:
            return fn()
        return asyncio.run_coroutine_threadsafe(wrapper(), self.loop).result(30)

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.call(lambda: self.sim.control(method, path, body or {}))

    def stop(self) -> None:
        async def shutdown() -> None:
            await self.sim.close()
        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    def __enter__(self) -> SimulatorThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


class SimulatorProcess:
    """`proxmox-mpc simulator --json` in a child process — the way a real peer would use it."""

    def __init__(self, *args: str) -> None:
        cmd = [sys.executable, "-m", "pmpc_tui", "simulator", "--json", "--port", "0", *args]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"simulator did not start: {err.strip()}")
        self.info = SimulatorInfo(**json.loads(line))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> SimulatorProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def serve_forever(options: SimulatorOptions, as_json: bool, out: Callable[[str], None]) -> None:
    """Start the simulator, print how to reach it, and serve until cancelled."""
    sim = Simulator(options)
    info = await sim.start()
    if as_json:
        out(info.to_json())
    else:
        out(f"Proxmox VE API simulator ({options.scenario}) listening on {info.url}/api2/json")
        out(f"  certificate SHA-256 fingerprint: {info.fingerprint}")
        out(f"  user:            {info.user}   password: {info.password}")
        out(f"  API token:       {info.token_id}={info.token_secret}")
        out(f"  read-only token: {info.auditor_token_id}={info.auditor_token_secret}")
        out(f"  guests: {len(sim.cluster.guests)} on {len(sim.cluster.nodes)} nodes; latency "
            f"{options.latency_ms} ms; fault rate {options.fault_rate}; seed {options.seed}")
        out("Press Ctrl+C to stop.")
    try:
        await asyncio.Event().wait()
    finally:
        await sim.close()
