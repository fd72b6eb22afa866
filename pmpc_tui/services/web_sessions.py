"""Web sessions: each user's own PVE ticket or API token, an idle timeout, CSRF tokens and the login rate limit.

There is no second user database: a login is the cluster's `/access/ticket` with the user's own password, and
every call the user makes goes out with that ticket (or token), so PVE's ACLs decide what they may do.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.config.profiles import Profile
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import AuthenticationFailed, ValidationFailed
from pmpc_tui.pve.redact import forget_secret, register_secret
from pmpc_tui.pve.tls import PinnedAdapter
from pmpc_tui.services.read_cache import ReadCache
from pmpc_tui.services.session import Session
from pmpc_tui.services.web_client import WebUserClient

USERNAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
REALM = re.compile(r"[A-Za-z][A-Za-z0-9._-]{0,31}")
TOKEN_HEADER = re.compile(r"PVEAPIToken=([A-Za-z0-9._-]{1,64}@[A-Za-z][A-Za-z0-9._-]{0,31})"
                          r"!([A-Za-z][A-Za-z0-9._-]{0,63})=([A-Za-z0-9-]{8,128})")


@dataclass(frozen=True)
class WebCluster:
    """The cluster `serve` was started for: where it is and how its certificate is checked (no credentials)."""

    url: str
    fingerprint: str | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None
    state_name: str | None = None  # the profile's state database folder
    ticket_renew_after: float = 3600.0  # seconds; a user's ticket is renewed (with itself) after this

    @classmethod
    def from_profile(cls, profile: Profile) -> WebCluster:
        """The profile's cluster without its secret (never read: each user brings their own login)."""
        from urllib.parse import urlsplit

        if profile.backend != "https":
            raise ValidationFailed(f"profile '{profile.name}' reaches the cluster over SSH; serve needs the HTTPS API",
                                   {"--profile": "a profile made with `proxmox-mpc connect NAME --url https://…`"})
        try:
            urlsplit(profile.url).port  # noqa: B018 - raises on a port out of range or a broken IPv6 literal
        except ValueError:
            raise ValidationFailed(f"profile '{profile.name}': its URL is not usable",
                                   {"--profile": "save it again with `proxmox-mpc connect`"}) from None
        return cls(url=profile.url, fingerprint=profile.fingerprint, verify_tls=profile.verify_tls,
                   ca_bundle=profile.ca_bundle, state_name=profile.name)

    def settings(self, user: str, **secrets_: str | None) -> ConnectionSettings:
        """Connection settings for one user of this cluster (their ticket or token in `secrets_`)."""
        return ConnectionSettings(url=self.url, user=user, fingerprint=self.fingerprint, verify_tls=self.verify_tls,
                                  ca_bundle=self.ca_bundle, ticket_renew_after=self.ticket_renew_after,
                                  **secrets_)  # type: ignore[arg-type]


@dataclass
class WebSession:
    """One logged-in user: an opaque id (the cookie), a CSRF token, and a `Session` bound to their own ticket."""

    id: str = field(repr=False)
    userid: str  # user@realm
    csrf: str = field(repr=False)
    session: Session = field(repr=False)
    ticket: str = field(default="", repr=False)
    ticket_csrf: str = field(default="", repr=False)
    token_id: str | None = None  # user@realm!name when the caller sent an API token
    last_seen: float = field(default_factory=time.monotonic)

    @property
    def username(self) -> str:
        return self.userid.rsplit("@", 1)[0]

    @property
    def realm(self) -> str:
        return self.userid.rsplit("@", 1)[1] if "@" in self.userid else "pam"

    def csrf_matches(self, given: str | None) -> bool:
        """Constant-time comparison of a request's CSRF header with this session's token."""
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())


def check_login_input(username: str, password: str, realm: str | None) -> str:
    """The user id (user@realm) of a login form, or ValidationFailed; nothing is sent for bad input."""
    if not isinstance(username, str) or not USERNAME.fullmatch(username):
        raise ValidationFailed("user name missing or malformed", {"username": "letters, digits, . _ - @"})
    if not isinstance(password, str) or not password or len(password) > 1024:
        raise ValidationFailed("password missing", {"password": "required"})
    if realm is not None and (not isinstance(realm, str) or not REALM.fullmatch(realm)):
        raise ValidationFailed("realm malformed", {"realm": "such as pam or pve"})
    if "@" in username:
        return username
    return f"{username}@{realm or 'pam'}"


