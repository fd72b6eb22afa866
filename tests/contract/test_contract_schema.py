"""Contract: the simulator accepts exactly the parameters of the official PVE API schema.

The schema (`../shared/pve-api/apidata.json`) is read at test time only. For every route the
simulator serves, the declared parameters in `pmpc_tui.simulator.specs` must match the schema's
names, types, optional flags, ranges, enums, lengths, patterns and formats; and a live simulator
must reject out-of-range, out-of-enum, mistyped, unknown and missing parameters with PVE's messages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from pmpc_tui.simulator import handlers
from pmpc_tui.simulator.params import P
from pmpc_tui.simulator.server import SimulatorThread
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


# --- live rejection of bad parameters -------------------------------------------------------------------
UNKNOWN = "no-such-parameter"
NO_MATCH = "\x01 bad"  # matches none of the schema's patterns (checked at test time; the space beats `\S+`)
MISSING = "property is missing and it is not optional"
NOT_DEFINED = "property is not defined in schema and the schema does not allow additional properties"
# Concrete values for path parameters that are not under test (validation runs before any lookup).
PATH_VALUES = {"node": "pve1", "snapname": "snap1", "storage": "local", "rule": "ha-rule",
               "upid": "UPID:pve1:00001234:00005678:6740A1B2:qmstart:101:root@pam:"}
PATH_VALUES.update({"group": "webservers", "name": "office", "cidr": "10.0.0.1"})  # the firewall's
PATH_VALUES.update({"zone": "lab", "vnet": "labnet", "subnet": "lab-10.10.0.0-24"})  # SDN
PATH_VALUES.update({"userid": "alice@pve", "tokenid": "ci", "groupid": "admins", "roleid": "PVEAdmin",
                    "realm": "pve"})  # access


@pytest.fixture(scope="module")
def api(shared_sim: SimulatorThread) -> Iterator[httpx.Client]:
    info = shared_sim.info
    headers = {"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}
    with httpx.Client(base_url=f"{info.url}/api2/json", headers=headers, verify=False, timeout=10) as client:
        yield client


def _send(client: httpx.Client, route: tuple[str, str], params: dict[str, str]) -> httpx.Response:
    """Send `params` to `route`; path parameters go into the path, the rest into query or form body."""
    method, template = route
    path_names = set(re.findall(r"\{(\w+)\}", template))
    kind_vmid = "200" if "/lxc" in template else "101"
    path = template
    for name in path_names:
        value = params.get(name, PATH_VALUES.get(name, kind_vmid))
        path = path.replace(f"{{{name}}}", quote(value, safe=":@!/"))  # a pattern's bad value holds \x01
    rest = {k: v for k, v in params.items() if k not in path_names}
    if method in ("GET", "DELETE"):
        return client.request(method, path, params=rest)
    return client.request(method, path, data=rest)


def _concrete(name: str) -> str:
    """`net[n]` -> `net0`: an indexed parameter is sent with index 0."""
    return name.replace("[n]", "0")


def _bad_cases(props: dict[str, Any]) -> dict[str, dict[str, tuple[str, str]]]:
    """Per case: {parameter sent: (raw value, PVE's expected message)}, derived from the schema alone."""
    below: dict[str, tuple[str, str]] = {}
    above: dict[str, tuple[str, str]] = {}
    mistyped: dict[str, tuple[str, str]] = {}
    enums: dict[str, tuple[str, str]] = {}
    too_long: dict[str, tuple[str, str]] = {}
    unmatched: dict[str, tuple[str, str]] = {}
    for name, prop in props.items():
        sent, kind = _concrete(name), prop.get("type")
        if kind in ("integer", "number"):
            mistyped[sent] = ("abc", f"type check ('{kind}') failed - got 'abc'")
            for bound, target, step in (("minimum", below, -1), ("maximum", above, 1)):
                if prop.get(bound) is not None:
                    limit = float(prop[bound])
                    shown = str(int(limit)) if limit.is_integer() else str(limit)
                    target[sent] = (str(int(limit) + step), f"value must have a {bound} value of {shown}")
        elif kind == "boolean":
            mistyped[sent] = ("maybe", "type check ('boolean') failed - got 'maybe'")
        if prop.get("enum") and kind not in ("integer", "number"):  # PVE checks a number's type first
            allowed = ", ".join(prop["enum"])
            enums[sent] = ("no-such-value", f"value 'no-such-value' does not have a value in the enumeration "
                                            f"'{allowed}'")
        if kind == "string" and prop.get("maxLength"):
            limit = int(prop["maxLength"])
            too_long[sent] = ("x" * (limit + 1), f"value may only be {limit} characters long")
        if kind == "string" and prop.get("pattern"):
            assert not re.fullmatch(re.sub(r"\(\?\^([a-z]*):", r"(?\1:", prop["pattern"]), NO_MATCH)
            unmatched[sent] = (NO_MATCH, "value does not match the regex pattern")
    return {"below minimum": below, "above maximum": above, "wrong type": mistyped, "not in enum": enums,
            "too long": too_long, "pattern": unmatched}


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_simulator_rejects_bad_parameters_with_pve_messages(
        schema_index: dict[tuple[str, str], Any], api: httpx.Client, route: tuple[str, str]) -> None:
    props = _schema_props(schema_index, route)
    problems: list[str] = []
    for case, bad in _bad_cases(props).items():
        if not bad:
            continue
        response = _send(api, route, {name: raw for name, (raw, _) in bad.items()})
        if response.status_code != 400:
            problems.append(f"{case}: HTTP {response.status_code}, wanted 400")
            continue
        body = response.json()
        assert body["data"] is None
        errors = body.get("errors", {})
        for name, (raw, message) in bad.items():
            if errors.get(name) != message:
                problems.append(f"{case}: {name}={raw!r} gave {errors.get(name)!r}, wanted {message!r}")
    # An unknown parameter, and every required parameter left out (path parameters are always there).
    path_names = set(re.findall(r"\{(\w+)\}", route[1]))
    required = {n for n, p in props.items() if not p.get("optional") and n not in path_names}
    response = _send(api, route, {UNKNOWN: "1"})
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert errors == {UNKNOWN: NOT_DEFINED, **{name: MISSING for name in required}}
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_simulator_accepts_boundary_and_enum_values(
        schema_index: dict[tuple[str, str], Any], api: httpx.Client, route: tuple[str, str]) -> None:
    """Values on the schema's bounds and every enum member pass the checks (an unknown parameter keeps
    the call from reaching the handler, so only parameter errors come back)."""
    props = _schema_props(schema_index, route)
    sent: dict[str, str] = {UNKNOWN: "1"}
    for bound in ("minimum", "maximum"):
        for name, prop in props.items():
            if prop.get(bound) is not None and prop.get("type") in ("integer", "number"):
                sent[_concrete(name)] = str(int(float(prop[bound])))
        for name, prop in props.items():
            if prop.get("enum"):
                sent[_concrete(name)] = prop["enum"][0 if bound == "minimum" else -1]
        response = _send(api, route, sent)
        assert response.status_code == 400, response.text
        unexpected = {k: v for k, v in response.json()["errors"].items()
                      if k != UNKNOWN and v != MISSING}
        assert unexpected == {}, f"{bound} values rejected"
