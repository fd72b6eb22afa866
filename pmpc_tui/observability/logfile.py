"""JSON-lines log files (rotated) in the workspace's .proxmox-mpc/logs/ (or the state dir), and reading them back."""

from __future__ import annotations

import json
import logging
import time
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

LOG_FILE = "proxmox-mpc.jsonl"
MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
_handler: RotatingFileHandler | None = None


class JsonLines(logging.Formatter):
    """One JSON object per line: ts, level, logger, op, cid, msg (already redacted by ContextFilter)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname, "logger": record.name,
                 "op": getattr(record, "op", "-"), "cid": getattr(record, "cid", "-"), "msg": record.getMessage()}
        if record.exc_info:
            from pmpc_tui.pve.redact import redact

            entry["trace"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def log_dir(workspace_root: Path | None) -> Path:
    from pmpc_tui.config.profiles import state_dir

    return (workspace_root / ".proxmox-mpc" / "logs") if workspace_root else state_dir() / "logs"


def debug_flag(folder: Path) -> Path:
    return folder / "debug"


def setup_logging(workspace_root: Path | None, to_file: bool = True) -> Path:
    """Attach the redacting context filter and (unless not `to_file`) the rotating JSON-lines file to the `pmpc`
    logger."""
    from pmpc_tui.observability.applog import LOGGER_NAME, app_log
    from pmpc_tui.observability.correlation import ContextFilter

    global _handler
    folder = log_dir(workspace_root)
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.DEBUG)
    ring = app_log()
    if not any(isinstance(f, ContextFilter) for f in ring.filters):
        ring.addFilter(ContextFilter())
    if not to_file:
        return folder
    if _handler is not None and Path(_handler.baseFilename).parent == folder.resolve():
        return folder
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return folder  # a read-only place: the in-memory log still works
    handler.setFormatter(JsonLines())
    handler.addFilter(ContextFilter())
    handler.setLevel(logging.DEBUG if debug_flag(folder).exists() else logging.INFO)
    logger.addHandler(handler)
    _handler = handler
    return folder


def set_debug(folder: Path, on: bool) -> None:
    """`/debug on|off`: verbose file logging (every API call), remembered for the next runs."""
    folder.mkdir(parents=True, exist_ok=True)
    if on:
        debug_flag(folder).write_text("on\n")
    else:
        debug_flag(folder).unlink(missing_ok=True)
    if _handler is not None:
        _handler.setLevel(logging.DEBUG if on else logging.INFO)


def read_entries(folder: Path, since_seconds: float | None = None, level: str | None = None, op: str | None = None,
                 cid: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
    """Entries of the log files (oldest first) that pass every given filter."""
    files = sorted(folder.glob(LOG_FILE + "*"), key=lambda p: p.stat().st_mtime)
    minimum = logging.getLevelName(level.upper()) if level else 0
    cutoff = time.time() - since_seconds if since_seconds else 0
    needle = text.lower() if text else None
    out = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("ts", 0) < cutoff or logging.getLevelName(entry.get("level", "INFO")) < minimum:
                continue
            if (op and entry.get("op") != op) or (cid and entry.get("cid") != cid):
                continue
            if needle and needle not in entry.get("msg", "").lower():
                continue
            out.append(entry)
    return sorted(out, key=lambda e: e.get("ts", 0))
