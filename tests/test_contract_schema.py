"""Contract: the simulator accepts exactly the parameters of the official PVE API schema.

The schema (`../shared/pve-api/apidata.json`) is read at test time only. For every route the
simulator serves, the declared parameters in `pmpc_tui.simulator.specs` must match the schema's
names, types, optional flags, ranges, enums, lengths, patterns and formats; and a live simulator
must reject out-of-range, out-of-enum, mistyped, unknown and missing parameters with PVE's messages.
"""

from __future__ import annotations

from typing import Any

import pytest

from pmpc_tui.simulator import handlers
from pmpc_tui.simulator.params import P
from pmpc_tui.simulator.specs import ROUTE_PARAMS
from pmpc_tui.simulator.specs_guest import CONTROL_PARAMS

ROUTES = sorted(ROUTE_PARAMS, key=lambda r: (r[1], r[0]))
ROUTE_IDS = [f"{m} {p}" for m, p in ROUTES]


@pytest.fixture(scope="module")
def schema_index(pve_schema: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(METHOD, path) -> method info of the official schema."""
    index: dict[tuple[str, str], dict[str, Any]] = {}

    def walk(nodes: list[dict[str, Any]]) -> None:
        for node in nodes:
            for method, info in node.get("info", {}).items():
                index[(method, node["path"])] = info
            walk(node.get("children", []))

    walk(pve_schema)
    return index


def _schema_props(index: dict[tuple[str, str], dict[str, Any]], route: tuple[str, str]) -> dict[str, Any]:
    info = index.get(route)
    assert info is not None, f"{route[0]} {route[1]} is not in the PVE API schema"
    props: dict[str, Any] = info.get("parameters", {}).get("properties", {})
    return props


def _num(value: Any) -> float | None:
    """Schema ranges are sometimes strings ("0"); compare them as numbers."""
    return None if value is None else float(value)


def _expected(prop: dict[str, Any]) -> dict[str, Any]:
    """The facts of one schema property, in the shape of our declaration `P`."""
    fmt = prop.get("format")
    keys = default_key = None
    if isinstance(fmt, dict):
        keys = frozenset(fmt)
        marked = [k for k, v in fmt.items() if isinstance(v, dict) and v.get("default_key")]
        assert len(marked) <= 1
        default_key = marked[0] if marked else None
        fmt = "property-string"
    enum = prop.get("enum")
    max_length, min_length = prop.get("maxLength"), prop.get("minLength")
    return {
        "type": prop.get("type", "string"), "optional": bool(prop.get("optional", 0)),
        "minimum": _num(prop.get("minimum")), "maximum": _num(prop.get("maximum")),
        "enum": tuple(enum) if enum is not None else None, "format": fmt, "keys": keys,
        "default_key": default_key, "pattern": prop.get("pattern"),
        "max_length": int(max_length) if max_length is not None else None,
        "min_length": int(min_length) if min_length is not None else None,
    }


def _declared(spec: P) -> dict[str, Any]:
    return {
        "type": spec.type, "optional": spec.optional, "minimum": _num(spec.minimum),
        "maximum": _num(spec.maximum), "enum": spec.enum, "format": spec.format,
        "keys": frozenset(spec.keys) if spec.keys is not None else None, "default_key": spec.default_key,
        "pattern": spec.pattern, "max_length": spec.max_length, "min_length": spec.min_length,
    }


# --- static comparison ----------------------------------------------------------------------------------
def test_served_routes_are_declared_and_exist_in_schema(schema_index: dict[tuple[str, str], Any]) -> None:
    assert set(handlers.ROUTES) == set(ROUTE_PARAMS)
    missing = [f"{m} {p}" for m, p in ROUTE_PARAMS if (m, p) not in schema_index]
    assert not missing, f"served routes absent from the PVE schema: {missing}"


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_declared_parameter_names_match_schema(schema_index: dict[tuple[str, str], Any],
                                               route: tuple[str, str]) -> None:
    schema = set(_schema_props(schema_index, route))
    ours = set(ROUTE_PARAMS[route])
    assert sorted(ours - schema) == [], "declared but not in the schema"
    assert sorted(schema - ours) == [], "in the schema but not declared"


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_declared_parameter_facts_match_schema(schema_index: dict[tuple[str, str], Any],
                                               route: tuple[str, str]) -> None:
    props = _schema_props(schema_index, route)
    problems = []
    for name, spec in sorted(ROUTE_PARAMS[route].items()):
        if name not in props:
            continue  # reported by the name test
        want, have = _expected(props[name]), _declared(spec)
        for fact in want:
            if want[fact] != have[fact]:
                problems.append(f"{name}.{fact}: schema {want[fact]!r}, declared {have[fact]!r}")
    assert not problems, "\n".join(problems)


def test_string_minimum_in_schema_is_compared_numerically(schema_index: dict[tuple[str, str], Any]) -> None:
    """PVE writes some ranges as strings (bwlimit's minimum is "0"); we declare numbers."""
    prop = _schema_props(schema_index, ("POST", "/nodes/{node}/qemu"))["bwlimit"]
    assert prop["minimum"] == "0"
    assert ROUTE_PARAMS[("POST", "/nodes/{node}/qemu")]["bwlimit"].minimum == 0


def test_control_params_are_the_create_and_config_params_that_are_not_config_keys(
        schema_index: dict[tuple[str, str], Any]) -> None:
    """What GET .../config can return is config; every other create/config parameter steers the call."""
    expected: set[str] = {"digest"}  # returned by GET config, but only ever checked on writes
    for kind in ("qemu", "lxc"):
        base = f"/nodes/{{node}}/{kind}"
        returned = schema_index[("GET", f"{base}/{{vmid}}/config")]["returns"]["properties"]
        config = f"{base}/{{vmid}}/config"
        for method, path in (("POST", base), ("POST", config), ("PUT", config)):
            if (method, path) in ROUTE_PARAMS:
                expected |= set(_schema_props(schema_index, (method, path))) - set(returned)
    assert set(CONTROL_PARAMS) == expected