def check_serve_limits(idle_timeout: float, login_limit: int, cache_ttl: float) -> None:
    """`serve`'s --idle-timeout, --login-limit and --cache-ttl checked (ValidationFailed names the flag)."""
    if not 10 <= idle_timeout <= 7 * 86400:
        raise ValidationFailed("--idle-timeout out of range", {"--idle-timeout": "seconds, 10 to 604800 (a week)"})
    if not 1 <= login_limit <= 1000:
        raise ValidationFailed("--login-limit out of range", {"--login-limit": "failed logins, 1 to 1000"})
    if not 0 <= cache_ttl <= 10:
        raise ValidationFailed("--cache-ttl out of range", {"--cache-ttl": "seconds, 0 (off) to 10"})


def _session_for(cluster: WebCluster, settings: ConnectionSettings, read_only: bool,
                 workspace: Path | None, connections: Any, reads: ReadCache | None = None) -> Session:
    async def connect() -> PVEClient:
        if reads is None:
            return await PVEClient(settings, connections=connections).connect()
        who = f"{settings.user}!{settings.token_name}" if settings.token_name else settings.user
        return await WebUserClient(settings, reads, who, connections=connections).connect()

    session = Session(state_name=cluster.state_name or "web", client_source=connect, read_only=read_only,
                      uses_saved_profiles=False)  # never the server's saved profiles (a workspace of several clusters)
    session.use_workspace(workspace)  # the workspace serve was started in (None: none, whatever the cwd)
    return session


