"""The demo cluster: the bundled simulator in a child process, and how to connect to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmpc_tui.config.profiles import Profile
    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.simulator.server import SimulatorProcess

DEMO_ARGS = ("--scenario", "homelab", "--task-speed", "0.3")


def start_demo_cluster() -> SimulatorProcess:
    """Start the simulator (homelab scenario, fast tasks); blocking, so call it from a thread."""
    from pmpc_tui.simulator.server import SimulatorProcess

    return SimulatorProcess(*DEMO_ARGS)


def demo_profile(proc: SimulatorProcess) -> Profile:
    """An unsaved profile for the demo cluster (its token secret handed over in $PMPC_DEMO_TOKEN_SECRET)."""
    import os

    from pmpc_tui.config.profiles import Profile

    os.environ["PMPC_DEMO_TOKEN_SECRET"] = proc.info.token_secret
    user, token = proc.info.token_id.split("!", 1)
    return Profile(name="demo", url=proc.info.url, user=user, token_name=token, secret_source="env",
                   secret_ref="PMPC_DEMO_TOKEN_SECRET", fingerprint=proc.info.fingerprint)


def demo_settings(proc: SimulatorProcess) -> ConnectionSettings:
    """Token login with the simulator's certificate pinned — nothing is written to disk."""
    from pmpc_tui.pve.client import ConnectionSettings

    user, token = proc.info.token_id.split("!", 1)
    return ConnectionSettings(proc.info.url, user, token, proc.info.token_secret, fingerprint=proc.info.fingerprint)
