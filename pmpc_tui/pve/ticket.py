"""Ticket login for password profiles: renewed before it expires, and once more after a 401.

PVE tickets are valid for two hours. Renewal logs in again with the password the profile resolved
(not with the old ticket), so it also works after the ticket expired — a laptop that slept, a
console left open overnight, a restarted cluster. Logins go through the caller's session, which is
fingerprint-pinned; the password is never logged and tickets are registered as secrets.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from proxmoxer.backends.https import ProxmoxHTTPAuthBase
from requests.cookies import cookiejar_from_dict

from pmpc_tui.pve.redact import register_secret

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings


class TicketLogin(ProxmoxHTTPAuthBase):  # type: ignore[misc]
    """A requests auth hook holding the current ticket; one login at a time across worker threads."""

    def __init__(self, session: Any, base_url: str, settings: ConnectionSettings, verify: bool | str) -> None:
        super().__init__(timeout=settings.timeout, verify_ssl=verify)
        self._session = session
        self._url = base_url + "/access/ticket"
        self._username = settings.user
        self._password = settings.password or ""
        self.renew_after = settings.ticket_renew_after
        self._lock = threading.Lock()
        self._tokens = ("", "")  # ticket, CSRF token: replaced together
        self._born = 0.0
        self._given = bool(settings.ticket)  # a ticket someone logged in for (a web user): renewed with itself
        if settings.ticket:
            register_secret(settings.ticket)
            register_secret(settings.ticket_csrf)
            self._tokens = (settings.ticket, settings.ticket_csrf or "")
            self._born = time.monotonic() - ticket_age(settings.ticket)
        else:
            self._login()

    @property
    def ticket(self) -> str:
        return self._tokens[0]

    def renew(self, stale: str | None = None) -> None:
        """Log in again, unless another thread already replaced the `stale` ticket."""
        with self._lock:
            if stale is not None and self._tokens[0] != stale:
                return
            self._login()

    def _login(self) -> None:
        from proxmoxer.core import AuthenticationError, ResourceException

        # PVE renews a valid ticket given as the password (so a given ticket never needs the user's password)
        password = self._tokens[0] if self._given else self._password
        resp = self._session.post(self._url, verify=self.verify_ssl, timeout=self.timeout,
                                  data={"username": self._username, "password": password})
        if resp.status_code in (401, 403):
            raise AuthenticationError(f"the cluster refused the password of {self._username} "
                                      f"({resp.status_code} {resp.reason})")
        if resp.status_code != 200:
            raise ResourceException(resp.status_code, resp.reason, f"login failed: {resp.reason}")
        data = resp.json()["data"]
        register_secret(data["ticket"])
        register_secret(data["CSRFPreventionToken"])
        self._tokens = (data["ticket"], data["CSRFPreventionToken"])
        self._born = time.monotonic()

    def __call__(self, req: Any) -> Any:
        if time.monotonic() - self._born >= self.renew_after:
            self.renew(self._tokens[0])
        ticket, csrf = self._tokens
        req.headers["Cookie"] = f"PVEAuthCookie={ticket}"  # the cookie proxmoxer set may predate a renewal
        if req.method != "GET":
            req.headers["CSRFPreventionToken"] = csrf
        return req

    def get_cookies(self) -> Any:
        return cookiejar_from_dict({"PVEAuthCookie": self._tokens[0]})

    def get_tokens(self) -> tuple[str, str]:
        return self._tokens


def ticket_age(ticket: str) -> float:
    """Seconds since PVE issued `ticket` (its `PVE:user@realm:HEXTIME::…` stamp); 0 when it has none."""
    import re

    match = re.match(r"^PVE:[^:]+:([0-9A-Fa-f]{8})::", ticket)
    return max(0.0, time.time() - int(match.group(1), 16)) if match else 0.0


def request_ticket(settings: ConnectionSettings, username: str, password: str) -> tuple[str, str]:
    """Log `username` (user@realm) in at the cluster of `settings` (its TLS pinning applies): ticket and CSRF token.

    Blocking: call it in a worker thread. Raises AuthenticationFailed when the cluster refuses the password.
    """
    import requests

    from pmpc_tui.pve.errors import AuthenticationFailed, ConnectionFailed
    from pmpc_tui.pve.tls import PinnedAdapter

    verify: bool | str = False if settings.fingerprint else (settings.ca_bundle or settings.verify_tls)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    with requests.Session() as session:
        session.trust_env = False
        session.mount("https://", PinnedAdapter(settings.fingerprint))
        try:
            resp = session.post(f"https://{host}:{settings.port}/api2/json/access/ticket", verify=verify,
                                timeout=settings.timeout, data={"username": username, "password": password})
        except requests.RequestException as exc:
            raise ConnectionFailed(f"cannot reach the cluster to log in: {type(exc).__name__}",
                                   "Check that the cluster of the serve profile is up.") from None
    if resp.status_code in (401, 403):
        raise AuthenticationFailed("wrong user name, realm or password", "Check them and log in again.")
    if resp.status_code != 200:
        raise ConnectionFailed(f"the cluster answered the login with {resp.status_code}", "Try again later.")
    data = resp.json().get("data") or {}
    ticket, csrf = str(data.get("ticket", "")), str(data.get("CSRFPreventionToken", ""))
    if not ticket:
        raise AuthenticationFailed("wrong user name, realm or password", "Check them and log in again.")
    register_secret(ticket)
    register_secret(csrf)
    return ticket, csrf
