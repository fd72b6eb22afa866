"""The one exit-code table every command uses (documented in docs/cli.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; 2 follows terraform's `-detailed-exitcode` (changes present)."""

    OK = 0
    ERROR = 1  # server error, failed task, anything else
    CHANGES = 2  # plan has changes, drift found, validate has findings
    CONNECT = 3  # cannot connect or authenticate (TLS, missing profile or secret)
    NOT_FOUND = 4
    PERMISSION = 5  # the message names the missing privilege and path
    REFUSED = 6  # a confirmation was refused or is missing (no terminal and no --yes)
    CONFLICT = 7  # running, locked, changed since read, an unfinished apply, kept edits
    USAGE = 64  # bad flag or argument value: nothing was sent (sysexits EX_USAGE)
    DOES_NOT_PARSE = 65  # the workspace's code does not parse: nothing was planned (sysexits EX_DATAERR)
    INTERRUPTED = 130
