"""The console's refresh of a large cluster in a child process: the child reads the cluster (HTTP, JSON
decode, rows), compares it with its previous read and sends only what changed; the console applies that.

Why: in the console's own process that work held the GIL in worker threads, and every keystroke of a
5,000-guest console waited for it. The child is started once per console (`python -m` this module); the
connection settings, secrets included, go to it over its stdin pipe (never argv, never a log). Messages are
length-prefixed pickles between our own two processes: `("connect", settings)`, `("read",)` one way;
`("guests", kind, rows)` (a few hundred changed rows each), `("done", delta)` or `("error", …)` back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import struct
import sys
import time
from dataclasses import dataclass, field
from typing import IO, Any

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.live import ClusterView, GuestDelta, KeysFirst, cluster_view_of, load_cluster_view

CHUNK_ROWS = 250  # changed guest rows per message: unpickling one is well under a millisecond
HEADER = struct.Struct("!I")
CHILD_GUESTS = 1000  # from this many guests, the console's refresh runs in a child process
START_TIMEOUT = 30.0  # seconds for the child to start, import and connect
CHILD_NICE = 10  # the refresh process's scheduling priority below the console's
log = logging.getLogger("pmpc.console")

Message = tuple[Any, ...]


@dataclass
class ViewDelta:
    """How a read differs from the one before: nodes, storage and tasks whole when they changed (None: the
    same), the VMIDs of guests gone, and the read's time (changed guest rows come in `guests` messages)."""

    read_at: float
    nodes: list[dict[str, Any]] | None = None
    storage: list[dict[str, Any]] | None = None
    tasks: list[dict[str, Any]] | None = None
    removed: dict[str, list[int]] = field(default_factory=dict)  # kind → VMIDs


