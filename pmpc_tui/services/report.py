"""/report-issue: one bundle to hand to a person or an AI assistant — logs, configuration and state
summary, health, recent tasks, versions — with every secret removed and, with `anonymize`, host
names and IP addresses replaced consistently (the same host is always host-1)."""

from __future__ import annotations

import json
import platform
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmpc_tui.observability.redact import redact

_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_URL_HOST = re.compile(r"(https?://)([^/:\s'\"]+)")


@dataclass
class Anonymizer:
    """Replaces IPs and host names with stable placeholders."""

    hosts: set[str] = field(default_factory=set)
    mapping: dict[str, str] = field(default_factory=dict)

    def _name(self, value: str, prefix: str) -> str:
        if value not in self.mapping:
            count = sum(1 for v in self.mapping.values() if v.startswith(prefix)) + 1
            self.mapping[value] = f"{prefix}-{count}"
        return self.mapping[value]

    def __call__(self, text: str) -> str:
        text = _URL_HOST.sub(lambda m: m.group(1) + self._name(m.group(2), "host"), text)
        text = _IPV4.sub(lambda m: self._name(m.group(0), "ip"), text)
        for host in sorted(self.hosts, key=len, reverse=True):
            if host and host in text:
                text = re.sub(rf"\b{re.escape(host)}\b", self._name(host, "host"), text)
        return text


def versions() -> dict[str, str]:
    from pmpc_tui import __version__

    return {"proxmox-mpc": __version__, "python": sys.version.split()[0], "platform": platform.platform()}


def build_bundle(out_dir: Path, summary: str, parts: dict[str, Any], anonymize: bool,
                 hosts: set[str] | None = None) -> Path:
    """Write `report-<time>.zip` with one file per part (JSON, or text for logs); returns its path."""
    clean = Anonymizer(hosts=set(hosts or ())) if anonymize else (lambda text: text)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"report-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("SUMMARY.txt", clean(redact(summary)) + "\n")
        for name, value in parts.items():
            text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True, default=str)
            bundle.writestr(name, clean(redact(text)))
    path.chmod(0o600)
    return path


def assistant_prompt(path: Path, summary: str) -> str:
    return (f"I use proxmox-mpc with Proxmox VE and hit a problem: {summary}. The attached bundle {path.name} "
            "has the last logs (with correlation IDs), the health checks, a configuration and state summary, "
            "recent tasks and versions; secrets are removed. Find what went wrong and tell me what to do next.")
