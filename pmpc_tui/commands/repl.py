"""The console's REPL without the UI: parse lines with the CLI's own argparse setup, complete, remember.

A line is either a registry command (`list vms`, `start vm 101 --wait`, optionally written with a
leading slash: `/sync`) or a console meta command (`/help`, `/clear`, `/exit`, …). Nothing here
imports Textual, so it is tested on its own and any front end can reuse it.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, NoReturn

from pmpc_tui.commands.registry import BY_NAME, COMMANDS, Command
from pmpc_tui.services.names import Names

HISTORY_FILE = "repl_history"
HISTORY_LIMIT = 1000
GUEST_STATUSES = ("running", "stopped", "paused")


@dataclass(frozen=True)
class MetaCommand:
    """A command that only exists in the console (it acts on the console itself)."""

    name: str
    help: str
    usage: str = ""
    aliases: tuple[str, ...] = ()


META_COMMANDS: dict[str, MetaCommand] = {}


def register_meta(command: MetaCommand) -> None:
    """Add a console-only command; front ends decide what it does by its name."""
    for name in (command.name, *command.aliases):
        META_COMMANDS[name] = command


for _meta in (
    MetaCommand("help", "list commands, or show one command's arguments and examples", "/help [COMMAND]"),
    MetaCommand("clear", "clear the output", "/clear"),
    MetaCommand("history", "show the commands you ran before", "/history"),
    MetaCommand("exit", "close the REPL (the console keeps running)", "/exit"),
    MetaCommand("quit", "quit proxmox-mpc", "/quit"),
):
    register_meta(_meta)


def console_commands() -> list[Command]:
    """Registry commands that can run inside the console."""
    return [c for c in COMMANDS if c.console]


class UsageError(Exception):
    """argparse stopped: an error (status 64, as on the command line), or help was asked for (status 0)."""

    def __init__(self, text: str, status: int = 64) -> None:
        super().__init__(text)
        self.status = status


class _ReplParser(argparse.ArgumentParser):
    """argparse that never exits or prints: help and errors become UsageError."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            self._captured = getattr(self, "_captured", "") + message

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        text = getattr(self, "_captured", "") + (message or "")
        self._captured = ""
        raise UsageError(text.rstrip(), status)

    def error(self, message: str) -> NoReturn:
        self._captured = ""
        raise UsageError(f"{self.prog}: {message}\n{self.format_usage().rstrip()}\n"
                         f"(/help {self.prog} shows its arguments and examples)")


