"""What the contract tests of the simulator's routes share: a token client on the raw API, and its answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from pmpc_tui.simulator.server import SimulatorThread


@contextmanager
def token_api(sim: SimulatorThread) -> Iterator[httpx.Client]:
    """An HTTP client on the simulator's `/api2/json`, signed in with its API token."""
    info = sim.info
    headers = {"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10) as client:
        yield client


def data(response: httpx.Response) -> Any:
    """The `data` of a 200 answer."""
    assert response.status_code == 200, response.text
    return response.json()["data"]


def refusal(response: httpx.Response) -> str:
    """The message and errors of a refused request."""
    assert response.status_code >= 400, response.text
    return str(response.json().get("message", "")) + str(response.json().get("errors", ""))


def finish(client: httpx.Client, upid: str) -> dict[str, Any]:
    """The status of the task `upid` once it has stopped."""
    node = upid.split(":")[1]
    for _ in range(1000):
        status: dict[str, Any] = data(client.get(f"/nodes/{node}/tasks/{upid}/status"))
        if status["status"] == "stopped":
            return status
        time.sleep(0.01)
    raise AssertionError(f"task {upid} did not finish")
