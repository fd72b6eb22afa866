"""How a console started by the web server connects: with the user's ticket from its environment, not a profile."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from pmpc_tui.pve.client import PVEClient
from pmpc_tui.pve.errors import AuthenticationFailed
from pmpc_tui.pve.ticket import request_ticket
from pmpc_tui.services.console_launch import console_launch, handed_over_settings
from pmpc_tui.services.console_process import ConsoleProcess, console_environment, handover_usable
from pmpc_tui.simulator.server import SimulatorThread


def ticket_of(sim: SimulatorThread, user: str = "root@pam") -> tuple[str, str]:
    from pmpc_tui.pve.client import ConnectionSettings

    settings = ConnectionSettings(sim.info.url, user, fingerprint=sim.info.fingerprint)
    return request_ticket(settings, user, sim.info.password)


def handover(sim: SimulatorThread) -> dict[str, str]:
    ticket, csrf = ticket_of(sim)
    return {"PMPC_URL": sim.info.url, "PMPC_USER": "root@pam", "PMPC_TICKET": ticket, "PMPC_CSRF": csrf,
            "PMPC_FINGERPRINT": sim.info.fingerprint}


def test_a_handed_over_ticket_is_used_instead_of_any_profile_and_leaves_the_environment(
        sim: SimulatorThread, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "no-profiles-here"))
    for name, value in handover(sim).items():
        monkeypatch.setenv(name, value)
    launch = console_launch(None, False, lambda line: None)
    assert launch.settings is not None and launch.settings.ticket and launch.settings.user == "root@pam"
    assert launch.label == f"root@pam · {sim.info.url}" and launch.state_name == "web-root_pam"
    assert launch.handed_over  # the console acts as this user only, never through a saved profile
    assert "PMPC_TICKET" not in os.environ and "PMPC_CSRF" not in os.environ  # the editor or terraform never see it

    async def read_and_write() -> str:
        async with PVEClient(launch.settings) as client:  # type: ignore[arg-type]
            await client.post("/nodes/pve1/qemu/100/config", description="set through a handed-over ticket")
            return str((await client.get("/nodes/pve1/qemu/100/config"))["description"])

    assert asyncio.run(read_and_write()) == "set through a handed-over ticket"  # CSRF token handed over too


def test_a_console_handed_an_auditors_ticket_may_read_but_pve_refuses_its_changes(sim: SimulatorThread) -> None:
    from web_support import set_password

    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.pve.errors import PermissionDenied, PVEError

    set_password(sim, "auditor@pve", "auditor-pass-123")
    login = ConnectionSettings(sim.info.url, "auditor@pve", fingerprint=sim.info.fingerprint)
    ticket, csrf = request_ticket(login, "auditor@pve", "auditor-pass-123")
    settings = handed_over_settings({"PMPC_URL": sim.info.url, "PMPC_USER": "auditor@pve", "PMPC_TICKET": ticket,
                                     "PMPC_CSRF": csrf, "PMPC_FINGERPRINT": sim.info.fingerprint})
    assert settings is not None

    async def read_then_start() -> tuple[int, PVEError | None]:
        async with PVEClient(settings) as client:
            nodes = await client.get("/nodes")
            try:
                await client.post("/nodes/pve1/qemu/100/status/start")
            except PVEError as exc:
                return len(nodes), exc
            return len(nodes), None

    nodes, refused = asyncio.run(read_then_start())
    assert nodes == 3 and isinstance(refused, PermissionDenied)  # the cluster's ACL decides, not a list of ours


def test_an_api_token_can_be_handed_over_too(sim: SimulatorThread) -> None:
    env = {"PMPC_URL": sim.info.url, "PMPC_TOKEN_ID": sim.info.auditor_token_id,
           "PMPC_TOKEN_SECRET": sim.info.auditor_token_secret}
    settings = handed_over_settings(env)
    assert settings is not None and settings.auth_id == sim.info.auditor_token_id and env == {}


def test_without_a_hand_over_the_console_starts_as_before() -> None:
    env = {"PMPC_URL": "https://pve:8006"}  # a URL alone carries no credential
    assert handed_over_settings(env) is None and not handover_usable({"PMPC_URL": "https://pve:8006"})


def test_a_refused_ticket_says_to_log_in_again(sim: SimulatorThread) -> None:
    env = handover(sim)
    env["PMPC_TICKET"] = "PVE:root@pam:00000000::forged"
    settings = handed_over_settings(env)
    assert settings is not None

    async def read() -> None:
        async with PVEClient(settings) as client:
            await client.get("/nodes")

    with pytest.raises(AuthenticationFailed):
        asyncio.run(read())


def test_the_console_process_inherits_no_secret_of_the_server() -> None:
    server_env = {"PATH": "/usr/bin", "HOME": "/root", "LAB_TOKEN": "server-secret", "PMPC_PROFILE": "lab",
                  "PVE_PASSWORD": "hunter2", "LC_ALL": "C.UTF-8"}
    env = console_environment(100, 30, server_env)
    assert "server-secret" not in env.values() and "hunter2" not in env.values() and "PMPC_PROFILE" not in env
    assert env["PATH"] == "/usr/bin" and env["LC_ALL"] == "C.UTF-8" and "PMPC_TICKET" not in env
    assert env["TEXTUAL_DRIVER"] == "textual.drivers.web_driver:WebDriver" and (env["COLUMNS"], env["ROWS"]) == (
        "100", "30")


async def test_a_console_that_cannot_start_is_reported_with_its_error(tmp_path: Path) -> None:
    from pmpc_tui.services.console_process import ConsoleDidNotStart

    console = ConsoleProcess({}, argv=("--no-such-flag",), cwd=tmp_path)
    with pytest.raises(ConsoleDidNotStart) as failed:
        await console.start(timeout=60)
    assert "--no-such-flag" in failed.value.hint or "unrecognized" in failed.value.hint
    assert await console.stop() is not None  # it has ended (its exit code is known)
