"""One correlation ID per user command, carried through services, worker threads and API calls."""

from __future__ import annotations

import contextvars
import logging
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager

from pmpc_tui.observability.metrics import METRICS

correlation_id: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="-")
operation_name: contextvars.ContextVar[str] = contextvars.ContextVar("operation_name", default="-")
log = logging.getLogger("pmpc.ops")


def new_id() -> str:
    return secrets.token_hex(4)


@contextmanager
def operation(name: str) -> Iterator[str]:
    """Run a user command under a fresh correlation ID; logs its start, end and duration."""
    cid_token = correlation_id.set(new_id())
    op_token = operation_name.set(name)
    started = time.perf_counter()
    log.info("%s started", name)
    ok = False
    try:
        yield correlation_id.get()
        ok = True
    finally:
        seconds = time.perf_counter() - started
        METRICS.record_command(name, seconds, ok)
        log.log(logging.INFO if ok else logging.WARNING, "%s %s in %.0f ms", name, "finished" if ok else "failed",
                seconds * 1000)
        operation_name.reset(op_token)
        correlation_id.reset(cid_token)


class ContextFilter(logging.Filter):
    """Adds `cid` and `op` to every record and masks secrets in its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        from pmpc_tui.pve.redact import redact

        record.cid = correlation_id.get()
        record.op = operation_name.get()
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        return True
