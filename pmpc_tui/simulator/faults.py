"""Deterministic latency and fault injection, driven by a seed."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

FAULT_KINDS = ("error", "slow", "drop")


@dataclass
class FaultPlan:
    """What to inject. `rate` is the chance a matching request gets a fault of one of `kinds`."""

    latency_ms: float = 0.0
    rate: float = 0.0
    kinds: tuple[str, ...] = FAULT_KINDS
    path_regex: str | None = None
    methods: tuple[str, ...] | None = None
    slow_ms: float = 2000.0
    remaining: int | None = None  # stop injecting after this many faults
    seed: int = 1
    _rng: random.Random = field(init=False, repr=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, default=None)
    injected: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._pattern = re.compile(self.path_regex) if self.path_regex else None
        unknown = set(self.kinds) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")

    def decide(self, method: str, path: str) -> str | None:
        """The fault to inject for this request, or None. Draws from the seeded sequence."""
        if self.rate <= 0 or (self.remaining is not None and self.remaining <= 0):
            return None
        if self.methods and method not in self.methods:
            return None
        if self._pattern and not self._pattern.search(path):
            return None
        if self._rng.random() >= self.rate:
            return None
        kind = self.kinds[self._rng.randrange(len(self.kinds))]
        self.injected += 1
        if self.remaining is not None:
            self.remaining -= 1
        return kind

    def latency(self) -> float:
        """Seconds to wait before answering (base latency with ±10 % seeded jitter)."""
        if self.latency_ms <= 0:
            return 0.0
        return self.latency_ms / 1000 * (0.9 + 0.2 * self._rng.random())
