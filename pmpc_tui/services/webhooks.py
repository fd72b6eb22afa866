"""Outgoing webhooks: POST each wanted event's JSON, signed with HMAC-SHA256, retried with backoff, logged.

Each receiver of `webhooks:` in proxmox-mpc.yaml gets its own bus subscription and delivers in order. The
secret is read when the service starts, from an environment variable or a file only its owner may read; it
never reaches a log. Every attempt is a line of `.proxmox-mpc/logs/webhooks.jsonl`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services import events
from pmpc_tui.workspace.config import Workspace
from pmpc_tui.workspace.webhooks import WebhookConfig

log = logging.getLogger("pmpc.webhooks")
SIGNATURE_HEADER = "X-PMPC-Signature"
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_ATTEMPTS = 5
BACKOFF = 1.0  # seconds before the 2nd attempt; doubles each time
MAX_BACKOFF = 60.0
TIMEOUT = 10.0


class WebhookConfigError(PVEError):
    """A webhook that cannot be used as configured (the message says how to fix it)."""

    exit_code = ExitCode.USAGE


def sign(secret: bytes, body: bytes) -> str:
    """The `X-PMPC-Signature` value: `sha256=` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def shown_url(url: str) -> str:
    """The URL without credentials or query (a receiver's token often sits there): safe to log."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def read_secret(hook: WebhookConfig, root: Path) -> bytes:
    """The HMAC secret from its environment variable or 0600 file; WebhookConfigError when unusable."""
    where = shown_url(hook.url)
    if hook.secret_env is not None:
        value = os.environ.get(hook.secret_env)
        if not value:
            raise WebhookConfigError(f"webhook {where}: the environment variable {hook.secret_env} is not set",
                                     f"Export {hook.secret_env} before starting proxmox-mpc serve.")
        return value.encode()
    assert hook.secret_file is not None
    path = Path(hook.secret_file).expanduser()
    path = path if path.is_absolute() else root / path
    try:
        info = path.stat()
        if info.st_mode & 0o077:
            raise WebhookConfigError(
                f"webhook {where}: the secret file {path} may be read by others "
                f"(mode {stat.S_IMODE(info.st_mode):04o}); refused",
                f"Allow only its owner: chmod 600 {path}")
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise WebhookConfigError(f"webhook {where}: cannot read the secret file {path} ({exc.strerror or exc})",
                                 "Check the path in proxmox-mpc.yaml (secret_file).") from None
    if not secret:
        raise WebhookConfigError(f"webhook {where}: the secret file {path} is empty", "Write the secret into it.")
    return secret


def check_hook(hook: WebhookConfig) -> None:
    """URL scheme and event types; WebhookConfigError names the first problem."""
    parts = urlsplit(hook.url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise WebhookConfigError(f"webhook {shown_url(hook.url)}: the url must start with https:// (or http://)")
    wanted = [t for t in hook.events if t not in events.EVENT_TYPES or t in events.STREAM_ONLY]
    if wanted:
        known = ", ".join(t for t in events.EVENT_TYPES if t not in events.STREAM_ONLY)
        raise WebhookConfigError(f"webhook {shown_url(hook.url)}: unknown event type(s) {', '.join(wanted)}",
                                 f"Known: {known}")


@dataclass
class _Receiver:
    hook: WebhookConfig
    secret: bytes


class DeliveryLog:
    """JSON lines: time, url, event, status, attempt, outcome, error (never a secret)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, entry: dict[str, Any]) -> None:
        line = json.dumps({"time": events.now_rfc3339(), **entry}, default=str) + "\n"
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(line)
            except OSError as exc:  # a read-only place: delivery goes on, the app log says why
                log.warning("cannot write the webhook delivery log %s: %s", self.path, exc.strerror or exc)


