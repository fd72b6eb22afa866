"""Checks before a guest action: requests that cannot succeed are explained instead of sent, and the
risky ones ask first (the same question on the VMs screen and in the REPL)."""

from __future__ import annotations

from typing import Any

# actions that ask a yes/no question first; delete asks for the guest's name instead
QUESTIONS = {
    "stop": "Stop {label} now? Unsaved work in the guest is lost.",
    "shutdown": "Shut down {label}?",
    "reboot": "Reboot {label}?",
}
WANTS_RUNNING = ("stop", "shutdown", "reboot", "suspend")


def question(action: str, label: str) -> str | None:
    """The yes/no question to ask before `action`, or None when it runs at once."""
    text = QUESTIONS.get(action)
    return text.format(label=label) if text else None


def delete_question(label: str) -> str:
    """The question of the type-the-name dialog before a deletion."""
    return f"Delete {label} and all its disks? This cannot be undone."


def refusal(action: str, row: dict[str, Any], label: str) -> str | None:
    """Why `action` cannot work on this guest as the last refresh saw it (so nothing is sent), or None."""
    status = row.get("status", "")
    if row.get("template") and action != "delete":
        return f"{label} is a template: it cannot be started or stopped. Clone it to get a guest that runs."
    if row.get("lock"):
        return f"{label} is locked ({row['lock']}) by a task in progress; wait for it (5 shows Tasks)."
    if action == "start" and status in ("running", "paused"):
        return f"{label} is already running."
    if action in WANTS_RUNNING and status == "stopped":
        return f"{label} is not running."
    if action == "resume" and status == "stopped":
        return f"{label} is stopped: start it instead."
    if action == "delete" and status in ("running", "paused"):
        return f"{label} is running: stop it first, then delete it."
    return None
