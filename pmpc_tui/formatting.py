"""Human-readable sizes and durations, shared by the CLI and the console."""

from __future__ import annotations

from typing import Any


def human_bytes(value: Any) -> str:
    try:
        size = float(value)
    except (TypeError, ValueError):
        return str(value)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(value)


def human_duration(value: Any) -> str:
    seconds = int(value or 0)
    if seconds <= 0:
        return "-"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d{hours}h"
    if hours:
        return f"{hours}h{minutes}m"
    return f"{minutes}m"


SPARK_CHARS = "▁▂▃▄▅▆▇█"


def usage_bar(fraction: float, width: int = 10) -> str:
    """`█████░░░░░  50%` — readable without colour."""
    fraction = max(0.0, min(1.0, fraction))
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled) + f" {fraction * 100:3.0f}%"


def sparkline(values: list[float], width: int = 20) -> str:
    """The last `width` fractions (0 to 1) as block characters; empty history gives an empty string."""
    recent = values[-width:]
    top = len(SPARK_CHARS) - 1
    return "".join(SPARK_CHARS[max(0, min(top, round(v * top)))] for v in recent)


def task_time(epoch: int) -> str:
    """A task's start time as the console shows it (local HH:MM:SS, date when not today)."""
    import time

    if not epoch:
        return "-"
    local = time.localtime(epoch)
    if time.strftime("%Y%m%d", local) == time.strftime("%Y%m%d"):
        return time.strftime("%H:%M:%S", local)
    return time.strftime("%m-%d %H:%M", local)
