"""Parameter declarations for the simulator's routes and their checking, with PVE's messages.

Each route declares every parameter the real API accepts, with type, range, enum and format;
`tests/contract/test_contract_schema.py` compares these declarations with the official schema.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from pmpc_tui.simulator.formats import CHECKS as FORMAT_CHECKS

# Indexed parameters such as `net[n]` accept `net0` … `net{max}`.
INDEX_LIMITS = {
    "net": 31, "scsi": 30, "ide": 3, "sata": 5, "virtio": 15, "unused": 255, "ipconfig": 31,
    "hostpci": 15, "serial": 3, "usb": 4, "numa": 7, "parallel": 2, "virtiofs": 9, "mp": 255,
    "dev": 255,
}


@dataclass(frozen=True)
class P:
    """One parameter: JSON-schema type plus the PVE extras the simulator enforces."""

    type: str = "string"
    optional: bool = True
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None
    keys: tuple[str, ...] | None = None  # property-string keys (schema `format` is a dict)
    default_key: str | None = None  # key that may be written without `key=`
    pattern: str | None = None
    max_length: int | None = None
    min_length: int | None = None
    subkeys: tuple[tuple[str, P], ...] | None = None  # a property string's own key rules (before SUBKEY_RULES)


def S(fmt: str | None = None, *, optional: bool = True, pattern: str | None = None,
      max_length: int | None = None, min_length: int | None = None) -> P:
    return P("string", optional, format=fmt, pattern=pattern, max_length=max_length, min_length=min_length)


def I(minimum: float | None = None, maximum: float | None = None, *, optional: bool = True,  # noqa: E743
      fmt: str | None = None) -> P:
    return P("integer", optional, minimum, maximum, format=fmt)


def N(minimum: float | None = None, maximum: float | None = None, *, optional: bool = True) -> P:
    return P("number", optional, minimum, maximum)


def B(*, optional: bool = True) -> P:
    return P("boolean", optional)


def E(*values: str, optional: bool = True) -> P:
    return P("string", optional, enum=values)


def PS(keys: str, default_key: str | None = None, *, optional: bool = True) -> P:
    """A property string such as `virtio=MAC,bridge=vmbr0` with the given keys."""
    return P("string", optional, format="property-string", keys=tuple(keys.split()), default_key=default_key)


NODE = S("pve-node", optional=False)
VMID = I(100, 999999999, optional=False, fmt="pve-vmid")
VMID_OPT = I(100, 999999999, fmt="pve-vmid")

# --- formats ---------------------------------------------------------------------------------
DNS_LABEL = r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?"
_FORMAT_RES = {
    "pve-node": re.compile(rf"^{DNS_LABEL}$"),
    "dns-name": re.compile(rf"^(?:{DNS_LABEL}\.)*{DNS_LABEL}$"),
    "pve-storage-id": re.compile(r"^[a-z][a-z0-9\-_.]*[a-z0-9]$"),
    "pve-configid": re.compile(r"^[a-z][a-z0-9_\-]+$", re.I),  # PVE matches it case-insensitively
    "pve-snapshot-name": re.compile(r"^[a-zA-Z][a-zA-Z0-9\-_]{1,39}$"),
    "pve-tag": re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_\-+.]*$"),
    "mac-addr": re.compile(r"^[a-fA-F0-9]{2}(:[a-fA-F0-9]{2}){5}$"),
    "pve-bridge-id": re.compile(r"^[-_.\w\d]+$"),
}
_FORMAT_MESSAGES = {
    "pve-node": "value does not look like a valid node name",
    "dns-name": "value does not look like a valid DNS name",
    "pve-storage-id": "storage ID '{value}' contains illegal characters",
    "pve-configid": "invalid configuration ID '{value}'",
    "pve-snapshot-name": "invalid configuration ID '{value}'",
    "mac-addr": "value does not look like a valid MAC address",
    "pve-bridge-id": "bridge name '{value}' contains illegal characters",
}


def _check_named_format(fmt: str, value: str) -> str | None:
    """Return an error (PVE's text) when `value` breaks the named format, else None."""
    if fmt in _FORMAT_RES:
        if not _FORMAT_RES[fmt].match(value):
            return _FORMAT_MESSAGES.get(fmt, "value does not match the format").format(value=value)
        return None
    if fmt == "pve-tag-list":
        for tag in re.split(r"[;,\s]+", value.strip()):
            if tag and not _FORMAT_RES["pve-tag"].match(tag):
                return f"invalid characters in tag '{tag}'"
        return None
    if fmt == "dns-name-list":
        for item in re.split(r"[,;\s]+", value.strip()):
            if item and not _FORMAT_RES["dns-name"].match(item):
                return "value does not look like a valid DNS name"
        return None
    if fmt == "pve-configid-list":
        for item in re.split(r"[,;\s]+", value.strip()):
            if item and not re.match(r"^[a-z][a-z0-9_\-]*$", item):
                return f"invalid configuration ID '{item}'"
        return None
    if fmt in ("ipv4", "ipv6", "ip"):
        try:
            ip = ipaddress.ip_address(value)
        except ValueError:
            return f"value does not look like a valid {fmt.upper() if fmt != 'ip' else 'IP'} address"
        if fmt == "ipv4" and ip.version != 4:
            return "value does not look like a valid IPv4 address"
        return None
    if fmt == "pve-startup-order":
        if not re.match(r"^((order=)?\d+)?(,?(up|down)=\d+)*$", value):
            return "value does not look like a valid startup order"
        return None
    if fmt == "address-list":
        for part in re.split(r"[,;\s]+", value.strip()):
            if part:
                try:
                    ipaddress.ip_address(part)
                except ValueError:
                    return "value does not look like a valid address"
        return None
    check = FORMAT_CHECKS.get(fmt)
    return check(value) if check is not None else None


# --- checking ----------------------------------------------------------------------------------
_INDEXED = re.compile(r"^([a-z]+)(\d+)$")
BOOL_TRUE = {"1", "true", "yes", "on"}
BOOL_FALSE = {"0", "false", "no", "off"}


def spec_for(specs: dict[str, P], name: str) -> P | None:
    """The declaration for `name`, resolving indexed names such as `net0` to `net[n]`."""
    if name in specs:
        return specs[name]
    match = _INDEXED.match(name)
    if match:
        base, index = match.group(1), int(match.group(2))
        spec = specs.get(f"{base}[n]")
        if spec is not None and index <= INDEX_LIMITS.get(base, 255):
            return spec
    return None


def coerce(spec: P, raw: str) -> Any:
    """Convert an already-checked raw value to the JSON type PVE returns for it."""
    if spec.type == "integer":
        return int(raw)
    if spec.type == "boolean":
        return 1 if raw.lower() in BOOL_TRUE else 0
    if spec.type == "number":
        number = float(raw)
        return int(number) if number.is_integer() else number
    return raw


def check_value(name: str, spec: P, raw: str) -> str | None:
    """Check one value; returns PVE's error message or None."""
    if spec.type == "integer":
        if not re.fullmatch(r"-?\d+", raw.strip()):
            return f"type check ('integer') failed - got '{raw}'"
        value: float = int(raw)
    elif spec.type == "number":
        try:
            value = float(raw)
        except ValueError:
            return f"type check ('number') failed - got '{raw}'"
    elif spec.type == "boolean":
        if raw.lower() not in BOOL_TRUE | BOOL_FALSE:
            return f"type check ('boolean') failed - got '{raw}'"
        return None
    else:
        value = 0
    if spec.type in ("integer", "number"):
        if spec.minimum is not None and value < spec.minimum:
            return f"value must have a minimum value of {_num(spec.minimum)}"
        if spec.maximum is not None and value > spec.maximum:
            return f"value must have a maximum value of {_num(spec.maximum)}"
        return None
    if spec.enum is not None and raw not in spec.enum:
        return f"value '{raw}' does not have a value in the enumeration '{', '.join(spec.enum)}'"
    if spec.max_length is not None and len(raw) > spec.max_length:
        return f"value may only be {spec.max_length} characters long"
    if spec.min_length is not None and len(raw) < spec.min_length:
        return f"value must be at least {spec.min_length} characters long"
    if spec.pattern is not None and not _pattern(spec.pattern).fullmatch(raw):
        return "value does not match the regex pattern"
    if spec.keys is not None:
        return _check_property_string(name, spec, raw)
    if spec.format is not None:
        problem = _check_named_format(spec.format, raw)
        if problem:
            return f"invalid format - {problem}\n"
    return None


@functools.lru_cache(maxsize=256)
def _pattern(pattern: str) -> re.Pattern[str]:
    """Compile a schema pattern; PVE's Perl `(?^:…)` / `(?^i:…)` groups become `(?:…)` / `(?i:…)` groups."""
    return re.compile(re.sub(r"\(\?\^([a-z]*):", r"(?\1:", pattern))


# Value rules for property-string keys whose meaning is the same wherever they appear.
SUBKEY_RULES: dict[str, P] = {
    "current": P("integer", minimum=16),
    "tag": P("integer", minimum=1, maximum=4094),
    "mtu": P("integer", minimum=1, maximum=65520),
    "queues": P("integer", minimum=0, maximum=64),
    "rate": P("number", minimum=0),
    "firewall": P("boolean"), "link_down": P("boolean"), "ssd": P("boolean"), "iothread": P("boolean"),
    "ro": P("boolean"), "backup": P("boolean"), "replicate": P("boolean"), "enabled": P("boolean"),
    "acl": P("boolean"), "keepattrs": P("boolean"), "host-managed": P("boolean"),
    "size": P("string", pattern=r"\d+(\.\d+)?[KMGT]?"),
    "macaddr": P("string", format="mac-addr"), "hwaddr": P("string", format="mac-addr"),
    "bridge": P("string", format="pve-bridge-id"),
}
NIC_MODELS = ("e1000", "e1000-82540em", "e1000-82544gc", "e1000-82545em", "e1000e", "i82551", "i82557b",
              "i82559er", "ne2k_isa", "ne2k_pci", "pcnet", "rtl8139", "virtio", "vmxnet3")
SUBKEY_RULES["model"] = P("string", enum=NIC_MODELS)
SUBKEY_RULES.update({model: P("string", format="mac-addr") for model in NIC_MODELS})


def _check_property_string(name: str, spec: P, raw: str) -> str | None:
    assert spec.keys is not None
    seen: set[str] = set()
    for part in raw.split(","):
        if not part.strip():
            continue
        if "=" not in part:
            if spec.default_key is None:
                return "invalid format - value without key, but schema does not define a default key\n"
            key, value = spec.default_key, part.strip()
        else:
            key, value = (x.strip() for x in part.split("=", 1))
            if key not in spec.keys:
                return f"invalid format - format error\n{name}.{key}: property is not defined in schema " \
                       "and the schema does not allow additional properties\n"
        if key in seen:
            return f"invalid format - duplicate key in comma-separated list property: {key}\n"
        seen.add(key)
        rule = dict(spec.subkeys).get(key) if spec.subkeys and key in dict(spec.subkeys) else SUBKEY_RULES.get(key)
        if rule is not None:
            problem = check_value(f"{name}.{key}", rule, value)
            if problem:
                return f"invalid format - format error\n{name}.{key}: {problem.removeprefix('invalid format - ')}"\
                       .rstrip("\n") + "\n"
    return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


class ParameterError(Exception):
    """400 Parameter verification failed, with per-parameter messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Parameter verification failed.")
        self.errors = errors


def validate(specs: dict[str, P], params: dict[str, str]) -> dict[str, Any]:
    """Check `params` against `specs` and return them converted to their JSON types.

    Raises ParameterError listing every offending parameter, as PVE does.
    """
    errors: dict[str, str] = {}
    result: dict[str, Any] = {}
    for name, raw in params.items():
        spec = spec_for(specs, name)
        if spec is None:
            errors[name] = ("property is not defined in schema and the schema does not allow "
                            "additional properties")
            continue
        problem = check_value(name, spec, raw)
        if problem:
            errors[name] = problem
        else:
            result[name] = coerce(spec, raw)
    for name, spec in specs.items():
        if not spec.optional and "[n]" not in name and name not in params:
            errors[name] = "property is missing and it is not optional"
    if errors:
        raise ParameterError(errors)
    return result
