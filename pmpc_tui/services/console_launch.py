"""How the console starts: a ticket handed over (web console), its profile, the demo cluster, or the first run."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pmpc_tui.config.profiles import ProfileError
from pmpc_tui.pve.client import ConnectionSettings
from pmpc_tui.services.session import Session, chosen_profile_name

if TYPE_CHECKING:
    from pmpc_tui.simulator.server import SimulatorProcess


@dataclass
class ConsoleLaunch:
    """What the console opens on: a connection (None: the first-run screen asks), its label and workspace."""

    settings: ConnectionSettings | None
    label: str
    profile_name: str | None
    workspace_root: Path | None
    demo_process: SimulatorProcess | None = None
    state_name: str | None = None  # the state database's folder when no profile names it (a web user's own)
    handed_over: bool = False  # a web user's connection: the console acts as that user, never a saved profile


# How `proxmox-mpc serve` hands a logged-in user's PVE ticket to the console process it starts: in the
# environment, never on the command line (argv is world-readable in /proc, the environment is not).
# A logged-in user hands over PMPC_TICKET + PMPC_CSRF, an API-token caller PMPC_TOKEN_ID + PMPC_TOKEN_SECRET.
# How its certificate is checked: PMPC_FINGERPRINT (pinned), PMPC_CA_BUNDLE, or PMPC_VERIFY_TLS=0.
HANDOVER_VARIABLES = ("PMPC_URL", "PMPC_USER", "PMPC_FINGERPRINT", "PMPC_CA_BUNDLE", "PMPC_VERIFY_TLS", "PMPC_TICKET",
                      "PMPC_CSRF", "PMPC_TOKEN_ID", "PMPC_TOKEN_SECRET")


def handed_over_settings(environ: MutableMapping[str, str]) -> ConnectionSettings | None:
    """The connection a web session handed over (PMPC_URL + a ticket or token), removed from `environ`; else None.

    Removing them keeps the ticket out of every process the console starts in turn (editor, terraform)."""
    values = {name: environ.pop(name, "") for name in HANDOVER_VARIABLES}
    url = values["PMPC_URL"]
    token_user, _, token_name = values["PMPC_TOKEN_ID"].partition("!")
    if url and values["PMPC_TICKET"]:
        settings = ConnectionSettings(url=url, user=values["PMPC_USER"] or "root@pam", ticket=values["PMPC_TICKET"],
                                      ticket_csrf=values["PMPC_CSRF"] or None)
    elif url and token_name and values["PMPC_TOKEN_SECRET"]:
        settings = ConnectionSettings(url=url, user=token_user, token_name=token_name,
                                      token_secret=values["PMPC_TOKEN_SECRET"])
    else:
        return None
    settings.fingerprint = values["PMPC_FINGERPRINT"] or None
    settings.ca_bundle = values["PMPC_CA_BUNDLE"] or None
    settings.verify_tls = values["PMPC_VERIFY_TLS"] not in ("0", "false", "no")
    return settings


def console_launch(explicit_profile: str | None, demo: bool, note: Callable[[str], None]) -> ConsoleLaunch:
    """Resolve the console's start: the demo, the session's profile, or the first run when none exists yet.

    Raises PVEError for a broken proxmox-mpc.yaml and ProfileError for a named or broken profile."""
    session = Session(profile_name=explicit_profile)
    workspace = session.workspace()
    root = workspace.root if workspace else None
    handed = handed_over_settings(os.environ)
    if handed is not None:  # each web user keeps their own state: PVE's ACLs may show them less of the cluster
        state = "web-" + re.sub(r"[^A-Za-z0-9_.-]", "_", handed.auth_id)
        return ConsoleLaunch(handed, f"{handed.auth_id} · {handed.url}", None, root, state_name=state,
                             handed_over=True)
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
