"""Who is calling: a login cookie (plus the CSRF header on changes) or `Authorization: PVEAPIToken=…`."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.exceptions import HTTPException, WebSocketException
from starlette.requests import HTTPConnection

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import AuthenticationFailed
from pmpc_tui.services.session import Session
from pmpc_tui.services.web_sessions import WebCluster, WebSession
from pmpc_tui.web.config import COOKIE, CSRF_HEADER, STATE_CHANGING, web_state
from pmpc_tui.web.errors import error_body

WS_UNAUTHORIZED = 4401  # WebSocket close code: not logged in (HTTP 401 + 4000)
WS_FORBIDDEN = 4403


class WebRefusal(HTTPException):
    """An HTTP error whose body is the one error shape (exit-code name and next step)."""

    def __init__(self, status: int, code: ExitCode, message: str, next_step: str = "",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers)
        self.body = error_body(code, message, next_step)


@dataclass
class WebUser:
    """A logged-in user: their name and realm, and a `Session` bound to their own PVE ticket or API token."""

    username: str
    realm: str
    session: Session = field(repr=False)
    web_session: WebSession = field(repr=False)
    cluster: WebCluster | None = None

    @property
    def userid(self) -> str:
        return f"{self.username}@{self.realm}"

    @property
    def who(self) -> str:
        """The name the audit log records: the user, or the API token's id."""
        return self.web_session.token_id or self.userid

    def pve_env(self) -> dict[str, str]:
        """Environment variables that hand this user's own credentials to a child console process (never argv).

        PMPC_URL says where the cluster is and PMPC_FINGERPRINT (or PMPC_CA_BUNDLE, or PMPC_VERIFY_TLS=0) how its
        certificate is checked; PMPC_USER is user@realm; a logged-in user passes PMPC_TICKET and PMPC_CSRF (their
        PVE ticket, valid for two hours from when it was issued; a client built with
        `ConnectionSettings(user=…, ticket=…, ticket_csrf=…)` renews it with itself after one hour), an API-token
        caller PMPC_TOKEN_ID and PMPC_TOKEN_SECRET.
        """
        env = {"PMPC_USER": self.userid}
        if self.cluster is not None:
            env["PMPC_URL"] = self.cluster.url
            if self.cluster.fingerprint:
                env["PMPC_FINGERPRINT"] = self.cluster.fingerprint
            elif self.cluster.ca_bundle:
                env["PMPC_CA_BUNDLE"] = self.cluster.ca_bundle
            elif not self.cluster.verify_tls:
                env["PMPC_VERIFY_TLS"] = "0"
        ws = self.web_session
        if ws.token_id:
            settings = self.session.connection_settings()
            env["PMPC_TOKEN_ID"] = ws.token_id
            env["PMPC_TOKEN_SECRET"] = settings.token_secret or ""
        else:
            client = self.session.connected_client
            current = client.current_ticket() if client is not None else None  # renewed since the login?
            env["PMPC_TICKET"], env["PMPC_CSRF"] = current or (ws.ticket, ws.ticket_csrf)
        return env


def _refuse(conn: HTTPConnection, status: int, code: ExitCode, message: str, next_step: str) -> WebRefusal:
    if conn.scope["type"] == "websocket":
        raise WebSocketException(WS_UNAUTHORIZED if status == 401 else WS_FORBIDDEN, message)
    return WebRefusal(status, code, message, next_step)


def _same_origin(conn: HTTPConnection) -> bool:
    """A browser's WebSocket must come from a page of this server (a missing Origin: not a browser)."""
    from urllib.parse import urlsplit

    origin = conn.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == conn.headers.get("host", "")


async def require_user(conn: HTTPConnection, writes: bool | None = None) -> WebUser:
    """The caller, or 401 (WebSocket: close 4401); 403 without the CSRF header on a change, or in read-only mode.

    `writes` says whether the route changes something (default: any state-changing HTTP method does).
    """
    state = web_state(conn)
    if conn.scope["type"] == "websocket" and not _same_origin(conn):
        raise WebSocketException(WS_FORBIDDEN, "cross-site WebSocket refused")
    header = conn.headers.get("authorization", "")
    if header.startswith("PVEAPIToken "):  # Prometheus' `authorization: {type: PVEAPIToken, credentials: …}`
        header = "PVEAPIToken=" + header[len("PVEAPIToken "):].strip()
    method = conn.scope.get("method", "GET")
    if header.startswith("PVEAPIToken="):
        try:
            ws = await state.sessions.for_token(header)
        except AuthenticationFailed:
            raise _refuse(conn, 401, ExitCode.CONNECT, "the cluster did not accept this API token",
                          "Check the token id and secret (Authorization: PVEAPIToken=USER@REALM!ID=SECRET).") from None
    else:
        found = await state.sessions.get(conn.cookies.get(COOKIE))
        if found is None:
            raise _refuse(conn, 401, ExitCode.CONNECT, "not logged in (or the login timed out)",
                          "POST /api/v1/auth/login with username, password and realm.")
        ws = found
        if method in STATE_CHANGING and not ws.csrf_matches(conn.headers.get(CSRF_HEADER)):
            raise _refuse(conn, 403, ExitCode.PERMISSION, f"missing or wrong {CSRF_HEADER} header",
                          f"Send the csrf_token the login returned as the {CSRF_HEADER} header.")
    if (method in STATE_CHANGING if writes is None else writes) and state.config.read_only:
        raise _refuse(conn, 403, ExitCode.PERMISSION, "this server is read-only: nothing is changed",
                      "Restart `proxmox-mpc serve` without --read-only to make changes.")
    return WebUser(ws.username, ws.realm, ws.session, ws, state.config.cluster)
