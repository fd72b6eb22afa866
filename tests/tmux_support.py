"""The console in a real terminal for the end-to-end tests: tmux sessions, keys, and waiting for text."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path


def tmux(session: str, *args: str) -> list[str]:
    """A tmux command line for `session`, which has a tmux server of its own (socket named after it, in the
    worker's TMUX_TMPDIR): sessions sharing one server race with its exit when the last one is killed
    ("server exited unexpectedly"), and a server shared with other runs would lend them its environment."""
    return ["tmux", "-L", session, *args]


def capture(session: str, escapes: bool = False) -> str:
    flags = ["-p", "-e"] if escapes else ["-p"]
    return subprocess.run(tmux(session, "capture-pane", *flags, "-t", session), capture_output=True, text=True,
                          check=True).stdout


def keys(session: str, *names: str, literal: bool = False) -> None:
    subprocess.run(tmux(session, "send-keys", "-t", session, *(["-l"] if literal else []), *names), check=True)


def wait_until(session: str, shows: Callable[[str], bool], what: str, timeout: float = 40.0) -> str:
    """The first screen for which `shows(screen)` holds, polled every 0.2 s: one capture is one moment, and a
    loaded machine can draw what a step brings in more than one frame."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if shows(screen):
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{what} did not appear on screen:\n{screen}")


def wait_for(session: str, text: str, timeout: float = 40.0) -> str:
    return wait_until(session, lambda screen: text in screen, repr(text), timeout)


@contextlib.contextmanager
def demo_in_tmux(tmp_path: Path, env_prefix: str = "", refresh: int = 1) -> Iterator[str]:
    """`proxmox-mpc --demo` in a detached 80x24 tmux session; yields the session name."""
    name = f"pmpc-{uuid.uuid4().hex[:8]}"
    cli = Path(sys.executable).with_name("proxmox-mpc")
    command = f"{env_prefix} PMPC_CONFIG_DIR={tmp_path} {cli} --demo --refresh {refresh}; echo EXITED-$?; sleep 30"
    env = {**os.environ, "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    subprocess.run(tmux(name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command), check=True, env=env)
    try:
        yield name
    finally:
        subprocess.run(tmux(name, "kill-server"), capture_output=True)


def quiet_demo(tmp_path: Path) -> contextlib.AbstractContextManager[str]:
    """The demo console without a timed refresh, its state in `tmp_path` (for scenarios that change guests)."""
    return demo_in_tmux(tmp_path, env_prefix=f"PMPC_STATE_DIR={tmp_path}/state", refresh=0)


def cursor_on_guest(session: str, name: str) -> None:
    """From the dashboard: the VMs screen, filtered to the one guest `name`, the cursor on its row."""
    wait_for(session, "Nodes 3/3 online")
    keys(session, "2")
    wait_for(session, "web-01")
    keys(session, "/")
    keys(session, name, literal=True)
    wait_for(session, "· 1 shown")
    keys(session, "Enter")  # back to the table, the cursor on the one row
    # the table has the keys once the key bar shows its keys again (while typing it shows only `/ Filter`)
    wait_until(session, lambda screen: "q Quit" in (screen.rstrip().splitlines() or [""])[-1],
               "the guests table's key bar")
