"""The syntax gate: every workspace file must be UTF-8 text that Terraform's own HCL parser (or YAML) accepts.

Nothing is planned, applied, drift-checked or tested while one file fails; problems come as
`file:line:column: message` with Terraform's own wording (pygohcl wraps HashiCorp's HCL library).
Reading the workspace (`iac.terraform.load_desired_state`) asks pygohcl only about the .tf files the fast
reader (`hclfast`) cannot read: its plain subset is one Terraform's grammar accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# top-level blocks Terraform accepts in a .tf file (anything else is "Unsupported block type")
TOP_LEVEL_BLOCKS = frozenset({"terraform", "provider", "variable", "output", "locals", "module", "resource", "data",
                              "import", "moved", "removed", "check"})
_DIAGNOSTIC = re.compile(r"(?:^invalid HCL: |, )[^\s,:]*\.hcl:(\d+),(\d+)(?:-(?:\d+,)?\d+)?: ")


@dataclass(frozen=True)
class SyntaxProblem:
    """One reason a file cannot be read, with a 1-based position."""

    path: Path
    line: int
    column: int
    message: str

    def render(self, root: Path | None = None) -> str:
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        return f"{shown}:{self.line}:{self.column}: {self.message}"


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as far as the bytes decode) of a byte offset."""
    before = data[:offset]
    line = before.count(b"\n") + 1
    start = before.rfind(b"\n") + 1
    return line, len(before[start:].decode("utf-8", errors="replace")) + 1


def text_problem(data: bytes, path: Path) -> SyntaxProblem | None:
    """A NUL byte or invalid UTF-8 makes a file unreadable before any parser sees it
    (pygohcl would silently stop at a NUL)."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line, column = _position(data, nul)
        return SyntaxProblem(path, line, column, "contains a NUL byte: this is not a text file")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        return SyntaxProblem(path, line, column, f"is not UTF-8 text (byte 0x{data[exc.start]:02x})")
    return None


def hcl_problems(data: bytes, path: Path) -> list[SyntaxProblem]:
    """Problems Terraform's HCL parser finds in one .tf file (empty when it parses)."""
    bad = text_problem(data, path)
    if bad is not None:
        return [bad]
    import pygohcl

    try:
        parsed = pygohcl.loadb(data)
    except pygohcl.HCLParseError as exc:
        return _diagnostics(str(exc), path)
    except Exception as exc:  # the library's other internal errors: still a refusal, never a traceback
        return [SyntaxProblem(path, 1, 1, f"cannot parse: {exc}")]
    if path.suffix != ".tf":  # .tfvars files hold top-level arguments
        return []
    return [_unsupported(data, path, key) for key in parsed if key not in TOP_LEVEL_BLOCKS]


def _unsupported(data: bytes, path: Path, key: str) -> SyntaxProblem:
    match = re.search(rb"^[ \t]*" + re.escape(key.encode()) + rb"\b", data, re.M)
    line, column = _position(data, match.start()) if match else (1, 1)
    return SyntaxProblem(path, line, column, f'Unsupported block type; blocks of type "{key}" are not expected '
                                             "here (top-level arguments neither)")


def _diagnostics(text: str, path: Path) -> list[SyntaxProblem]:
    marks = list(_DIAGNOSTIC.finditer(text))
    if not marks:
        return [SyntaxProblem(path, 1, 1, text.removeprefix("invalid HCL: ").strip() or "does not parse")]
    seen: set[tuple[int, int, str]] = set()
    out = []
    for i, mark in enumerate(marks):
        message = text[mark.end():marks[i + 1].start() if i + 1 < len(marks) else len(text)].strip()
        key = (int(mark.group(1)), int(mark.group(2)), message)
        if key not in seen:
            seen.add(key)
            out.append(SyntaxProblem(path, key[0], key[1], message))
    return out


def yaml_problems(data: bytes, path: Path) -> list[SyntaxProblem]:
    """Problems a YAML parser finds in one Ansible or workspace YAML file."""
    bad = text_problem(data, path)
    if bad is not None:
        return [bad]
    if _libyaml_accepts(data):
        return []
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        list(YAML(typ="safe").load_all(data.decode("utf-8")))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return [SyntaxProblem(path, line, column, f"YAML: {exc.problem or exc.context}")]
    except YAMLError as exc:
        return [SyntaxProblem(path, 1, 1, f"YAML: {exc}")]
    return []


