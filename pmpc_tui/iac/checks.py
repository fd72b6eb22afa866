"""Checks on hand-edited Terraform: arguments and blocks the bpg/proxmox resources do not have."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pmpc_tui.iac.hcl import parse
from pmpc_tui.iac.vocabulary import META_ARGUMENTS, RESOURCE_NAMES, Names


@dataclass(frozen=True)
class UnknownName:
    """An argument or block a resource does not accept, with where it is (1-based line/column)."""

    address: str
    path: str
    line: int
    column: int
    suggestion: str | None

    @property
    def message(self) -> str:
        hint = f" — did you mean '{self.suggestion}'?" if self.suggestion else ""
        return f"{self.address}: unknown argument or block '{self.path}'{hint}"


def _closest(name: str, candidates: list[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return match[0] if match else None


def _locate(lines: list[str], name: str, start: int) -> tuple[int, int]:
    pattern = re.compile(rf"^(\s*){re.escape(name)}\s*(=|\{{)")
    for number in range(start, len(lines)):
        match = pattern.match(lines[number])
        if match:
            return number + 1, len(match.group(1)) + 1
    return start + 1, 1


def _walk(body: dict[str, Any], names: Names, prefix: str, address: str, lines: list[str], start: int,
          top: bool, out: list[UnknownName]) -> None:
    for key, value in body.items():
        if top and key in META_ARGUMENTS:
            continue
        if key not in names:
            line, column = _locate(lines, key, start)
            out.append(UnknownName(address, prefix + key, line, column, _closest(key, list(names))))
            continue
        nested = names[key]
        if isinstance(nested, dict) and isinstance(value, list):
            line, _ = _locate(lines, key, start)
            for block in value:
                if isinstance(block, dict):
                    _walk(block, nested, f"{prefix}{key}.", address, lines, line - 1, False, out)


def _any_unknown(body: dict[str, Any], names: Names, top: bool) -> bool:
    """Whether a body holds a name the schema lacks (no text is searched: the common, clean case is cheap)."""
    for key, value in body.items():
        if top and key in META_ARGUMENTS:
            continue
        if key not in names:
            return True
        nested = names[key]
        if isinstance(nested, dict) and isinstance(value, list) and any(
                isinstance(block, dict) and _any_unknown(block, nested, False) for block in value):
            return True
    return False


def has_unknown_names(resource_type: str, body: dict[str, Any]) -> bool:
    """Whether one parsed resource body holds an argument or block its resource type lacks."""
    names = RESOURCE_NAMES.get(resource_type)
    return names is not None and _any_unknown(body, names, True)


def unknown_names_in(text: str, resource_type: str, label: str, body: dict[str, Any]) -> list[UnknownName]:
    """Unknown arguments/blocks of one already-parsed resource, located in its file's text."""
    names = RESOURCE_NAMES.get(resource_type)
    if names is None or not _any_unknown(body, names, True):
        return []  # validate over 1,500 clean guests: locating every block in the text cost ~2 s
    lines = text.splitlines()
    header = re.compile(rf'^\s*resource\s+"?{re.escape(resource_type)}"?\s+"?{re.escape(label)}"?')
    start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    found: list[UnknownName] = []
    _walk(body, names, "", f"{resource_type}.{label}", lines, start, True, found)
    return found


def unknown_names(text: str) -> list[UnknownName]:
    """Unknown arguments/blocks in the supported resources of a .tf file (syntax errors raise HclError)."""
    parsed = parse(text)
    lines = text.splitlines()
    found: list[UnknownName] = []
    for resource in parsed.resources:
        names = RESOURCE_NAMES.get(resource.type)
        if names is None:
            continue
        header = re.compile(rf'^\s*resource\s+"?{re.escape(resource.type)}"?\s+"?{re.escape(resource.name)}"?')
        start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
        _walk(resource.body, names, "", resource.address, lines, start, True, found)
    return found



def _find(lines: list[str], name: str, start: int, end: int) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(name)}\s*(=|\{{)")
    return next((n for n in range(start, end) if pattern.match(lines[n])), None)


def locate(text: str, resource_type: str, label: str, path: str, index: int = 0) -> tuple[int, int]:
    """1-based (line, column) of a bpg argument (`disk.size` in the `index`-th `disk` block) in a resource;
    the closest enclosing line found when the argument is not written out."""
    lines = text.splitlines()
    header = re.compile(rf'^\s*resource\s+"?{re.escape(resource_type)}"?\s+"?{re.escape(label)}"?')
    start = next((i for i, line in enumerate(lines) if header.match(line)), 0)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("resource ")), len(lines))
    best = start
    for depth, part in enumerate(path.split(".")):
        found = _find(lines, part, best + 1, end)
        for _ in range(index if depth == 0 else 0):
            if found is None:
                break
            found = _find(lines, part, found + 1, end)
        if found is None:
            break
        best = found
    return best + 1, len(lines[best]) - len(lines[best].lstrip()) + 1 if lines else 1
