"""The REPL pane: an output log and a command line running the CLI's commands inside the console.

Parsing, completion and history live in `pmpc_tui.commands.repl`; this widget only wires keys,
runs the command's handler in a worker with the app's live client, and shows what comes back.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, RichLog, Static
from textual.worker import Worker

from pmpc_tui.commands.confirmation import TYPED, YES_NO, Confirmation, Target, confirmation_for, confirmation_kind
from pmpc_tui.commands.repl import Completer, History, HistoryCursor, Names, ParsedLine, help_text, parse_line
from pmpc_tui.services.guest_ref import GUEST_KINDS
from pmpc_tui.tui.widgets.repl_lines import write_lines

if TYPE_CHECKING:
    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.tui.app import ProxmoxApp

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
TRANSCRIPT_LIMIT = 5000
WELCOME = "proxmox-mpc console — the same commands as the CLI. /help lists them; Tab completes."


class ReplSession:
    """What all REPL panes of one app share: history, the output so far and the running command."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.history = History()
        self.completer = Completer(lambda: Names.from_view(proxmox_app(app).cluster_view))
        self.transcript: list[RenderableType] = []
        self.panes: weakref.WeakSet[ReplPane] = weakref.WeakSet()
        self.worker: Worker[None] | None = None
        self.running_line = ""

    @property
    def busy(self) -> bool:
        return self.worker is not None and not self.worker.is_finished

    def write(self, renderable: RenderableType) -> None:
        """Add output to every pane (each screen may have its own)."""
        self.transcript.append(renderable)
        del self.transcript[:-TRANSCRIPT_LIMIT]
        for pane in list(self.panes):
            write_lines(pane.log_widget, renderable)

    def clear(self) -> None:
        self.transcript.clear()
        for pane in list(self.panes):
            pane.log_widget.clear()


def proxmox_app(app: App[Any]) -> ProxmoxApp:
    """The console app, typed."""
    return cast("ProxmoxApp", app)


def repl_session(app: App[Any]) -> ReplSession:
    """The app's REPL session, created on first use."""
    proxmox = proxmox_app(app)
    if proxmox.repl_session is None:
        proxmox.repl_session = ReplSession(app)
    return proxmox.repl_session


def without_usage(error: str) -> str:
    """A parse error minus argparse's `usage:` block (the first line says what is wrong)."""
    kept: list[str] = []
    in_usage = False
    for line in error.splitlines():
        if line.startswith("usage:"):
            in_usage = True
            continue
        if in_usage and line.startswith(" "):
            continue
        in_usage = False
        kept.append(line)
    return "\n".join(kept)


def without_yes(line: str) -> tuple[str, bool]:
    """`stop vm 101 --yes` → (`stop vm 101`, True): the REPL's own flag to skip its question."""
    words = line.split()
    kept = [w for w in words if w not in ("--yes", "-y")]
    return (" ".join(kept), True) if len(kept) != len(words) else (line, False)


