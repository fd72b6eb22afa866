"""The one error for a state database that cannot be used: damaged, unreachable, or newer than this code."""

from __future__ import annotations

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError

REBUILD_HINT = ("Run `proxmox-mpc state rebuild` (moves the file aside, keeps the apply journal if it can still "
                "be read, re-syncs from the cluster); `proxmox-mpc state check` shows what is wrong.")


class StateDatabaseError(PVEError):
    """The state database cannot be opened or read; `where` names the file or the URL (password masked)."""

    exit_code = int(ExitCode.ERROR)

    def __init__(self, message: str, hint: str, where: str) -> None:
        super().__init__(message, hint)
        self.where = where


class StateDatabaseNewer(StateDatabaseError):
    """The database was written by a newer proxmox-mpc: it is refused rather than misread."""


class UnrecognisedSchema(Exception):
    """Tables exist but do not look like any schema this version knows (raised by the baseline migration)."""


class NewerSchema(Exception):
    """The version row names a revision this code does not know: a newer proxmox-mpc wrote it."""
