"""In-memory metrics: per-command durations and API call counts and latencies."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from typing import Any


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Metrics:
    """Counters kept for the life of the process (bounded)."""

    def __init__(self, keep: int = 5000) -> None:
        self._lock = threading.Lock()
        self.commands: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=keep))
        self.command_failures: dict[str, int] = defaultdict(int)
        self.api_latency: deque[float] = deque(maxlen=keep)
        self.api_calls = 0
        self.api_errors = 0

    def record_command(self, name: str, seconds: float, ok: bool) -> None:
        with self._lock:
            self.commands[name].append(seconds)
            if not ok:
                self.command_failures[name] += 1

    def record_api(self, seconds: float, status: int) -> None:
        with self._lock:
            self.api_calls += 1
            self.api_latency.append(seconds)
            if status >= 400 or status == 0:
                self.api_errors += 1

    def summary(self) -> dict[str, Any]:
        """Counts, p50/p95 latencies (ms) of API calls and of each command."""
        with self._lock:
            latency = list(self.api_latency)
            commands = {name: list(values) for name, values in self.commands.items()}
            failures = dict(self.command_failures)
            calls, errors = self.api_calls, self.api_errors
        return {
            "api": {"calls": calls, "errors": errors, "p50_ms": round(percentile(latency, 0.5) * 1000, 1),
                    "p95_ms": round(percentile(latency, 0.95) * 1000, 1)},
            "commands": {name: {"count": len(v), "failures": failures.get(name, 0),
                                "p50_ms": round(percentile(v, 0.5) * 1000, 1),
                                "p95_ms": round(percentile(v, 0.95) * 1000, 1)}
                         for name, v in sorted(commands.items())},
        }


METRICS = Metrics()
