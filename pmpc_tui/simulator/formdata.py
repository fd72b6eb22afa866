"""multipart/form-data from a spooled request body, read through mmap so a large file is never loaded whole."""

from __future__ import annotations

import mmap
import re
from typing import IO

from pmpc_tui.simulator.httpserver import FilePart

_PARAM = re.compile(r';\s*([\w-]+)="([^"]*)"')


class FormDataError(ValueError):
    """The body is not well-formed multipart/form-data."""


def _boundary(content_type: str) -> bytes:
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if "multipart/form-data" not in content_type or match is None:
        raise FormDataError("expected multipart/form-data with a boundary")
    return match.group(1).encode("latin-1")


def parse_multipart(body: IO[bytes], content_type: str) -> tuple[dict[str, str], dict[str, FilePart]]:
    """(text fields, file parts) of the body; a file part's field value is its file name, as pveproxy passes it."""
    delim = b"--" + _boundary(content_type)
    body.seek(0, 2)
    if body.tell() == 0:
        raise FormDataError("empty body")
    fields: dict[str, str] = {}
    files: dict[str, FilePart] = {}
    with mmap.mmap(body.fileno(), 0, access=mmap.ACCESS_READ) as m:
        pos = m.find(delim)
        if pos < 0:
            raise FormDataError("no part found")
        while True:
            pos += len(delim)
            if m[pos:pos + 2] == b"--":
                return fields, files
            head_end = m.find(b"\r\n\r\n", pos)
            if head_end < 0:
                raise FormDataError("a part has no end of headers")
            headers = m[pos + 2:head_end].decode("latin-1")
            start = head_end + 4
            end = m.find(b"\r\n" + delim, start)
            if end < 0:
                raise FormDataError("a part has no closing boundary")
            params = dict(_PARAM.findall(headers))
            name = params.get("name")
            if name is None:
                raise FormDataError("a part has no name")
            if "filename" in params:
                files[name] = FilePart(body, start, end - start, params["filename"])
                fields[name] = params["filename"]
            else:
                fields[name] = m[start:end].decode("utf-8")
            pos = end + 2
