"""Secrets never leave the process: every log line, report and health text passes through `redact`.

Known secret values (token secrets, passwords, tickets, CSRF tokens) are registered when they are
first seen and replaced wherever they appear; patterns catch the usual carriers even for values
never registered (an Authorization header, a cookie, `password=`).
"""

from __future__ import annotations

import re
import threading

MASK = "***"
_known: set[str] = set()
_lock = threading.Lock()
_PATTERNS = [
    re.compile(r"(PVEAPIToken=[^=\s]+=)[^\s'\",]+"),
    re.compile(r"(PVEAuthCookie=)[^\s;'\",]+"),
    re.compile(r"()PVE:[^:\s]+:[0-9A-F]{8}::[A-Za-z0-9+/=]+"),  # a bare PVE ticket, whole
    re.compile(r"(CSRFPreventionToken[\"']?\s*[:=]\s*[\"']?)[^\s'\",}]+", re.I),
    re.compile(r"((?:password|passwd|secret|token_value|token_secret|ticket)[\"']?\s*[:=]\s*[\"']?)[^\s'\",}&]+",
               re.I),
]


def register_secret(value: str | None) -> None:
    """Remember a secret so it is masked wherever it shows up (short values are ignored: too common)."""
    if value and len(value) >= 6:
        with _lock:
            _known.add(value)


def forget_secret(*values: str | None) -> None:
    """Stop masking secrets that no longer exist (a web login's session id, CSRF token and ticket once it
    ended), so the list does not grow with every login of a long-running server."""
    with _lock:
        for value in values:
            if value:
                _known.discard(value)


def known_count() -> int:
    """How many secrets are masked now."""
    with _lock:
        return len(_known)


def redact(text: str) -> str:
    """`text` with every known secret and every secret-looking assignment masked."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for value in known:
        if value in text:
            text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text
