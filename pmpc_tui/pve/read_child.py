"""Batch reads in child processes: the GETs run on another core while this process does other work.

`ChildReader.start(client, children)` starts small Python processes logged in as `client` (the same settings,
TLS verification and pinned fingerprint; a password profile's current ticket instead of its password). The
settings go to a child on its stdin — never on its command line or in its environment. `get_many(paths)`
sends the paths (a large batch cut in one slice per child) and returns the same answers and typed
`PVEError`s `client.get_many` would; the calls the children made are handed to `client.observers`. If a
child cannot start, dies or hangs, its reads are made in-process by `client` instead. `close()` ends the
children; a child also ends when this process does.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.pve import errors

if TYPE_CHECKING:
    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.pve.read_lean import LeanGets

# environment variables the HTTP stack reads (proxies, CA bundles): handed over on stdin, like the secrets
_PASSED_ENV = frozenset({"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "NO_PROXY",
                         "no_proxy"})
# the child's own environment: nothing a secret source could be read from
_CHILD_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")
_LINE_LIMIT = 1 << 30  # one batch's answers are one line


class ChildReader:
    """Reads batches of paths through child processes logged in as `client` (or through `client` itself)."""

    def __init__(self, client: PVEClient, processes: list[asyncio.subprocess.Process]) -> None:
        self.client = client
        self.settings = client.settings
        self.processes = processes
        self._lock = asyncio.Lock()

    @classmethod
    async def start(cls, client: PVEClient, children: int = 1) -> ChildReader:
        """A reader with its `children` started (a large batch is shared among them); when none can start (or
        `client` does not speak HTTPS), one that reads in-process."""
        reader = cls(client, [])
        if client.settings.backend != "https":
            return reader
        try:
            await client.connect()  # a password profile logs in here: the children take its ticket
            setup = _dumps(_setup(client, children)) + b"\n"
            for _ in range(children):
                process = await asyncio.create_subprocess_exec(
                    *child_command(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.DEVNULL, env=_child_env(), limit=_LINE_LIMIT)
                reader.processes.append(process)
                assert process.stdin is not None
                process.stdin.write(setup)
                await process.stdin.drain()
        except (OSError, NotImplementedError, RuntimeError, errors.PVEError):  # (the first read in-process says why)
            await reader.close()
        return reader

    @property
    def in_child(self) -> bool:
        """Whether the reads go to child processes (False: in-process)."""
        return bool(self.processes)

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        """The first child (None: reading in-process)."""
        return self.processes[0] if self.processes else None

    async def get(self, path: str, /, **params: Any) -> Any:
        """One read with parameters: made in-process (the batches are what the children are for)."""
        return await self.client.get(path, **params)

    async def get_many(self, paths: Sequence[str]) -> list[Any]:
        """GET every path: each answer in order, a typed PVEError where a read failed (as `client.get_many`).
        A large batch is cut in one slice per child; a child that fails has its slice read in-process."""
        paths = list(paths)
        if not paths:
            return []
        async with self._lock:
            children = list(self.processes[:max(1, len(paths) // SLICE_FROM)])
            size = math.ceil(len(paths) / max(1, len(children)))
            slices = [paths[i * size:(i + 1) * size] for i in range(len(children))] or [paths]
            answers = await asyncio.gather(*(self._ask(c, part) for c, part in zip(children, slices, strict=False)))
        results: list[Any] = []
        for part, answer in zip(slices, answers or [None], strict=True):
            if answer is None:
                results += await self.client.get_many(part)
                continue
            results += answer[0]
            for method, path, status, elapsed in answer[1]:
                for observer in self.client.observers:
                    with contextlib.suppress(Exception):
                        observer(method, path, status, elapsed)
        return results

    async def _ask(self, process: asyncio.subprocess.Process, paths: list[str],
                   ) -> tuple[list[Any], list[Any]] | None:
        """A child's answers to `paths`, or None when it failed (then it is ended and reads go in-process)."""
        assert process.stdin is not None and process.stdout is not None
        s = self.client
        rounds = math.ceil(len(paths) / max(1, s.max_concurrency // max(1, len(self.processes))))
        patience = 30.0 + rounds * (1 + s.read_retries) * (s.settings.timeout + s.backoff * 8)
        try:
            process.stdin.write(_dumps(paths) + b"\n")
            await process.stdin.drain()
            line = await asyncio.wait_for(process.stdout.readline(), patience)
            data = _loads(line)
            results = [_answer(a) for a in data["answers"]]
            if len(results) != len(paths):
                raise ValueError("answers missing")
            return results, list(data.get("calls") or [])
        except (TimeoutError, OSError, ValueError, TypeError, KeyError, asyncio.IncompleteReadError,
                asyncio.LimitOverrunError):
            self.processes.remove(process)
            await _end(process)
            return None

    async def close(self) -> None:
        """End the children (at once: what they still read is not needed)."""
        processes, self.processes = self.processes, []
        for process in processes:
            await _end(process)


SLICE_FROM = 32  # paths a child takes at least before a batch is shared with another (it keeps 16 in flight)


async def _end(process: asyncio.subprocess.Process) -> None:
    if process.stdin is not None:
        process.stdin.close()
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        await asyncio.shield(process.wait())


def child_command() -> list[str]:
    """How the child is started: this interpreter, this copy of the package, no secret."""
    root = str(Path(__file__).resolve().parents[2])
    code = f"import sys; sys.path.insert(0, {root!r}); from pmpc_tui.pve.read_child import main; main()"
    return [sys.executable, "-c", code]


def _child_env() -> dict[str, str]:
    return {k: os.environ[k] for k in _CHILD_ENV if k in os.environ}


def _setup(client: PVEClient, children: int) -> dict[str, Any]:
    """What a child needs to read as `client`: its settings (a password profile's ticket, not its password),
    its retries and a share of its pool (the children together keep as many requests in flight as `client`
    would), and the HTTP stack's environment variables."""
    settings = dataclasses.asdict(client.settings)
    ticket = client.current_ticket()
    if ticket is not None:
        settings.update(ticket=ticket[0], ticket_csrf=ticket[1], password=None)
    env = {k: v for k, v in os.environ.items() if k in _PASSED_ENV or k.lower().endswith("_proxy")}
    return {"settings": settings, "env": env, "max_concurrency": max(1, client.max_concurrency // max(1, children)),
            "read_retries": client.read_retries, "backoff": client.backoff}


# --- the answers on the pipe ---------------------------------------------------------------------
_ERRORS: dict[str, type[errors.PVEError]] = {
    name: value for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.PVEError)}


def _error_classes() -> dict[str, type[errors.PVEError]]:
    from pmpc_tui.pve.client import LoginRefused

    return {**_ERRORS, "LoginRefused": LoginRefused}


def encode_answer(answer: Any) -> dict[str, Any]:
    """One answer for the pipe: `{"ok": data}`, or the typed error with its attributes."""
    if isinstance(answer, errors.PVEError):
        return {"error": type(answer).__name__, "args": list(answer.args), "attrs": dict(vars(answer))}
    return {"ok": answer}


def _answer(item: dict[str, Any]) -> Any:
    """The answer or typed error `encode_answer` wrote (an error class we do not know: a plain PVEError)."""
    if "ok" in item:
        return item["ok"]
    cls = _error_classes().get(str(item["error"]), errors.PVEError)
    exc = cls.__new__(cls)
    Exception.__init__(exc, *item.get("args") or [])
    exc.__dict__.update(item.get("attrs") or {})
    return exc


def _dumps(value: Any) -> bytes:
    import orjson

    return orjson.dumps(value, default=str)


def _loads(line: bytes) -> Any:
    import orjson

    if not line:
        raise ValueError("the reader process ended")
    return orjson.loads(line)


# --- the child -------------------------------------------------------------------------------------
def main() -> None:
    """The child: read the setup line, then answer each line of paths with one line of answers."""
    import signal

    signal.signal(signal.SIGINT, lambda *_: os._exit(130))  # Ctrl-C reaches the whole group: end quietly
    _die_with_parent()
    stdin = sys.stdin.buffer
    setup = _loads(stdin.readline())
    os.environ.update(setup.get("env") or {})
    asyncio.run(_serve(setup, stdin))


def _die_with_parent() -> None:
    """End when the parent ends, even killed (Linux: the parent-death signal; elsewhere a watching thread)."""
    import signal
    import threading
    import time

    parent = os.getppid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


async def _serve(setup: dict[str, Any], stdin: Any) -> None:
    import gc

    from pmpc_tui.pve.client import ConnectionSettings, PVEClient
    from pmpc_tui.pve.read_lean import LeanGets

    gc.freeze()  # as import's own process: young collections every 50,000 allocations, not 700
    gc.set_threshold(50_000, 20, 100)
    settings = ConnectionSettings(**setup["settings"])
    client = PVEClient(settings, max_concurrency=int(setup["max_concurrency"]),
                       read_retries=int(setup["read_retries"]), backoff=float(setup["backoff"]))
    calls: list[tuple[str, str, int, float]] = []

    def observe(method: str, path: str, status: int, elapsed: float) -> None:
        calls.append((method, path, status, elapsed))

    client.observers.append(observe)
    out = sys.stdout.buffer
    lean: LeanGets | None = None
    try:
        with contextlib.suppress(errors.PVEError):  # (if it cannot connect, each read says so below)
            await client.connect()
            lean = LeanGets.for_client(client)
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return
            paths = _loads(line)
            calls.clear()
            try:
                answers = await _read(client, lean, paths, observe)
            except errors.PVEError as exc:  # the connection could not be built: every path gets the error
                answers = [exc] * len(paths)
            out.write(_dumps({"answers": [encode_answer(a) for a in answers], "calls": calls}) + b"\n")
            out.flush()
    finally:
        if lean is not None:
            lean.close()
        await client.close()


async def _read(client: PVEClient, lean: LeanGets | None, paths: list[str],
                observe: Callable[[str, str, int, float], None]) -> list[Any]:
    """The answers to `paths`: the short way where it can (`read_lean.py`), the rest the client's way."""
    from pmpc_tui.pve.read_lean import AGAIN

    if lean is None:
        return await client.get_many(paths)
    answers = await asyncio.to_thread(lean.get_many, paths, observe)
    again = [i for i, answer in enumerate(answers) if answer is AGAIN]
    if again:
        for i, answer in zip(again, await client.get_many([paths[i] for i in again]), strict=True):
            answers[i] = answer
    return answers