class ReplInput(Input):
    """The command line: Tab completes, Up/Down recall history, Ctrl+C cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False),
        Binding("up", "history(-1)", "Previous", show=False),
        Binding("down", "history(1)", "Next", show=False),
        Binding("ctrl+c", "cancel", "Cancel command"),
    ]

    @property
    def pane(self) -> ReplPane:
        return self.query_ancestor(ReplPane)

    def action_complete(self) -> None:
        self.pane.complete()

    def action_history(self, step: int) -> None:
        self.pane.recall(step)

    def action_cancel(self) -> None:
        self.pane.cancel()


class ReplPane(Vertical):
    """Output log + command line. `docked` panes sit at the bottom of a screen and hide with Esc."""

    DEFAULT_CSS = """
    ReplPane { height: 1fr; }
    ReplPane.docked { dock: bottom; height: 14; border-top: heavy $accent; display: none; }
    ReplPane.docked.shown { display: block; }
    ReplPane.docked.above-footer { margin-bottom: 1; }
    ReplPane #repl-log { height: 1fr; padding: 0 1; background: $surface; scrollbar-size-vertical: 1; }
    ReplPane #repl-status { height: 1; padding: 0 1; color: $text-muted; }
    ReplPane #repl-status.busy { color: $warning; }
    ReplPane #repl-input { border: none; height: 1; padding: 0 1; }
    ReplPane #repl-input:focus { border: none; background: $boost; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "hide", "Close", show=False)]

    class ClusterChanged(Message):
        """A command changed the cluster; the app should refresh its views."""

    class ExitRequested(Message):
        """Esc or `/exit` in a pane that cannot hide itself (the full-screen console)."""

    def __init__(self, *, docked: bool = False, id: str | None = None) -> None:
        super().__init__(id=id, classes="docked" if docked else "")
        self.docked = docked
        self._cursor: HistoryCursor | None = None
        self._cycle: tuple[str, str, list[str], int, str] | None = None  # before, after, candidates, index, value
        self._hint = ""
        self._frame = 0
        self._return_focus: Widget | None = None

    @property
    def session(self) -> ReplSession:
        return repl_session(self.app)

    @property
    def log_widget(self) -> RichLog:
        return self.query_one("#repl-log", RichLog)

    @property
    def input(self) -> ReplInput:
        return self.query_one("#repl-input", ReplInput)

    def compose(self) -> ComposeResult:
        yield RichLog(id="repl-log", markup=False, highlight=False, wrap=True, min_width=1, auto_scroll=True)
        yield Static("", id="repl-status")
        yield ReplInput(placeholder="command — /help lists them, Tab completes", id="repl-input")

    def on_mount(self) -> None:
        session = self.session
        if not session.transcript:
            session.transcript.append(Text(WELCOME, style="dim"))
            if session.history.error:
                session.transcript.append(Text(session.history.error, style="yellow"))
        for renderable in session.transcript:
            write_lines(self.log_widget, renderable)
        session.panes.add(self)
        self._cursor = HistoryCursor(session.history)
        self.set_interval(0.1, self._update_status)
        self._update_status()

    def on_unmount(self) -> None:
        self.session.panes.discard(self)

    # ------------------------------------------------------------ showing and hiding (docked)

    def show(self) -> None:
        """Show a docked pane and put the cursor in its command line."""
        self._return_focus = self.screen.focused if self.screen.focused is not self.input else None
        self.add_class("shown")
        self.input.focus()

    def action_hide(self) -> None:
        """Esc: hide a docked pane; leave the full-screen console."""
        if not self.docked:
            self.post_message(self.ExitRequested())
            return
        self.remove_class("shown")
        if self._return_focus is not None and self._return_focus.is_attached:
            self._return_focus.focus()
        else:
            self.screen.focus_next()

    @property
    def shown(self) -> bool:
        return not self.docked or self.has_class("shown")

    # ------------------------------------------------------------ status line

    def _update_status(self) -> None:
        status = self.query_one("#repl-status", Static)
        session = self.session
        if session.busy:
            self._frame = (self._frame + 1) % len(SPINNER)
            text = f"{SPINNER[self._frame]} running: {session.running_line} — Ctrl+C cancels"
        elif self._hint:
            text = self._hint
        else:
            text = "Tab completes · ↑↓ history · /help · " + ("Esc hides" if self.docked else "Esc leaves")
        status.set_class(session.busy, "busy")
        if str(status.content) != text:
            status.update(Text(text))

    # ------------------------------------------------------------ history and completion

    def recall(self, step: int) -> None:
        """Up (-1) / Down (+1) through earlier lines."""
        if self._cursor is None:
            return
        line = self._cursor.previous(self.input.value) if step < 0 else self._cursor.next()
        if line is not None:
            self.input.value = line
            self.input.cursor_position = len(line)

    def complete(self) -> None:
        """Tab: complete the word at the cursor; when ambiguous show the choices, cycle on repeated Tab."""
        box = self.input
        if self._cycle is not None and box.value == self._cycle[4]:
            before, after, candidates, index, _ = self._cycle
            index = (index + 1) % len(candidates)
            self._set_line(before + candidates[index], after)
            self._cycle = (before, after, candidates, index, box.value)
            return
        cursor = box.cursor_position
        completion = self.session.completer.complete(box.value, cursor)
        before, after = box.value[:completion.start], box.value[cursor:]
        candidates = completion.candidates
        if not candidates:
            self._hint = "no completions"
            self.app.bell()
        elif len(candidates) == 1:
            self._set_line(before + candidates[0] + " ", after.lstrip(" "))
            self._hint = ""
        else:
            prefix = completion.common_prefix
            self._set_line(before + prefix, after)
            self._cycle = (before, after, candidates, -1, box.value)
            shown = "  ".join(candidates[:30]) + ("  …" if len(candidates) > 30 else "")
            self._hint = f"{len(candidates)} choices: {shown}"
        self._update_status()

    def _set_line(self, head: str, tail: str) -> None:
        self.input.value = head + tail
        self.input.cursor_position = len(head)

    @on(Input.Changed, "#repl-input")
    def _edited(self, event: Input.Changed) -> None:
        if self._cycle is not None and event.value != self._cycle[4]:
            self._cycle = None
            self._hint = ""

    # ------------------------------------------------------------ running commands

    @on(Input.Submitted, "#repl-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value.strip()
        session = self.session
        if session.busy:
            self._hint = "a command is still running — wait for it, or press Ctrl+C to cancel it"
            self._update_status()
            return
        self.input.value = ""
        self._hint = ""
        self._cycle = None
        if self._cursor is not None:
            self._cursor.reset()
        if not line:
            return
        session.history.add(line)
        session.write(Text(f"› {line}", style="bold"))
        parsed = parse_line(line)
        skip_question = False
        if parsed.kind == "error":
            stripped, skip_question = without_yes(line)
            again = parse_line(stripped) if skip_question else parsed
            command = again.command if again.kind == "command" else None
            if command is not None and confirmation_kind(command.name) == YES_NO:
                parsed = again
        self.execute(parsed, line, skip_question)

    def execute(self, parsed: ParsedLine, line: str, skip_question: bool = False) -> None:
        """Carry out a parsed line: meta commands here, registry commands in a worker."""
        from pmpc_tui.nl.parser import looks_like_english

        session = self.session
        if parsed.kind == "error" and looks_like_english(line):  # not a command: maybe plain English
            session.running_line = line
            session.worker = self.run_worker(self._natural(line, parsed.text), group="repl", exclusive=True,
                                             name=f"repl: {line}")
            self._update_status()
        elif parsed.kind == "error":
            session.write(Text(parsed.text, style="red"))
        elif parsed.kind == "text":
            session.write(Text(parsed.text))
        elif parsed.kind == "meta" and parsed.meta is not None:
            self._meta(parsed.meta.name, parsed.words)
        elif parsed.kind == "command" and line.strip().lstrip("/") == "init":
            session.write(Text("opening the /init form (or type `init DIR --node … ` to skip it)"))
            self.app.call_later(self.app.run_action, "init_workspace")
        elif parsed.kind == "command":
            session.running_line = line
            session.worker = self.run_worker(self._run(parsed, ask=not skip_question), group="repl",
                                             exclusive=True, name=f"repl: {line}")
            self._update_status()

    def _meta(self, name: str, words: list[str]) -> None:
        session = self.session
        if name == "help":
            session.write(Text(help_text(words[0] if words else None)))
        elif name == "clear":
            session.clear()
        elif name == "history":
            entries = session.history.entries[-20:]
            first = len(session.history.entries) - len(entries) + 1
            session.write(Text("\n".join(f"{first + i:5}  {e}" for i, e in enumerate(entries)) or "no history yet"))
        elif name == "quit":
            self.app.exit()
        elif name == "exit":
            self.action_hide()

    def cancel(self) -> None:
        """Ctrl+C: cancel the running command, or clear the line when nothing runs."""
        session = self.session
        if session.busy and session.worker is not None:
            session.worker.cancel()
        else:
            self.input.value = ""
            self._hint = ""
        self._update_status()

    async def _client(self) -> PVEClient:
        """The app's live client (created now if the first refresh has not made one yet)."""
        return await proxmox_app(self.app).client()

    def _guest_label(self, parsed: ParsedLine) -> str:
        """`VM 101 (web-01)` for the guest a command names, as the screens say it."""
        args = parsed.args
        kind = GUEST_KINDS.get(str(getattr(args, "kind", "vm")), "qemu")  # not a guest command: any label
        ident = str(getattr(args, "guest", ""))
        view = proxmox_app(self.app).cluster_view
        for row in view.guests(kind) if view else []:
            if ident in (str(row["vmid"]), row["name"]):
                return f"{'VM' if kind == 'qemu' else 'CT'} {row['vmid']} ({row['name']})"
        return f"{'VM' if kind == 'qemu' else 'CT'} {ident}"

    async def _confirm(self, question: str, expected: str) -> str | None:
        from pmpc_tui.commands.context import Declined
        from pmpc_tui.tui.widgets.confirm import ConfirmScreen

        ok = await self.app.push_screen_wait(ConfirmScreen(question, type_to_confirm=expected,
                                                           confirm_label="Delete"))
        if not ok:
            raise Declined()
        return expected

    async def _natural(self, line: str, error: str) -> None:
        """Plain English through `nl.flow`: show the commands it stands for, ask before changes, run them."""
        from pmpc_tui.nl.flow import carry_out, understand
        from pmpc_tui.services.names import Names
        from pmpc_tui.tui.widgets.confirm import ConfirmScreen

        session = self.session
        app = proxmox_app(self.app)

        def note(text: str, level: str) -> None:
            session.write(Text(text, style="yellow" if level == "warning" else "dim"))

        proposal = await understand(line, Names.from_view(app.cluster_view), app.workspace_root, note)
        if proposal.understood and error.startswith("unknown command"):  # a typo: say what was read instead
            session.write(Text(error, style="dim"))
        if not proposal.understood:  # the parser's complaint without the screenful of argparse usage
            session.write(Text(without_usage(error), style="red"))
            session.write(Text(f"As plain English: {proposal.explanation}. Try: " + " · ".join(proposal.suggestions),
                               style="yellow"))
            return
        session.write(Text(f"≈ {proposal.explanation} (confidence {proposal.confidence:.0%}, {proposal.risk}):",
                           style="cyan"))
        for command in proposal.commands:
            session.write(Text(f"  {command}", style="bold"))

        async def confirm(asked: Confirmation) -> bool:
            expected = asked.expected if asked.kind == TYPED else None
            agreed = await self.app.push_screen_wait(ConfirmScreen(asked.question, type_to_confirm=expected,
                                                                   confirm_label="Run", scroll=True))
            return bool(agreed)

        async def run(command: str, ask: bool) -> None:
            session.write(Text(f"› {command}", style="bold"))
            await self._run(parse_line(command), ask=ask)

        if not await carry_out(proposal, confirm, run, session=app.session,  # a blueprint runs in the session
                               show=lambda text: session.write(Text(text, style="dim"))):
            session.write(Text("cancelled — nothing was done", style="yellow"))

    async def _run(self, parsed: ParsedLine, ask: bool = True) -> None:
        from pmpc_tui.commands.context import CommandContext, Declined
        from pmpc_tui.commands.render import render
        from pmpc_tui.config.profiles import ProfileError
        from pmpc_tui.pve.errors import PVEError
        from pmpc_tui.services.guest_guards import question
        from pmpc_tui.tui.widgets.confirm import ConfirmScreen

        assert parsed.command is not None and parsed.args is not None
        session = self.session
        app = proxmox_app(self.app)
        name = parsed.command.name
        asked = None  # disruptive: one yes/no here; destructive: the handler asks to type the name
        if confirmation_kind(name) == YES_NO:
            label = self._guest_label(parsed)
            confirmation = confirmation_for(name, [Target(label)], question(name, label))
            asked = confirmation.question if confirmation else None
        dry_run = getattr(parsed.args, "dry_run", False)
        if ask and asked is not None and not dry_run and not await app.push_screen_wait(ConfirmScreen(asked)):
            session.write(Text("cancelled — nothing was done (--yes skips the question)", style="yellow"))
            session.running_line = ""
            return
        ctx = CommandContext(session=app.session, report=lambda line: session.write(Text(line, style="dim")),
                             confirm_hook=self._confirm, owns_session=False)
        changed = False
        try:
            if app.workspace_root is not None:
                ctx.use_workspace(app.workspace_root)
            if parsed.command.needs_cluster:
                await ctx.client()  # the console's client, connected before the command runs
            from pmpc_tui.observability.correlation import operation

            with operation(parsed.command.name):
                result = await parsed.command.load()(ctx, parsed.args)
            text = render(result, parsed.args.output)
            if text:
                session.write(Text(text, style="red" if result.exit_code else ""))
            changed = parsed.command.mutates and not getattr(parsed.args, "dry_run", False)
        except Declined:
            session.write(Text("cancelled — nothing was done", style="yellow"))
        except (PVEError, ProfileError) as exc:
            session.write(Text(f"error: {exc}", style="bold red"))
            changed = parsed.command.mutates
        except asyncio.CancelledError:
            session.write(Text("cancelled (Ctrl+C). A task already started on the cluster keeps running "
                               "there — see `tasks`.", style="yellow"))
            changed = parsed.command.mutates
            raise
        except Exception as exc:  # a bug in one command must not take the console down
            session.write(Text(f"error: {type(exc).__name__}: {exc}", style="bold red"))
        finally:
            await ctx.close()
            session.running_line = ""
            if changed:
                self.post_message(self.ClusterChanged())


def toggle_repl(screen: Screen[Any]) -> None:
    """Show or hide the docked REPL pane at the bottom of `screen` (mounting it the first time)."""
    if isinstance(screen, ModalScreen):
        return
    panes = [p for p in screen.query(ReplPane) if p.docked]
    full = [p for p in screen.query(ReplPane) if not p.docked]
    if full:
        full[0].input.focus()
        return
    if not panes:
        pane = ReplPane(docked=True)
        footers = screen.query(Footer)
        if footers:
            pane.add_class("above-footer")  # docked widgets overlap: leave the key bar its row
            screen.mount(pane, before=footers.first())
        else:
            screen.mount(pane)
        screen.call_after_refresh(pane.show)
    elif panes[0].has_class("shown"):
        panes[0].action_hide()
    else:
        panes[0].show()
