"""The app's own log: a thread-safe in-memory ring of records that the Logs screen tails live.

Everything under the `pmpc` logger lands here; API calls are logged by `api_call_logger`, which
sees only method, path, status and duration — never a token, password or ticket.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOGGER_NAME = "pmpc"


@dataclass(frozen=True)
class LogEntry:
    """One log record as the console shows it."""

    seq: int
    created: float
    level: str
    source: str
    message: str
    cid: str = "-"
    op: str = "-"

    @property
    def levelno(self) -> int:
        return logging.getLevelName(self.level) if self.level in LEVELS else logging.INFO  # type: ignore[no-any-return]

    def clock(self) -> str:
        return time.strftime("%H:%M:%S", time.localtime(self.created))


def entry_matches(entry: LogEntry, min_level: str = "DEBUG", text: str = "") -> bool:
    """At or above `min_level`, and containing `text` (case-insensitive) in message, source, operation or
    correlation ID."""
    if entry.levelno < logging.getLevelName(min_level):
        return False
    needle = text.lower()
    return not needle or any(needle in field.lower() for field in (entry.message, entry.source, entry.cid, entry.op))


class RingLog(logging.Handler):
    """Keeps the newest `capacity` records; readers ask for everything after a sequence number."""

    def __init__(self, capacity: int = 5000) -> None:
        super().__init__(logging.DEBUG)
        self._entries: deque[LogEntry] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._seq = 0

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break the app
            message = str(record.msg)
        source = record.name.removeprefix(LOGGER_NAME + ".") if record.name != LOGGER_NAME else "app"
        with self._lock:
            self._seq += 1
            self._entries.append(LogEntry(self._seq, record.created, record.levelname, source, message,
                                          str(getattr(record, "cid", "-")), str(getattr(record, "op", "-"))))

    def since(self, seq: int = 0) -> list[LogEntry]:
        """Entries newer than `seq`, oldest first."""
        with self._lock:
            return [e for e in self._entries if e.seq > seq]


_ring: RingLog | None = None


def app_log() -> RingLog:
    """The process-wide ring (the console's Logs screen), attached to the `pmpc` logger at DEBUG on first use,
    with the redacting context filter."""
    global _ring
    if _ring is None:
        from pmpc_tui.observability.correlation import ContextFilter

        ring = RingLog()
        ring.addFilter(ContextFilter())
        logger = logging.getLogger(LOGGER_NAME)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(ring)
        _ring = ring
    return _ring


def ring_attached() -> bool:
    """Whether this process keeps the in-memory ring (a console does; a CLI command does not)."""
    return _ring is not None


_API_LOG = logging.getLogger(f"{LOGGER_NAME}.api")


def api_call_logger(method: str, path: str, status: int, seconds: float) -> None:
    """PVEClient observer: one line per API call; failures at WARNING."""
    from pmpc_tui.observability.metrics import METRICS

    METRICS.record_api(seconds, status)
    log = _API_LOG  # one logger for every call: getLogger takes the module lock 32 reader threads contend for
    level = logging.WARNING if status >= 400 or status == 0 else logging.DEBUG
    log.log(level, "%s %s → %s in %.0f ms", method, path, status or "no response", seconds * 1000)
