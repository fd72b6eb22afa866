"""How the REPL pane lays out what it prints: prose (explanations, refusals, errors) wraps to the pane's width;
laid-out lines (tables, indented commands and trees, JSON/YAML) keep their shape and scroll sideways."""

from __future__ import annotations

import re

from rich.console import RenderableType
from rich.text import Text
from textual.widgets import RichLog

BOX_DRAWING = re.compile(r"[\u2500-\u257f]")  # ─ │ ┌ └ ├ …: a drawn table or tree
COLUMN_GAP = re.compile(r"\S {2,}\S")  # words two or more spaces apart: aligned columns


def is_laid_out(line: str) -> bool:
    """A line whose spacing means something (a table row, an indented command, JSON/YAML), not prose."""
    return line[:1].isspace() or bool(COLUMN_GAP.search(line)) or bool(BOX_DRAWING.search(line))


def write_lines(log: RichLog, renderable: RenderableType) -> None:
    """Write to the pane's log (made with `wrap=True`): prose lines wrap, laid-out lines are kept whole."""
    if not isinstance(renderable, Text):
        log.write(renderable)
        return
    run: list[Text] = []  # consecutive lines of one kind, written at once
    laid_out = False

    def flush() -> None:
        if not run:
            return
        block = Text("\n").join(run)
        if laid_out:  # as wide as its widest line: the log scrolls sideways rather than cut or wrap it
            block.no_wrap, block.overflow = True, "ignore"
            log.write(block, width=max(max(line.cell_len for line in run), 1))
        else:  # the pane's width (a measure alone stops at the terminal's width, not the pane's)
            log.write(block, expand=True)
        run.clear()

    for line in renderable.split("\n", allow_blank=True):
        if is_laid_out(line.plain) != laid_out:
            flush()
            laid_out = not laid_out
        run.append(line)
    flush()
