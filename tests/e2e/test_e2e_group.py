"""End to end in a real terminal at 80x24: the console opened on two clusters, one of them stopped halfway."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from multi_support import two_clusters
from tmux_support import capture, keys, tmux, wait_for

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def test_the_group_console_at_80x24_shows_both_clusters_then_the_stopped_ones_error(tmp_path: Path) -> None:
    with two_clusters(tmp_path) as (_, west):
        name = f"pmpc-{uuid.uuid4().hex[:8]}"
        cli = Path(sys.executable).with_name("proxmox-mpc")
        command = f"{cli} --profile east --profile west --refresh 1; echo EXITED-$?; sleep 30"
        env = {**os.environ, "TERM": "xterm-256color"}
        subprocess.run(tmux(name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24", "-c", str(tmp_path),
                            command), check=True, env=env)
        try:
            wait_for(name, "2 open · :ctx NAME switches", timeout=60)
            screen = wait_for(name, "3/3", timeout=60)
            assert "east" in screen and "west" in screen and "total" in screen
            west.stop()
            screen = wait_for(name, "✖ west:", timeout=60)
            assert "Traceback" not in screen and "EXITED" not in screen
            keys(name, ":")
            keys(name, "ctx", literal=True)
            keys(name, "Enter")
            wait_for(name, "Open clusters", timeout=20)
            assert all(len(line) <= 80 for line in capture(name).splitlines())
        finally:
            subprocess.run(tmux(name, "kill-server"), capture_output=True)
