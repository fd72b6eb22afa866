"""Typed errors for everything that can go wrong talking to Proxmox VE, each with a next step."""

from __future__ import annotations

import re

from pmpc_tui.exit_codes import ExitCode


class PVEError(Exception):
    """Base error: `message` says what happened, `hint` what to do next."""

    exit_code: int = ExitCode.ERROR

    def __init__(self, message: str, hint: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.status = status

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message


class ConnectionFailed(PVEError):
    """The API could not be reached at all."""

    exit_code = ExitCode.CONNECT


class TLSVerificationFailed(ConnectionFailed):
    """The server's certificate was not trusted; carries the fingerprint it presented."""

    def __init__(self, message: str, fingerprint: str | None) -> None:
        hint = ("If you trust this server, pin its certificate: "
                f"proxmox-mpc connect … --fingerprint {fingerprint}" if fingerprint else
                "Check the URL, or pin the server's certificate with --fingerprint.")
        super().__init__(message, hint)
        self.fingerprint = fingerprint


class AuthenticationFailed(PVEError):
    """401: credentials rejected."""

    exit_code = ExitCode.CONNECT

    def __init__(self, message: str = "authentication failed", hint: str = "") -> None:
        super().__init__(message, hint or (
            "Check the user and token: the token id is USER@REALM!NAME and its secret comes from "
            "the profile's secret source (see `proxmox-mpc connect --help`)."), 401)


class PermissionDenied(PVEError):
    """403: a privilege is missing; `path` and `privilege` say which."""

    exit_code = ExitCode.PERMISSION

    def __init__(self, message: str) -> None:
        match = re.search(r"\(([^,]+),\s*([^)]+)\)", message)
        self.path = match.group(1) if match else None
        self.privilege = match.group(2) if match else None
        if self.privilege:
            hint = (f"Grant '{self.privilege}' on '{self.path}' to this user or token "
                    "(Datacenter → Permissions; with privilege separation the token needs it too).")
        else:
            hint = "The user or token lacks a privilege for this operation."
        super().__init__(message, hint, 403)


class NotFound(PVEError):
    """The resource does not exist."""

    exit_code = ExitCode.NOT_FOUND

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint or "Check the id and node; `proxmox-mpc list vms` shows what exists.", 404)


class ValidationFailed(PVEError):
    """Bad input (ours, before anything is sent, or the API's 400), with a message per field."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        self.errors = {k: v.strip() for k, v in errors.items()}
        detail = "; ".join(f"{k}: {v}" for k, v in sorted(self.errors.items()))
        super().__init__(f"{message.strip()} {detail}".strip(), "Correct the listed fields and try again.", 400)


class ResourceLocked(PVEError):
    """The guest holds a config lock (clone, backup, …); retry after it is released."""

    exit_code = ExitCode.CONFLICT

    def __init__(self, message: str) -> None:
        match = re.search(r"locked \(([^)]+)\)", message)
        self.lock = match.group(1) if match else None
        super().__init__(message, "Wait for the running task to finish (see `proxmox-mpc tasks`) and retry.",
                         500)


class ConflictError(PVEError):
    """The resource changed since it was read (digest mismatch) or already exists."""

    exit_code = ExitCode.CONFLICT


class ConfirmationRefused(PVEError):
    """A confirmation was refused, or is needed and nobody can give it (no terminal, no --yes)."""

    exit_code = ExitCode.REFUSED


class ServerError(PVEError):
    """5xx other than the cases above."""

    exit_code = ExitCode.ERROR


class TaskFailed(PVEError):
    """A worker task ended with an error exit status."""

    def __init__(self, upid: str, exitstatus: str, log_tail: list[str] | None = None) -> None:
        self.upid = upid
        self.exitstatus = exitstatus
        self.log_tail = log_tail or []
        super().__init__(f"task failed: {exitstatus}",
                         f"See the full task log: proxmox-mpc tasks log '{upid}'")


class TaskTimeout(PVEError):
    """A task did not finish within the wait limit (it may still be running)."""

    def __init__(self, upid: str, seconds: float) -> None:
        self.upid = upid
        super().__init__(f"task still running after {seconds:.0f}s",
                         f"It continues on the server; check it with: proxmox-mpc tasks log '{upid}'")


def from_response(status: int, reason: str, errors: dict[str, str] | None, body_message: str = "") -> PVEError:
    """Map an HTTP error answer from the API to the matching typed error."""
    message = (body_message or reason or f"HTTP {status}").strip()
    if status == 401:
        return AuthenticationFailed(f"authentication failed: {message}")
    if status == 403:
        return PermissionDenied(message)
    if status == 400:
        return ValidationFailed(message, errors or {})
    if status == 404 or "does not exist" in message or "no such" in message.lower():
        return NotFound(message)
    if "is locked" in message or re.search(r"locked \(", message):
        return ResourceLocked(message)
    if "detected modified configuration" in message or "already exists" in message:
        return ConflictError(message, "Re-read the resource (e.g. `proxmox-mpc sync`) and try again.", status)
    if status in (595, 596):
        return ConnectionFailed(f"node unreachable: {message}",
                                "The node may be offline; check `proxmox-mpc list nodes`.", status)
    if status == 501:
        return PVEError(f"not supported by this server: {message}",
                        "The Proxmox VE version may be too old for this operation.", status)
    return ServerError(message, "The server reported an error; retry, or check the task log.", status)


class CodeDoesNotParse(PVEError):
    """The workspace's code does not parse (or is not UTF-8 text): nothing may be planned or applied."""

    exit_code = ExitCode.DOES_NOT_PARSE

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = f"\n  … and {len(self.problems) - 20} more" if len(self.problems) > 20 else ""
        super().__init__(f"the workspace's code does not parse; nothing was planned or changed:\n{shown}{more}",
                         "Fix the file(s) above (`proxmox-mpc validate --offline` checks them without the cluster).")
