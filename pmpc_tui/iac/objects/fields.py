"""Flat PVE options ↔ provider arguments, as SDN objects and storage definitions use them.

Each `Field` names an argument, its PVE key and its kind: `str`, `int`, `bool` (false when absent) or `set`
(a comma list in PVE, a sorted list of strings in code, absent when empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pmpc_tui.iac.objects.base import Body, flag, split_list


@dataclass(frozen=True)
class Field:
    """One argument: its name in code, its PVE key, its kind."""

    arg: str
    pve: str
    kind: str = "str"  # str | int | bool | set


def _value(field: Field, value: Any) -> Any:
    if field.kind == "bool":
        return flag(value) if not isinstance(value, bool) else value
    if field.kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if field.kind == "set":
        items = value if isinstance(value, list) else split_list(value)
        return sorted(dict.fromkeys(str(v) for v in items))
    return str(value)


def _empty(field: Field, value: Any) -> bool:
    return value is None or value == "" or (field.kind == "bool" and value is False) or value == []


def from_pve(entry: dict[str, Any], fields: tuple[Field, ...]) -> Body:
    """The arguments of a PVE entry (absent, empty and false values left out)."""
    out: Body = {}
    for field in fields:
        if field.pve in entry and not _empty(field, entry[field.pve]):
            value = _value(field, entry[field.pve])
            if not _empty(field, value):
                out[field.arg] = value
    return out


def normalize(body: Body, fields: tuple[Field, ...]) -> Body:
    """Code's arguments in the same canonical form as `from_pve` gives (expressions are left as they are)."""
    out: Body = {}
    for field in fields:
        value = body.get(field.arg)
        if _empty(field, value):
            continue
        value = _value(field, value) if isinstance(value, (str, int, bool, list)) else value
        if not _empty(field, value):
            out[field.arg] = value
    return out


def to_pve(body: Body, fields: tuple[Field, ...]) -> dict[str, Any]:
    """API parameters of canonical arguments."""
    params: dict[str, Any] = {}
    for field in fields:
        if field.arg not in body:
            continue
        value = body[field.arg]
        params[field.pve] = (1 if value else 0) if field.kind == "bool" else \
            ",".join(value) if field.kind == "set" else value
    return params


def changed_params(before: Body, after: Body, fields: tuple[Field, ...]) -> dict[str, Any]:
    """What an update sends: the changed parameters, and `delete` for those the code no longer sets."""
    old, new = to_pve(before, fields), to_pve(after, fields)
    params = {k: v for k, v in new.items() if old.get(k) != v}
    gone = sorted(k for k in old if k not in new)
    if gone:
        params["delete"] = ",".join(gone)
    return params


def pending_entry(entry: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """An SDN list entry read with `pending=1` as the edited configuration's values, and its pending state
    (`new`, `changed`, `deleted`, or empty when applied)."""
    values = {k: v for k, v in entry.items() if k not in ("state", "pending", "digest")}
    pending = entry.get("pending")
    for key, value in (pending.items() if isinstance(pending, dict) else ()):
        if value == "deleted":
            values.pop(key, None)
        else:
            values[key] = value
    return values, str(entry.get("state") or "")
