"""What the web server was started with, and what it holds while it runs (sessions, login limit)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.services.read_cache import ReadCache
from pmpc_tui.services.web_sessions import LoginLimiter, SessionStore, WebCluster

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection

    from pmpc_tui.services.session import Session
    from pmpc_tui.services.webhooks import WebhookService

COOKIE = "pmpc_session"
CSRF_HEADER = "X-CSRF-Token"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class WebConfig:
    """How `serve` runs: the cluster (from the profile), read-only, idle timeout, login limit, the server's session.

    `server_session` is the serve command's own session: only its state database is used (for the audit log);
    calls to the cluster always go out with the logged-in user's own ticket or token.
    """

    cluster: WebCluster
    server_session: Session | None = None
    read_only: bool = False
    idle_timeout: float = 900.0  # seconds without a request before a login is forgotten
    login_limit: int = 5  # failed logins per user and client before a lockout
    login_lockout: float = 300.0  # seconds
    secure_cookie: bool = True  # served over TLS always; tests on plain ASGI transports may turn it off
    url: str = ""  # how the server is reached (for links and --json)
    fingerprint: str = ""  # the server certificate's SHA-256
    workspace: Path | None = None  # the workspace serve was started in: plan/apply/drift/validate work on it
    webhooks: WebhookService | None = None  # the workspace's outgoing webhooks, checked; started with the app
    read_cache_ttl: float = 2.0  # seconds a user's list/describe answer may be reused (0: never)


@dataclass
class WebState:
    """The running server's memory: logged-in users, the login rate limit and each user's recent reads."""

    config: WebConfig
    sessions: SessionStore
    limiter: LoginLimiter
    reads: ReadCache
    extra: dict[str, object] = field(default_factory=dict)  # room for the other web modules (event bus …)

    @classmethod
    def create(cls, config: WebConfig) -> WebState:
        reads = ReadCache(config.read_cache_ttl)
        return cls(config, SessionStore(config.cluster, config.idle_timeout, config.read_only, config.workspace,
                                        reads),
                   LoginLimiter(config.login_limit, lockout=config.login_lockout), reads)


def web_state(conn: HTTPConnection) -> WebState:
    """The server's state, from any request or WebSocket."""
    state: WebState = conn.app.state.web
    return state
