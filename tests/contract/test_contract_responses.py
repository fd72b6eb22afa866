"""Contract: the simulator's answers have the shape of real PVE answers.

Each capture in `../shared/pve-api/examples/` (read at test time only) is compared with the
simulator's answer for the same endpoint: every field of the capture must be present with the same
JSON type — numbers PVE sends as strings (CT list `vmid`, `nextid`, qemu `memory` from PVE 8.1,
network `netmask`/`bridge_fd`) must stay strings. List entries are matched by kind (guest type,
node, storage) and running status. Fields that only appear in some situations are allowed to be
absent through the small allow-list below.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pmpc_tui.simulator.server import SimulatorThread

# Fields a real PVE only sends in some situations; absent in our answer is fine (present is checked).
SITUATIONAL = {
    "tags": "only on guests that have tags",
    "lock": "only while a guest is locked",
    "template": "guest lists/status only carry it on templates",
    "pid": "only on running guests",
    "blockstat": "per-drive QEMU block statistics (status/current?full=1 detail)",
    "ballooninfo": "only when the balloon driver reports in the guest",
    "balloon_min": "only when a minimum balloon size is configured",
    "nics": "per-tap traffic details of a running VM",
    "spice": "only when the VM has a SPICE display",
}


def situational(*names: str) -> frozenset[str]:
    """Names from the allow-list (a typo here fails instead of silently allowing a field)."""
    assert set(names) <= set(SITUATIONAL)
    return frozenset(names)


# Captured config keys that cannot be written back: computed (digest), internal (meta), or drives on
# storage the simulator does not have (scsi0, ide2).
NOT_WRITABLE = {"digest", "meta", "scsi0", "ide2"}


def jtype(value: Any) -> str:
    """JSON type of a decoded value (int and float are both `number`; bool is not a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_problems(captured: Any, ours: Any, where: str = "",
                   allowed: frozenset[str] = frozenset()) -> list[str]:
    """Fields of `captured` missing from `ours` or carried with another JSON type (recursively)."""
    if jtype(captured) != jtype(ours):
        return [f"{where or '.'}: PVE {jtype(captured)} ({captured!r:.40}), "
                f"simulator {jtype(ours)} ({ours!r:.40})"]
    problems: list[str] = []
    if isinstance(captured, dict):
        for key, value in captured.items():
            if key not in ours:
                if key not in allowed:
                    problems.append(f"{where}.{key}: missing")
                continue
            problems += shape_problems(value, ours[key], f"{where}.{key}", allowed)
    elif isinstance(captured, list) and captured and ours:
        scalars = [v for v in captured if not isinstance(v, dict | list)]
        if scalars:
            types = {jtype(v) for v in scalars}
            problems += [f"{where}[]: PVE {types}, simulator {jtype(v)}"
                         for v in ours if jtype(v) not in types]
    return problems


# --- fixtures -------------------------------------------------------------------------------------------
def _client(sim: SimulatorThread) -> httpx.Client:
    info = sim.info
    return httpx.Client(base_url=f"{info.url}/api2/json", verify=False, timeout=10,
                        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"})


@pytest.fixture(scope="module")
def api(shared_sim: SimulatorThread) -> Iterator[httpx.Client]:
    with _client(shared_sim) as client:
        yield client


def get(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
    return response.json()["data"]


def capture(examples: dict[str, Any], stem: str) -> Any:
    assert stem in examples, f"capture {stem}.json not found"
    return examples[stem]["data"]


def misc(examples: dict[str, Any], prefix: str) -> list[tuple[str, Any]]:
    found = [(label, entry["data"]) for label, entry in examples["misc_examples"].items()
             if label.startswith(prefix)]
    assert found, f"no '{prefix}' entry in misc_examples.json"
    return found


def _match(entries: list[dict[str, Any]], kind: tuple[Any, ...],
           keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [e for e in entries if tuple(e.get(k) for k in keys) == kind]


def compare_lists(captured: list[dict[str, Any]], ours: list[dict[str, Any]], keys: tuple[str, ...],
                  allowed: frozenset[str] = frozenset()) -> list[str]:
    """Each captured entry against every simulator entry of the same kind (values of `keys`)."""
    problems: list[str] = []
    for entry in captured:
        kind = tuple(entry.get(k) for k in keys)
        matching = _match(ours, kind, keys)
        if not matching:
            problems.append(f"no simulator entry with {dict(zip(keys, kind, strict=True))}")
        for mine in matching:
            label = "/".join(str(v) for v in kind) + f" {mine.get('id', mine.get('vmid', mine.get('iface')))}"
            problems += shape_problems(entry, mine, label, allowed)
    return problems


# --- cluster and nodes ----------------------------------------------------------------------------------
def test_cluster_resources(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "cluster_resources__pve8x")
    ours = [e for e in get(api, "/cluster/resources") if e["type"] != "pool"]  # the capture's cluster has no pools
    assert {(e["type"], e["status"]) for e in captured} <= {(e["type"], e["status"]) for e in ours}
    assert not compare_lists(captured, ours, ("type", "status"), situational("tags", "lock"))


def test_cluster_status(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "cluster_status__pve8x")
    assert not compare_lists(captured, get(api, "/cluster/status"), ("type",))


def test_nodes_list(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "nodes_list__capture2023")
    assert not compare_lists(captured, get(api, "/nodes"), ("type", "status"))


def test_node_status(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "node_status__pve7x")
    assert not shape_problems(captured, get(api, "/nodes/pve1/status"))


@pytest.mark.parametrize("stem", ["node_network__pve7x", "node_network_vlan__pve7x"])
def test_node_network(pve_examples: dict[str, Any], api: httpx.Client, stem: str) -> None:
    """Interfaces matched by type and method; the VLAN capture's own `vlan` device is not simulated."""
    captured = [e for e in capture(pve_examples, stem) if e["type"] != "vlan"]
    ours = get(api, "/nodes/pve1/network")
    if stem == "node_network__pve7x":
        assert not compare_lists(captured, ours, ("type", "method"))
    else:
        # A VLAN-aware bridge: the fields our vlan-aware vmbr1 shares with it have the same types, and
        # the VLAN-awareness fields are there.
        bridge = next(e for e in ours if e.get("bridge_vlan_aware"))
        shared = {k: v for k, v in captured[0].items() if k in bridge}
        assert {"bridge_vlan_aware", "bridge_vids", "bridge_fd", "bridge_ports", "comments"} <= set(shared)
        assert not shape_problems(shared, bridge)


def test_network_numbers_stay_strings(api: httpx.Client) -> None:
    bridge = next(e for e in get(api, "/nodes/pve1/network") if e["iface"] == "vmbr0")
    assert isinstance(bridge["netmask"], str) and isinstance(bridge["bridge_fd"], str)


def test_version(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    ours = get(api, "/version")
    for label, data in misc(pve_examples, "version__"):
        assert not shape_problems(data, ours), label


def test_nextid_is_a_string(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    (_, captured), = misc(pve_examples, "nextid (")
    ours = get(api, "/cluster/nextid")
    assert jtype(ours) == jtype(captured) == "string"
    assert ours.isdigit()


# --- guests ---------------------------------------------------------------------------------------------
def test_lxc_list(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "lxc_list__pve7x")
    ours = get(api, "/nodes/pve1/lxc")
    assert all(isinstance(e["vmid"], str) for e in ours)
    assert all(("pid" in e) == (e["status"] == "running") for e in ours)
    assert not compare_lists(captured, ours, ("type", "status"), situational("template", "tags", "lock"))


def test_lxc_status_current(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "lxc_status_current__pve7x")
    # The capture is a stopped template; 206 is the homelab's stopped CT template.
    ours = get(api, "/nodes/pve1/lxc/206/status/current")
    assert (ours["status"], ours.get("template")) == (captured["status"], captured["template"])
    assert not shape_problems(captured, ours)


def test_lxc_config(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    """Config keys are the user's settings: the keys both configs have share their types; the
    always-present ones are there."""
    captured = capture(pve_examples, "lxc_config__pve7x")
    ours = get(api, "/nodes/pve1/lxc/200/config")
    always = {"arch", "cores", "digest", "hostname", "memory", "net0", "ostype", "rootfs", "swap"}
    assert always <= set(captured) & set(ours)
    assert not shape_problems({k: v for k, v in captured.items() if k in ours}, ours)


def test_qemu_status_current_running(pve_examples: dict[str, Any], api: httpx.Client) -> None:
    captured = capture(pve_examples, "qemu_status_current_running__pve8x")
    ours = get(api, "/nodes/pve1/qemu/101/status/current")
    assert ours["status"] == captured["status"] == "running"
    allowed = situational("blockstat", "ballooninfo", "balloon_min", "nics", "spice")
    assert not shape_problems(captured, ours, allowed=allowed)


def test_qemu_config_round_trip_keeps_pve_types(pve_examples: dict[str, Any], sim: SimulatorThread) -> None:
    """Writing a captured VM's settings and reading them back gives PVE's JSON types for every key
    (0/1 flags and counts as numbers, `memory` as a string from PVE 8.1 on)."""
    with _client(sim) as client:
        for label, captured in misc(pve_examples, "qemu_config__"):
            settings = {k: str(v) for k, v in captured.items() if k not in NOT_WRITABLE}
            response = client.put("/nodes/pve1/qemu/109/config", data=settings)
            assert response.status_code == 200, f"{label}: {response.text}"
            ours = get(client, "/nodes/pve1/qemu/109/config")
            expected = dict(captured)
            if "pve7" in label:
                # PVE before 8.1 returned memory as a number; the simulator follows PVE 9.
                assert isinstance(expected.pop("memory"), int) and isinstance(ours["memory"], str)
            comparable = {k: v for k, v in expected.items() if k not in {"scsi0", "ide2"}}
            assert not shape_problems(comparable, ours), label
            assert isinstance(ours["scsi0"], str) and isinstance(ours["digest"], str)


# --- tasks ----------------------------------------------------------------------------------------------
def test_task_status_running_then_stopped(pve_examples: dict[str, Any]) -> None:
    running = misc(pve_examples, "task_status_running")[0][1]
    stopped = misc(pve_examples, "task_status_stopped_ok")[0][1]
    with SimulatorThread(task_speed=0.5) as slow, _client(slow) as client:
        response = client.post("/nodes/pve1/qemu/109/status/start")
        assert response.status_code == 200, response.text
        upid = response.json()["data"]
        ours = get(client, f"/nodes/pve1/tasks/{upid}/status")
        assert ours["status"] == "running"
        assert not shape_problems(running, ours)
        assert "exitstatus" not in ours
        deadline = time.monotonic() + 10
        while ours["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
            ours = get(client, f"/nodes/pve1/tasks/{upid}/status")
        assert ours["exitstatus"] == "OK"
        assert not shape_problems(stopped, ours)
