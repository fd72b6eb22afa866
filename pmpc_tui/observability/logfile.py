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


def _settle_level(logger: logging.Logger) -> None:
    """The `pmpc` logger at the lowest level a reader wants: DEBUG for the console's ring or a debug log file,
    else INFO — a CLI process then builds no record for each API call (27 µs a call at DEBUG, 2.4 µs at INFO)."""
    from pmpc_tui.observability.applog import ring_attached

    debug = ring_attached() or (_handler is not None and _handler.level <= logging.DEBUG)
    logger.setLevel(logging.DEBUG if debug else logging.INFO)


def setup_logging(workspace_root: Path | None, to_file: bool = True) -> Path:
    """Attach the redacting context filter and (unless not `to_file`) the rotating JSON-lines file to the `pmpc`
    logger. The in-memory ring is the console's (`app_log()` attaches it); a CLI command does without."""
    from pmpc_tui.observability.applog import LOGGER_NAME
    from pmpc_tui.observability.correlation import ContextFilter

    folder = log_dir(workspace_root)
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())  # no file either: never Python's last-resort stderr handler
    try:
        if not to_file:
            return folder
        if _handler is not None and Path(_handler.baseFilename).parent == folder.resolve():
            _handler.setLevel(logging.DEBUG if debug_flag(folder).exists() else logging.INFO)
            return folder
        _attach_file(logger, folder, ContextFilter())
    finally:
        _settle_level(logger)
    return folder


def _attach_file(logger: logging.Logger, folder: Path, context: logging.Filter) -> None:
    """The rotating JSON-lines file in `folder`, at DEBUG when `debug on` left its flag there."""
    global _handler
    if _handler is not None:
        logger.removeHandler(_handler)
        _handler.close()
        _handler = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        return  # a read-only place: the console's in-memory log still works
    handler.setFormatter(JsonLines())
    handler.addFilter(context)
    handler.setLevel(logging.DEBUG if debug_flag(folder).exists() else logging.INFO)
    logger.addHandler(handler)
    _handler = handler


def set_debug(folder: Path, on: bool) -> None:
    """`/debug on|off`: verbose file logging (every API call), remembered for the next runs."""
    folder.mkdir(parents=True, exist_ok=True)
    if on:
        debug_flag(folder).write_text("on\n")
    else:
        debug_flag(folder).unlink(missing_ok=True)
    if _handler is not None:
        _handler.setLevel(logging.DEBUG if on else logging.INFO)
    from pmpc_tui.observability.applog import LOGGER_NAME

    _settle_level(logging.getLogger(LOGGER_NAME))


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
