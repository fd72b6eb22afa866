"""`proxmox-mpc ask` against the bundled simulator: names from the state database, asked once, run through
the normal commands; the MCP `propose` tool; the console's dialog listing every target."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from iac_support import cli_environment
from workspace_copy_support import Template

from pmpc_tui.cli.main import main
from pmpc_tui.simulator.server import SimulatorThread


def status(sim: SimulatorThread, vmid: int) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[vmid].status))


def settled(sim: SimulatorThread, vmids: tuple[int, ...], wanted: str, timeout: float = 30.0) -> list[str]:
    """The guests' statuses once all are `wanted` (power commands return when their task has started)."""
    import time

    deadline = time.monotonic() + timeout
    while any(status(sim, v) != wanted for v in vmids) and time.monotonic() < deadline:
        time.sleep(0.2)
    return [status(sim, v) for v in vmids]


def test_ask_explain_reads_the_names_from_the_state_database(sim: SimulatorThread, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        capsys.readouterr()
        assert main(["ask", "--explain", "stop every vm tagged k8s"]) == 0  # never synced: read once
        out = json.loads(capsys.readouterr().out)
    assert out["commands"] == ["stop vm k8s-cp-1", "stop vm k8s-worker-1", "stop vm k8s-worker-2"]
    assert out["risk"] == "disruptive" and out["needs_confirmation"] is True and 0 < out["confidence"] <= 1
    assert status(sim, 104) == "running"  # --explain runs nothing
    with cli_environment(sim, tmp_path):
        capsys.readouterr()
        assert main(["ask", "--explain", "stop every vm"]) == 0  # synced now: the state database's names
        out = json.loads(capsys.readouterr().out)
    assert {t["vmid"] for t in out["targets"]} == {101, 102, 103, 104, 105, 106, 108, 110}  # no template, no stopped


def test_ask_runs_a_change_after_yes(sim: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
        assert main(["ask", "start dev-sandbox"]) == 6  # declined: nothing was done
        assert status(sim, 109) == "stopped"
        monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
        assert main(["ask", "start dev-sandbox"]) == 0
    assert settled(sim, (109,), "running") == ["running"]
    assert "start vm dev-sandbox" in capsys.readouterr().err


def test_ask_needs_the_count_typed_before_stopping_several_guests(sim: SimulatorThread, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
        capsys.readouterr()
        assert main(["ask", "kill all the k8s vms"]) == 6  # a "y" is not the count
        assert status(sim, 104) == "running"
        err = capsys.readouterr().err
        assert all(n in err for n in ("k8s-cp-1", "k8s-worker-1", "k8s-worker-2")) and "Type 3" in err
        monkeypatch.setattr("sys.stdin", io.StringIO("3\n"))
        assert main(["ask", "kill all the k8s vms"]) == 0
    assert settled(sim, (104, 105, 106), "stopped") == ["stopped"] * 3
    assert status(sim, 101) == "running"


def test_ask_refuses_yes_for_a_destructive_proposal(sim: SimulatorThread, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        assert main(["ask", "--yes", "delete dev-sandbox"]) == 6
        assert "--yes is refused" in capsys.readouterr().err
        assert main(["ask", "--yes", "start dev-sandbox"]) == 0  # not destructive: --yes is enough
    assert 109 in sim.call(lambda: sim.sim.cluster.guests) and settled(sim, (109,), "running") == ["running"]


def test_ask_without_an_answer_runs_nothing(sim: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with cli_environment(sim, tmp_path):
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
        capsys.readouterr()
        assert main(["ask", "reboot db-01"]) == 6
        assert main(["ask", "turn off web-01 in 10 minutes"]) == 1  # not understood: exit 1, says why
        assert "cannot schedule" in capsys.readouterr().out
        assert main(["ask", "list vms", "-o", "json"]) == 0  # a read runs without a question
        assert any(row["name"] == "web-01" for row in json.loads(capsys.readouterr().out))
    assert status(sim, 103) == "running" and status(sim, 101) == "running"


@pytest.fixture
def home(sim: SimulatorThread, tmp_path: Path, homelab_template: Template) -> Iterator[Path]:
    from mcp_support import workspace_home

    with workspace_home(sim, tmp_path, homelab_template):
        yield tmp_path


async def test_the_mcp_propose_tool_runs_nothing(sim: SimulatorThread, home: Path) -> None:
    from mcp import Client
    from mcp_support import payload, server

    async with Client(server(sim, home, "--read-only")) as client:
        out = payload(await client.call_tool("propose", {"request": "kill all the k8s vms"}))
        refused = payload(await client.call_tool("propose", {"request": "don't stop db-01"}))
    assert out["commands"] == ["stop vm k8s-cp-1", "stop vm k8s-worker-1", "stop vm k8s-worker-2"]
    assert out["needs_confirmation"] and out["risk"] == "disruptive" and len(out["targets"]) == 3
    assert not refused["understood"] and refused["commands"] == []
    assert status(sim, 104) == "running"


async def test_the_console_lists_every_target_and_wants_the_count_typed(sim: SimulatorThread, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from textual.widgets import Input, Static
    from tui_support import make_app, settle

    from pmpc_tui.tui.widgets.confirm import ConfirmScreen
    from pmpc_tui.tui.widgets.repl import ReplPane

    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await pilot.pause()
        pane = app.screen.query_one(ReplPane)
        pane.input.value = "kill all the k8s vms"
        await pilot.press("enter")
        deadline = time.monotonic() + 30  # the REPL's worker waits on the dialog: wait for the screen, not it
        while not isinstance(app.screen, ConfirmScreen) and time.monotonic() < deadline:
            await pilot.pause(0.1)
        dialog = app.screen
        assert isinstance(dialog, ConfirmScreen) and dialog.type_to_confirm == "3"
        shown = str(dialog.query_one("#question", Static).render())
        assert all(f"stop vm {n}" in shown for n in ("k8s-cp-1", "k8s-worker-1", "k8s-worker-2"))
        await pilot.press("y")  # one key is not enough
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and status(sim, 104) == "running"
        dialog.query_one("#typed", Input).value = ""
        await pilot.press("3", "enter")
        await settle(app, pilot)
    assert settled(sim, (104, 105, 106), "stopped") == ["stopped"] * 3
    assert status(sim, 101) == "running"
