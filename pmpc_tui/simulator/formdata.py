"""multipart/form-data from a spooled request body, scanned a chunk at a time so a large file is never in memory."""

from __future__ import annotations

import itertools
import os
import re
from typing import IO

from pmpc_tui.simulator.httpserver import FilePart

_PARAM = re.compile(r';\s*([\w-]+)="([^"]*)"')
CHUNK = 1024 * 1024
HEADERS_MAX = 16 * 1024


class FormDataError(ValueError):
    """The body is not well-formed multipart/form-data."""


def _boundary(content_type: str) -> bytes:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if "multipart/form-data" not in content_type or match is None:
        raise FormDataError("expected multipart/form-data with a boundary")
    return match.group(1).encode("latin-1")


def find_all(fd: int, needle: bytes) -> list[int]:
    """Every offset of `needle` in the file, reading it in chunks (a match across two chunks is found once)."""
    found: list[int] = []
    offset, tail = 0, b""
    while chunk := os.pread(fd, CHUNK, offset):
        buf = tail + chunk
        base = offset - len(tail)
        start = 0
        while (i := buf.find(needle, start)) >= 0:
            found.append(base + i)
            start = i + 1
        tail = buf[-(len(needle) - 1):] if len(needle) > 1 else b""
        offset += len(chunk)
    return found


def parse_multipart(body: IO[bytes], content_type: str) -> tuple[dict[str, str], dict[str, FilePart]]:
    """(text fields, file parts) of the body; a file part's field value is its file name, as pveproxy passes it."""
    delim = b"--" + _boundary(content_type)
    fd = body.fileno()
    marks = find_all(fd, delim)
    if len(marks) < 2:
        raise FormDataError("no complete part found")
    fields: dict[str, str] = {}
    files: dict[str, FilePart] = {}
    for here, following in itertools.pairwise(marks):
        head = os.pread(fd, HEADERS_MAX, here + len(delim))
        end = head.find(b"\r\n\r\n")
        if not head.startswith(b"\r\n") or end < 0:
            raise FormDataError("a part has no headers")
        params = dict(_PARAM.findall(head[2:end].decode("latin-1")))
        name = params.get("name")
        if name is None:
            raise FormDataError("a part has no name")
        start = here + len(delim) + end + 4
        stop = following - 2  # the CRLF before the next boundary belongs to it
        if stop < start:
            raise FormDataError("a part ends before its data")
        if "filename" in params:
            files[name] = FilePart(body, start, stop - start, params["filename"])
            fields[name] = params["filename"]
        elif stop - start > HEADERS_MAX:
            raise FormDataError(f"the field '{name}' is too long")
        else:
            fields[name] = os.pread(fd, stop - start, start).decode("utf-8")
    return fields, files
