"""A small HCL model: write resource blocks in `terraform fmt` style and read them back (hclfast, python-hcl2).

Values in a body: str, int, float, bool, `Expr` (a raw expression such as `var.x`), lists of those
(attributes), dicts of those (map arguments) and lists of dicts (repeated or single nested blocks).
`parse(render(x)) == x`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class Expr(str):
    """A raw HCL expression (reference, function call), written without quotes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"Expr({str(self)!r})"


Body = dict[str, Any]


@dataclass
class Resource:
    """One `resource "type" "name" { … }` block."""

    type: str
    name: str
    body: Body

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass
class Import:
    """One `import { to = … id = "…" }` block."""

    to: str
    id: str


@dataclass
class HclFile:
    """What a .tf file declares (resources and imports; other top-level blocks kept raw)."""

    resources: list[Resource] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    other: dict[str, Any] = field(default_factory=dict)


class HclError(ValueError):
    """A .tf file that python-hcl2 cannot parse (message names the file and, when known, the line)."""


# --- writing -----------------------------------------------------------------------------------
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_SPECIAL = re.compile(r'[\\"\x00-\x1f\x7f]')  # characters written as escapes
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]|[$%]\{')


def quote(text: str) -> str:
    """An HCL string literal; `${` and `%{` are escaped so nothing is interpolated."""
    if not _NEEDS_ESCAPE.search(text):  # most values need none: skip the substitutions
        return f'"{text}"'
    return _SPECIAL.sub(_escape, text).replace("${", "$${").replace("%{", "%%{").join('""')


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04x}"


def _value(value: Any) -> str:
    if isinstance(value, Expr):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "inf" in text or "nan" in text:
            raise ValueError(f"cannot write {value!r} in HCL")
        return text
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):  # a map argument (`nodes = { pve1 = 2 }`); a list of dicts is a block
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k if _IDENT.match(k) else quote(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} in HCL")


_NAMES: set[str] = set()  # keys already checked to be identifiers (an import writes the same few thousand times)


def render_body(body: Body, indent: int = 1) -> list[str]:
    """Lines of a block body: attributes first (`=` aligned like terraform fmt), then nested blocks."""
    pad = "  " * indent
    attrs = []
    blocks = []
    for key, value in body.items():
        if key not in _NAMES:
            if not _IDENT.match(key):
                raise ValueError(f"not an HCL identifier: {key!r}")
            if len(_NAMES) < 10_000:
                _NAMES.add(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            blocks.append((key, value))
        else:
            attrs.append((key, value))
    lines: list[str] = []
    width = max([len(k) for k, _ in attrs], default=0)
    for key, value in attrs:
        lines.append(f"{pad}{key.ljust(width)} = {_value(value)}")
    for key, items in blocks:
        for item in items:
            inner = render_body(item, indent + 1)
            if inner:
                lines.append(f"{pad}{key} {{")
                lines.extend(inner)
                lines.append(f"{pad}}}")
            else:
                lines.append(f"{pad}{key} {{}}")
    return lines


def render_block(keyword: str, labels: list[str], body: Body) -> str:
    """A whole top-level block, newline-terminated."""
    head = " ".join([keyword, *(quote(label) for label in labels)])
    inner = render_body(body)
    if not inner:
        return f"{head} {{}}\n"
    return "\n".join([f"{head} {{", *inner, "}"]) + "\n"


def render_resource(resource: Resource) -> str:
    return render_block("resource", [resource.type, resource.name], resource.body)


def render_import(imp: Import) -> str:
    return render_block("import", [], {"to": Expr(imp.to), "id": imp.id})


# --- reading ----------------------------------------------------------------------------------
_UNESCAPE = re.compile(r'\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{', re.DOTALL)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def unquote(text: str) -> str:
    """Inverse of `quote` for a literal python-hcl2 returned with its quotes."""
    inner = text[1:-1]
    if "\\" not in inner and "$${" not in inner and "%%{" not in inner:
        return inner  # most literals: nothing to unescape

    def repl(m: re.Match[str]) -> str:
        whole = m.group(0)
        if whole == "$${":
            return "${"
        if whole == "%%{":
            return "%{"
        esc = m.group(1)
        if esc[0] in "uU" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        if esc in _SIMPLE:
            return _SIMPLE[esc]
        raise ValueError(f"unknown escape \\{esc}")

    return _UNESCAPE.sub(repl, inner)


def _is_literal(text: str) -> bool:
    """A quoted string with no live interpolation (only escaped `$${` / `%%{`)."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return False
    body = re.sub(r"\\.", "", text[1:-1]).replace("$${", "").replace("%%{", "")
    return "${" not in body and "%{" not in body


def _normalize(value: Any) -> Any:
    if isinstance(value, str):
        if _is_literal(value):
            return unquote(value)
        if value.startswith("${") and value.endswith("}"):
            return Expr(value[2:-1])
        return Expr(value)
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    if isinstance(value, dict):
        if value.get("__is_block__"):
            return _normalize_body(value)
        return {k: _normalize(v) for k, v in value.items()}
    return value


def _normalize_body(raw: dict[str, Any]) -> Body:
    body: Body = {}
    for key, value in raw.items():
        if key.startswith("__"):
            continue
        body[key] = _normalize(value)
    return body


def parse(text: str, filename: str = "<text>", keep_other: bool = True) -> HclFile:
    """Parse HCL text into resources and imports: the plain HCL proxmox-mpc writes is read by `hclfast`
    (~30x faster); anything else by python-hcl2, which gives the same result for the plain subset.
    Without `keep_other` the fast reader also reads files with other top-level blocks (provider,
    variables), leaving `other` empty."""
    fast = parse_fast(text, keep_other)
    return fast if fast is not None else parse_with_hcl2(text, filename)


def parse_fast(text: str, keep_other: bool = True) -> HclFile | None:
    """What the fast reader alone reads of the text (None: beyond the plain subset)."""
    from pmpc_tui.iac.hclfast import parse_plain

    plain = parse_plain(text, skip_other=not keep_other)
    if plain is None:
        return None
    return HclFile([Resource(rtype, rname, body) for rtype, rname, body in plain[0]],
                   [Import(str(body.get("to", "")), str(body.get("id", ""))) for body in plain[1]])


def parse_with_hcl2(text: str, filename: str = "<text>") -> HclFile:
    """Parse any HCL text with python-hcl2 (the full grammar; slow)."""
    import hcl2
    from hcl2.utils import SerializationOptions

    try:
        raw = hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False))
    except Exception as exc:  # lark raises several exception types
        raise HclError(f"{filename}: {str(exc).strip().splitlines()[0] if str(exc).strip() else exc}") from None
    out = HclFile()
    for entry in raw.get("resource", []):
        for rtype, named in entry.items():
            for rname, body in named.items():
                out.resources.append(Resource(unquote(rtype) if rtype.startswith('"') else rtype,
                                              unquote(rname) if rname.startswith('"') else rname,
                                              _normalize_body(body)))
    for entry in raw.get("import", []):
        body = _normalize_body(entry)
        out.imports.append(Import(str(body.get("to", "")), str(body.get("id", ""))))
    for key, value in raw.items():
        if key not in ("resource", "import"):
            out.other[key] = value
    return out
