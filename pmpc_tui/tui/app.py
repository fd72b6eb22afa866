"""The Textual console: modes for the main screens, global keys, palette, live refresh — wiring only."""

from __future__ import annotations

import asyncio
import gc
import importlib
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, cast

from textual import events, work
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widget import Widget

from pmpc_tui.observability.applog import app_log
from pmpc_tui.pve.errors import PVEError
from pmpc_tui.services.live import (
    KEY_FIRST_LIMIT,
    ClusterView,
    KeysFirst,
    LiveHistory,
    console_url,
    finished_tasks,
    load_cluster_view,
)
from pmpc_tui.services.refresh_child import ClusterReader
from pmpc_tui.services.session import ClientSource, Session, SessionGroup
from pmpc_tui.tui import callbacks
from pmpc_tui.tui.navigation import VIEWS, JumpError, parse_jump
from pmpc_tui.tui.palette import CommandsProvider, GuestsProvider, NaturalLanguageProvider, ViewsProvider
from pmpc_tui.tui.screens.base import ClusterRefreshed, LiveScreen
from pmpc_tui.tui.screens.dashboard import DashboardScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.services.multi_cluster import ClusterOutcome
    from pmpc_tui.services.plan import Plan
    from pmpc_tui.services.workspace_init import InitOptions
    from pmpc_tui.simulator.server import SimulatorProcess
    from pmpc_tui.state.db import Database
    from pmpc_tui.tui.screens.editor import EditorScreen
    from pmpc_tui.tui.screens.first_run import Connected
    from pmpc_tui.tui.screens.guests import GuestsScreen
    from pmpc_tui.tui.widgets.repl import ReplPane, ReplSession
    from pmpc_tui.workspace.config import Workspace

ClientFactory = ClientSource  # connects the console's client on first use
KEY_POLL = 0.02  # seconds between looks at whether a loading screen can take held keys
KEY_HOLD_LIMIT = 2.0  # a screen that never focuses anything gets the keys anyway after this long
# the longest a worker thread (building rows, proxmoxer) keeps the GIL while the loop waits for it: 1 ms, not
# Python's 5 ms, which every one of the loop's many wake-ups of a keystroke paid while a refresh ran
GIL_SLICE = 0.001
NEW_SCREEN = 0.5  # seconds a newly shown screen may take to focus its first widget
log = logging.getLogger("pmpc.console")


def _screen(module: str, name: str) -> Callable[[], Screen[Any]]:
    """A mode's screen imported when first shown: every screen but the dashboard stays out of the imports
    the first frame waits for."""
    def make() -> Screen[Any]:
        return cast("Callable[[], Screen[Any]]", getattr(importlib.import_module(module), name))()
    return make


def _guests(kind: str) -> Callable[[], Screen[Any]]:
    """The VMs or Containers screen, imported when first shown (its details pane and guards are not needed
    for the first frame)."""
    def make() -> Screen[Any]:
        from pmpc_tui.tui.screens.guests import GuestsScreen

        return GuestsScreen(kind)
    return make


def _is_guests(screen: object) -> TypeGuard[GuestsScreen]:
    """Whether `screen` is a VMs or Containers screen; none can be until its module was imported."""
    return _instance_of(screen, "pmpc_tui.tui.screens.guests", "GuestsScreen")


def _instance_of(node: object, module: str, name: str) -> bool:
    """Whether `node` is a `module.name`, without importing the module: nothing can be one before it is."""
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(node, getattr(loaded, name))


def _storage_content_provider() -> type[Provider]:
    """The `content local` palette provider, imported when the palette first opens: it brings the storage and
    backup services, which the first frame need not wait for."""
    from pmpc_tui.tui.widgets.storage_content import StorageContentProvider

    return StorageContentProvider


