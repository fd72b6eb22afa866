"""End to end in a real terminal: `proxmox-mpc --demo` inside tmux at 80x24, driven with send-keys."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from tmux_support import capture, demo_in_tmux, keys, tmux, wait_for

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def tmux_session(tmp_path: Path) -> Iterator[str]:
    with demo_in_tmux(tmp_path) as name:
        yield name


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colours(screen: str) -> set[tuple[int, ...]]:
    """Every colour an SGR sequence sets: (38|48, 5, n), (38|48, 2, r, g, b) or a basic code (30-37, 90-97 ...)."""
    found: set[tuple[int, ...]] = set()
    for params in SGR.findall(screen):
        codes = [int(p) for p in params.split(";") if p]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code in (38, 48) and i + 1 < len(codes):
                width = 3 if codes[i + 1] == 5 else 5
                found.add(tuple(codes[i:i + width]))
                i += width
                continue
            if 30 <= code <= 37 or 40 <= code <= 47 or 90 <= code <= 97 or 100 <= code <= 107:
                found.add((code,))
            i += 1
    return found


def is_grey(colour: tuple[int, ...]) -> bool:
    if colour[1:2] == (5,):
        return colour[2] in (0, 7, 8, 15, 16, 231) or colour[2] >= 232
    if colour[1:2] == (2,):
        return colour[2] == colour[3] == colour[4]
    return True


def test_demo_console_starts_navigates_and_quits(tmux_session: str) -> None:
    screen = wait_for(tmux_session, "Nodes 3/3 online")
    assert "DEMO" in screen
    subprocess.run(tmux(tmux_session, "send-keys", "-t", tmux_session, "2"), check=True)
    screen = wait_for(tmux_session, "web-01")
    assert "Virtual machines" in screen
    subprocess.run(tmux(tmux_session, "send-keys", "-t", tmux_session, "/"), check=True)
    subprocess.run(tmux(tmux_session, "send-keys", "-t", tmux_session, "-l", "k8s"), check=True)
    screen = wait_for(tmux_session, "k8s-worker-2")
    deadline = time.monotonic() + 10
    while "web-01" in screen and time.monotonic() < deadline:
        time.sleep(0.2)
        screen = capture(tmux_session)
    assert "web-01" not in screen  # filtered out
    subprocess.run(tmux(tmux_session, "send-keys", "-t", tmux_session, "Escape"), check=True)
    wait_for(tmux_session, "web-01")  # filter cleared, focus back on the table
    subprocess.run(tmux(tmux_session, "send-keys", "-t", tmux_session, "q"), check=True)
    wait_for(tmux_session, "EXITED-0")


def wait_for_line(session: str, *parts: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        for line in screen.splitlines():
            if all(part in line for part in parts):
                return line
        time.sleep(0.2)
    raise AssertionError(f"no line with {parts} on screen:\n{screen}")


def test_starting_a_vm_from_the_console_changes_its_status_on_screen(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    keys(tmux_session, ":")
    wait_for(tmux_session, ":vm NAME")
    keys(tmux_session, "vm dev-sandbox", literal=True)
    keys(tmux_session, "Enter")
    assert "stopped" in wait_for_line(tmux_session, "109", "dev-sandbox")
    keys(tmux_session, "s")
    wait_for_line(tmux_session, "109", "dev-sandbox", "running")
    wait_for(tmux_session, "start VM 109 (dev-sandbox): OK")  # the task-finished notification
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def test_no_color_gives_a_screen_without_hues(tmp_path: Path) -> None:
    with demo_in_tmux(tmp_path, "NO_COLOR=1") as session:
        wait_for(session, "Nodes 3/3 online")
        keys(session, "2")
        wait_for(session, "web-01")
        wait_for_line(session, "101", "web-01", "● running")  # the state as a glyph, since colour is off
        wait_for_line(session, "109", "dev-sandbox", "○ stopped")
        screen = capture(session, escapes=True)
        assert colours(screen), "expected the capture to contain SGR sequences"
        assert all(is_grey(c) for c in colours(screen)), sorted(c for c in colours(screen) if not is_grey(c))
        keys(session, "q")
        wait_for(session, "EXITED-0")


def test_a_16_colour_terminal_gets_only_basic_colours(tmp_path: Path) -> None:
    with demo_in_tmux(tmp_path, "env -u COLORTERM TERM=xterm") as session:
        wait_for(session, "Nodes 3/3 online")
        screen = capture(session, escapes=True)
        assert all(len(c) == 1 for c in colours(screen)), sorted(c for c in colours(screen) if len(c) > 1)
        assert "pve1" in capture(session)
        keys(session, "q")
        wait_for(session, "EXITED-0")


def footer(session: str) -> str:
    return capture(session).rstrip("\n").splitlines()[-1]


def test_keys_typed_while_the_first_frame_loads_are_not_lost(tmux_session: str) -> None:
    wait_for(tmux_session, "proxmox-mpc —", timeout=60)  # the first frame: data may still be loading
    keys(tmux_session, ":")
    keys(tmux_session, "cts", literal=True)
    keys(tmux_session, "Enter")
    wait_for(tmux_session, "Containers ·")
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def test_at_80x24_the_dashboard_fits_and_the_footer_shows_the_main_keys_and_more(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    line = wait_for_line(tmux_session, "pve1", "online")
    assert re.search(r"\d+d\d+h\s*$", line), line  # the last column (uptime) is on screen
    assert all(len(row) <= 80 for row in capture(tmux_session).splitlines())
    assert "? more" in footer(tmux_session) and "q Quit" in footer(tmux_session)
    keys(tmux_session, "2")
    wait_for(tmux_session, "web-01")
    bar = footer(tmux_session)
    assert "/ Filter" in bar and "s Start" in bar and "? more" in bar, bar
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def test_question_mark_toggles_the_key_help(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    keys(tmux_session, "2")
    wait_for(tmux_session, "web-01")
    keys(tmux_session, "?")
    wait_for(tmux_session, "This screen: VMs")
    keys(tmux_session, "?")
    deadline = time.monotonic() + 10
    while "This screen: VMs" in capture(tmux_session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "This screen: VMs" not in capture(tmux_session)
    keys(tmux_session, "?")
    wait_for(tmux_session, "This screen: VMs")
    escape_and_wait(tmux_session, "This screen: VMs")
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def test_vmid_and_name_stay_put_when_the_table_scrolls_right(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    keys(tmux_session, "2")
    wait_for_line(tmux_session, "101", "web-01", "G")  # the compact memory column, e.g. 1.0/2.0G
    assert re.search(r"\d+\.\d/\d+\.\dG", wait_for_line(tmux_session, "101", "web-01"))
    keys(tmux_session, *(["Right"] * 40))
    line = wait_for_line(tmux_session, "101", "web-01", "prod;web")  # scrolled to the tags, VMID and Name kept
    assert line.index("101") < line.index("web-01") < line.index("prod;web")
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def dialog_text(screen: str) -> str:
    """The words inside the dialog's frame (█ … █), joined into one line."""
    inner = [line[line.index("█") + 1:line.rindex("█")] for line in screen.splitlines() if line.count("█") >= 2]
    return " ".join(" ".join(inner).split())