@cache
def command_parser(name: str) -> argparse.ArgumentParser:
    """The argparse parser of one registry command, as the CLI configures it (output: table)."""
    command = BY_NAME[name]
    parser = _ReplParser(prog=name, description=command.help, epilog=command.examples_epilog(),
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    command.configure_parser(parser, output_default="table")
    return parser


@dataclass
class ParsedLine:
    """What one REPL line asks for."""

    kind: Literal["empty", "command", "meta", "text", "error"]  # text: help to show, e.g. `list -h`
    command: Command | None = None
    args: argparse.Namespace | None = None
    meta: MetaCommand | None = None
    words: list[str] = field(default_factory=list)
    text: str = ""  # the error message, or the help text


def parse_line(line: str) -> ParsedLine:
    """Parse a REPL line with the registry's argparse config; errors come back as text, never SystemExit."""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        return ParsedLine("error", text=f"cannot read that line: {exc}")
    if not words:
        return ParsedLine("empty")
    head = words[0]
    name = head[1:] if head.startswith("/") else head
    if name in META_COMMANDS and (head.startswith("/") or name not in BY_NAME):  # `/history`: the typed lines
        return ParsedLine("meta", meta=META_COMMANDS[name], words=words[1:])
    command = BY_NAME.get(name)
    if command is None:
        close = [c.name for c in console_commands() if c.name.startswith(name[:2])] if name else []
        hint = f" — did you mean {' or '.join(close)}?" if close else ""
        return ParsedLine("error", text=f"unknown command '{head}'{hint} (/help lists the commands)")
    if not command.console:
        return ParsedLine("error", text=f"`{name}` only runs in a shell: proxmox-mpc {name} …")
    try:
        args = command_parser(name).parse_args(words[1:])
    except UsageError as exc:
        return ParsedLine("text" if exc.status == 0 else "error", text=str(exc))
    if getattr(args, "secret_stdin", False):
        return ParsedLine("error", text="--secret-stdin reads the terminal, which the console uses; "
                                         "give --secret-env VAR or --secret-file PATH instead")
    args.command = name
    return ParsedLine("command", command=command, args=args, words=words[1:])


def help_text(topic: str | None = None) -> str:
    """`/help`: every command with its summary, or one command's full help with examples."""
    if topic:
        name = topic.lstrip("/")
        if name in BY_NAME and BY_NAME[name].console:
            return command_parser(name).format_help().rstrip()
        if name in META_COMMANDS:
            meta = META_COMMANDS[name]
            return f"{meta.usage}\n  {meta.help}"
        return f"no command '{topic}' — /help lists them"
    commands = console_commands()
    width = max(len(c.name) for c in commands) + 2
    lines = ["Commands (the same as on the command line; a leading / is optional):"]
    lines += [f"  {c.name.ljust(width)}{c.help}" for c in commands]
    metas = sorted({m.name: m for m in META_COMMANDS.values()}.values(), key=lambda m: m.name)
    mwidth = max(len(m.usage) for m in metas) + 2
    lines += ["", "Console:"]
    lines += [f"  {m.usage.ljust(mwidth)}{m.help}" for m in metas]
    lines += ["", "Keys:", "  Tab       complete commands, arguments, guest/node/storage names",
              "  Up/Down   earlier lines (kept across sessions)", "  Ctrl+C    cancel the running command",
              "  Esc       hide the REPL", "", "Examples:", "  list vms --status running",
              "  start vm 101 --wait", "  describe ct pihole -o yaml", "  /help start"]
    return "\n".join(lines)


# ---------------------------------------------------------------- completion


@dataclass
class Completion:
    """Candidates for the word between `start` and the cursor."""

    start: int
    word: str
    candidates: list[str]

    @property
    def common_prefix(self) -> str:
        if not self.candidates:
            return self.word
        first, last = min(self.candidates), max(self.candidates)
        size = 0
        while size < len(first) and first[size] == last[size]:
            size += 1
        return first[:size]


def _matching(word: str, options: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for option in options:
        if option.startswith(word) and option not in seen:
            seen[option] = None
    return list(seen)


class Completer:
    """Proposes completions for a REPL line: commands, choices, options and resource names."""

    def __init__(self, names: Callable[[], Names] = Names) -> None:
        self.names = names

    def complete(self, line: str, cursor: int | None = None) -> Completion:
        """Candidates for the word that ends at `cursor` (the end of the line by default)."""
        cursor = len(line) if cursor is None else cursor
        before = line[:cursor]
        start = len(before) - len(re.split(r"\s", before)[-1])
        word = before[start:]
        done = before[:start].split()
        if not done:
            return Completion(start, word, self._commands(word))
        head = done[0].lstrip("/")
        if head in META_COMMANDS:
            if META_COMMANDS[head].name == "help" and len(done) == 1:
                return Completion(start, word, _matching(word.lstrip("/"), self._command_names()))
            return Completion(start, word, [])
        command = BY_NAME.get(head)
        if command is None or not command.console:
            return Completion(start, word, [])
        return Completion(start, word, self._arguments(command_parser(head), done[1:], word))

    def _command_names(self) -> list[str]:
        return [c.name for c in console_commands()]

    def _commands(self, word: str) -> list[str]:
        if word.startswith("/"):
            names = [*self._command_names(), *sorted({m.name for m in META_COMMANDS.values()})]
            return ["/" + n for n in _matching(word[1:], names)]
        return _matching(word, self._command_names())

    def _arguments(self, parser: argparse.ArgumentParser, done: Sequence[str], word: str) -> list[str]:
        actions = [a for a in parser._actions if a.dest != "help"]
        positionals = [a for a in actions if not a.option_strings]
        options = {s: a for a in actions for s in a.option_strings}
        values: dict[str, str] = {}
        used: set[str] = set()
        expecting: argparse.Action | None = None
        index = 0
        for token in done:
            if expecting is not None:
                values[expecting.dest] = token
                expecting = None
            elif token.startswith("-") and len(token) > 1:
                action = options.get(token.split("=", 1)[0])
                if action is not None:
                    used.add(action.dest)
                    if action.nargs != 0 and "=" not in token:
                        expecting = action
            elif index < len(positionals):
                values[positionals[index].dest] = token
                index += 1
        if expecting is not None:
            return _matching(word, self._values(expecting, values))
        if word.startswith("-"):
            flags = [s for a in actions if a.dest not in used for s in a.option_strings if s.startswith("--")]
            return _matching(word, flags)
        if index < len(positionals):
            return _matching(word, self._values(positionals[index], values))
        return []

    def _values(self, action: argparse.Action, values: dict[str, str]) -> list[str]:
        if action.choices is not None:
            return [str(c) for c in action.choices]
        names = self.names()
        if action.dest == "guest":
            guests = names.cts if values.get("kind") == "ct" else names.vms
            return [n for _, n in guests if n] + [str(v) for v, _ in guests]
        if action.dest == "node":
            return names.nodes
        if action.dest == "storage":
            return names.storage
        if action.dest == "status":
            return list(GUEST_STATUSES)
        return []


# ---------------------------------------------------------------- history

_SECRET_OPTION = re.compile(r"(?i)(password|passwd|secret|token)")
_SAFE_OPTIONS = {"--secret-env", "--secret-file", "--secret-stdin", "--token-id"}


def contains_secret(line: str) -> bool:
    """True when a line carries something that looks like a password or token value."""
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    for word in words:
        key = word.split("=", 1)[0]
        if key in _SAFE_OPTIONS:
            continue
        if _SECRET_OPTION.search(key) and (word.startswith("-") or "=" in word):
            return True
    return False


def history_path() -> Path:
    """Where the REPL history is kept: `repl_history` in the state directory."""
    from pmpc_tui.config.profiles import state_dir

    return state_dir() / HISTORY_FILE


class History:
    """Lines run in the REPL, kept across sessions in a 0600 file (no secrets, no repeats in a row)."""

    def __init__(self, path: Path | None = None, limit: int = HISTORY_LIMIT) -> None:
        self.path = path if path is not None else history_path()
        self.limit = limit
        self.error: str | None = None
        self.entries: list[str] = self._load()

    def _load(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.error = f"cannot read the REPL history {self.path}: {exc.strerror}"
            return []
        return [line for line in text.splitlines() if line.strip()][-self.limit:]

    def add(self, line: str) -> bool:
        """Remember a line; False when it is empty, repeats the last one or carries a secret."""
        line = line.strip()
        if not line or "\n" in line or contains_secret(line) or (self.entries and self.entries[-1] == line):
            return False
        self.entries.append(line)
        del self.entries[:-self.limit]
        from pmpc_tui.config.files import atomic_write

        try:
            atomic_write(self.path, "\n".join(self.entries) + "\n", mode=0o600, backup=False)
        except OSError as exc:
            self.error = f"cannot save the REPL history {self.path}: {exc.strerror}"
        return True


class HistoryCursor:
    """Up/Down navigation over history entries, keeping the line being typed as a draft."""

    def __init__(self, history: History) -> None:
        self.history = history
        self.index: int | None = None
        self.draft = ""

    def reset(self) -> None:
        self.index = None
        self.draft = ""

    def previous(self, current: str) -> str | None:
        """The entry before the current one (None when there is none)."""
        entries = self.history.entries
        if not entries:
            return None
        if self.index is None:
            self.draft = current
            self.index = len(entries)
        if self.index == 0:
            return None
        self.index -= 1
        return entries[self.index]

    def next(self) -> str | None:
        """The entry after the current one; past the newest, the draft again (None when not navigating)."""
        if self.index is None:
            return None
        self.index += 1
        if self.index >= len(self.history.entries):
            draft = self.draft
            self.reset()
            return draft
        return self.history.entries[self.index]

