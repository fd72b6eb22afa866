"""A small HTTP/1.1 server on asyncio and h11, so the simulator controls every byte it sends.

Full control matters for fault injection: a "dropped connection" must really close the socket
without an answer, which a framework server would turn into a polite 500.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import IO
from urllib.parse import parse_qsl, unquote, urlsplit

import h11

MAX_BODY = 8 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024  # after a 413, read (and drop) this much of the rest before closing
DRAIN_SECONDS = 5.0


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    peer: str = ""
    body_file: IO[bytes] | None = None  # a streamed body (uploads): in a temporary file, any size
    files: dict[str, FilePart] = field(default_factory=dict)  # multipart file parts, after form()

    @property
    def cookies(self) -> dict[str, str]:
        """Cookies sent with the request, decoded."""
        jar: dict[str, str] = {}
        for part in self.headers.get("cookie", "").split(";"):
            if "=" in part:
                name, value = part.split("=", 1)
                jar[name.strip()] = unquote(value.strip())
        return jar

    def form(self) -> dict[str, str]:
        """Body parameters: form-encoded (what PVE clients send) or a JSON object."""
        if self.body_file is not None and "multipart/form-data" in self.headers.get("content-type", ""):
            from pmpc_tui.simulator.formdata import parse_multipart

            fields, self.files = parse_multipart(self.body_file, self.headers.get("content-type", ""))
            return fields
        if self.body_file is not None:  # a streamed route sent a plain form: read it like any other body
            self.body_file.seek(0)
            self.body = self.body_file.read(MAX_BODY + 1)
            if len(self.body) > MAX_BODY:
                raise ValueError("a form body is limited to 8 MiB (send files as multipart/form-data)")
        if not self.body:
            return {}
        ctype = self.headers.get("content-type", "")
        if "json" in ctype:
            data = json.loads(self.body.decode("utf-8") or "{}")
            if not isinstance(data, dict):
                raise ValueError("JSON body must be an object")
            return {k: _json_scalar(v) for k, v in data.items()}
        values: dict[str, str] = {}
        for key, value in parse_qsl(self.body.decode("utf-8"), keep_blank_values=True):
            # a repeated key is an array parameter (SDN's `dhcp-range`): its values joined with NUL
            values[key] = f"{values[key]}\0{value}" if key in values else value
        return values


@dataclass(frozen=True)
class FilePart:
    """One file of a streamed multipart body: where its bytes are in the spooled body, and its name."""

    file: IO[bytes]
    offset: int
    length: int
    filename: str

    def chunks(self, size: int = 1024 * 1024) -> Iterator[bytes]:
        """The file's bytes, read from disk a chunk at a time."""
        import os

        done = 0
        while done < self.length:
            chunk = os.pread(self.file.fileno(), min(size, self.length - done), self.offset + done)
            if not chunk:
                return
            done += len(chunk)
            yield chunk


def _json_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


