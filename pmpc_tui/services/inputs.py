"""Checks for values users type — URLs, ports, paths, counts — shared by every front end.

Each raises ValidationFailed (exit 64) naming the flag and what is allowed, before anything is sent
or written.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import stat
from pathlib import Path
from urllib.parse import urlsplit

from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.services.guest_ref import shown

HOSTNAME = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                      r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?", re.ASCII)
PATH_MAX = 4096


def check_url(raw: str, flag: str = "--url") -> str:
    """An https URL with a host (name, IPv4 or [IPv6]) and an optional port 1-65535; returns it normalized."""
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed("missing URL", {flag: "give the API endpoint, e.g. https://pve1:8006"})
    if len(text) > 2048 or not text.isascii() or any(c.isspace() or ord(c) < 32 for c in text):
        raise ValidationFailed("invalid URL", {flag: f"{shown(raw)} is not a URL (e.g. https://pve1:8006)"})
    url = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Port out of range 0-65535", "Invalid IPv6 URL", …
        raise ValidationFailed("invalid URL", {flag: f"{shown(raw)}: {exc}"}) from None
    if parts.scheme != "https":
        raise ValidationFailed("invalid URL", {flag: "the Proxmox VE API is served over https://"})
    host = parts.hostname or ""
    if not host:
        raise ValidationFailed("invalid URL", {flag: f"{shown(raw)} has no host (e.g. https://pve1:8006)"})
    bracketed = "[" in parts.netloc
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if bracketed and not (address and address.version == 6):
        raise ValidationFailed("invalid URL", {flag: f"{shown(host)} in brackets is not an IPv6 address"})
    if address is None and not HOSTNAME.fullmatch(host):
        raise ValidationFailed("invalid URL", {flag: f"{shown(host)} is not a host name or IP address"})
    if address is not None and address.version == 6 and not bracketed:
        raise ValidationFailed("invalid URL", {flag: "write an IPv6 address in brackets: https://[::1]:8006"})
    if (port is not None and not 1 <= port <= 65535) or parts.netloc.endswith(":"):
        raise ValidationFailed("invalid URL", {flag: "the port must be 1–65535"})
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValidationFailed("invalid URL", {flag: "give only https://HOST:PORT — no path, query or user "
                                                     "(the API path is added for you)"})
    return f"https://{parts.netloc}"


def check_port(port: int, flag: str = "--port", allow_zero: bool = False) -> int:
    """A TCP port 1-65535 (0 too when `allow_zero`: pick a free one)."""
    low = 0 if allow_zero else 1
    if isinstance(port, bool) or not isinstance(port, int) or not low <= port <= 65535:
        raise ValidationFailed("invalid port", {flag: f"{shown(port)} is not a port ({low}–65535)"})
    return port


def check_positive(value: float, flag: str, allow_zero: bool = False) -> float:
    """A finite number above 0 (or at least 0 when `allow_zero`)."""
    if isinstance(value, bool) or not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        need = "0 or more" if allow_zero else "more than 0"
        raise ValidationFailed("invalid option", {flag: f"{shown(value)}: must be a number {need}"})
    return value


def check_text(value: str, flag: str, max_chars: int = 1000) -> str:
    """Free text such as a summary: not blank, at most `max_chars` characters, no control characters."""
    if not value.strip() or len(value) > max_chars or any(ord(c) < 32 and c not in "\t" for c in value):
        raise ValidationFailed("invalid", {flag: f"one line of 1-{max_chars} characters"})
    return value.strip()


def _path(raw: str | os.PathLike[str], flag: str) -> Path:
    text = os.fspath(raw)
    if not text or "\0" in text or len(text) > PATH_MAX:
        raise ValidationFailed("invalid path", {flag: f"{shown(text)} is not a usable path"})
    return Path(text).expanduser()


def check_readable_file(raw: str | os.PathLike[str], flag: str, max_bytes: int | None = None) -> Path:
    """An existing, readable regular file (no device, pipe or directory), at most `max_bytes` long."""
    path = _path(raw, flag)
    try:
        info = path.stat()
    except OSError as exc:
        raise ValidationFailed("cannot read file", {flag: f"{path}: {exc.strerror or exc}"}) from None
    if not stat.S_ISREG(info.st_mode):
        raise ValidationFailed("not a file", {flag: f"{path} is not a regular file"})
    if max_bytes is not None and info.st_size > max_bytes:
        raise ValidationFailed("file too large", {flag: f"{path} is {info.st_size} bytes; at most {max_bytes}"})
    if not os.access(path, os.R_OK):
        raise ValidationFailed("cannot read file", {flag: f"{path} is not readable"})
    return path


def check_creatable_dir(raw: str | os.PathLike[str], flag: str) -> Path:
    """A directory that exists, or can be made: its nearest existing parent is a writable directory."""
    path = _path(raw, flag).resolve()
    if path.exists():
        if not path.is_dir():
            raise ValidationFailed("not a directory", {flag: f"{path} exists and is not a directory"})
        if not os.access(path, os.W_OK):
            raise ValidationFailed("cannot write", {flag: f"{path} is not writable"})
        return path
    parent = next((p for p in path.parents if p.exists()), Path("/"))
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ValidationFailed("cannot create directory", {flag: f"{parent} is not a writable directory"})
    return path
