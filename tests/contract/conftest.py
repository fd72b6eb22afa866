"""Fixtures the route contract files share: the raw API of the module's own simulator, signed in with its token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from contract_support import token_api

from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture(scope="module")
def api(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """An HTTP client on `sim`'s `/api2/json` with its API token (each file brings its own `sim`)."""
    with token_api(sim) as client:
        yield client


@pytest.fixture(scope="module")
def auditor(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """The same with the read-only token (`auditor@pve!readonly`, role PVEAuditor)."""
    with token_api(sim, auditor=True) as client:
        yield client