@dataclass
class Response:
    """An HTTP response; `reason` is the status line text, which PVE uses for error messages."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json;charset=UTF-8"
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def json(cls, payload: object, status: int = 200, reason: str = "") -> Response:
        return cls(status=status, body=json.dumps(payload, separators=(",", ":")).encode(), reason=reason)


class DropConnection(Exception):
    """Raised by a handler to close the connection without answering."""


class BodyTooLarge(Exception):
    """The request body is over `MAX_BODY`: answered with 413, then the connection closes."""


Handler = Callable[[Request], Awaitable[Response]]


class HTTPServer:
    """Serves `handler` over HTTPS (or plain HTTP when no SSL context is given)."""

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0,
                 ssl_context: ssl.SSLContext | None = None,
                 streamed: Callable[[str, str, dict[str, str]], bool] | None = None) -> None:
        self.handler = handler
        self.streamed = streamed  # (method, path, headers) → stream the body to a temporary file, no size limit
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._closing = False

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connect, self.host, self.port, ssl=self.ssl_context, backlog=1024
        )
        sock = self._server.sockets[0]
        self.port = sock.getsockname()[1]

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._closing = True
            for writer in list(self._writers):
                writer.transport.abort()
            pending = list(self._connections)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        self._writers.add(writer)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, h11.ProtocolError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            self._writers.discard(writer)
            if self._closing:
                writer.transport.abort()
            else:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 1)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        peer = writer.get_extra_info("peername")
        peer_text = f"{peer[0]}:{peer[1]}" if peer else ""
        while True:
            try:
                request = await self._read_request(conn, reader, peer_text)
            except BodyTooLarge:
                await self._refuse_large_body(conn, reader, writer)
                return
            if request is None:
                return
            try:
                response = await self.handler(request)
            except DropConnection:
                return
            finally:
                if request.body_file is not None:
                    request.body_file.close()
            await self._send(conn, writer, response)
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            try:
                conn.start_next_cycle()
            except h11.LocalProtocolError:
                return

    async def _read_request(self, conn: h11.Connection, reader: asyncio.StreamReader,
                            peer: str) -> Request | None:
        method = target = ""
        headers: dict[str, str] = {}
        body = bytearray()
        spool: IO[bytes] | None = None
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await reader.read(65536)
                conn.receive_data(data)
                if not data and conn.their_state is not h11.DONE:
                    # peer closed; h11 will report ConnectionClosed on the next loop
                    pass
                continue
            if isinstance(event, h11.Request):
                method = event.method.decode()
                target = event.target.decode()
                headers = {k.decode().lower(): v.decode("latin-1") for k, v in event.headers}
                if self.streamed is not None and self.streamed(method, unquote(urlsplit(target).path), headers):
                    spool = tempfile.TemporaryFile(prefix="pmpc-sim-upload-")  # noqa: SIM115 (closed after the handler)
                elif _declared_length(headers) > MAX_BODY:
                    raise BodyTooLarge()
            elif isinstance(event, h11.Data):
                if spool is not None:
                    spool.write(event.data)
                    continue
                body.extend(event.data)
                if len(body) > MAX_BODY:
                    raise BodyTooLarge()
            elif isinstance(event, h11.EndOfMessage):
                split = urlsplit(target)
                query = dict(parse_qsl(split.query, keep_blank_values=True))
                if spool is not None:
                    spool.flush()
                return Request(method, unquote(split.path), query, headers, bytes(body), peer, body_file=spool)
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                if spool is not None:
                    spool.close()
                return None

    async def _refuse_large_body(self, conn: h11.Connection, reader: asyncio.StreamReader,
                                 writer: asyncio.StreamWriter) -> None:
        """Answer 413 and close; the unread rest of the body is drained first so the client sees the answer."""
        limit = MAX_BODY // (1024 * 1024)
        response = Response.json({"data": None, "message": f"request body larger than {limit} MiB\n"}, status=413,
                                 reason="Request Entity Too Large")
        response.headers.append(("Connection", "close"))
        await self._send(conn, writer, response)
        drained = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DRAIN_SECONDS
        with contextlib.suppress(Exception):
            while drained < DRAIN_LIMIT and loop.time() < deadline:
                chunk = await asyncio.wait_for(reader.read(65536), max(0.01, deadline - loop.time()))
                if not chunk:
                    break
                drained += len(chunk)

    async def _send(self, conn: h11.Connection, writer: asyncio.StreamWriter, response: Response) -> None:
        reason = response.reason or _default_reason(response.status)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Server", "pve-api-daemon/3.0"),
            ("Cache-Control", "max-age=0"),
            *response.headers,
        ]
        data = conn.send(h11.Response(status_code=response.status, headers=headers,
                                      reason=reason.encode("latin-1", "replace")))
        data = (data or b"") + (conn.send(h11.Data(data=response.body)) or b"") if response.body else data
        data = (data or b"") + (conn.send(h11.EndOfMessage()) or b"")
        writer.write(data)
        await writer.drain()


def _declared_length(headers: dict[str, str]) -> int:
    try:
        return int(headers.get("content-length", "0") or 0)
    except ValueError:
        return 0


def _default_reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
