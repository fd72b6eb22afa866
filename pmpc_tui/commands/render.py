"""Render command results as a table, JSON or YAML."""

from __future__ import annotations

import io
import json
import time
from typing import Any

from pmpc_tui.commands.registry import Result
from pmpc_tui.formatting import human_bytes, human_duration


def _cell(value: Any, fmt: str) -> str:
    if value is None:
        return ""
    if fmt == "bytes":
        return human_bytes(value)
    if fmt == "pct":
        return f"{float(value) * 100:.1f}"
    if fmt == "duration":
        return human_duration(value)
    if fmt == "time":
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(int(value))) if value else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> str:
    cells = [[header for _, header, _ in columns]]
    cells += [[_cell(row.get(key), fmt) for key, _, fmt in columns] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells)


def to_yaml(data: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(json.loads(json.dumps(data, default=str)), buf)
    return buf.getvalue().rstrip("\n")


def render(result: Result, output: str) -> str:
    """The text to print for a result in the chosen output format."""
    if output == "json":
        return json.dumps(result.data, indent=2, default=str, sort_keys=False)
    if output == "yaml":
        return to_yaml(result.data)
    shown = result.data if result.table_data is None else result.table_data
    if isinstance(shown, list) and result.columns and shown:
        text = table(shown, result.columns)
        return f"{text}\n{result.message}" if result.message else text
    if result.message:
        return result.message
    if isinstance(shown, dict):
        return to_yaml(shown)
    return "" if shown is None else str(shown)
