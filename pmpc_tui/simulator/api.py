"""The `/api2/json` request pipeline: routing, auth, CSRF, parameter checks, faults, envelope."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pmpc_tui.simulator import handlers
from pmpc_tui.simulator.auth import AccessControl, AuthContext
from pmpc_tui.simulator.faults import FaultPlan
from pmpc_tui.simulator.httpserver import DropConnection, Request, Response
from pmpc_tui.simulator.model import Cluster
from pmpc_tui.simulator.params import ParameterError, validate
from pmpc_tui.simulator.specs import ROUTE_PARAMS
from pmpc_tui.simulator.tasks import TaskRunner

PREFIX = "/api2/json"
WORLD_ROUTES = {("GET", "/access/ticket"), ("POST", "/access/ticket"), ("GET", "/access/domains")}


class ApiError(Exception):
    """An error answer: status, message (also the HTTP reason) and optional per-field errors."""

    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message if message.endswith("\n") else message + "\n"
        self.errors = errors


Handler = Callable[["Call"], Awaitable[Any]]


@dataclass
class Call:
    """Everything a handler needs for one request."""

    sim: SimulatorAPI
    auth: AuthContext
    params: dict[str, Any]
    method: str
    path: str

    @property
    def cluster(self) -> Cluster:
        return self.sim.cluster

    def require(self, path: str, *privs: str, any_of: bool = False) -> None:
        """Raise 403 `Permission check failed (path, priv)` unless the caller holds the privileges."""
        missing = self.sim.access.missing(self.auth, path, *privs, any_of=any_of)
        if missing is not None:
            shown = "|".join(privs) if any_of and len(privs) > 1 else missing
            raise ApiError(403, f"Permission check failed ({path}, {shown})")

    def can(self, path: str, *privs: str, any_of: bool = False) -> bool:
        return self.sim.access.has(self.auth, path, *privs, any_of=any_of)


def _compile(template: str) -> re.Pattern[str]:
    # a volume id may hold slashes (`local:backup/vzdump-…`): PVE takes the rest of the path as `volume`;
    # an IP set entry's network (`10.0.0.0/8`) arrives the same way when a client leaves its slash unescaped
    pattern = re.sub(r"\\\{(\w+)\\\}",
                     lambda m: f"(?P<{m.group(1)}>{'.+' if m.group(1) in ('volume', 'cidr') else '[^/]+'})",
                     re.escape(template))
    return re.compile(f"^{pattern}$")


class SimulatorAPI:
    """Turns HTTP requests into handler calls the way pveproxy + pvedaemon do."""

    def __init__(self, cluster: Cluster, access: AccessControl, faults: FaultPlan,
                 task_speed: float = 1.0) -> None:
        self.cluster = cluster
        self.access = access
        self.faults = faults
        self.tasks = TaskRunner(cluster, task_speed)
        self.request_count = 0
        self.write_count = 0  # non-GET API requests other than logins, whatever their answer
        self.in_flight = 0  # API requests being answered now (the latency included)
        self.peak_in_flight = 0  # the most at once so far (tests: a client's concurrency bound)
        self.fingerprint = ""
        self._routes: list[tuple[str, str, re.Pattern[str], Handler]] = []
        for (method, template), handler in handlers.ROUTES.items():
            if (method, template) not in ROUTE_PARAMS:
                raise RuntimeError(f"route {method} {template} has no parameter declaration")
            self._routes.append((method, template, _compile(template), handler))
        self.control: Callable[[Request], Awaitable[Response]] | None = None

    async def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sim/") and self.control is not None:
            return await self.control(request)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: Request) -> Response:
        self.request_count += 1
        if request.method != "GET" and request.path.rstrip("/") != PREFIX + "/access/ticket":
            self.write_count += 1
        delay = self.faults.latency()
        fault = self.faults.decide(request.method, request.path)
        if fault == "slow":
            delay += self.faults.slow_ms / 1000
        if delay:
            await asyncio.sleep(delay)
        if fault == "drop":
            raise DropConnection()
        if fault == "error":
            return _error_response(ApiError(500, "simulated server fault (fault injection)"))
        try:
            data = await self._dispatch(request)
        except ApiError as exc:
            return _error_response(exc)
        except ParameterError as exc:
            return _error_response(ApiError(400, "Parameter verification failed.", exc.errors))
        return Response.json({"data": data})

    async def _dispatch(self, request: Request) -> Any:
        if not request.path.startswith(PREFIX + "/"):
            raise ApiError(501, f"Method '{request.method} {request.path}' not implemented")
        path = request.path[len(PREFIX):].rstrip("/") or "/"
        route = self._match(request.method, path)
        if route is None:
            # pveproxy authenticates before it looks for a handler: unknown paths need auth too.
            self._authenticate(request, (request.method, path) in WORLD_ROUTES)
            raise ApiError(501, f"Method '{request.method} {path}' not implemented")
        template, path_params, handler = route
        auth = self._authenticate(request, (request.method, template) in WORLD_ROUTES)
        try:
            body = request.form()
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"unable to parse request body - {exc}") from exc
        raw = {**request.query, **body, **path_params}
        params = validate(ROUTE_PARAMS[(request.method, template)], raw)
        params.update({"_files": request.files} if request.files else {})  # streamed uploads (handlers_storage)
        node = path_params.get("node")
        if node is not None:
            known = self.cluster.nodes.get(node)
            if known is None:
                raise ApiError(500, f"hostname lookup '{node}' failed - failed to get address info for: "
                                    f"{node}: Name or service not known")
            if not known.online:
                raise ApiError(595, "No route to host")
        return await handler(Call(self, auth, params, request.method, path))

    def _match(self, method: str, path: str) -> tuple[str, dict[str, str], Handler] | None:
        for route_method, template, pattern, handler in self._routes:
            if route_method != method:
                continue
            match = pattern.match(path)
            if match:
                return template, match.groupdict(), handler
        return None

    def _authenticate(self, request: Request, world: bool) -> AuthContext:
        if world:
            return AuthContext(userid="")
        header = request.headers.get("authorization", "")
        if header.startswith("PVEAPIToken"):
            ctx = self.access.verify_token(header)
            if ctx is None:
                raise ApiError(401, "invalid token value!")
            return ctx
        ticket = request.cookies.get("PVEAuthCookie")
        if not ticket:
            raise ApiError(401, "No ticket")
        userid = self.access.verify_ticket(ticket)
        if userid is None:
            raise ApiError(401, "invalid ticket")
        if request.method != "GET":
            csrf = request.headers.get("csrfpreventiontoken", "")
            if not self.access.verify_csrf(userid, csrf):
                raise ApiError(401, "Permission denied - invalid csrf token")
        return AuthContext(userid=userid, via_ticket=True)


def _error_response(exc: ApiError) -> Response:
    reason = exc.message.strip().splitlines()[0] if exc.message.strip() else "error"
    if exc.status == 401:
        # PVE answers 401 with an empty body; the reason is only in the status line.
        return Response(status=401, body=b"", reason=reason)
    payload: dict[str, Any] = {"data": None, "message": exc.message}
    if exc.errors:
        payload["errors"] = exc.errors
    return Response(status=exc.status, body=json.dumps(payload).encode(), reason=reason)
