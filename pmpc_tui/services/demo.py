"""The demo cluster: the bundled simulator in a child process, and how to connect to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.simulator.server import SimulatorProcess

DEMO_ARGS = ("--scenario", "homelab", "--task-speed", "0.3")


def start_demo_cluster() -> SimulatorProcess:
    """Start the simulator (homelab scenario, fast tasks); blocking, so call it from a thread."""
    from pmpc_tui.simulator.server import SimulatorProcess

    return SimulatorProcess(*DEMO_ARGS)


def demo_settings(proc: SimulatorProcess) -> ConnectionSettings:
    """Token login with the simulator's certificate pinned — nothing is written to disk."""
    from pmpc_tui.pve.client import ConnectionSettings

    user, token = proc.info.token_id.split("!", 1)
    return ConnectionSettings(proc.info.url, user, token, proc.info.token_secret, fingerprint=proc.info.fingerprint)
