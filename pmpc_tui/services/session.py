"""One session: an identity on one cluster with its profile, client, state database and workspace.

Every front end works through a `Session` (the CLI one per command, the console one for its lifetime, the MCP
server one per server); a process may hold several (a web server: one per logged-in user), so nothing here is
module-global.
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.config.profiles import Profile, ProfileStore, state_dir
from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.state.db import Database, default_database_url, sqlite_url

if TYPE_CHECKING:
    from pmpc_tui.services.scratch_state import ScratchState
    from pmpc_tui.state.errors import StateDatabaseError
    from pmpc_tui.workspace.config import Workspace

ClientSource = Callable[[], Awaitable[PVEClient]]


def chosen_profile_name(explicit: str | None, workspace: Workspace | None) -> str | None:
    """Which profile to use: explicit > $PMPC_PROFILE > the workspace's > None (the active one)."""
    return explicit or os.environ.get("PMPC_PROFILE") or (workspace.config.profile if workspace else None)


async def open_workspace_state(root: Path) -> tuple[Workspace, Database]:
    """Load the workspace at `root` and open its own state database (created when missing)."""
    from pmpc_tui.workspace.config import Workspace

    ws = await asyncio.to_thread(Workspace.load, root)
    db = Database(sqlite_url(ws.db_path))
    await db.create_all()
    return ws, db


@dataclass
class Session:
    """Profile (explicit > $PMPC_PROFILE > the workspace's > active), client, state database and workspace.

    A front end that connects its own way (the console's connection form or demo) passes `client_source`;
    the session connects through it once, owns that client and closes it with everything else in `close()`.
    A `read_only` session never writes its state database: `db()` is a private copy (services/scratch_state.py).
    """

    profile_name: str | None = None
    profile: Profile | None = None
    store: ProfileStore = field(default_factory=ProfileStore)
    state_name: str | None = None  # state DB folder; the profile's name by default
    client_source: ClientSource | None = None
    read_only: bool = False
    uses_saved_profiles: bool = True  # may act through the saved profiles (a web user's session acts as that user only)
    _scratch: ScratchState | None = None
    _client: PVEClient | None = None
    _db: Database | None = None
    _db_url: str | None = None
    _workspace: Workspace | None = None
    _workspace_looked_up: bool = False
    _client_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    # ---- workspace -----------------------------------------------------------------------
    def workspace(self) -> Workspace | None:
        """The workspace (nearest proxmox-mpc.yaml at or above the cwd, unless one was chosen), if any."""
        if not self._workspace_looked_up:
            from pmpc_tui.workspace.find import find_workspace

            self._workspace = find_workspace(remember=not self.read_only)
            self._workspace_looked_up = True
        if self._workspace is not None and self.read_only:
            self._workspace.read_only = True  # its caches are read, not written
        return self._workspace

    def require_workspace(self) -> Workspace:
        """The workspace, or an error that says how to make one."""
        ws = self.workspace()
        if ws is None:
            from pmpc_tui.workspace.find import require_workspace

            return require_workspace()  # raises WorkspaceError with the next step
        return ws

    def use_workspace(self, root: Path | None) -> None:
        """Work in this workspace (the console passes the one it has open) instead of looking from the cwd."""
        from pmpc_tui.workspace.config import Workspace

        current = self._workspace.root if self._workspace is not None else None
        if self._workspace_looked_up and current == root:
            return
        self._workspace = Workspace.load(root) if root is not None else None
        self._workspace_looked_up = True

    # ---- profile and connection ------------------------------------------------------------
    def active_profile(self) -> Profile:
        """The profile: explicit name > $PMPC_PROFILE > the workspace's > the active one."""
        if self.profile is None:
            self.profile = self.store.get(chosen_profile_name(self.profile_name, self.workspace()))
        return self.profile

    def console_profile(self) -> Profile | None:
        """A profile describing the front end's connection (no secret stored), or None when the profile's is used."""
        if self._client is None or self.client_source is None:
            return None
        s = self._client.settings
        return Profile(name=self.state_name or "console", url=s.url, user=s.user, token_name=s.token_name,
                       auth="token" if s.token_name else "password", fingerprint=s.fingerprint,
                       verify_tls=s.verify_tls, ca_bundle=s.ca_bundle)

    def connection_settings(self) -> ConnectionSettings:
        """How to reach the cluster: the front end's connection's settings, else the profile's."""
        if self._client is not None and self.client_source is not None:
            return self._client.settings
        return self.active_profile().settings()

    async def client(self) -> PVEClient:
        """The API client, connected on first use (through `client_source` if given, else from the profile)."""
        async with self._client_lock:
            if self._client is None:
                from pmpc_tui.observability.applog import api_call_logger

                if self.client_source is not None:
                    client = await self.client_source()
                else:
                    client = await PVEClient(self.active_profile().settings()).connect()
                client.observers.append(api_call_logger)  # method, path, status, duration — never a secret
                self._client = client
        return self._client

    @property
    def connected_client(self) -> PVEClient | None:
        """The client if one is connected already (never connects)."""
        return self._client

    # ---- state -----------------------------------------------------------------------------
    def database_url(self) -> str:
        """Where the state lives: $PMPC_DATABASE_URL, the workspace's file, or the profile's."""
        ws = self.workspace()
        if ws is not None and not os.environ.get("PMPC_DATABASE_URL"):
            return sqlite_url(ws.db_path)  # a workspace keeps its own state
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", self.state_name or self.active_profile().name)
        return default_database_url(state_dir() / name)

    async def db(self) -> Database:
        """The state database, opened (checked and migrated) once per URL; raises StateDatabaseError."""
        url = self.database_url()
        if self._db is not None and self._db_url != url:  # the workspace changed (console /init)
            await self._db.close()
            self._db = None
        if self._db is None:
            db = Database(await self._scratch_url(url) if self.read_only else url)
            await db.open()
            self._db, self._db_url = db, url
        return self._db

    async def _scratch_url(self, url: str) -> str:
        """A read-only session's private copy of the database at `url` (the real one is only read)."""
        from pmpc_tui.services.scratch_state import ScratchState

        if self._scratch is None:
            self._scratch = ScratchState()
        return await asyncio.to_thread(self._scratch.url_for, url)

    @property
    def connected_db(self) -> Database | None:
        """The state database if it is open already (never opens it)."""
        return self._db

    async def db_or_error(self) -> tuple[Database | None, StateDatabaseError | None]:
        """The state database, or None and the StateDatabaseError that says why it cannot be used."""
        from pmpc_tui.state.errors import StateDatabaseError

        try:
            return await self.db(), None
        except StateDatabaseError as exc:
            return None, exc

    @property
    def state_path(self) -> Path:
        return state_dir()

    # ---- rules every front end shares ------------------------------------------------------
    async def refuse_if_unfinished_apply(self) -> None:
        """ConflictError (exit 7) while an earlier apply of the workspace has not finished."""
        from pmpc_tui.services.apply import refuse_if_unfinished

        await refuse_if_unfinished(await self.db(), self.require_workspace())

    async def refuse_delete_while_applying(self) -> None:
        """Inside a workspace, no guest is deleted while an earlier apply is unfinished (exit 7), from any front end."""
        if self.workspace() is not None:
            await self.refuse_if_unfinished_apply()

    async def close(self) -> None:
        """Close the client and the state database."""
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._db is not None:
            await self._db.close()
            self._db = None
        if self._scratch is not None:
            self._scratch.remove()
            self._scratch = None