class ProxmoxApp(App[None]):
    """proxmox-mpc's full-screen console."""

    TITLE = "proxmox-mpc"
    CSS_PATH = "assets/app.tcss"
    MODES: ClassVar = {
        "dashboard": DashboardScreen,
        "vms": _guests("qemu"),
        "cts": _guests("lxc"),
        "nodes": _screen("pmpc_tui.tui.screens.nodes", "NodesScreen"),
        "tasks": _screen("pmpc_tui.tui.screens.tasks", "TasksScreen"),
        "logs": _screen("pmpc_tui.tui.screens.logs", "LogsScreen"),
        "editor": _screen("pmpc_tui.tui.screens.editor", "EditorScreen"),
        "console": _screen("pmpc_tui.tui.screens.console", "ConsoleScreen"),
        "plan": _screen("pmpc_tui.tui.screens.plan", "PlanScreen"),
        "health": _screen("pmpc_tui.tui.screens.health", "HealthScreen"),
        "history": _screen("pmpc_tui.tui.screens.history", "HistoryScreen"),
        "cluster": _screen("pmpc_tui.tui.screens.cluster", "ClusterScreen"),
    }
    DEFAULT_MODE = "dashboard"
    COMMANDS = App.COMMANDS | {ViewsProvider, GuestsProvider, CommandsProvider, NaturalLanguageProvider}
    COMMANDS |= {_storage_content_provider}  # `content local`: a storage's content view
    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(v.key, f"switch_mode('{v.mode}')", v.title, show=False) for v in VIEWS if v.key),
        Binding("colon", "jump", "Jump"),
        Binding("r", "refresh", "Refresh now", show=False),
        Binding("grave_accent", "toggle_repl", "REPL at the bottom", key_display="`", priority=True, show=False),
        Binding("question_mark", "keys_help", "more"),
        Binding("q", "leave", "Quit"),
    ]
    # what the first-run form cannot use: its fields take the keys, and nothing is connected yet
    NOT_ON_FIRST_RUN = ("switch_mode", "jump", "refresh", "toggle_repl", "keys_help", "leave", "command_palette")

    def __init__(self, client_factory: ClientFactory | None, *, demo: bool = False, refresh_seconds: float = 5.0,
                 cluster_label: str = "", demo_process: SimulatorProcess | None = None,
                 workspace_root: Path | None = None, profile_name: str | None = None,
                 state_name: str | None = None, group: list[str] | None = None) -> None:
        super().__init__()
        self.demo = demo
        self.demo_process = demo_process
        self.refresh_seconds = refresh_seconds
        self.cluster_view: ClusterView | None = None
        self.history = LiveHistory()
        self.awaited_tasks: set[str] = set()  # tasks the console started and reports on itself
        self.workspace_root = workspace_root
        self.profile_name = profile_name
        # the console's one session: it owns the client and the state database; screens and the REPL ask it
        self.session = Session(profile_name=profile_name, state_name="demo" if demo else state_name,
                               client_source=client_factory)
        # group mode (`--profile a --profile b`): one session per cluster, `self.session` is the current one's
        self.group = SessionGroup.of(group, first=self.session) if group and len(set(group)) > 1 else None
        self.group_outcomes: list[ClusterOutcome] = []  # the other clusters' last reading (views or errors)
        self._group_timer: Timer | None = None  # reads the other clusters of the group
        self._group_reading = False  # a reading of the other clusters is in flight
        self._group_again = False  # another was asked for meanwhile
        self.saved_profiles: list[str] = []  # for `:ctx NAME` completion, read once the console runs
        self.last_plan: Plan | None = None  # the newest plan made in the console (the dashboard shows its drift)
        self.unsaved_checks: list[Callable[[], list[Path]]] = []  # editors report unsaved files here
        self.repl_session: ReplSession | None = None  # created by the first REPL pane
        self._refreshing = False  # a refresh is in flight
        self._refresh_again = False  # someone asked for one meanwhile
        self._next_refresh: Timer | None = None
        self._refresh_failed = False  # the last refresh failed (its error was shown once)
        self._held_notes: list[tuple[str, str, SeverityLevel, float | None]] = []  # while a dialog is open
        self._held_keys: list[events.Key] = []  # typed while a screen was still loading
        self._keys_held_since = 0.0
        self._newest_screen: object = None
        self._screen_painted = True
        self._key_in_flight: object | None = None  # the key being handled (the next one waits for it)
        callbacks.install()  # Textual counts a scheduled callback's parameters once per function, not per call
        self.keys_first = KeysFirst()  # refresh work in worker threads waits while a key is handled
        self._gc_held: asyncio.TimerHandle | None = None  # the garbage collector waits for a key's frame
        self.cluster_reader = ClusterReader()  # a large cluster is read by a child process
        self._newest_screen_at = 0.0
        self.sub_title = ("DEMO · simulated cluster" if demo else cluster_label)
        if self.group is not None:
            self.sub_title = self._group_title()
        app_log()

    # ---- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        sys.setswitchinterval(GIL_SLICE)
        if self.session.client_source is None:
            from pmpc_tui.tui.screens.first_run import FirstRunScreen

            self.push_screen(FirstRunScreen(), self._connected)
            return
        # once the first frame is on screen: the cluster read (a thread importing the HTTP stack) would otherwise
        # share the CPU with drawing it
        self.call_after_refresh(self._start_refreshing)

    def _start_refreshing(self) -> None:
        from pmpc_tui.observability.logfile import setup_logging

        try:
            setup_logging(self.workspace_root)
        except Exception as exc:  # logs must never stop the console
            self.notify(f"file logging is off: {exc}", severity="warning")
        log.info("console started (%s)", self.sub_title or "no label")
        self.refresh_data()  # each refresh schedules the next one when it finishes
        self._load_saved_profiles()
        if self.group is not None:
            self._read_group()
            if self.refresh_seconds > 0:
                self._group_timer = self.set_interval(self.refresh_seconds, self._read_group)
        if self.workspace_root is not None:
            self.report_unfinished_apply()
            from pmpc_tui.tui.screens.history import watch_uncommitted
            watch_uncommitted(self, self.workspace_root)  # the header shows edits made outside proxmox-mpc

    def _connected(self, result: Connected | None) -> None:
        """The first-run screen connected (or started the demo)."""
        if result is None:
            return
        from pmpc_tui.services.connection import client_factory

        self.session.client_source = client_factory(result.settings)
        self.demo = result.demo is not None
        self.demo_process = result.demo
        self.session.state_name = "demo" if self.demo else None
        self.sub_title = result.label
        self._start_refreshing()

    async def on_unmount(self) -> None:
        self._release_gc()
        await self.cluster_reader.close()
        if self.group is not None:
            await self.group.close()  # every cluster's client and state database
        await self.session.close()  # the client and the state database
        if self.demo_process is not None:
            self.demo_process.stop()

    async def client(self) -> PVEClient:
        """The connected API client, shared by every screen and the REPL (connecting on first use)."""
        if self.session.client_source is None:
            raise PVEError("not connected yet", "Fill in the connection form, or choose the demo.")
        client = await self.session.client()
        client.before_decode = self.keys_first.pause  # a large answer is decoded after the key being handled
        return client

    async def client_of(self, cluster: str | None) -> PVEClient:
        """The client of an open cluster (several open: a row's own); the current one's for None or its name."""
        if self.group is None or cluster is None or cluster == self.group.current_name:
            return await self.client()
        session = self.group.sessions.get(cluster)
        if session is None:
            raise PVEError(f"cluster '{cluster}' is not open any more", "`:ctx` lists the open clusters.")
        return await session.client()

    async def action_leave(self) -> None:
        """`q`: quit (the first-run form hides this key: its fields take letters; Ctrl+Q quits there)."""
        await self.action_quit()

    async def action_quit(self) -> None:
        """Quit; with unsaved editor changes, keep them as drafts and ask first."""
        unsaved = [path for check in self.unsaved_checks for path in check()]
        if not unsaved:
            self.exit()
            return
        for screen in self.query_unsaved_editors():
            screen.flush_draft()
        from pmpc_tui.tui.widgets.confirm import ConfirmScreen

        names = ", ".join(p.name for p in unsaved)
        question = (f"Unsaved edits in {names}. They are kept as drafts and restored when you open the file "
                    "again. Quit anyway?")

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.exit()

        self.push_screen(ConfirmScreen(question, confirm_label="Quit"), done)

    def query_unsaved_editors(self) -> list[EditorScreen]:
        from pmpc_tui.tui.screens.editor import EditorScreen

        return [check.__self__ for check in self.unsaved_checks  # type: ignore[attr-defined]
                if isinstance(getattr(check, "__self__", None), EditorScreen)]

    # ---- keys, help and notifications -----------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        """Keys go one at a time: each waits until the one before went its way and the screen it may have
        opened drew its first frame (a fast `:cts` or `/k8s` is not lost to a screen still loading)."""
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        if not self._held_keys:
            self._keys_held_since = time.monotonic()
        self.keys_first.hold()
        self._hold_gc()
        self._held_keys.append(event)
        await self._release_keys()

    async def _release_keys(self) -> None:
        while self._held_keys:
            waiting = self._key_in_flight is not None or not self._takes_keys()
            if waiting and time.monotonic() - self._keys_held_since < KEY_HOLD_LIMIT:
                self.set_timer(KEY_POLL, self._release_keys)  # look again (also covers a lost step)
                return
            key = self._held_keys.pop(0)
            self._keys_held_since = time.monotonic()
            await self._deliver(key)

    async def _deliver(self, key: events.Key) -> None:
        before = self.screen
        target = before.focused or before
        flight = self._key_in_flight = object()
        await super().on_event(key)
        if self.screen is not before:  # the key opened a dialog or a screen: later keys wait for its first frame
            self._screen_painted = False
            self.screen.call_after_refresh(self._painted)
        self._after_key([before, *target.ancestors_with_self], flight)  # app → screen → widget → … → app

    def _after_key(self, hops: list[DOMNode], flight: object) -> None:
        """Queue a step behind the key at each node it passes or bubbles through, in turn; then the next key."""
        while hops:
            node, hops = hops[0], hops[1:]
            if node.call_later(self._after_key, hops, flight):
                return
        if self._key_in_flight is flight:
            self._key_in_flight = None
            if not self._held_keys:  # the refresh (and the garbage collector) go on once this key's frame is drawn
                self.screen.call_after_refresh(self._keys_done)
            self.call_later(self._release_keys)

    def _hold_gc(self) -> None:
        """A key is being handled: Python's garbage collector waits until the key's frame is drawn (at most
        KEY_FIRST_LIMIT). A full collection of a 5,000-guest console's objects took 40-230 ms, and one that
        started during a key made that key as late; between keys it runs as usual."""
        if self._gc_held is not None:
            self._gc_held.cancel()
        elif gc.isenabled():
            gc.disable()
        else:
            return  # turned off by someone else: not ours to turn on
        self._gc_held = asyncio.get_running_loop().call_later(KEY_FIRST_LIMIT, self._release_gc)

    def _release_gc(self) -> None:
        if self._gc_held is not None:
            self._gc_held.cancel()
            self._gc_held = None
            gc.enable()

    def _keys_done(self) -> None:
        """The keys typed went their way and their frame is drawn: the refresh and the collector go on."""
        self.keys_first.release()
        self._release_gc()

    def _painted(self) -> None:
        self._screen_painted = True

    def _takes_keys(self) -> bool:
        """The screen on top has drawn its first frame and, if it has anything to focus, focused it."""
        try:
            screen = self.screen
        except Exception:  # no screen yet
            return False
        if not screen.is_mounted or not screen.is_attached or not self._screen_painted:
            return False
        now = time.monotonic()
        if screen is not self._newest_screen:
            self._newest_screen, self._newest_screen_at = screen, now
        if now - self._newest_screen_at > NEW_SCREEN:
            return True  # long open: whatever has focus (or nothing) takes keys as usual
        return screen.focused is not None or not screen.focus_chain

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Global keys that cannot work where the user is are hidden (and let the key through)."""
        # asked for every key of the footer before the first frame: what it checks is not imported for that
        if action in self.NOT_ON_FIRST_RUN and _instance_of(self.screen, "pmpc_tui.tui.screens.first_run",
                                                            "FirstRunScreen"):
            return False
        # digits type into the editor / a field
        return not (action == "switch_mode" and (_instance_of(self.focused, "textual.widgets._input", "Input") or
                                                 _instance_of(self.focused, "textual.widgets._text_area", "TextArea")))

    def action_keys_help(self) -> None:
        """`?`: the console's keys, this screen's first; `?` or Esc closes it."""
        from pmpc_tui.tui.widgets.keys_help import KeysHelp

        self.push_screen(KeysHelp(keys_help_sections(self)))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Toasts wait while a dialog is open, so they never cover it."""
        if isinstance(self.screen, ModalScreen):
            self._held_notes.append((message, title, severity, timeout))
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def pop_screen(self) -> AwaitComplete:
        done = super().pop_screen()
        self.call_after_refresh(self._show_held_notes)
        return done

    def _show_held_notes(self) -> None:
        if isinstance(self.screen, ModalScreen):
            return
        held, self._held_notes = self._held_notes, []
        for message, title, severity, timeout in held[-3:]:  # the newest few; the Tasks screen has all
            self.notify(message, title=title, severity=severity, timeout=timeout)

    # ---- navigation ----------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.refresh_data()
        if self.group is not None:
            self._read_group()

    def action_toggle_repl(self) -> None:
        from pmpc_tui.tui.widgets.repl import toggle_repl

        toggle_repl(self.screen)

    def on_repl_pane_cluster_changed(self, _message: ReplPane.ClusterChanged) -> None:
        self.refresh_data()


    def action_jump(self) -> None:
        """`:` — the k9s-style jump prompt."""
        from pmpc_tui.tui.widgets.jump import JumpPrompt

        def go(text: str | None) -> None:
            if text:
                self.jump(text)

        opened = self.group.names() if self.group is not None else []
        extra = ["ctx", *(f"ctx {name}" for name in dict.fromkeys([*opened, *self.saved_profiles]))]
        self.push_screen(JumpPrompt(extra), go)

    def jump(self, text: str) -> None:
        """Go where a `:` command says: a view, a guest (`vm 101`), or a filtered guest list (`vms web`)."""
        words = text.strip().lstrip(":").split()
        if words and words[0].lower() in ("ctx", "context"):
            self.switch_context(" ".join(words[1:]))
            return
        try:
            target = parse_jump(text)
        except JumpError as exc:
            self.notify(str(exc), title="Jump", severity="warning")
            return
        if target.view.mode in ("vms", "cts") and target.target:
            view = self.cluster_view
            kind = "qemu" if target.view.mode == "vms" else "lxc"
            other = "lxc" if kind == "qemu" else "qemu"
            for rows in (view.guests(kind), view.guests(other)) if view else ():
                exact = [r for r in rows if target.target in (str(r["vmid"]), r["name"])]
                if len(exact) == 1:  # `:vm NAME` of a container opens it where it lives
                    self.goto_guest(exact[0]["vmid"])
                    return
            self.switch_mode(target.view.mode)
            self.call_after_refresh(self._apply_filter, target.target)
            return
        if target.view.mode == "nodes" and target.target:  # `:storage local [pve2]`: that storage's content
            from pmpc_tui.tui.widgets.storage_content import open_storage_content

            open_storage_content(self, target.target)
            return
        self.jump_to(target.view.mode)
        if target.tab:  # `:ha`: the Cluster view's HA tab
            self.call_after_refresh(self._show_tab, target.tab)

    def _show_tab(self, tab: str) -> None:
        from pmpc_tui.tui.screens.cluster import ClusterScreen

        if isinstance(self.screen, ClusterScreen):
            self.screen.show_tab(tab)

    # ---- group mode: several clusters, one current (k9s contexts) ------------------------------------
    def _group_title(self) -> str:
        assert self.group is not None
        return f"{self.group.current_name} · {len(self.group.sessions)} clusters open (:ctx switches)"

    def switch_context(self, text: str) -> None:
        """`:ctx` lists the open clusters; `:ctx NAME` makes NAME the current one (its views, keys and REPL),
        opening its profile first when it is not open yet; `:ctx A B` opens several (k9s contexts)."""
        names = text.split()
        if names and not self.session.uses_saved_profiles:  # a browser's console: its signed-in user's cluster only
            self.notify("this console works as its signed-in user on one cluster — other clusters are not opened "
                        "here (open them in a terminal: proxmox-mpc --profile A --profile B)", title="Contexts",
                        severity="warning")
            return
        if not names:
            if self.group is None:
                self.notify("one cluster open — `:ctx A B` (or `proxmox-mpc -p A -p B`) opens several",
                            title="Contexts")
                return
            listing = "  ".join(f"[b]*{n}[/b]" if n == self.group.current_name else n for n in self.group.names())
            self.notify(f"{listing}\n:ctx NAME switches", title="Open clusters", timeout=8)
            return
        opened = self.group.names() if self.group is not None else []
        if all(name in opened for name in names):
            if len(names) == 1:
                self._make_current(names[0])
            else:
                self.notify("all of them are open already", title="Contexts")
            return
        self._open_contexts(names)

    @work(group="contexts-open", exclusive=True)
    async def _open_contexts(self, names: list[str]) -> None:
        """Open the saved profiles `names` next to the current cluster (the group); one name also switches."""
        from pmpc_tui.config.profiles import ProfileError, ProfileStore

        store = ProfileStore()
        try:
            saved = await asyncio.to_thread(lambda: [p.name for p in store.list()])
            active: str | None = await asyncio.to_thread(lambda: store.active_name)
        except ProfileError as exc:
            self.notify(str(exc), title="Contexts", severity="error")
            return
        self.saved_profiles = saved
        unknown = [n for n in names if n not in saved and (self.group is None or n not in self.group.sessions)]
        if unknown:
            self.notify(f"no profile '{unknown[0]}' — saved: {', '.join(saved) or 'none'}", title="Contexts",
                        severity="warning")
            return
        if self.group is None:
            current = self.profile_name or ("demo" if self.demo else active or "current")
            self.group = SessionGroup({current: self.session}, current)
        for name in names:
            self.group.add(name)
        if len(names) == 1:
            self._make_current(names[0])
            return
        self.sub_title = self._group_title()
        self.group_outcomes = []
        self._read_group()
        if self.refresh_seconds > 0 and self._group_timer is None:
            self._group_timer = self.set_interval(self.refresh_seconds, self._read_group)
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.show_group()

    def _make_current(self, name: str) -> None:
        """Make the open cluster `name` the current one."""
        assert self.group is not None
        try:
            session = self.group.switch(name)
        except KeyError as exc:
            self.notify(str(exc.args[0]), title="Contexts", severity="warning")
            return
        self.session = session
        self.profile_name = name
        self.repl_session = None  # the REPL works in the current cluster's session
        self.cluster_view = None
        self.group_outcomes = []  # read again with the new current one left out
        self.history = LiveHistory()
        self.sub_title = self._group_title()
        self.notify(f"now on {name}", title="Context", timeout=3)
        self.refresh_data()
        self._read_group()
        if self.refresh_seconds > 0 and self._group_timer is None:
            self._group_timer = self.set_interval(self.refresh_seconds, self._read_group)

    @work(group="contexts")
    async def _load_saved_profiles(self) -> None:
        """The saved profiles' names, for completing `:ctx NAME` (a broken config file just completes none)."""
        from pmpc_tui.config.profiles import ProfileError, ProfileStore

        if not self.session.uses_saved_profiles:  # a browser's console never lists the server's profiles
            return
        try:
            self.saved_profiles = await asyncio.to_thread(lambda: [p.name for p in ProfileStore().list()])
        except ProfileError:
            self.saved_profiles = []

    @work(group="group-refresh")
    async def _read_group(self) -> None:
        """Read the clusters of the group that are not current, concurrently, each with its own timeout.

        Reads never overlap (a slow cluster is not cancelled by the next tick); one asked for meanwhile runs
        right after, and a reading made before `:ctx` switched is dropped for a new one."""
        if self.group is None:
            return
        if self._group_reading:
            self._group_again = True
            return
        from pmpc_tui.services.multi_cluster import read_sessions

        async def view(session: Session) -> ClusterView:
            return await load_cluster_view(await session.client())

        current = self.group.current_name
        self._group_reading, self._group_again = True, False
        try:
            outcomes = await read_sessions(self.group.others(), view, timeout=max(10.0, self.refresh_seconds * 2))
        finally:
            self._group_reading = False
        if self.group.current_name != current or self._group_again:
            self._read_group()
            if self.group.current_name != current:
                return
        self.group_outcomes = outcomes
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                screen.show_group()
            elif _is_guests(screen):  # the other clusters' guests are rows there too
                screen.show_view(self.cluster_view)

    def jump_to(self, mode: str) -> None:
        self.switch_mode(mode)

    def _apply_filter(self, text: str) -> None:
        from textual.widgets import Input

        screen = self.screen
        if _is_guests(screen):
            box = screen.query_one("#filter", Input)
            box.display = True
            box.value = text

    def goto_guest(self, vmid: int) -> None:
        """Open the VMs or Containers view with the cursor on this guest."""
        found = self.cluster_view.find_guest(vmid) if self.cluster_view else None
        if found is None:
            self.notify(f"No guest {vmid} in the last refresh.", severity="warning")
            return
        kind, _row = found
        self.switch_mode("vms" if kind == "qemu" else "cts")

        def select() -> None:
            screen = self.screen
            if _is_guests(screen):
                from textual.widgets import Input

                if not screen.table.select_vmid(vmid):  # hidden by a filter: clear it
                    screen.query_one("#filter", Input).value = ""
                    screen.show_view(self.cluster_view)
                    screen.table.select_vmid(vmid)
                screen.table.focus()

        self.call_after_refresh(select)

    def describe_guest(self, vmid: int) -> None:
        """Open the guest's screen with the cursor on it and its details pane open."""
        self.goto_guest(vmid)

        def details() -> None:
            screen = self.screen
            if _is_guests(screen) and screen.table.selected_vmid == vmid:
                screen.action_details()

        self.call_after_refresh(lambda: self.call_after_refresh(details))

    def prepare_command(self, name: str) -> None:
        """Palette → command: open the console with the command typed, ready to complete and run."""
        self.switch_mode("console")

        def prefill() -> None:
            from pmpc_tui.tui.widgets.repl import ReplPane

            pane = self.screen.query(ReplPane).first(ReplPane) if self.screen.query(ReplPane) else None
            if pane is not None:
                pane.input.value = name if " " in name else f"{name} "
                pane.input.cursor_position = len(pane.input.value)
                pane.input.focus()

        self.call_after_refresh(prefill)

    def action_init_workspace(self) -> None:
        """/init: the guided form, then create the workspace and make the console use it."""
        from pmpc_tui.tui.screens.init_form import InitForm

        view = self.cluster_view
        nodes = [n["node"] for n in view.nodes] if view else []
        storages: dict[str, list[str]] = {}
        for s in view.storage if view else []:
            if "images" in s["content"] or "rootdir" in s["content"]:
                storages.setdefault(s["node"], []).append(s["storage"])

        def done(options: InitOptions | None) -> None:
            if options is not None:
                self.create_workspace(options)

        self.push_screen(InitForm(Path.cwd(), nodes, storages), done)

    @work(group="workspace")
    async def create_workspace(self, options: InitOptions) -> None:
        """Create the workspace files (off the event loop) and switch the console to it."""
        from pmpc_tui.config.profiles import ProfileError, ProfileStore
        from pmpc_tui.services.workspace_init import init_workspace

        try:
            profile = await asyncio.to_thread(ProfileStore().get, self.profile_name)
        except ProfileError:
            profile = None  # demo or no profile yet: the workspace can name one later
        options.profile = profile.name if profile else None
        try:
            result = await asyncio.to_thread(init_workspace, options, profile)
        except (PVEError, OSError) as exc:
            self.notify(str(exc), title="Could not create the workspace", severity="error", timeout=10)
            return
        self.workspace_root = result.workspace.root
        log.info("workspace created at %s", result.workspace.root)
        self.notify(f"{result.workspace.root} — next: /sync imports the cluster as Terraform and Ansible "
                    "(7 opens the editor)", title="Workspace created", timeout=10)

    async def workspace_db(self) -> tuple[Workspace, Database]:
        """The open workspace and its state database, as the session holds them."""
        root = self.workspace_root
        if root is None:
            raise PVEError("no workspace is open", "Create one with /init, or start proxmox-mpc inside one.")
        await asyncio.to_thread(self.session.use_workspace, root)  # reads proxmox-mpc.yaml
        return self.session.require_workspace(), await self.session.db()

    def console_url_for(self, kind: str, row: dict[str, Any]) -> str | None:
        client = self.session.connected_client
        if client is None:
            return None
        return console_url(client.settings.url, kind, row["vmid"], row["name"], row["node"])

    # ---- work ----------------------------------------------------------------------------
    @work(group="actions")
    async def run_guest_action(self, kind: str, vmid: int, action: str, label: str,
                               cluster: str | None = None) -> None:
        """Run a guest action through the services (on `cluster`, one of the open ones; default: the current),
        wait for its task, tell the user and refresh."""
        from pmpc_tui.observability.correlation import operation

        with operation(action):
            await self._guest_action(kind, vmid, action, label, cluster)
        self.refresh_data()
        if self.group is not None and cluster not in (None, self.group.current_name):
            self._read_group()

    async def _guest_action(self, kind: str, vmid: int, action: str, label: str, cluster: str | None = None) -> None:
        from pmpc_tui.services.guests import delete_guest, power_action

        try:
            client = await self.client_of(cluster)
            if action == "delete":
                session = self.group.sessions.get(cluster, self.session) if self.group and cluster else self.session
                await session.refuse_delete_while_applying()
                result = await delete_guest(client, kind, vmid, wait=False)
            else:
                result = await power_action(client, kind, vmid, action, wait=False)
            if result.upid:
                self.awaited_tasks.add(result.upid)
                status = await client.wait_task(result.upid)
                result.exitstatus = status.get("exitstatus")
        except PVEError as exc:
            log.warning("%s %s failed: %s", action, label, exc)
            self.notify(f"{exc.message} — 5 opens Tasks", title=f"{action} failed", severity="error", timeout=8)
        else:
            log.info("%s %s: %s", action, label, result.exitstatus)
            ok = result.exitstatus == "OK"
            self.notify(f"{action} {label}: {result.exitstatus}" + ("" if ok else " — 5 opens Tasks"),
                        severity="information" if ok else "error", timeout=5 if ok else 8)

    @work(group="workspace")
    async def report_unfinished_apply(self) -> None:
        """An apply cut short last time (Ctrl+C, crash, API failure) is reported when the console starts."""
        from pmpc_tui.services.apply import unfinished_runs
        from pmpc_tui.state.errors import StateDatabaseError

        try:
            ws, db = await self.workspace_db()
            runs = await unfinished_runs(db, ws)
        except StateDatabaseError as exc:  # damaged, unreachable or too new: say so at start-up, with the fix
            log.warning("the state database cannot be used: %s", exc.message)
            self.notify(f"{exc.message}\n→ {exc.hint}", title="State database cannot be used", severity="error",
                        timeout=30)
            return
        except (PVEError, OSError) as exc:
            log.warning("cannot read the apply journal: %s", exc)
            return
        if runs:
            run = runs[-1]
            self.notify(f"apply #{run.id} ({run.status}) did not finish: run `apply --resume` in the console (8) to "
                        "finish it, or `apply --abandon`", title="Unfinished apply", severity="warning", timeout=15)

    def refresh_data(self) -> None:
        """Read the cluster now, or right after the read in flight (refreshes never pile up or starve)."""
        if self._refreshing:
            self._refresh_again = True
            return
        if self._next_refresh is not None:
            self._next_refresh.stop()
            self._next_refresh = None
        self._refreshing = True
        self._read_cluster()

    def _refresh_finished(self) -> None:
        """Schedule the next refresh now that this one is done (dolphie's way: no overlapping reads)."""
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.refresh_data()
        elif self.refresh_seconds > 0 and self.is_running:
            self._next_refresh = self.set_timer(self.refresh_seconds, self.refresh_data)

    @work(group="refresh")
    async def _read_cluster(self) -> None:
        """Read the cluster in the background and tell the visible screen."""
        try:
            await self._load_cluster_view()
        finally:
            self._refresh_finished()

    async def _load_cluster_view(self) -> None:
        try:
            view = await self.cluster_reader.read(await self.client(), self.keys_first)
        except PVEError as exc:
            log.warning("refresh failed: %s", exc)
            if not self._refresh_failed:  # once, not every few seconds
                self.notify(str(exc), title="Could not refresh", severity="error", timeout=8)
            self._refresh_failed = True
            return
        if self._refresh_failed:
            self._refresh_failed = False
            self.notify("Connected again.", timeout=3)
        failed = []
        for task in finished_tasks(self.cluster_view, view):
            if task["upid"] not in self.awaited_tasks:
                if task["status"] == "OK":
                    self.notify(f"{task['type']} {task['id']} on {task['node']}: OK", title="Task finished",
                                timeout=4)
                else:
                    failed.append(task)
        if failed:
            first = failed[0]
            more = f" and {len(failed) - 1} more" if len(failed) > 1 else ""
            self.notify(f"{first['type']} {first['id']} on {first['node']}: {first['status']}{more} — 5 opens Tasks",
                        title="Task failed", severity="error", timeout=10)
        await self.keys_first.after_keys()  # a key being handled draws its frame before the screens redraw
        self.cluster_view = view
        self.history.record(view)
        for screen in self.screen_stack:  # the screen under a dialog is kept current too
            if isinstance(screen, LiveScreen):
                screen.post_message(ClusterRefreshed(view))


