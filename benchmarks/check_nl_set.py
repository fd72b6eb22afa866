"""Check a plain-English request set (nl_dev.yaml format): every line parses, risks and categories agree.

Usage: python benchmarks/check_nl_set.py benchmarks/nl_dev.yaml   (exit 0 when clean, 1 on any problem)

It reads only the registry and the REPL's parser (never the plain-English parser), so checking a set
cannot leak it into the parser's view. Prints the count per category and per risk.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from pmpc_tui.commands.registry import DESTRUCTIVE, NEVER_FROM_LANGUAGE, READ, RISKS, risk_of_line
from pmpc_tui.commands.repl import parse_line

CATEGORIES = ("query", "power", "snapshot", "backup", "migrate", "clone", "disk", "settings", "create",
              "workspace", "observability", "chitchat", "negation", "exception", "deferral", "conditional",
              "multilingual", "unsafe")
ORDER = {r: i for i, r in enumerate(RISKS)}


def line_problem(line: Any) -> str | None:
    """Why one command line is not a runnable registry command (None when it is)."""
    if not isinstance(line, str) or not line.strip():
        return "empty or not a string"
    parsed = parse_line(line)
    if parsed.kind != "command":
        return f"does not parse ({parsed.kind}): {parsed.text}"
    if risk_of_line(line) == NEVER_FROM_LANGUAGE:
        return "a command plain English may never propose"
    return None


def family(line: str) -> str:
    """The command and, for commands with actions, its action: `snapshot create`, `list`, `tasks log`."""
    words = line.split()
    if words[0] in ("snapshot", "backup", "disk", "tasks") and len(words) > 1 and not words[1].startswith("-"):
        return f"{words[0]} {words[1]}"
    return words[0]


def highest_risk(lines: list[str]) -> str:
    """The highest risk class of the lines (read for none)."""
    return max((risk_of_line(x) for x in lines), key=ORDER.__getitem__, default=READ)


def entry_problems(i: int, entry: Any) -> list[str]:
    """Problems of one request entry, each naming it."""
    if not isinstance(entry, dict):
        return [f"#{i}: not a mapping"]
    where = f"#{i} {str(entry.get('text'))[:50]!r}"
    out: list[str] = []
    unknown = set(entry) - {"text", "commands", "alternatives", "risk", "category", "forbidden"}
    if unknown:
        out.append(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("text"), str) or not entry["text"].strip():
        out.append(f"{where}: text missing")
    commands = entry.get("commands")
    if not isinstance(commands, list):
        return [*out, f"{where}: commands must be a list"]
    answers = [commands, *(entry.get("alternatives") or [])]
    for answer in answers:
        if not isinstance(answer, list):
            out.append(f"{where}: an alternative must be a list of lines")
            continue
        out += [f"{where}: {line!r} {p}" for line in answer if (p := line_problem(line))]
    if entry.get("category") not in CATEGORIES:
        out.append(f"{where}: category {entry.get('category')!r} not one of {', '.join(CATEGORIES)}")
    if not out and entry.get("risk") != highest_risk(commands):
        out.append(f"{where}: risk {entry.get('risk')!r} but its commands are {highest_risk(commands)!r}")
    forbidden = entry.get("forbidden") or []
    if not isinstance(forbidden, list) or not all(isinstance(f, str) and f.strip() for f in forbidden):
        out.append(f"{where}: forbidden must be a list of command prefixes")
    else:
        out += [f"{where}: forbidden {f!r} is a prefix of an expected line" for f in forbidden
                for answer in answers if isinstance(answer, list) for line in answer
                if isinstance(line, str) and line.startswith(f)]
    return out


def main(argv: list[str]) -> int:
    """Check the file named in argv; print problems and the spread."""
    if len(argv) != 1:
        print("usage: check_nl_set.py FILE", file=sys.stderr)
        return 64
    doc = yaml.safe_load(Path(argv[0]).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or not isinstance(doc.get("requests"), list):
        print("error: the file needs `scenario:` and a `requests:` list", file=sys.stderr)
        return 1
    problems = [p for i, e in enumerate(doc["requests"], 1) for p in entry_problems(i, e)]
    texts = Counter(e.get("text") for e in doc["requests"] if isinstance(e, dict))
    problems += [f"duplicate text {t!r}" for t, n in texts.items() if n > 1]
    for p in problems:
        print(p)
    entries = [e for e in doc["requests"] if isinstance(e, dict)]
    print(f"{len(entries)} requests; scenario {doc.get('scenario')}")
    print("by category:", dict(sorted(Counter(e.get("category") for e in entries).items())))
    print("by risk:", dict(sorted(Counter(e.get("risk") for e in entries).items())))
    families = Counter(family(line) for e in entries for line in e.get("commands") or [])
    print("lines by command:", dict(sorted(families.items())))
    refused = sum(1 for e in entries if e.get("commands") == [])
    guarded = sum(1 for e in entries if e.get("forbidden"))
    destructive = sum(1 for e in entries if e.get("risk") == DESTRUCTIVE)
    print(f"refused: {refused}; with forbidden prefixes: {guarded}; destructive: {destructive}")
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
