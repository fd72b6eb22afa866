"""The context a command runs in: profile, client, database, output and confirmation hooks."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.config.profiles import Profile, ProfileStore, state_dir
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.pve.errors import ConfirmationRefused
from pmpc_tui.state.db import Database, default_database_url, sqlite_url

if TYPE_CHECKING:
    from pmpc_tui.workspace.config import Workspace


def _ask(prompt: str) -> str | None:
    import sys

    if not sys.stdin.isatty():
        return None
    try:
        return input(prompt)
    except EOFError:
        return None


class Declined(ConfirmationRefused):
    """The user answered no to a confirmation dialog; nothing was done (exit 6 where a code is shown)."""

    def __init__(self, message: str = "cancelled — nothing was done") -> None:
        super().__init__(message)


ConfirmHook = Callable[[str, str], Awaitable[str | None]]


@dataclass
class CommandContext:
    """Per-invocation state. Front ends provide `report` (progress/info lines) and `ask` (prompts).

    A UI front end sets `confirm_hook` to ask in a dialog instead of the terminal, and injects its
    live client with `owns_client=False` so that `close()` leaves it open.
    """

    profile_name: str | None = None
    profile: Profile | None = None
    store: ProfileStore = field(default_factory=ProfileStore)
    report: Callable[[str], None] = lambda line: None
    ask: Callable[[str], str | None] | None = None
    confirm_hook: ConfirmHook | None = None
    state_name: str | None = None  # state DB folder; the profile's name by default
    owns_client: bool = True
    _client: PVEClient | None = None
    _db: Database | None = None
    _workspace: Workspace | None = None
    _workspace_looked_up: bool = False

    def prompt(self, question: str) -> str | None:
        """Ask the user (None when nobody can answer, e.g. no terminal)."""
        return (self.ask or _ask)(question)

    async def confirm_by_typing(self, question: str, expected: str) -> str | None:
        """Ask the user to type `expected` to go ahead; returns what they typed (None: nobody can answer).

        A UI front end's `confirm_hook` shows a dialog and raises Declined when the user cancels.
        """
        if self.confirm_hook is not None:
            return await self.confirm_hook(question, expected)
        return self.prompt(f"{question} Type {expected} to confirm: ")

    def workspace(self) -> Workspace | None:
        """The workspace the command runs in (nearest proxmox-mpc.yaml at or above the cwd), if any."""
        if not self._workspace_looked_up:
            from pmpc_tui.workspace.find import find_workspace

            self._workspace = find_workspace()
            self._workspace_looked_up = True
        return self._workspace

    def require_workspace(self) -> Workspace:
        """The workspace, or an error that says how to make one."""
        ws = self.workspace()
        if ws is None:
            from pmpc_tui.workspace.find import require_workspace

            return require_workspace()  # raises WorkspaceError with the next step
        return ws

    def use_workspace(self, root: Path | None) -> None:
        """Run in this workspace (the console passes the one it has open) instead of looking from the cwd."""
        from pmpc_tui.workspace.config import Workspace

        self._workspace = Workspace.load(root) if root is not None else None
        self._workspace_looked_up = True

    def active_profile(self) -> Profile:
        if self.profile is None:
            ws = self.workspace()
            name = self.profile_name or os.environ.get("PMPC_PROFILE") or (ws.config.profile if ws else None)
            self.profile = self.store.get(name)
        return self.profile

    def console_profile(self) -> Profile | None:
        """A profile describing the console's injected connection (no secret stored), or None outside it."""
        if self._client is None or self.owns_client:
            return None
        s = self._client.settings
        return Profile(name=self.state_name or "console", url=s.url, user=s.user, token_name=s.token_name,
                       auth="token" if s.token_name else "password", fingerprint=s.fingerprint,
                       verify_tls=s.verify_tls, ca_bundle=s.ca_bundle)

    def connection_settings(self) -> ConnectionSettings:
        """How to reach the cluster: the injected client's settings (console), else the profile's."""
        if self._client is not None and not self.owns_client:
            return self._client.settings
        return self.active_profile().settings()

    async def client(self) -> PVEClient:
        if self._client is None:
            from pmpc_tui.observability.applog import api_call_logger

            client = PVEClient(self.active_profile().settings())
            client.observers.append(api_call_logger)  # method, path, status, duration — never a secret
            self._client = await client.connect()
        return self._client

    def database_url(self) -> str:
        """Where this command's state lives: $PMPC_DATABASE_URL, the workspace's file, or the profile's."""
        ws = self.workspace()
        if ws is not None and not os.environ.get("PMPC_DATABASE_URL"):
            return sqlite_url(ws.db_path)  # a workspace keeps its own state
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", self.state_name or self.active_profile().name)
        return default_database_url(state_dir() / name)

    async def db(self) -> Database:
        """The state database, opened (checked and migrated) once; raises StateDatabaseError when unusable."""
        if self._db is None:
            db = Database(self.database_url())
            await db.open()
            self._db = db
        return self._db

    @property
    def state_path(self) -> Path:
        return state_dir()

    async def close(self) -> None:
        if self._client is not None:
            if self.owns_client:
                await self._client.close()
            self._client = None
        if self._db is not None:
            await self._db.close()
            self._db = None

    def progress_printer(self) -> Callable[[dict[str, Any], list[str]], None]:
        """A task-progress callback that reports each new log line."""
        def show(_status: dict[str, Any], lines: list[str]) -> None:
            for line in lines:
                self.report(f"  {line}")
        return show
