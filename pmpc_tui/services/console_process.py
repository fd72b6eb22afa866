"""One console process per browser session: `python -m pmpc_tui` on Textual's web driver, framed stdin/stdout.

Textual's web driver announces itself with a prelude line, then speaks in packets both ways: one type byte
(`D` terminal data, `M` JSON meta such as resize/focus/blur/quit/exit, `P` packed binary), a 4-byte big-endian
length, the payload. The process starts with a minimal environment (the server's own secrets stay with the
server), loads the console, and then gets the logged-in user's PVE ticket as one JSON line on its stdin — never
on its command line (pmpc_tui/cli/web_console.py). One spare is kept loaded, so a browser tab does not wait
for Python and Textual to start.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.pve.errors import ConflictError, PVEError

PRELUDE = b"__GANGLION__\n"
DEFAULT_MAX_CONSOLES = 4
START_TIMEOUT = 60.0  # seconds until the console's web driver must have said hello (a loaded machine is slow)
STOP_GRACE = 5.0  # seconds a console gets to quit on its own before it is terminated
LOGIN_CHECK_SECONDS = 2.0  # how often a console checks that its login still exists (logout, idle timeout)
# what a console process inherits from the server: where things live, never a secret source
INHERITED = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH",
             "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "PMPC_CONFIG_DIR",
             "PMPC_STATE_DIR", "PMPC_WORKSPACE", "PMPC_DATABASE_URL", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
             "SSL_CERT_FILE", "SSL_CERT_DIR", "EDITOR", "VISUAL")


class ConsoleLimitReached(ConflictError):
    """Every console slot of the server is in use."""


class ConsoleDidNotStart(PVEError):
    """The console process ended or stayed silent before its web driver started."""


def packet(kind: bytes, payload: bytes) -> bytes:
    """One packet of the web driver's framing: type byte, 4-byte big-endian length, payload."""
    return kind + len(payload).to_bytes(4, "big") + payload


def console_limit(configured: int | None = None) -> int:
    """How many consoles a server runs at once: its configuration, else $PMPC_WEB_MAX_CONSOLES, else 4."""
    if configured:
        return max(1, int(configured))
    value = os.environ.get("PMPC_WEB_MAX_CONSOLES", "")
    return max(1, int(value)) if value.isdigit() else DEFAULT_MAX_CONSOLES


def spares_wanted() -> bool:
    """Whether a server keeps a console loaded ahead of need ($PMPC_WEB_SPARE_CONSOLES=0 turns it off)."""
    return os.environ.get("PMPC_WEB_SPARE_CONSOLES", "1") != "0"


def handover_usable(handover: Mapping[str, str]) -> bool:
    """Whether a hand-over names the cluster and carries a ticket or token (else the console would use a profile)."""
    return bool(handover.get("PMPC_URL")) and bool(
        handover.get("PMPC_TICKET") or (handover.get("PMPC_TOKEN_ID") and handover.get("PMPC_TOKEN_SECRET")))