def keys_help_sections(app: ProxmoxApp) -> list[tuple[str, list[BindingType]]]:
    """The `?` list: this screen and its focused widget first, then the global keys, then the other screens."""
    from pmpc_tui.tui.screens.editor import EditorScreen as Editor
    from pmpc_tui.tui.screens.guests import GuestsScreen
    from pmpc_tui.tui.screens.logs import LogsScreen as Logs
    from pmpc_tui.tui.screens.plan import PlanScreen
    from pmpc_tui.tui.widgets.virtual_table import VirtualTable

    screen = app.screen
    here: list[BindingType] = list(type(screen).BINDINGS)
    node = app.focused
    while node is not None and node is not screen:
        if node.__module__.startswith("pmpc_tui"):
            here.extend(type(node).BINDINGS)
        node = node.parent  # type: ignore[assignment]
    titles = {view.mode: f"{view.title} ({view.shortcut})" for view in VIEWS}
    title = titles.get(app.current_mode, "") if screen is app.screen_stack[0] or len(app.screen_stack) == 1 else ""
    title = title or screen.__class__.__name__.removesuffix("Screen")
    sections: list[tuple[str, list[BindingType]]] = [(f"This screen: {title}", here), ("Everywhere", app.BINDINGS)]
    others: list[tuple[str, type[Widget]]] = [
        ("VMs and containers (2, 3)", GuestsScreen), ("Tables", VirtualTable), ("Logs (6)", Logs),
        ("IaC editor (7)", Editor), ("Plan (9)", PlanScreen)]
    sections += [(name, list(cls.BINDINGS)) for name, cls in others if not isinstance(screen, cls)]
    sections.append(("Textual", [Binding("ctrl+p", "command_palette", "palette: views, commands, guests"),
                                 Binding("ctrl+q", "quit", "quit at once")]))
    return sections
