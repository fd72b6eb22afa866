"""How the console starts: its profile (the session's rule), the demo cluster, or the first-run screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.config.profiles import ProfileError
from pmpc_tui.services.session import Session, chosen_profile_name

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.simulator.server import SimulatorProcess


@dataclass
class ConsoleLaunch:
    """What the console opens on: a connection (None: the first-run screen asks), its label and workspace."""

    settings: ConnectionSettings | None
    label: str
    profile_name: str | None
    workspace_root: Path | None
    demo_process: SimulatorProcess | None = None


def console_launch(explicit_profile: str | None, demo: bool, note: Callable[[str], None]) -> ConsoleLaunch:
    """Resolve the console's start: the demo, the session's profile, or the first run when none exists yet.

    Raises PVEError for a broken proxmox-mpc.yaml and ProfileError for a named or broken profile."""
    session = Session(profile_name=explicit_profile)
    workspace = session.workspace()
    root = workspace.root if workspace else None
    profile_name = chosen_profile_name(explicit_profile, workspace)
    if demo:
        from pmpc_tui.services.demo import demo_settings, start_demo_cluster

        note("starting the demo cluster (Proxmox VE API simulator, homelab scenario)…")
        process = start_demo_cluster()
        return ConsoleLaunch(demo_settings(process), "DEMO", profile_name, root, process)
    try:
        profile = session.active_profile()
    except ProfileError:
        try:
            known = bool(session.store.list())
        except ProfileError:  # config.yaml itself is unreadable
            known = True
        if profile_name or known:  # a named or broken profile: say what is wrong
            raise
        return ConsoleLaunch(None, "", profile_name, root)  # first run: the console asks how to connect
    return ConsoleLaunch(profile.settings(), f"{profile.name} · {profile.url}", profile_name, root)
