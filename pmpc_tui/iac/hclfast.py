"""A fast reader for the plain HCL proxmox-mpc writes: `resource` and `import` blocks holding literals,
lists, objects with bare keys (a backup job's `prune_backups`, an HA rule's `nodes`), references and
nested blocks.

python-hcl2 needs ~16 ms per guest file, so a fresh checkout of 1,500 guests spent ~25 s parsing.
This reader handles only that subset and returns None for anything else (function calls, operators,
quoted object keys, interpolation, heredocs, other top-level blocks, anything unexpected); `hcl.parse` then
falls back to python-hcl2, so both always give the same result.

Its subset is also one Terraform's own grammar accepts (blocks opened at the end of a line, known top-level
blocks, strings without control characters or unknown escapes, ASCII names): a file it reads needs no
second parse by pygohcl's syntax gate, which cost a fresh checkout's plan ~1 s for 1,500 files. Anything
it would read that Terraform refuses is a bug here (tests/iac/test_hcl_fast_reader.py mutates files to look).
"""

from __future__ import annotations

import re
from typing import Any

from pmpc_tui.iac.hcl import Expr, unquote  # hcl imports this module only inside its functions

_TOKEN = re.compile(r"""(?:[ \t]|\r(?=\n))*(?:
    (?P<nl>(?:\#|//)[^\n]*\n?|\n)
  | (?P<str>"(?:[^"\\$%\x00-\x1f\x7f]|\\[^\x00-\x1f\x7f]|\$(?!\{)|%(?!\{)|\$\$\{|%%\{)*")
  | (?P<num>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<ref>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[\d+\])*(?![\w.\[(]))
  | (?P<punct>[{}\[\]=,])
  | (?P<end>\Z)
  | (?P<other>.)
)""", re.VERBOSE | re.DOTALL | re.ASCII)  # blanks before each token are part of its match
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}
_NAME = re.compile(r"[A-Za-z_][\w-]*", re.ASCII)
# the other top-level blocks Terraform accepts in a .tf file (`parse_plain(skip_other=True)` reads and drops them)
_OTHER_BLOCKS = frozenset({"terraform", "provider", "variable", "output", "locals", "module", "data", "moved",
                           "removed", "check"})


class _Bail(Exception):
    """Not the plain subset: let python-hcl2 read it."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    append = out.append
    last = ""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "nl":
            if last != "nl":
                append(("nl", "\n"))
        elif kind == "end":
            break
        elif kind is None or kind == "other":
            raise _Bail
        else:
            append((kind, m.group(kind)))
        last = kind
    append(("end", ""))
    return out


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.pos]

    def take(self, kind: str, text: str | None = None) -> str:
        tok = self.tokens[self.pos]
        if tok[0] != kind or (text is not None and tok[1] != text):
            raise _Bail
        self.pos += 1
        return tok[1]

    def skip_newlines(self) -> None:
        while self.tokens[self.pos][0] == "nl":
            self.pos += 1

    def value(self) -> Any:
        kind, text = self.tokens[self.pos]
        if kind == "str":
            self.pos += 1
            value = unquote(text)
            if "\\" in text and any("\ud800" <= c <= "\udfff" for c in value):
                raise _Bail  # a \u escape of a surrogate half: not a character
            return value
        if kind == "num":
            self.pos += 1
            return float(text) if "." in text else int(text)
        if kind == "ref":
            self.pos += 1
            if text in _CONSTANTS:
                return _CONSTANTS[text]
            if text.partition(".")[0].partition("[")[0] in _CONSTANTS:
                raise _Bail  # `true.x`: a traversal of a literal
            return Expr(text)
        if kind == "punct" and text == "[":
            self.pos += 1
            items: list[Any] = []
            self.skip_newlines()
            while self.tokens[self.pos] != ("punct", "]"):
                items.append(self.value())
                self.skip_newlines()
                if self.tokens[self.pos] == ("punct", ","):
                    self.pos += 1
                    self.skip_newlines()
                elif self.tokens[self.pos] != ("punct", "]"):
                    raise _Bail
            self.pos += 1
            return items
        if kind == "punct" and text == "{":
            self.pos += 1
            return self.object()
        raise _Bail

    def object(self) -> dict[str, Any]:
        """An object value's items up to and including its closing brace: bare keys only (python-hcl2 keeps
        a quoted key's quotes), separated by commas or newlines."""
        items: dict[str, Any] = {}
        self.skip_newlines()
        while self.tokens[self.pos] != ("punct", "}"):
            key = self.take("ref")
            if not _NAME.fullmatch(key) or key in items or key in _CONSTANTS:
                raise _Bail
            self.take("punct", "=")
            items[key] = self.value()
            newline = self.tokens[self.pos][0] == "nl"
            self.skip_newlines()
            if self.tokens[self.pos] == ("punct", ","):
                self.pos += 1
                self.skip_newlines()
            elif not newline and self.tokens[self.pos] != ("punct", "}"):
                raise _Bail
        self.pos += 1
        return items

    def body(self) -> dict[str, Any]:
        """Items up to and including the closing brace (the opening one is taken). As in HCL, the items start
        on a line of their own: `{}` is an empty block, `{ x = 1 }` is left to python-hcl2."""
        body: dict[str, Any] = {}
        blocks: set[str] = set()
        if self.tokens[self.pos] != ("punct", "}"):
            self.take("nl")
        self.skip_newlines()
        while self.tokens[self.pos] != ("punct", "}"):
            key = self.take("ref")
            if not _NAME.fullmatch(key) or key in _CONSTANTS:
                raise _Bail
            if self.tokens[self.pos] == ("punct", "="):
                self.pos += 1
                if key in body:
                    raise _Bail
                body[key] = self.value()
                self.take("nl")
            else:
                self.take("punct", "{")
                if key in body and key not in blocks:
                    raise _Bail
                blocks.add(key)
                body.setdefault(key, []).append(self.body())
                self.take("nl")
            self.skip_newlines()
        self.pos += 1
        return body


def parse_plain(text: str, skip_other: bool = False,
                ) -> tuple[list[tuple[str, str, dict[str, Any]]], list[dict[str, Any]]] | None:
    """(resources as (type, name, body), import bodies) of plain generated HCL, or None when it is not plain.

    `skip_other`: other top-level blocks (`terraform`, `provider "x"`, `variable "y"` …) are read and dropped
    instead of making the file not plain — for callers that need only resources and imports (reading the
    provider files with python-hcl2 cost a fresh checkout's plan ~0.5 s to build its parser)."""
    try:
        reader = _Reader(_tokens(text))
        resources: list[tuple[str, str, dict[str, Any]]] = []
        imports: list[dict[str, Any]] = []
        reader.skip_newlines()
        while reader.peek()[0] != "end":
            keyword = reader.take("ref")
            if keyword == "resource":
                rtype = unquote(reader.take("str"))
                rname = unquote(reader.take("str"))
                reader.take("punct", "{")
                resources.append((rtype, rname, reader.body()))
            elif keyword == "import":
                reader.take("punct", "{")
                imports.append(reader.body())
            elif skip_other and keyword in _OTHER_BLOCKS:
                while reader.peek()[0] == "str":  # its labels (read only to refuse a bad escape)
                    unquote(reader.take("str"))
                reader.take("punct", "{")
                reader.body()
            else:
                raise _Bail
            if reader.peek()[0] != "end":
                reader.take("nl")
            reader.skip_newlines()
    except (_Bail, ValueError, RecursionError):
        return None
    return resources, imports
