"""The context a command runs in: the front end's output and confirmation hooks over a `Session`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmpc_tui.pve.errors import ConfirmationRefused
from pmpc_tui.services.session import Session

if TYPE_CHECKING:
    from pmpc_tui.config.profiles import Profile, ProfileStore
    from pmpc_tui.pve.client import ConnectionSettings, PVEClient
    from pmpc_tui.state.db import Database
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
    """Per-invocation front-end hooks over a `Session`: `report` (progress/info lines), `ask` (prompts) and
    `confirm_hook` (a UI front end asks in a dialog instead of the terminal).

    The session (profile, client, database, workspace) is the front end's: the CLI makes one per command
    (`owns_session`), the console lends its own and keeps it open.
    """

    session: Session = field(default_factory=Session)
    report: Callable[[str], None] = lambda line: None
    ask: Callable[[str], str | None] | None = None
    confirm_hook: ConfirmHook | None = None
    owns_session: bool = True

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

    # ---- the session, as handlers use it ------------------------------------------------------
    @property
    def store(self) -> ProfileStore:
        return self.session.store

    @property
    def profile_name(self) -> str | None:
        return self.session.profile_name

    @property
    def profile(self) -> Profile | None:
        return self.session.profile

    @profile.setter
    def profile(self, value: Profile | None) -> None:
        self.session.profile = value

    def workspace(self) -> Workspace | None:
        return self.session.workspace()

    def require_workspace(self) -> Workspace:
        return self.session.require_workspace()

    def use_workspace(self, root: Path | None) -> None:
        self.session.use_workspace(root)

    def active_profile(self) -> Profile:
        return self.session.active_profile()

    def console_profile(self) -> Profile | None:
        return self.session.console_profile()

    def connection_settings(self) -> ConnectionSettings:
        return self.session.connection_settings()

    async def client(self) -> PVEClient:
        return await self.session.client()

    def database_url(self) -> str:
        return self.session.database_url()

    async def db(self) -> Database:
        return await self.session.db()

    @property
    def state_path(self) -> Path:
        return self.session.state_path

    async def close(self) -> None:
        """Close the session when this context made it (the console keeps its own open)."""
        if self.owns_session:
            await self.session.close()

    def progress_printer(self) -> Callable[[dict[str, Any], list[str]], None]:
        """A task-progress callback that reports each new log line."""
        def show(_status: dict[str, Any], lines: list[str]) -> None:
            for line in lines:
                self.report(f"  {line}")
        return show