class SessionStore:
    """Logged-in users in memory, keyed by an opaque random id; idle ones are dropped after `idle_timeout` s."""

    def __init__(self, cluster: WebCluster, idle_timeout: float = 900.0, read_only: bool = False,
                 workspace: Path | None = None, reads: ReadCache | None = None) -> None:
        self.cluster = cluster
        self.reads = reads  # each user's read cache (their clients share their /cluster/resources reads)
        self.workspace = workspace
        self.idle_timeout = idle_timeout
        self.read_only = read_only
        self._sessions: dict[str, WebSession] = {}
        self._tokens: dict[str, WebSession] = {}  # by the SHA-256 of the Authorization header
        self._token_lock = asyncio.Lock()  # two first requests with one token make one session
        # kept-alive TLS connections to the cluster, shared by every user's client (each request carries its
        # own ticket or token): a login costs no new TLS handshakes, whichever user's request reads PVE
        self.connections: PinnedAdapter | None = None
        with contextlib.suppress(ValueError):  # a malformed pin: each client fails on it with the usual message
            self.connections = PinnedAdapter(cluster.fingerprint, pool_connections=4, pool_maxsize=64)

    async def login(self, userid: str, password: str) -> WebSession:
        """Ask the cluster for the user's own ticket; a new session holding it (AuthenticationFailed if refused)."""
        from pmpc_tui.pve.ticket import request_ticket

        settings = self.cluster.settings(userid)
        ticket, ticket_csrf = await asyncio.to_thread(request_ticket, settings, userid, password)
        # masked from here on (a wrong one is not remembered: every guess would grow the redaction list)
        register_secret(password)
        user_settings = self.cluster.settings(userid, ticket=ticket, ticket_csrf=ticket_csrf)
        session = _session_for(self.cluster, user_settings, self.read_only, self.workspace, self.connections,
                               self.reads)
        ws = WebSession(id=secrets.token_urlsafe(32), userid=userid, csrf=secrets.token_urlsafe(32), session=session,
                        ticket=ticket, ticket_csrf=ticket_csrf)
        register_secret(ws.id)
        register_secret(ws.csrf)
        self._sessions[ws.id] = ws
        return ws

    async def get(self, session_id: str | None) -> WebSession | None:
        """The session with this id when it has not been idle too long (it is touched); else None."""
        await self.expire_idle()
        ws = self._sessions.get(session_id or "")
        if ws is not None:
            ws.last_seen = time.monotonic()
        return ws

    def alive(self, session_id: str | None) -> bool:
        """Whether this login still exists and is not idle; asking does not count as activity (web console)."""
        ws = self._sessions.get(session_id or "")
        return ws is not None and time.monotonic() - ws.last_seen <= self.idle_timeout

    async def for_token(self, header: str) -> WebSession:
        """A session for an `Authorization: PVEAPIToken=…` header, checked once at the cluster, then kept idle-timed."""
        await self.expire_idle()
        async with self._token_lock:
            return await self._for_token(header)

    async def _for_token(self, header: str) -> WebSession:
        key = hashlib.sha256(header.encode()).hexdigest()
        ws = self._tokens.get(key)
        if ws is not None:
            ws.last_seen = time.monotonic()
            return ws
        match = TOKEN_HEADER.fullmatch(header.strip())
        if match is None:
            raise AuthenticationFailed("malformed API token", "Send Authorization: PVEAPIToken=USER@REALM!ID=SECRET.")
        userid, name, secret = match.groups()
        register_secret(secret)
        settings = self.cluster.settings(userid, token_name=name, token_secret=secret)
        session = _session_for(self.cluster, settings, self.read_only, self.workspace, self.connections,
                               self.reads)
        try:
            await (await session.client()).get("/version")  # the cluster decides whether the token is valid
        except Exception:
            await session.close()
            raise
        ws = WebSession(id=key, userid=userid, csrf=secrets.token_urlsafe(32), session=session,
                        token_id=f"{userid}!{name}")
        self._tokens[key] = ws
        return ws

    async def logout(self, session_id: str | None) -> bool:
        """Forget a session and close its client; True when there was one."""
        ws = self._sessions.pop(session_id or "", None)
        if ws is None:
            return False
        await _end(ws)
        return True

    async def expire_idle(self) -> None:
        """Drop every session idle for longer than the timeout."""
        now = time.monotonic()
        for table in (self._sessions, self._tokens):
            for key, ws in list(table.items()):
                if now - ws.last_seen > self.idle_timeout:
                    del table[key]
                    await _end(ws)

    def count(self) -> int:
        return len(self._sessions) + len(self._tokens)

    async def close(self) -> None:
        """Close every session (the server stops)."""
        for table in (self._sessions, self._tokens):
            for ws in table.values():
                await _end(ws)
            table.clear()
        if self.connections is not None:
            self.connections.close()


async def _end(ws: WebSession) -> None:
    """Close a login's client and stop masking its own secrets (its id, CSRF token and tickets): they are
    void now, and the redaction list would otherwise grow with every login."""
    client = ws.session.connected_client
    renewed = client.current_ticket() if client is not None else None
    await ws.session.close()
    if ws.token_id is None:  # a token's secret stays masked: the caller keeps using it
        forget_secret(ws.id, ws.csrf, ws.ticket, ws.ticket_csrf, *(renewed or ()))


class LoginLimiter:
    """Repeated failed logins per user and client: after `limit` failures in `window` s, refused for `lockout` s."""

    def __init__(self, limit: int = 5, window: float = 300.0, lockout: float = 300.0) -> None:
        self.limit, self.window, self.lockout = limit, window, lockout
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._locked_until: dict[tuple[str, str], float] = {}

    def retry_after(self, userid: str, client: str) -> int | None:
        """Seconds until this user may try again from this client, or None when they may now."""
        until = self._locked_until.get((userid.lower(), client), 0.0)
        left = until - time.monotonic()
        return max(1, int(left + 0.999)) if left > 0 else None

    def failed(self, userid: str, client: str) -> None:
        key, now = (userid.lower(), client), time.monotonic()
        times = self._failures.setdefault(key, deque())
        times.append(now)
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.limit:
            self._locked_until[key] = now + self.lockout
            times.clear()

    def succeeded(self, userid: str, client: str) -> None:
        self._failures.pop((userid.lower(), client), None)
