"""What the contract tests of the simulator's routes share: a token client on the raw API, and its answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from pmpc_tui.simulator.server import SimulatorThread


@contextmanager
def token_api(sim: SimulatorThread, auditor: bool = False) -> Iterator[httpx.Client]:
    """An HTTP client on the simulator's `/api2/json`, signed in with its API token (or the read-only one)."""
    info = sim.info
    token_id, secret = (info.auditor_token_id, info.auditor_token_secret) if auditor else (info.token_id,
                                                                                            info.token_secret)
    headers = {"Authorization": f"PVEAPIToken={token_id}={secret}"}
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


# Keys real PVE answers carry that its schema leaves out: `content`/`subtype` of a content entry (the web UI
# groups backups by them), `type` of a backup job (community.proxmox's proxmox_backup_info reads it).
UNDOCUMENTED = frozenset({"content", "subtype", "type"})
JSON_TYPES: dict[str, Any] = {"integer": int, "number": (int, float), "string": str, "boolean": (int, bool),
                              "object": dict, "array": list, "null": type(None)}


def schema_returns(pve_schema: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) → the schema's `returns` of every route of the official schema."""
    index: dict[tuple[str, str], dict[str, Any]] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            for method, info in node.get("info", {}).items():
                index[(method, node["path"])] = info.get("returns", {})
            walk(node.get("children", []))

    walk(pve_schema)
    return index


def shape_problems(value: Any, schema: dict[str, Any], where: str = "",
                   extra: frozenset[str] = frozenset()) -> list[str]:
    """Where `value` breaks a schema `returns`: its type, keys the schema lacks (but `extra`), required keys missing."""
    kind = schema.get("type")
    if kind not in JSON_TYPES:
        return []
    if not isinstance(value, JSON_TYPES[kind]):
        return [f"{where or 'answer'}: {type(value).__name__} {value!r:.40}, schema says {kind}"]
    problems: list[str] = []
    if kind == "array" and "items" in schema:
        linked = frozenset(link["href"].strip("{}") for link in schema.get("links", []))  # an index's `{cmd}` key
        for i, item in enumerate(value):
            problems += shape_problems(item, schema["items"], f"{where}[{i}]", extra | linked)
    if kind == "object" and "properties" in schema:
        props = schema["properties"]
        known = props.keys() | UNDOCUMENTED | extra
        if not schema.get("additionalProperties"):  # `additionalProperties: 1` lets an object carry more keys
            problems += [f"{where}.{k}: not in the schema" for k in value if k not in known]
        problems += [f"{where}.{k}: required, missing" for k, p in props.items()
                     if not p.get("optional") and k not in value]
        for k, v in value.items():
            if k in props:
                problems += shape_problems(v, props[k], f"{where}.{k}", extra)
    return problems


def finish(client: httpx.Client, upid: str) -> dict[str, Any]:
    """The status of the task `upid` once it has stopped."""
    node = upid.split(":")[1]
    for _ in range(1000):
        status: dict[str, Any] = data(client.get(f"/nodes/{node}/tasks/{upid}/status"))
        if status["status"] == "stopped":
            return status
        time.sleep(0.01)
    raise AssertionError(f"task {upid} did not finish")
