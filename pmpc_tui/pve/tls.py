"""TLS helpers: certificate fingerprint pinning for requests sessions, and reading a server's fingerprint."""

from __future__ import annotations

import hashlib
import socket
import ssl
from typing import Any

from requests.adapters import HTTPAdapter


def normalize_fingerprint(text: str) -> str:
    """Upper-case colon-separated SHA-256 hex; accepts colons, spaces or none."""
    hexdigits = "".join(ch for ch in text if ch.isalnum()).upper()
    if len(hexdigits) != 64 or any(ch not in "0123456789ABCDEF" for ch in hexdigits):
        raise ValueError("a SHA-256 fingerprint has 64 hex digits (e.g. AB:CD:…)")
    return ":".join(hexdigits[i:i + 2] for i in range(0, 64, 2))


def fetch_fingerprint(host: str, port: int, timeout: float = 5.0) -> str | None:
    """SHA-256 fingerprint of the certificate the server presents (without trusting it)."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host.strip("[]"), port), timeout=timeout) as raw, \
                ctx.wrap_socket(raw, server_hostname=host.strip("[]")) as tls:
            der = tls.getpeercert(binary_form=True)
    except OSError:
        return None
    if not der:
        return None
    return normalize_fingerprint(hashlib.sha256(der).hexdigest())


_TRUST_WORDS = ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed", "Fingerprints did not match",
                "doesn't match", "hostname mismatch")


def is_trust_failure(exc: BaseException) -> bool:
    """Whether a TLS error says the certificate was not trusted (not a connection broken mid-handshake)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, ssl.SSLCertVerificationError):
            return True
        if any(word in str(error) for word in _TRUST_WORDS):
            return True
        todo.extend(arg for arg in (*error.args, getattr(error, "reason", None), error.__cause__,
                                    error.__context__) if isinstance(arg, BaseException))
    return False


_PINNED_CONTEXT: ssl.SSLContext | None = None


def pinned_context() -> ssl.SSLContext:
    """One client TLS context for every pinned connection of the process.

    Without it urllib3 builds a context and loads the system's CA store for each new connection (about a
    seventh of `serve`'s CPU under load, profiled with py-spy); pinning checks the fingerprint, not a CA.
    """
    global _PINNED_CONTEXT
    if _PINNED_CONTEXT is None:
        from urllib3.util.ssl_ import create_urllib3_context

        context = create_urllib3_context(cert_reqs=ssl.CERT_NONE)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        _PINNED_CONTEXT = context
    return _PINNED_CONTEXT


class PinnedAdapter(HTTPAdapter):
    """An HTTPS adapter that trusts exactly one certificate, by SHA-256 fingerprint.

    Pinning replaces CA verification (PVE's certificates are usually self-signed), so the pool
    is created with certificate checks off and urllib3's `assert_fingerprint` on.
    """

    def __init__(self, fingerprint: str | None = None, **kwargs: Any) -> None:
        self.fingerprint = normalize_fingerprint(fingerprint).replace(":", "").lower() if fingerprint else None
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        if self.fingerprint:
            pool_kwargs["assert_fingerprint"] = self.fingerprint
            pool_kwargs["cert_reqs"] = ssl.CERT_NONE
            pool_kwargs["ssl_context"] = pinned_context()
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)

    def build_connection_pool_key_attributes(self, request: Any, verify: Any, cert: Any = None) -> Any:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if self.fingerprint:
            pool_kwargs["cert_reqs"] = "CERT_NONE"
            pool_kwargs["assert_fingerprint"] = self.fingerprint  # type: ignore[typeddict-unknown-key]
        return host_params, pool_kwargs
