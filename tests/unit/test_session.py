"""One process, several sessions: each identity keeps its own profile, client, state database and workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmpc_tui.cli.main import main
from pmpc_tui.services.session import Session
from pmpc_tui.simulator.server import SimulatorThread


@pytest.fixture
def two_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sim: SimulatorThread) -> SimulatorThread:
    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.delenv("PMPC_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no workspace above
    monkeypatch.setenv("LAB_TOKEN", sim.info.token_secret)
    for name in ("alice", "bob"):
        assert main(["connect", name, "--url", sim.info.url, "--token-id", sim.info.token_id, "--secret-env",
                     "LAB_TOKEN", "--fingerprint", sim.info.fingerprint, "--no-activate"]) == 0
    return sim


async def test_two_sessions_in_one_process_keep_their_own_client_and_state(two_profiles: SimulatorThread) -> None:
    alice, bob = Session(profile_name="alice"), Session(profile_name="bob")
    try:
        assert alice.database_url() != bob.database_url()  # each identity's state apart
        client_a, client_b = await alice.client(), await bob.client()
        assert client_a is not client_b
        await alice.db()
        await bob.db()
        await alice.close()
        nodes = await (await bob.client()).get("/nodes")  # closing one session leaves the other working
        assert {n["node"] for n in nodes} >= {"pve1"}
    finally:
        await alice.close()
        await bob.close()


def test_the_profile_is_chosen_explicit_then_environment_then_workspace(two_profiles: SimulatorThread,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMPC_PROFILE", "bob")
    assert Session().active_profile().name == "bob"
    assert Session(profile_name="alice").active_profile().name == "alice"


def test_the_console_opens_on_the_profile_the_session_chooses(two_profiles: SimulatorThread,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.services.console_launch import console_launch

    monkeypatch.setenv("PMPC_PROFILE", "bob")
    launch = console_launch(None, False, lambda line: None)
    assert launch.profile_name == "bob" and launch.label.startswith("bob · ") and launch.settings is not None
    assert console_launch("alice", False, lambda line: None).label.startswith("alice · ")  # explicit wins
    with pytest.raises(ProfileError):
        console_launch("carol", False, lambda line: None)  # a named profile that does not exist: no first run


def test_the_console_opens_its_first_run_screen_when_no_profile_exists(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.services.console_launch import console_launch

    monkeypatch.setenv("PMPC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("PMPC_PROFILE", raising=False)
    monkeypatch.chdir(tmp_path)
    launch = console_launch(None, False, lambda line: None)
    assert launch.settings is None and launch.label == "" and launch.workspace_root is None