def console_environment(width: int, height: int, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The console process's environment: the inherited allow-list and Textual's web driver (no credential)."""
    source = os.environ if base is None else base
    env = {name: source[name] for name in INHERITED if name in source}
    env.update({name: value for name, value in source.items() if name.startswith("LC_")})
    env.update({
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TEXTUAL_FPS": "60",
        "TERM_PROGRAM": "textual",
        "COLUMNS": str(width),
        "ROWS": str(height),
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class ConsoleSlots:
    """A cap on the console processes one server runs at once."""

    limit: int = DEFAULT_MAX_CONSOLES
    in_use: int = 0

    def take(self) -> None:
        """Take a slot or raise ConsoleLimitReached."""
        if self.in_use >= self.limit:
            raise ConsoleLimitReached(f"all {self.limit} consoles of this server are in use",
                                      "Close another console tab, or try again later.")
        self.in_use += 1

    def give_back(self) -> None:
        self.in_use = max(0, self.in_use - 1)


@dataclass
class ConsoleSpares:
    """At most one console process loaded ahead of need (started when someone opens the console page)."""

    enabled: bool = True
    _spare: ConsoleProcess | None = None
    _warming: asyncio.Task[None] | None = None
    _loading: bool = False

    def warm_soon(self, cwd: Path | None, delay: float = 0.0) -> None:
        """Load a spare in the background (after `delay` s: a console that just started draws first)."""
        if not self.enabled:
            return
        pending = self._warming
        if pending is not None and not pending.done():
            if delay or self._loading:
                return
            pending.cancel()  # someone opens a page now: load now rather than after the delay

        async def later() -> None:
            await asyncio.sleep(delay)
            self._loading = True
            try:
                await self.warm(cwd)
            except Exception:  # a spare that cannot start is simply not there
                pass
            finally:
                self._loading = False
        self._warming = asyncio.get_running_loop().create_task(later())

    async def warm(self, cwd: Path | None) -> None:
        """Have a loaded spare ready for the next console in `cwd`."""
        if self._spare is not None and self._spare.spare and self._spare.cwd == cwd:
            return
        await self.discard()
        self._spare = ConsoleProcess({}, cwd=cwd)
        await self._spare.spawn()

    async def take(self, handover: Mapping[str, str], width: int, height: int, cwd: Path | None) -> ConsoleProcess:
        """The spare for this user (when loaded and for `cwd`), else a new process; call start() on it."""
        spare, self._spare = self._spare, None
        if spare is not None and spare.spare and spare.cwd == cwd:
            spare.handover, spare.width, spare.height = handover, width, height
            return spare
        if spare is not None:
            await spare.stop(grace=0)
        return ConsoleProcess(handover, width, height, cwd=cwd)

    async def discard(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            await spare.stop(grace=0)


@dataclass
class ConsoleProcess:
    """One console (`python -m pmpc_tui.cli.web_console`) on Textual's web driver, fed and read in packets."""

    handover: Mapping[str, str]
    width: int = 80
    height: int = 24
    cwd: Path | None = None
    argv: tuple[str, ...] = ()
    _process: asyncio.subprocess.Process | None = None
    _stderr: bytearray = field(default_factory=bytearray)
    _stderr_task: asyncio.Task[None] | None = None
    _handed_over: bool = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def spawn(self) -> None:
        """Start the process: it loads the console, then waits for the hand-over (a warm spare until then)."""
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pmpc_tui.cli.web_console", *self.argv,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=console_environment(self.width, self.height), cwd=self.cwd,
            start_new_session=True)  # a Ctrl+C meant for the server does not reach its consoles
        self._stderr_task = asyncio.create_task(self._collect_stderr())

    @property
    def spare(self) -> bool:
        """Spawned, not handed over yet, and still running."""
        process = self._process
        return process is not None and process.returncode is None and not self._handed_over

    async def start(self, timeout: float = START_TIMEOUT) -> None:
        """Hand the user's connection over (spawning first unless warm) and wait for the web driver's prelude.

        Raises ConsoleDidNotStart."""
        if self._process is None:
            await self.spawn()
        self._handed_over = True
        line = json.dumps({**self.handover, "COLUMNS": str(self.width), "ROWS": str(self.height)}) + "\n"
        try:
            if not await self._write(line.encode("utf-8")):
                raise ConsoleDidNotStart("the console ended before it started")
            await asyncio.wait_for(self._read_prelude(), timeout)
        except (TimeoutError, asyncio.IncompleteReadError, ConsoleDidNotStart):
            await self.stop(grace=0)
            raise ConsoleDidNotStart("the console did not start", self.stderr_tail()) from None

    async def _read_prelude(self) -> None:
        stdout = self._stdout()
        for _ in range(50):  # anything printed before the driver started (a warning) is skipped
            line = await stdout.readline()
            if not line:
                raise ConsoleDidNotStart("the console ended before it started")
            if line == PRELUDE:
                return
        raise ConsoleDidNotStart("the console printed no web driver prelude")

    async def _collect_stderr(self) -> None:
        assert self._process is not None and self._process.stderr is not None
        with contextlib.suppress(Exception):
            while chunk := await self._process.stderr.read(4096):
                self._stderr.extend(chunk)
                del self._stderr[:-16384]  # keep the tail

    def stderr_tail(self, lines: int = 5) -> str:
        """The last lines the console wrote to stderr (its error, if it failed)."""
        from pmpc_tui.pve.redact import redact

        text = self._stderr.decode("utf-8", "replace").strip().splitlines()[-lines:]
        return redact("\n".join(text))

    def _stdout(self) -> asyncio.StreamReader:
        assert self._process is not None and self._process.stdout is not None
        return self._process.stdout

    async def output(self) -> AsyncIterator[tuple[str, Any]]:
        """The console's packets until it ends: ("data", bytes), ("meta", dict) or ("packed", bytes)."""
        read = self._stdout().readexactly
        kinds = {b"D": "data", b"M": "meta", b"P": "packed"}
        while True:
            try:
                head = await read(5)
                payload = await read(int.from_bytes(head[1:], "big"))
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            kind = kinds.get(head[:1])
            if kind == "meta":
                try:
                    yield kind, json.loads(payload)
                except ValueError:
                    continue
            elif kind is not None:
                yield kind, payload

    async def _write(self, data: bytes) -> bool:
        process = self._process
        if process is None or process.stdin is None or process.returncode is not None:
            return False
        try:
            process.stdin.write(data)
            await process.stdin.drain()
        except (ConnectionError, RuntimeError):
            return False
        return True

    async def _send(self, kind: bytes, payload: bytes) -> bool:
        return await self._write(packet(kind, payload))

    async def send_keys(self, text: str) -> bool:
        """Keyboard (and mouse report) input as the browser's terminal produced it."""
        return await self._send(b"D", text.encode("utf-8"))

    async def send_meta(self, meta: dict[str, Any]) -> bool:
        return await self._send(b"M", json.dumps(meta).encode("utf-8"))

    async def resize(self, width: int, height: int) -> bool:
        """The browser's terminal changed size (in cells; clamped to something a screen can draw)."""
        self.width, self.height = max(10, min(width, 1000)), max(5, min(height, 500))
        return await self.send_meta({"type": "resize", "width": self.width, "height": self.height})

    async def stop(self, grace: float = STOP_GRACE) -> int | None:
        """Ask the console to quit, terminate it after `grace` seconds, kill it if it still runs; its exit code."""
        process = self._process
        if process is None:
            return None
        if process.returncode is None:
            if self._handed_over:  # a spare has no driver yet: closing its stdin ends it
                await self.send_meta({"type": "quit"})
            with contextlib.suppress(Exception):
                if process.stdin is not None:
                    process.stdin.close()
            for signal_it in (None, process.terminate, process.kill):
                if signal_it is not None:
                    with contextlib.suppress(ProcessLookupError):
                        signal_it()
                try:
                    await asyncio.wait_for(process.wait(), grace if signal_it is None else STOP_GRACE)
                    break
                except TimeoutError:
                    continue
        if self._stderr_task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._stderr_task, 1.0)
        return process.returncode