def escape_and_wait(session: str, gone: str) -> None:
    """Esc, then wait for `gone` to leave the screen (a key sent right after Esc would read as Alt+key)."""
    keys(session, "Escape")
    deadline = time.monotonic() + 10
    while gone in capture(session) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert gone not in capture(session)


def test_dialog_text_wraps_instead_of_being_cut(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    keys(tmux_session, ":")
    wait_for(tmux_session, ":vm NAME")
    keys(tmux_session, "vm web-01", literal=True)
    keys(tmux_session, "Enter")
    wait_for_line(tmux_session, "101", "web-01")
    keys(tmux_session, "x")
    screen = wait_for(tmux_session, "Stop VM 101")
    assert "Unsaved work in the guest is lost." in dialog_text(screen), screen
    escape_and_wait(tmux_session, "Stop VM 101")
    keys(tmux_session, "/")  # filtered down to the one guest, the cursor is surely on it
    keys(tmux_session, "dev-sandbox", literal=True)
    keys(tmux_session, "Enter")
    wait_for(tmux_session, "1 shown")
    keys(tmux_session, "DC")
    screen = wait_for(tmux_session, "Delete VM 109")
    assert "This cannot be undone." in dialog_text(screen), screen
    escape_and_wait(tmux_session, "Delete VM 109")
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")


def test_first_run_at_80x24_shows_the_buttons_and_the_test_result_without_scrolling(tmp_path: Path) -> None:
    name = f"pmpc-{uuid.uuid4().hex[:8]}"
    cli = Path(sys.executable).with_name("proxmox-mpc")
    command = f"PMPC_CONFIG_DIR={tmp_path} PMPC_STATE_DIR={tmp_path} {cli}; echo EXITED-$?; sleep 30"
    env = {**os.environ, "TERM": "xterm-256color"}
    subprocess.run(tmux(name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command), check=True, env=env)
    try:
        screen = wait_for(name, "Try the demo")
        assert "Test connection" in screen and "Save and connect" in screen
        bar = footer(name)
        assert "Test connection" in bar and "Jump" not in bar and "palette" not in bar, bar
        keys(name, "C-t")
        wait_for(name, "✖")  # the result of the test (no URL yet), on screen without scrolling
        keys(name, "C-q")
        wait_for(name, "EXITED-")
    finally:
        subprocess.run(tmux(name, "kill-server"), capture_output=True)


def colour_before(line: str, word: str) -> str:
    """The last SGR sequence before `word` in a captured line (the style the word is drawn in)."""
    head = line[:line.index(word)]
    found = SGR.findall(head)
    return found[-1] if found else ""


def test_guest_states_have_their_own_colours_and_start_on_a_running_vm_explains(tmux_session: str) -> None:
    wait_for(tmux_session, "Nodes 3/3 online")
    keys(tmux_session, "2")
    wait_for_line(tmux_session, "109", "dev-sandbox", "stopped")
    lines = capture(tmux_session, escapes=True).splitlines()
    running = next(line for line in lines if "web-02" in line)
    stopped = next(line for line in lines if "dev-sandbox" in line)
    assert colour_before(running, "running") != colour_before(stopped, "stopped")
    keys(tmux_session, "j")  # 101, running
    keys(tmux_session, "s")
    wait_for(tmux_session, "already running")  # explained; nothing was sent
    keys(tmux_session, "q")
    wait_for(tmux_session, "EXITED-0")
