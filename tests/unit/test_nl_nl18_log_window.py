"""Plain English (nl18): a counted window of time for the logs said in German, Spanish or French ("der letzten 2
Stunden", "los últimos 15 minutos", "des 20 dernières minutes") is the logs' --since."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pmpc_tui.nl.propose import propose_offline

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from nl_eval import homelab_names

NAMES = homelab_names()


@pytest.mark.parametrize(("text", "line"), [
    ("zeig mir die logs der letzten 2 stunden", "logs --since 2h"),
    ("muéstrame los errores de los últimos 15 minutos", "logs --since 15m --level error"),
    ("montre-moi les erreurs des 20 dernières minutes", "logs --since 20m --level error"),
])
def test_a_foreign_counted_window_is_the_logs_since(text: str, line: str) -> None:
    assert propose_offline(text, NAMES).commands == [line]
