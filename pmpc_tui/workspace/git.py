"""The git command line, as workspace history uses it: one process per call, never a prompt, plain errors.

git's CLI was chosen over dulwich by measurement (benchmarks/history_vcs_bench.py): committing an import of
1,500 files took about half the time, and listing history no Python start-up at all.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path

from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import PVEError

IDENTITY = ("GIT_AUTHOR_", "GIT_COMMITTER_")  # kept from the environment; any other GIT_* (GIT_DIR …) is not
TIMEOUT = 300.0  # seconds: a commit of a large import on a slow disk


class GitError(PVEError):
    """git failed or is missing; the message says which and what to do."""

    exit_code = ExitCode.ERROR


class GitMissing(GitError):
    """git is not installed: history needs it."""


def git_available() -> bool:
    """True when a `git` executable is on the PATH."""
    return shutil.which("git") is not None


def require_git() -> None:
    """Raise GitMissing, saying how to install it, when git is absent."""
    if not git_available():
        raise GitMissing("git is not installed, so the workspace has no history",
                         "Install it (Debian/Ubuntu: sudo apt-get install git), then run the command again.")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k.startswith(IDENTITY)}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat"})
    env.update(extra or {})
    return env


def run(cwd: Path, args: Sequence[str], stdin: bytes | None = None, check: bool = True,
        extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` in `cwd` (literal pathspecs, no prompts); GitError with git's own message on failure."""
    require_git()
    try:
        done = subprocess.run(["git", "--literal-pathspecs", *args], cwd=cwd, input=stdin, capture_output=True,
                              env=_env(extra_env), timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {args[0]} did not run: {exc}") from None
    if check and done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {detail[-1] if detail else f'exit {done.returncode}'}")
    return done


def text(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> str:
    """git's standard output as text."""
    return run(cwd, args, stdin).stdout.decode("utf-8", "replace")


def top_level(path: Path) -> Path | None:
    """The root of the git repository `path` is in, or None outside any (or without git)."""
    if not git_available() or not path.is_dir():
        return None
    done = run(path, ["rev-parse", "--show-toplevel"], check=False)
    if done.returncode != 0:
        return None
    return Path(done.stdout.decode("utf-8", "replace").strip()).resolve()


def init(path: Path) -> None:
    """Make `path` a new git repository (branch main)."""
    run(path, ["init", "-q", "--initial-branch=main"])


def identity(cwd: Path) -> dict[str, str]:
    """Author/committer environment when git has no user configured: the OS user at this host."""
    if os.environ.get("GIT_AUTHOR_EMAIL"):
        return {}
    done = run(cwd, ["config", "user.email"], check=False)
    if done.returncode == 0 and done.stdout.strip():
        return {}
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "proxmox-mpc"
    email = f"{user}@{socket.gethostname() or 'localhost'}"
    return {"GIT_AUTHOR_NAME": user, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": user,
            "GIT_COMMITTER_EMAIL": email}


def nul_list(paths: Sequence[str]) -> bytes:
    """Paths for `--pathspec-from-file=- --pathspec-file-nul`."""
    return b"".join(p.encode("utf-8") + b"\0" for p in paths)
