"""Async Proxmox VE client: proxmoxer underneath, run on a bounded thread pool.

Services call `await client.get("/cluster/resources")` and may run many calls at once; the pool
size bounds how many requests are in flight. Reads are retried with backoff on transient
failures; writes are never retried blindly (the caller checks the task or the resource first).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import os
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pmpc_tui.pve.errors import (
    AuthenticationFailed,
    ConnectionFailed,
    PVEError,
    ServerError,
    TaskFailed,
    TaskTimeout,
    TLSVerificationFailed,
    from_response,
)
from pmpc_tui.pve.redact import register_secret
from pmpc_tui.pve.upid import parse_upid

ApiObserver = Callable[[str, str, int, float], None]
ProgressCallback = Callable[[dict[str, Any], list[str]], None]


@dataclass
class ConnectionSettings:
    """Where and how to connect. Secrets are kept out of repr() so they never reach logs."""

    url: str
    user: str = "root@pam"
    token_name: str | None = None
    token_secret: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)
    ticket: str | None = field(default=None, repr=False)  # a ticket someone else logged in for (web sessions)
    ticket_csrf: str | None = field(default=None, repr=False)  # its CSRFPreventionToken
    verify_tls: bool = True
    fingerprint: str | None = None
    ca_bundle: str | None = None
    backend: str = "https"  # also "ssh_paramiko" or "openssh" (proxmoxer runs pvesh over SSH)
    timeout: float = 15.0
    ticket_renew_after: float = 3600.0  # seconds; PVE tickets expire after 2 h, so renew at half-life

    @property
    def host(self) -> str:
        return urlsplit(self.url if "//" in self.url else f"https://{self.url}").hostname or self.url

    @property
    def port(self) -> int:
        return urlsplit(self.url if "//" in self.url else f"https://{self.url}").port or 8006

    @property
    def auth_id(self) -> str:
        return f"{self.user}!{self.token_name}" if self.token_name else self.user


class LoginRefused(AuthenticationFailed):
    """The cluster refused the login itself, not a call: logging in again would only repeat the refusal."""


BATCH_LANE = 4  # pool workers `get_many` batches leave to single calls (a plan's object reads beside a sync's)
LARGE_ANSWER = 64 * 1024  # bytes of JSON from which a decode holds the GIL long enough to delay a key


def _fast_serializer(client: PVEClient) -> Any:
    """proxmoxer's JSON reader with orjson's decoder: the same answers, a shorter hold on the GIL (which
    one decode of a large answer holds throughout: `client.before_decode` may first wait, e.g. for a key)."""
    import orjson
    from proxmoxer.backends.https import JsonSerializer

    class FastJson(JsonSerializer):  # type: ignore[misc]
        def loads(self, response: Any) -> Any:
            if client.before_decode is not None and len(response.content) >= LARGE_ANSWER:
                client.before_decode()
            try:
                return orjson.loads(response.content)["data"]
            except ValueError:  # not JSON (orjson's error is a ValueError, as json's is): as proxmoxer answers
                return {"errors": response.content}

    return FastJson()


def _proxmoxer_exceptions() -> tuple[type[Exception], type[Exception]]:
    from proxmoxer.core import AuthenticationError, ResourceException

    return ResourceException, AuthenticationError


class PVEClient:
    """One connection to a cluster. Create with settings, `await connect()`, then call."""

    def __init__(self, settings: ConnectionSettings, max_concurrency: int = 32, read_retries: int = 3,
                 backoff: float = 0.2, connections: Any = None) -> None:
        """`connections`: a `PinnedAdapter` several clients of one cluster share (kept-alive connections carry
        no credentials: each request brings its own ticket or token); None: this client's own."""
        self.settings = settings
        self.connections = connections
        register_secret(settings.token_secret)
        register_secret(settings.password)
        register_secret(settings.ticket)
        register_secret(settings.ticket_csrf)
        self.max_concurrency = max_concurrency
        self.read_retries = read_retries
        self.backoff = backoff
        self.observers: list[ApiObserver] = []
        # called in the pool thread before a large answer is decoded (the console: wait while a key is handled)
        self.before_decode: Callable[[], None] | None = None
        self._executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="pve-api")
        # the batches under way (`get_many`), served in turns by at most `_batch_share` pool jobs
        self._batch_share = max(1, max_concurrency - min(BATCH_LANE, max_concurrency // 4))
        self._batch_lock = threading.Lock()
        self._batches: list[_Batch] = []
        self._batch_jobs = 0
        self._turn = 0
        self._api: Any = None
        self._ticket: Any = None  # the ticket login of a password profile (None with tokens)
        self._rng = random.Random()
        self._lean: Any = None  # the short way for plain GETs (read_lean.py), rebuilt with each login
        self._lean_key: tuple[int, Any] | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    async def connect(self) -> PVEClient:
        """Build the proxmoxer session (ticket login happens here) and check the server answers."""
        if self._api is None:
            self._api = await self._in_thread(self._translated, self._build_api)
        return self

    async def close(self) -> None:
        api, self._api, self._ticket = self._api, None, None
        if api is not None:
            session = api._store.get("session")
            if session is not None:
                if self.connections is not None:  # the shared connections stay open for the other clients
                    session.adapters.pop("https://", None)
                with contextlib.suppress(Exception):
                    session.close()
        with self._batch_lock:  # a batch still waiting for reads ends with an error, not never
            batches, self._batches = self._batches, []
        for batch in batches:
            batch.stop.set()
            batch.settle(ConnectionFailed(f"the connection to {self.settings.url} was closed during a read"))
        self._executor.shutdown(wait=False, cancel_futures=True)

    def current_ticket(self) -> tuple[str, str] | None:
        """The ticket and CSRF token in use now (a renewal replaces them), or None with an API token."""
        return self._ticket.get_tokens() if self._ticket is not None else None  # type: ignore[no-any-return]

    async def __aenter__(self) -> PVEClient:
        return await self.connect()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _build_api(self) -> Any:
        from proxmoxer import ProxmoxAPI

        s = self.settings
        if s.backend != "https":
            kwargs: dict[str, Any] = {"user": s.user.split("@")[0], "backend": s.backend}
            if s.password:
                kwargs["password"] = s.password
            return ProxmoxAPI(s.host, **kwargs)
        verify: bool | str = s.ca_bundle or s.verify_tls
        if s.fingerprint:
            verify = False  # the pinned adapter checks the certificate instead
        elif verify is True:  # what requests would take from the environment on every call (see _tune_session)
            verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        # proxmoxer splits host and port itself; an IPv6 literal must keep its brackets for that
        host = f"[{s.host}]:{s.port}" if ":" in s.host else f"{s.host}:{s.port}"
        if s.token_name:
            api = ProxmoxAPI(host, user=s.user, token_name=s.token_name, token_value=s.token_secret or "",
                             verify_ssl=verify, timeout=s.timeout)
            self._tune_session(api._store["session"])
        else:
            # Construct with a placeholder token (no network), then log in through our own pinned session.
            api = ProxmoxAPI(host, user=s.user, token_name="login", token_value="-", verify_ssl=verify,
                             timeout=s.timeout)
            session = api._store["session"]
            self._tune_session(session)
            session.auth = self._ticket = self._ticket_auth(api, verify)  # a given ticket renews with itself
        api._store["serializer"] = _fast_serializer(self)
        return api

    def _tune_session(self, session: Any) -> None:
        from pmpc_tui.pve.tls import PinnedAdapter

        adapter = self.connections or PinnedAdapter(self.settings.fingerprint, pool_connections=4,
                                                    pool_maxsize=self.max_concurrency)
        session.mount("https://", adapter)
        # requests reads the proxy variables on every call (half the client's CPU per request at 1,500
        # guests): read them once for our one host; the CA bundle variables are read in _build_api
        if session.trust_env:
            from requests.utils import get_environ_proxies

            host = f"[{self.settings.host}]" if ":" in self.settings.host else self.settings.host
            session.proxies.update(get_environ_proxies(f"https://{host}:{self.settings.port}/"))
            session.trust_env = False

    def _ticket_auth(self, api: Any, verify: bool | str) -> Any:
        import requests

        from pmpc_tui.pve.ticket import TicketLogin

        login_session = requests.Session()
        self._tune_session(login_session)
        return TicketLogin(login_session, api._store["base_url"], self.settings, verify)

    # --- calls -------------------------------------------------------------------------------
    async def get(self, path: str, /, **params: Any) -> Any:
        return await self.request("GET", path, params)

    async def post(self, path: str, /, **data: Any) -> Any:
        return await self.request("POST", path, data)

    async def put(self, path: str, /, **data: Any) -> Any:
        return await self.request("PUT", path, data)

    async def delete(self, path: str, /, **params: Any) -> Any:
        return await self.request("DELETE", path, params)

    async def request(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        """One API call. GETs are retried on transient failures; other methods are not."""
        if self._api is None:
            await self.connect()
        params = {k: _wire(v) for k, v in (params or {}).items() if v is not None}
        attempts = 1 + (self.read_retries if method == "GET" else 0)
        for attempt in range(attempts):
            try:
                return await self._in_thread(self._call, method, path, params)
            except (ConnectionFailed, ServerError) as exc:
                transient = not isinstance(exc, TLSVerificationFailed) and (exc.status or 500) != 501
                if attempt + 1 >= attempts or not transient:
                    raise
                delay = self.backoff * (2 ** attempt) * (0.5 + self._rng.random())
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def get_many(self, paths: Sequence[str], progress: Callable[[int], None] | None = None,
                       on_answers: Callable[[list[tuple[int, Any]]], None] | None = None) -> list[Any]:
        """GET every path; each answer in order, a typed PVEError where the call failed (retried like `get`).
        A few long-lived jobs on the pool take the paths in turns from every batch under way: thousands of
        reads cost a handful of thread hand-offs, not one each, a batch started alongside another is served
        from the start, and the batches together leave `BATCH_LANE` workers to single calls (`progress(done)`
        is called on the event loop, at most ten times a second; so is `on_answers([(index, answer), …])`,
        with the paths answered since its last call: a caller can start on them before the batch ends)."""
        if self._api is None:
            await self.connect()
        if not paths:
            if progress is not None:
                progress(0)
            return []
        loop = asyncio.get_running_loop()
        finished: asyncio.Future[None] = loop.create_future()
        batch = _Batch(list(paths), loop, finished, contextvars.copy_context())
        with self._batch_lock:
            self._batches.append(batch)
            start = min(self._batch_share - self._batch_jobs, self._waiting_reads())
            self._batch_jobs += max(0, start)
        for _ in range(start):
            try:
                self._executor.submit(self._batch_job)
            except RuntimeError:  # the client was closed
                with self._batch_lock:
                    self._batch_jobs -= 1
                batch.stop.set()
                raise
        told = 0
        try:
            while (progress is not None or on_answers is not None) and not finished.done():
                await asyncio.wait([finished], timeout=0.1)
                if not finished.done():
                    if progress is not None:
                        progress(batch.done)
                    if on_answers is not None:
                        told = _tell(on_answers, batch, told)
            await finished
        finally:
            batch.stop.set()  # cancelled or failed: its reads not yet started are dropped, backoff waits end
        if progress is not None:
            progress(len(paths))
        if on_answers is not None:
            _tell(on_answers, batch, told)
        return batch.results

    def _waiting_reads(self) -> int:
        return sum(len(b.paths) - b.next for b in self._batches if not b.stop.is_set())

    def _next_read(self) -> tuple[_Batch, int] | None:
        """The next path to read, taken in turns from the batches under way (call with `_batch_lock` held)."""
        while self._batches:
            self._turn %= len(self._batches)
            batch = self._batches[self._turn]
            if batch.stop.is_set() or batch.next >= len(batch.paths):
                self._batches.pop(self._turn)
                continue
            index = batch.next
            batch.next += 1
            self._turn += 1
            return batch, index
        return None

    def _batch_job(self) -> None:
        """A pool job: read paths of the batches under way until none is left."""
        while True:
            with self._batch_lock:
                item = self._next_read()
                if item is None:
                    self._batch_jobs -= 1
                    return
            batch, index = item
            try:  # each read in its batch's context: the command's correlation ID, whichever job reads it
                answer = batch.context.copy().run(self._get_retrying, batch.paths[index], batch.stop)
            except BaseException as exc:  # not a PVE error (those are answers): the batch's caller raises it
                batch.stop.set()
                batch.settle(exc)
                continue
            with self._batch_lock:
                batch.results[index] = answer
                batch.answered.append(index)
                batch.done += 1
                complete = batch.done == len(batch.paths)
            if complete:
                batch.settle(None)

    def _lean_get(self, path: str) -> Any:
        """A plain GET the short way (`read_lean.py`: the pinned pool, no per-call library work) where it can,
        else `AGAIN` — then the client's own way reads it, with its errors, retries and ticket renewal."""
        from pmpc_tui.pve.read_lean import AGAIN, LeanGets

        key = (id(self._api), getattr(self._ticket, "ticket", None))  # a new login or ticket: a new short way
        if self._lean_key != key:
            with self._batch_lock:
                if self._lean_key != key:
                    self._lean = LeanGets.for_client(self) if self._api is not None else None
                    self._lean_key = key
        lean = self._lean
        return AGAIN if lean is None else lean.get_one(path, self._observed)

    def _observed(self, method: str, path: str, status: int, elapsed: float) -> None:
        for observer in self.observers:
            with contextlib.suppress(Exception):
                observer(method, path, status, elapsed)

    def _get_retrying(self, path: str, stop: threading.Event) -> Any:
        """One GET in a pool thread, retried on transient failures like `request`; the error is returned."""
        from pmpc_tui.pve.read_lean import AGAIN

        answer = self._lean_get(path)
        if answer is not AGAIN:
            return answer
        for attempt in range(1 + self.read_retries):
            try:
                return self._call("GET", path, {})
            except (ConnectionFailed, ServerError) as exc:
                transient = not isinstance(exc, TLSVerificationFailed) and (exc.status or 500) != 501
                if attempt >= self.read_retries or not transient:
                    return exc
                if stop.wait(self.backoff * (2 ** attempt) * (0.5 + self._rng.random())):
                    return exc
            except PVEError as exc:
                return exc
        raise AssertionError("unreachable")

    def _call(self, method: str, path: str, params: dict[str, Any]) -> Any:
        """One request; a 401 on a ticket login logs in again once and repeats it (PVE refuses before acting)."""
        ticket = self._ticket
        used = ticket.ticket if ticket is not None else None
        try:
            return self._call_once(method, path, params)
        except LoginRefused:
            raise
        except AuthenticationFailed:
            if ticket is None:
                raise
        self._translated(ticket.renew, used)
        return self._call_once(method, path, params)

    def _call_once(self, method: str, path: str, params: dict[str, Any]) -> Any:
        resource = self._api(path.strip("/"))
        started = time.perf_counter()
        status = 200
        try:
            return self._translated(getattr(resource, method.lower()), **params)
        except PVEError as exc:
            status = exc.status or 0
            raise
        finally:
            elapsed = time.perf_counter() - started
            for observer in self.observers:
                with contextlib.suppress(Exception):
                    observer(method, path, status, elapsed)

    def _translated(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a proxmoxer/requests call, turning its exceptions into typed PVE errors."""
        import requests

        resource_exc, auth_exc = _proxmoxer_exceptions()
        try:
            return fn(*args, **kwargs)
        except resource_exc as exc:
            status = int(getattr(exc, "status_code", 500) or 500)
            raw_errors = getattr(exc, "errors", None)
            errors = raw_errors if isinstance(raw_errors, dict) else None
            reason = getattr(exc, "content", None) or getattr(exc, "status_message", None) or ""
            raise from_response(status, str(reason), errors) from None
        except auth_exc as exc:
            hint = "" if self.settings.token_name else (
                f"Check the password of {self.settings.user} in the profile's secret source "
                "(see `proxmox-mpc connect --help`).")
            if self.settings.ticket:
                hint = "The login has expired: log in again."
            raise LoginRefused(str(exc), hint) from None
        except requests.exceptions.SSLError as exc:
            raise self._tls_error(exc) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            raise ConnectionFailed(f"cannot reach {self.settings.url}: {_short(exc)}",
                                   "Check the URL and that the API (port 8006) is reachable.") from None

    def _tls_error(self, exc: Exception) -> ConnectionFailed:
        """A TLS failure: untrusted certificate (never retried), or a broken handshake (transient, retried)."""
        from pmpc_tui.pve.tls import fetch_fingerprint, is_trust_failure, normalize_fingerprint

        presented = fetch_fingerprint(self.settings.host, self.settings.port)
        pinned = self.settings.fingerprint
        if pinned:
            trusted = presented is None or presented == normalize_fingerprint(pinned)
        else:
            trusted = not is_trust_failure(exc)
        if trusted:  # the certificate is the right one: the connection broke (a reset or EOF mid-handshake)
            return ConnectionFailed(f"the TLS connection to {self.settings.url} broke: {_short(exc)}",
                                    "Try again; if it keeps happening, check the network and the server's load.")
        if pinned:
            message = (f"the server's certificate does not match the pinned fingerprint "
                       f"(server presented {presented or 'unknown'})")
        else:
            message = f"TLS certificate of {self.settings.host} is not trusted: {_short(exc)}"
        return TLSVerificationFailed(message, presented)

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()  # the command's correlation ID follows the call into the thread
        return await loop.run_in_executor(self._executor, context.run, fn, *args)

    # --- tasks -------------------------------------------------------------------------------
    async def wait_task(self, upid: str, timeout: float = 600.0, poll: float = 0.2,
                        on_progress: ProgressCallback | None = None) -> dict[str, Any]:
        """Wait for a task to stop; raise TaskFailed on an error exit status, TaskTimeout on timeout."""
        node = parse_upid(upid).node
        deadline = time.monotonic() + timeout
        seen = 0
        interval = poll
        while True:
            status = await self.get(f"/nodes/{node}/tasks/{upid}/status")
            new_lines: list[str] = []
            if on_progress is not None:
                log = await self.get(f"/nodes/{node}/tasks/{upid}/log", start=seen, limit=500)
                new_lines = [entry["t"] for entry in log]
                seen += len(new_lines)
                on_progress(status, new_lines)
            if status.get("status") == "stopped":
                exitstatus = str(status.get("exitstatus", ""))
                if exitstatus == "OK" or exitstatus.startswith("WARNINGS"):
                    return status
                log = await self.get(f"/nodes/{node}/tasks/{upid}/log", start=0, limit=1000)
                raise TaskFailed(upid, exitstatus, [entry["t"] for entry in log][-20:])
            if time.monotonic() >= deadline:
                raise TaskTimeout(upid, timeout)
            await asyncio.sleep(interval)
            interval = min(interval * 1.5, 2.0)


@dataclass(eq=False)
class _Batch:
    """One `get_many` call: its paths, the answers so far, and how its caller is told it finished."""

    paths: list[str]
    loop: asyncio.AbstractEventLoop
    finished: asyncio.Future[None]
    context: contextvars.Context
    results: list[Any] = field(default_factory=list)
    next: int = 0  # the first path no job has taken yet
    done: int = 0
    answered: list[int] = field(default_factory=list)  # the indexes of the paths answered, in that order
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.results = [None] * len(self.paths)

    def settle(self, error: BaseException | None) -> None:
        """From a pool thread: the batch is complete (or failed); its caller's future is settled."""
        with contextlib.suppress(RuntimeError):  # the caller's event loop is closed: nobody waits
            self.loop.call_soon_threadsafe(_settle, self.finished, error)


def _tell(on_answers: Callable[[list[tuple[int, Any]]], None], batch: _Batch, told: int) -> int:
    """Hand `on_answers` the (index, answer) pairs answered since `told` of them were; how many are told now."""
    fresh = batch.answered[told:]  # (a list only appended to, each answer stored first: a slice is whole)
    if fresh:
        on_answers([(i, batch.results[i]) for i in fresh])
    return told + len(fresh)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _wire(value: Any) -> Any:
    if isinstance(value, bool):
        return 1 if value else 0
    return value


def _short(exc: Exception) -> str:
    """The innermost reason of a requests/urllib3 error, without the pool boilerplate."""
    text = str(exc)
    if "Caused by " in text:
        text = text.split("Caused by ", 1)[1].rstrip(")")
    return text if len(text) < 200 else text[:200] + "…"


__all__ = ["ConnectionSettings", "PVEClient", "PVEError"]