def _libyaml_accepts(data: bytes) -> bool:
    """Whether libyaml (PyYAML's C loader, what Ansible itself reads with) loads the file: ~40x faster than
    pure-Python ruamel on a 1,500-host inventory (4.6 s). Files it refuses are parsed again by ruamel.yaml,
    whose messages name the line and column."""
    try:
        import yaml

        loader = yaml.CSafeLoader
    except (ImportError, AttributeError):
        return False
    try:
        if _plain_events_load(yaml, data):
            return True
        for _ in yaml.load_all(data, Loader=loader):
            pass
    except yaml.YAMLError:
        return False
    except Exception:  # anything unexpected: let ruamel decide
        return False
    return True


# first characters of the plain scalars the safe loader turns into something other than a string, a bool or null
# (ints, floats, timestamps, `<<` merge keys, `=`): only those are built to see whether they load
_RESOLVED_FIRST = frozenset("-+.0123456789<=")


def _plain_events_load(yaml: Any, data: bytes) -> bool:
    """Whether the file loads, judged from libyaml's events without building the documents (~4x faster on a
    1,500-host inventory): True when it has no tag, anchor, alias, merge key or collection as a key and every
    scalar that resolves to a number or a date builds; False means "load it to know" (errors raise as a load's)."""
    from yaml.events import AliasEvent, CollectionEndEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
    from yaml.nodes import ScalarNode

    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    plain = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}
    open_: list[int] = []  # per open collection: -1 a sequence, else how many keys and values it has had
    for event in yaml.parse(data, Loader=yaml.CSafeLoader):
        kind = type(event)
        if kind is ScalarEvent or kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                return False
            in_mapping = bool(open_) and open_[-1] >= 0
            if in_mapping:
                open_[-1] += 1
            if kind is ScalarEvent:
                value = event.value
                if event.implicit[0] and value and value[0] in _RESOLVED_FIRST:
                    tag = resolver.resolve(ScalarNode, value, event.implicit)
                    if tag == "tag:yaml.org,2002:merge":
                        return False
                    if tag not in plain:
                        constructor.construct_object(ScalarNode(tag, value))
            elif in_mapping and open_[-1] % 2 == 1:
                return False  # a mapping or sequence as a key
            else:
                open_.append(0 if kind is MappingStartEvent else -1)
        elif kind is AliasEvent:
            return False
        elif isinstance(event, CollectionEndEvent):
            open_.pop()
    return True


def file_problems(path: Path) -> list[SyntaxProblem]:
    """Problems in one workspace file, chosen by its suffix (.tf or .yml/.yaml)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [SyntaxProblem(path, 1, 1, f"cannot read: {exc.strerror or exc}")]
    return hcl_problems(data, path) if path.suffix == ".tf" else yaml_problems(data, path)


def yaml_files(folder: Path) -> list[Path]:
    """The YAML files under a folder (the workspace's Ansible inventory and playbooks)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def yaml_gate(paths: list[Path], memo_path: Path | None = None, write_memo: bool = True) -> list[SyntaxProblem]:
    """Problems in these YAML files; with `memo_path`, files whose exact bytes passed before are not parsed
    again (a 1,500-host inventory costs seconds to parse in pure Python, its sha256 milliseconds).
    `write_memo=False` reads the memo but never writes it."""
    import hashlib
    import json

    memo: dict[str, str] = {}
    if memo_path is not None:
        try:
            loaded = json.loads(memo_path.read_text(encoding="utf-8"))
            memo = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            memo = {}
    passed: dict[str, str] = {}
    problems: list[SyntaxProblem] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(SyntaxProblem(path, 1, 1, f"cannot read: {exc.strerror or exc}"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        found = [] if memo.get(str(path)) == digest else yaml_problems(data, path)
        if found:
            problems += found
        else:
            passed[str(path)] = digest
    if memo_path is not None and write_memo and passed != memo:
        from pmpc_tui.config.files import atomic_write

        try:
            atomic_write(memo_path, json.dumps(passed, separators=(",", ":")), backup=False)
        except OSError:
            pass  # a read-only checkout: the gate still ran, it is only not remembered
    return problems
