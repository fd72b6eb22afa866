"""The `webhooks:` list of proxmox-mpc.yaml: where to POST which events, and where the HMAC secret lives.

The secret itself is never in the file: `secret_env` names an environment variable, `secret_file` a file
only its owner may read (services/webhooks.py checks that when it starts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KEYS = ("url", "events", "secret_env", "secret_file", "verify_tls", "ca_bundle")


@dataclass(frozen=True)
class WebhookConfig:
    """One receiver: its URL, the event types it wants, the secret's reference and how TLS is checked."""

    url: str
    events: tuple[str, ...] = ()
    secret_env: str | None = None
    secret_file: str | None = None
    verify_tls: bool = True
    ca_bundle: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"url": self.url, "events": list(self.events)}
        for key in ("secret_env", "secret_file", "ca_bundle"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if not self.verify_tls:
            out["verify_tls"] = False
        return out


def parse_webhooks(raw: Any, file: str) -> list[WebhookConfig]:
    """The `webhooks:` value → configs; ValueError with `file: webhooks[i]: …` for a wrong shape."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{file}: 'webhooks' must be a list")
    hooks = []
    for i, entry in enumerate(raw):
        where = f"{file}: webhooks[{i}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} must be a mapping with url, events and secret_env or secret_file")
        if "secret" in entry:
            raise ValueError(f"{where}: a secret is never written into {file.rsplit('/', 1)[-1]}: name an environment "
                             "variable (secret_env) or a file readable only by you (secret_file)")
        unknown = sorted(str(k) for k in entry if k not in KEYS)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(KEYS)})")
        url, events = entry.get("url"), entry.get("events")
        if not isinstance(url, str) or not url.strip():
            raise ValueError(f"{where}: 'url' must be text")
        if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
            raise ValueError(f"{where}: 'events' must be a list of event types, e.g. [apply.finished, drift.found]")
        refs = [k for k in ("secret_env", "secret_file") if entry.get(k) is not None]
        if len(refs) != 1:
            raise ValueError(f"{where}: give exactly one of secret_env or secret_file")
        for key in ("secret_env", "secret_file", "ca_bundle"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                raise ValueError(f"{where}: '{key}' must be text")
        verify = entry.get("verify_tls", True)
        if not isinstance(verify, bool):
            raise ValueError(f"{where}: 'verify_tls' must be true or false")
        hooks.append(WebhookConfig(url=url.strip(), events=tuple(events), secret_env=entry.get("secret_env"),
                                   secret_file=entry.get("secret_file"), verify_tls=verify,
                                   ca_bundle=entry.get("ca_bundle")))
    return hooks