# ---- the child ---------------------------------------------------------------------------------
def shown(row: dict[str, Any]) -> tuple[Any, ...]:
    """What the console shows of a guest row: CPU to the whole percent, memory to 0.1 % of the guest's,
    uptime to the minute, the rest as read. A row crosses the pipe only when this changed: a running guest's
    CPU, memory and uptime move on every read, and sending them all made the console unpickle and redraw
    thousands of rows per refresh that look the same."""
    maxmem = row["maxmem"]
    return (row["name"], row["node"], row["status"], row["cpus"], round(row["cpu"] * 100),
            round(row["mem"] * 1000 / maxmem) if maxmem else row["mem"], maxmem, row["maxdisk"],
            row["uptime"] // 60, row["tags"], row["template"], row["lock"])


class Snapshot:
    """The child's previous read, to send only what changed."""

    def __init__(self) -> None:
        self.guests: dict[str, dict[int, tuple[Any, ...]]] = {"qemu": {}, "lxc": {}}  # VMID → shown()
        self.nodes: list[dict[str, Any]] | None = None
        self.storage: list[dict[str, Any]] | None = None
        self.tasks: list[dict[str, Any]] | None = None

    def changes(self, view: ClusterView) -> tuple[list[Message], ViewDelta]:
        """The `guests` messages and the delta from the previous read to `view` (which becomes the previous)."""
        messages: list[Message] = []
        delta = ViewDelta(read_at=view.read_at)
        for kind in ("qemu", "lxc"):
            before = self.guests[kind]
            rows = {row["vmid"]: row for row in view.guests(kind)}
            now = {vmid: shown(row) for vmid, row in rows.items()}
            changed = [rows[vmid] for vmid, looks in now.items() if before.get(vmid) != looks]
            messages += [("guests", kind, changed[i:i + CHUNK_ROWS]) for i in range(0, len(changed), CHUNK_ROWS)]
            gone = [vmid for vmid in before if vmid not in now]
            if gone:
                delta.removed[kind] = gone
            self.guests[kind] = now
        if view.nodes != self.nodes:
            delta.nodes = self.nodes = view.nodes
        if view.storage != self.storage:
            delta.storage = self.storage = view.storage
        if view.tasks != self.tasks:
            delta.tasks = self.tasks = view.tasks
        return messages, delta


def _send(out: IO[bytes], message: Message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(HEADER.pack(len(data)) + data)


def _receive(inp: IO[bytes]) -> Message | None:
    head = inp.read(HEADER.size)
    if len(head) < HEADER.size:
        return None  # the console closed the pipe
    message: Message = pickle.loads(inp.read(HEADER.unpack(head)[0]))
    return message


async def _serve(inp: IO[bytes], out: IO[bytes]) -> None:
    client: PVEClient | None = None
    snapshot = Snapshot()
    try:
        while (message := await asyncio.to_thread(_receive, inp)) is not None:
            try:
                if message[0] == "connect":
                    settings: ConnectionSettings = message[1]
                    client = await PVEClient(settings).connect()
                    _send(out, ("connected",))
                elif message[0] == "read" and client is not None:
                    resources, tasks = await asyncio.gather(client.get("/cluster/resources"),
                                                            client.get("/cluster/tasks"))
                    messages, delta = snapshot.changes(cluster_view_of(resources, tasks, time.time()))
                    for one in messages:
                        _send(out, one)
                    _send(out, ("done", delta))
                else:
                    _send(out, ("error", "PVEError", "the refresh process is not connected", ""))
            except PVEError as exc:
                _send(out, ("error", type(exc).__name__, exc.message, exc.hint))
            out.flush()
    finally:
        if client is not None:
            await client.close()


def main() -> None:
    """The child's entry: serve reads until the console closes stdin (its stdout is the console's pipe alone:
    anything else printed goes to stderr; Ctrl+C in the terminal is the console's, not the child's); it runs
    at a lower priority than the console."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # background work: when the CPU is short, the console's keys go first
        os.nice(CHILD_NICE)
    except OSError:
        pass
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    asyncio.run(_serve(sys.stdin.buffer, out))


# ---- the console's side ------------------------------------------------------------------------
class RefreshChildFailed(Exception):
    """The refresh process could not start or stopped answering (the console reads in-process then)."""


class RefreshChild:
    """The console's handle on its refresh process; `read()` gives the newest ClusterView."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._view: ClusterView | None = None
        self._guests: dict[str, dict[int, dict[str, Any]]] = {"qemu": {}, "lxc": {}}
        self._lock = asyncio.Lock()
        self._interrupted = False  # a read stopped before its last message (cancelled, or the child failed)

    @classmethod
    async def start(cls, settings: ConnectionSettings) -> RefreshChild:
        """Start the process and hand it the connection (over its stdin); RefreshChildFailed if it cannot."""
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "pmpc_tui.services.refresh_child", stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL, limit=2**20)
        except OSError as exc:
            raise RefreshChildFailed(f"cannot start the refresh process: {exc}") from None
        child = cls(process)
        try:
            answer = await asyncio.wait_for(child._ask(("connect", settings)), START_TIMEOUT)
        except (TimeoutError, RefreshChildFailed, PVEError) as exc:
            await child.close()
            raise RefreshChildFailed(f"the refresh process did not connect: {exc}") from None
        except asyncio.CancelledError:  # the console closed while it started
            process.kill()
            raise
        if answer[0] != "connected":
            await child.close()
            raise RefreshChildFailed(f"the refresh process answered {answer[0]!r}")
        return child

    @property
    def pid(self) -> int:
        return self._process.pid

    async def _ask(self, message: Message) -> Message:
        self._write(message)
        return await self._next()

    def _write(self, message: Message) -> None:
        stdin = self._process.stdin
        if stdin is None or stdin.is_closing():
            raise RefreshChildFailed("the refresh process has ended")
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        stdin.write(HEADER.pack(len(data)) + data)

    async def _next(self) -> Message:
        stdout = self._process.stdout
        if stdout is None:
            raise RefreshChildFailed("the refresh process has no output")
        try:
            head = await stdout.readexactly(HEADER.size)
            message: Message = pickle.loads(await stdout.readexactly(HEADER.unpack(head)[0]))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise RefreshChildFailed(f"the refresh process has ended ({exc})") from None
        if message[0] == "error":
            raise _error(message[1], message[2], message[3])
        return message

    async def read(self, between: Any = None) -> ClusterView:
        """Ask for a read and apply what changed; `between` (an async callable, e.g. `KeysFirst.after_keys`)
        is awaited before each message is taken, so a key being handled goes first."""
        async with self._lock:
            if self._interrupted:  # the answers of that read may still be in the pipe: they would be taken as ours
                raise RefreshChildFailed("a read was interrupted")
            self._interrupted = True
            try:
                view = await self._read(between)
            except PVEError:  # the child's whole answer: the pipe is in step
                self._interrupted = False
                raise
            self._interrupted = False
            return view

    async def _read(self, between: Any) -> ClusterView:
        """One read's messages, up to its `done`."""
        self._write(("read",))
        guests = dict(self._guests)
        changed: dict[str, list[dict[str, Any]]] = {}  # kind → its rows that crossed the pipe
        while True:
            if between is not None:
                await between()
            message = await self._next()
            if message[0] == "guests":
                kind = message[1]
                if kind not in changed:
                    changed[kind] = []
                    guests[kind] = dict(guests[kind])
                rows = guests[kind]
                for row in message[2]:
                    rows[row["vmid"]] = row
                changed[kind] += message[2]
            elif message[0] == "done":
                return self._apply(guests, changed, message[1])

    def _apply(self, guests: dict[str, dict[int, dict[str, Any]]], changed: dict[str, list[dict[str, Any]]],
               delta: ViewDelta) -> ClusterView:
        """The new view; a kind of guest where nothing changed keeps the very list of the last view (the
        console's table then has nothing to rebuild), one that changed says how (`ClusterView.deltas`: the
        table applies only the rows that changed)."""
        for kind, gone in delta.removed.items():
            if kind not in changed:
                changed[kind] = []
                guests[kind] = dict(guests[kind])
            for vmid in gone:
                guests[kind].pop(vmid, None)
        old = self._view or ClusterView()
        view = ClusterView(nodes=old.nodes if delta.nodes is None else delta.nodes,
                           storage=old.storage if delta.storage is None else delta.storage,
                           tasks=old.tasks if delta.tasks is None else delta.tasks, read_at=delta.read_at)
        for kind, rows in guests.items():
            same = self._view is not None and kind not in changed
            listed = old.guests(kind) if same else [rows[vmid] for vmid in sorted(rows)]
            if kind == "qemu":
                view.vms = listed
            else:
                view.containers = listed
            if self._view is not None and kind in changed:
                view.deltas[kind] = GuestDelta(old.guests(kind), listed, changed[kind], delta.removed.get(kind, []))
        self._guests, self._view = guests, view
        return view

    async def close(self) -> None:
        """End the process: closing its stdin ends it; killed when it does not end at once."""
        process = self._process
        if process.stdin is not None and not process.stdin.is_closing():
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 2.0)
        except TimeoutError:
            if process.returncode is None:
                process.kill()
                await process.wait()


