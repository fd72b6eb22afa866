"""Showing a long task's progress in the CLI: a bar redrawn in place on a TTY, plain lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from typing import TextIO

from pmpc_tui.services.task_progress import ProgressUpdate

BAR_WIDTH = 30


def _percent(update: ProgressUpdate) -> str:
    """`' 30%'`, or blanks when unknown or when the task's own message already says it."""
    if update.percent is None or f"{update.percent}%" in update.message:
        return "    "
    return f"{update.percent:3d}%"


def bar(update: ProgressUpdate, width: int = BAR_WIDTH) -> str:
    """`[#########.....................]  30% moving disk scsi0` (the percentage once, even when the message has it)."""
    if update.fraction is None:
        return f"[{'?' * 3:^{width}}] {update.message}"
    filled = round(update.fraction * width)
    return f"[{'#' * filled}{'.' * (width - filled)}] {_percent(update)} {update.message}"


class ProgressPrinter:
    """Draws updates: in place on a terminal, else one line per change of message (never twice the same)."""

    def __init__(self, report: Callable[[str], None], stream: TextIO | None = None, tty: bool | None = None) -> None:
        self.report = report
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._last = ""
        self._drawn = False

    def show(self, update: ProgressUpdate) -> None:
        if update.done:
            self.finish()
            return
        line = bar(update)
        if self.tty:
            self.stream.write("\r\x1b[2K" + line[:200])
            self.stream.flush()
            self._drawn = True
        elif update.message != self._last:
            self.report(f"  {_percent(update)} {update.message}")
        self._last = update.message

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False


async def show_progress(updates: AsyncIterator[ProgressUpdate], printer: ProgressPrinter) -> ProgressUpdate | None:
    """Draw every update until the last; returns it (the bar is cleared even when the task fails)."""
    last = None
    try:
        async for update in updates:
            printer.show(update)
            last = update
    finally:
        printer.finish()
    return last
