"""How the outcome of one sent (or dry-run) action reads, the same in every front end."""

from __future__ import annotations


def outcome(what: str, dry_run: bool, exitstatus: str | None, upid: str | None, *, would: str | None = None) -> str:
    """`would <what> (dry run: nothing sent)`, `<what>: <exit status>` or `<what>: task <UPID>`."""
    if dry_run:
        return f"would {would or what} (dry run: nothing sent)"
    if exitstatus:
        return f"{what}: {exitstatus}"
    return f"{what}: task {upid}"