class WebhookService:
    """Delivers the bus's events to the configured receivers until stopped."""

    def __init__(self, hooks: list[WebhookConfig], root: Path, log_path: Path, *, max_attempts: int = MAX_ATTEMPTS,
                 backoff: float = BACKOFF, max_backoff: float = MAX_BACKOFF, timeout: float = TIMEOUT,
                 bus: events.EventBus | None = None) -> None:
        self.hooks = hooks
        self.root = root
        self.log = DeliveryLog(log_path)
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self.bus = bus or events.BUS
        self._tasks: list[asyncio.Task[None]] = []
        self._subs: list[events.Subscription] = []
        self._receivers: list[_Receiver] | None = None

    @classmethod
    def for_workspace(cls, ws: Workspace, **options: Any) -> WebhookService:
        return cls(ws.config.webhooks, ws.root, ws.logs_dir / "webhooks.jsonl", **options)

    def prepare(self) -> None:
        """Check every receiver (URL, event types, secret): WebhookConfigError names the first problem."""
        receivers = []
        for hook in self.hooks:
            check_hook(hook)
            receivers.append(_Receiver(hook, read_secret(hook, self.root)))
        self._receivers = receivers

    async def start(self) -> None:
        """Start delivering (checking first unless `prepare` ran); nothing starts on a problem."""
        if self._receivers is None:
            await asyncio.to_thread(self.prepare)
        for receiver in self._receivers or []:
            sub = self.bus.subscribe(receiver.hook.events)
            self._subs.append(sub)
            self._tasks.append(asyncio.create_task(self._run(receiver, sub), name=f"webhook {receiver.hook.url}"))

    async def stop(self) -> None:
        for sub in self._subs:
            sub.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks, self._subs = [], []

    async def _run(self, receiver: _Receiver, sub: events.Subscription) -> None:
        import httpx

        hook = receiver.hook
        verify: Any = hook.ca_bundle if hook.ca_bundle else hook.verify_tls
        async with httpx.AsyncClient(verify=verify, timeout=self.timeout, follow_redirects=False) as http:
            async for event in sub:
                if event.type == "events.dropped":
                    await self._log(hook, event, None, 0, "dropped", f"{event.data['count']} event(s) lost")
                    continue
                await self.deliver(http, receiver, event)

    async def deliver(self, http: Any, receiver: _Receiver, event: events.Event) -> bool:
        """POST one event, retrying transport errors and 408/429/5xx with doubling waits; True when delivered."""
        import httpx

        hook = receiver.hook
        body = event.to_json()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(receiver.secret, body),
                   "X-PMPC-Event": event.type, "User-Agent": "proxmox-mpc-webhooks"}
        for attempt in range(1, self.max_attempts + 1):
            status: int | None = None
            error = ""
            try:
                answer = await http.post(hook.url, content=body, headers=headers)
                status = answer.status_code
                if 200 <= status < 300:
                    await self._log(hook, event, status, attempt, "delivered", "")
                    return True
                error = f"HTTP {status}"
                retry = status in RETRY_STATUSES
            except httpx.HTTPError as exc:
                error = _reason(exc, hook.url)
                retry = True
            last = attempt == self.max_attempts or not retry
            await self._log(hook, event, status, attempt, "failed" if last else "retrying", error)
            if last:
                log.warning("webhook %s: %s not delivered after %d attempt(s): %s", shown_url(hook.url), event.type,
                            attempt, error)
                return False
            await asyncio.sleep(min(self.backoff * 2 ** (attempt - 1), self.max_backoff))
        return False

    async def _log(self, hook: WebhookConfig, event: events.Event, status: int | None, attempt: int, outcome: str,
                   error: str) -> None:
        await asyncio.to_thread(self.log.write, {
            "url": shown_url(hook.url), "event": event.type, "event_time": event.time,
            "correlation_id": event.correlation_id, "status": status, "attempt": attempt, "outcome": outcome,
            "error": error})


def _reason(exc: Exception, url: str) -> str:
    """A transport error in a few words, without the URL's query or credentials."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if url != shown_url(url):
        text = text.replace(url, shown_url(url))
    return text[:200]


async def webhooks_for(ws: Workspace | None) -> WebhookService | None:
    """The workspace's webhooks, checked (secrets read) and ready to start; None when it configures none."""
    if ws is None or not ws.config.webhooks:
        return None
    service = WebhookService.for_workspace(ws)
    await asyncio.to_thread(service.prepare)
    return service