class ClusterReader:
    """How the console reads the cluster: in its own process while the cluster is small; once a read finds
    `CHILD_GUESTS` or more guests, a refresh process is started (in the background) and later reads come from
    it. When it cannot start or stops answering, reads go on in-process and the app log says why."""

    def __init__(self, child_guests: int | None = None) -> None:
        wanted = os.environ.get("PMPC_REFRESH_PROCESS", "").strip().lower() not in ("0", "off", "no", "false")
        self.child_guests = (CHILD_GUESTS if child_guests is None else child_guests) if wanted else None
        self.child: RefreshChild | None = None
        self._starting: asyncio.Task[None] | None = None
        self._given_up = False

    async def read(self, client: PVEClient, keys: KeysFirst) -> ClusterView:
        """The newest view of the cluster (PVEError when it cannot be read)."""
        child = self.child
        if child is not None:
            try:
                return await child.read(keys.after_keys)
            except RefreshChildFailed as exc:
                log.warning("refresh process %s stopped (%s): the console reads the cluster itself again",
                            child.pid, exc)
                self.child, self._given_up = None, True
                await child.close()
        view = await load_cluster_view(client, keys.pause)
        if self.wants_child(view):
            self._starting = asyncio.create_task(self._start(client.settings))
        return view

    @property
    def starting(self) -> bool:
        """A refresh process is being started."""
        return self._starting is not None and not self._starting.done()

    def wants_child(self, view: ClusterView) -> bool:
        """A cluster this large is read by a child process (not yet started, not given up on)."""
        return (self.child_guests is not None and self.child is None and self._starting is None
                and not self._given_up and len(view.vms) + len(view.containers) >= self.child_guests)

    async def _start(self, settings: ConnectionSettings) -> None:
        try:
            self.child = await RefreshChild.start(settings)
            log.info("refresh process %s reads the cluster (a large cluster: the console's keys stay quick)",
                     self.child.pid)
        except RefreshChildFailed as exc:
            self._given_up = True
            log.warning("%s: the console reads the cluster itself", exc)

    async def close(self) -> None:
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
        child, self.child = self.child, None
        if child is not None:
            await child.close()


def _error(name: str, message: str, hint: str) -> PVEError:
    """The child's PVE error as the console's own type (same class name) so it reads the same."""
    from pmpc_tui.pve import errors

    kind = getattr(errors, name, PVEError)
    try:
        error: PVEError = kind(message, hint) if isinstance(kind, type) and issubclass(kind, PVEError) \
            else PVEError(message, hint)
    except TypeError:
        error = PVEError(message, hint)
    return error


if __name__ == "__main__":  # the pickled classes must be this module's, not __main__'s
    from pmpc_tui.services.refresh_child import main as child_main

    child_main()