@dataclass
class SessionGroup:
    """Several clusters open at once (the console's group mode): one `Session` per profile, one of them current.

    The first profile's session may be the front end's own (`first`); the others connect through their profile
    on first use. Switching changes which one is current, never closes one.
    """

    sessions: dict[str, Session]
    current_name: str

    @classmethod
    def of(cls, names: list[str], first: Session | None = None) -> SessionGroup:
        """A group of `names` (each once, in order); `first` is used for the first name when given."""
        unique = list(dict.fromkeys(names))
        if not unique:
            raise ValueError("a group needs at least one profile")
        sessions = {name: Session(profile_name=name, client_source=_profile_source(name)) for name in unique[1:]}
        head = first or Session(profile_name=unique[0], client_source=_profile_source(unique[0]))
        return cls({unique[0]: head, **sessions}, unique[0])

    @property
    def current(self) -> Session:
        return self.sessions[self.current_name]

    def names(self) -> list[str]:
        return list(self.sessions)

    def others(self) -> dict[str, Session]:
        """Every open session but the current one."""
        return {name: s for name, s in self.sessions.items() if name != self.current_name}

    def add(self, name: str) -> Session:
        """Open the profile `name` in the group (connecting on first use); an open one is kept as it is."""
        if name not in self.sessions:
            self.sessions[name] = Session(profile_name=name, client_source=_profile_source(name))
        return self.sessions[name]

    def switch(self, name: str) -> Session:
        """Make `name` the current cluster; a KeyError's message lists the open ones."""
        if name not in self.sessions:
            raise KeyError(f"no open cluster '{name}' — open: {', '.join(self.sessions)}")
        self.current_name = name
        return self.current

    async def close(self) -> None:
        """Close every session of the group."""
        for session in self.sessions.values():
            await session.close()


def _profile_source(name: str) -> ClientSource:
    """Connect with the saved profile `name` (read when first connecting, so a broken one fails only there)."""
    async def connect() -> PVEClient:
        settings = await asyncio.to_thread(lambda: ProfileStore().get(name).settings())
        return await PVEClient(settings).connect()
    return connect
