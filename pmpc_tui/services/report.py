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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.pve.redact import redact

if TYPE_CHECKING:
    from pmpc_tui.services.session import Session

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


def bundle_files(summary: str, parts: dict[str, Any], anonymize: bool, hosts: set[str] | None = None
                 ) -> dict[str, str]:
    """The bundle's files and their text (JSON, or text for logs), secrets removed and hosts anonymized."""
    clean = Anonymizer(hosts=set(hosts or ())) if anonymize else (lambda text: text)
    files = {"SUMMARY.txt": clean(redact(summary)) + "\n"}
    for name, value in parts.items():
        text = value if isinstance(value, str) else json.dumps(value, indent=2, sort_keys=True, default=str)
        files[name] = clean(redact(text))
    return files


def build_bundle(out_dir: Path, summary: str, parts: dict[str, Any], anonymize: bool,
                 hosts: set[str] | None = None) -> Path:
    """Write `report-<time>.zip` with one file per part (JSON, or text for logs); returns its path."""
    files = bundle_files(summary, parts, anonymize, hosts)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"report-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    path.chmod(0o600)
    return path


def assistant_prompt(path: Path | None, summary: str) -> str:
    bundle = f"The attached bundle {path.name}" if path is not None else "The report below"
    return (f"I use proxmox-mpc with Proxmox VE and hit a problem: {summary}. {bundle} "
            "has the last logs (with correlation IDs), the health checks, a configuration and state summary, "
            "recent tasks and versions; secrets are removed. Find what went wrong and tell me what to do next.")


@dataclass
class WrittenReport:
    """Where the bundle went and the prompt to hand an assistant with it."""

    path: Path
    prompt: str


@dataclass
class ReportContents:
    """The bundle's files as text (nothing written) and the prompt to hand an assistant with them."""

    files: dict[str, str]
    prompt: str


async def write_report(session: Session, summary: str, minutes: int = 60, anonymize: bool = True,
                       progress: Callable[[str], None] | None = None) -> WrittenReport:
    """Gather health, recent tasks, logs, configuration and state summary into one redacted bundle.

    What cannot be reached (the cluster, the state database) is said in the bundle instead of stopping it."""
    import asyncio

    from pmpc_tui.observability.logfile import log_dir

    parts, hosts = await gather_report(session, summary, minutes, progress)
    ws = session.workspace()
    out = (ws.root / ".proxmox-mpc" / "reports") if ws else log_dir(None).parent / "reports"
    path = await asyncio.to_thread(build_bundle, out, summary, parts, anonymize, hosts)
    return WrittenReport(path, assistant_prompt(path, summary))


async def report_contents(session: Session, summary: str, minutes: int = 60,
                          anonymize: bool = True) -> ReportContents:
    """What `write_report` would bundle, returned as text: nothing is written (a read-only MCP server)."""
    parts, hosts = await gather_report(session, summary, minutes)
    return ReportContents(bundle_files(summary, parts, anonymize, hosts), assistant_prompt(None, summary))


async def gather_report(session: Session, summary: str, minutes: int = 60,
                        progress: Callable[[str], None] | None = None) -> tuple[dict[str, Any], set[str]]:
    """The bundle's parts (file name → value) and the host names to anonymize; bad input stops it first."""
    from pmpc_tui.observability.logfile import log_dir, read_entries
    from pmpc_tui.observability.metrics import METRICS
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.health import run_health
    from pmpc_tui.services.inputs import check_positive, check_text
    from pmpc_tui.services.inventory import recent_tasks
    say = progress or (lambda _line: None)
    check_text(summary, "summary")
    check_positive(minutes, "--minutes")
    ws = session.workspace()
    folder = log_dir(ws.root if ws else None)
    client = None
    try:
        client = await session.client()
    except PVEError as exc:
        say(f"cannot connect (the report says so): {exc}")
    db, db_error = await session.db_or_error()
    if db_error is not None:
        say(f"the state database cannot be used (the report says so): {db_error.message}")
    checks = await run_health(client, db, ws.root if ws else None, db_error=db_error)
    tasks: list[dict[str, Any]] = []
    hosts: set[str] = set()
    if client is not None:
        try:
            tasks = await recent_tasks(client, limit=30)
            hosts = {t["node"] for t in tasks}
            hosts |= {r["node"] for r in await client.get("/nodes")}
        except PVEError as exc:
            tasks = [{"error": str(exc)}]
    try:
        profile: dict[str, Any] = session.active_profile().public_dict()
        hosts.add(session.active_profile().settings().host if client else "")
    except Exception:  # demo or no profile
        profile = {"note": "no saved profile (demo or console connection)"}
    logs = read_entries(folder, since_seconds=minutes * 60)
    parts = {
        "health.json": [c.as_dict() for c in checks],
        "logs.jsonl": "\n".join(json.dumps(e) for e in logs),
        "config.json": {"profile": profile, "workspace": ws.config.to_dict() if ws else None},
        "tasks.json": tasks, "metrics.json": METRICS.summary(), "versions.json": versions(),
        "state.json": await _state_summary(session),
        "errors.txt": "\n".join(f"{e.get('msg')}\n{e.get('trace', '')}" for e in logs
                                if e.get("level") in ("ERROR", "WARNING")),
    }
    return parts, hosts


async def _state_summary(session: Session) -> Any:
    """`state check` for the bundle (where the database is, its schema version and integrity)."""
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.state_admin import check_state

    try:
        return (await check_state(session.database_url())).as_dict()
    except PVEError as exc:
        return {"error": exc.message}
