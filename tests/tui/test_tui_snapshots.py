"""The snapshots dialog (`n` on the guests screen) and the details pane's snapshot tree, driven with Pilot
against the simulator (issue #15)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_support import make_app, open_vms_at, settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.snapshots_dialog import SnapshotNameDialog, SnapshotsDialog


@pytest.fixture(scope="module")
def lab() -> Iterator[SimulatorThread]:
    """One simulator for the module; each test works on its own guest."""
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def snapshot_names(sim: SimulatorThread, vmid: int) -> list[str]:
    return sim.call(lambda: list(sim.sim.cluster.guests[vmid].snapshots))


def tree_text(app: object) -> list[str]:
    tree = app.screen.query_one("#snapshots-tree")  # type: ignore[attr-defined]
    return [str(tree.get_option_at_index(i).prompt) for i in range(tree.option_count)]


async def test_n_takes_a_snapshot_and_rolls_back_to_it_after_typing_its_name(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 106) as (app, pilot, _table):
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, SnapshotsDialog)
        assert tree_text(app) == ["● current (You are here)"]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SnapshotNameDialog)
        await pilot.press(*"1bad", "enter")  # not a snapshot name: said at once, nothing sent
        await pilot.pause()
        assert isinstance(app.screen, SnapshotNameDialog) and snapshot_names(lab, 106) == []
        app.screen.query_one("#snapshot-name").value = ""  # type: ignore[attr-defined]
        await pilot.press(*"good-state", "enter")
        await settle(app, pilot)
        assert snapshot_names(lab, 106) == ["good-state"]
        assert tree_text(app)[0].startswith("good-state · ") and tree_text(app)[1] == "  └ ● current (You are here)"
        lab.control("POST", "/guests/106/config", {"cores": 8})
        await pilot.press("up", "r")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert "Roll back VM 106 (k8s-worker-2) on pve1 to snapshot 'good-state'?" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press(*"good-state", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SnapshotsDialog)
        assert lab.call(lambda: lab.sim.cluster.guests[106].config["cores"]) == 4
        status = str(app.screen.query_one("#snapshots-status").render())
        assert "roll back VM 106 (k8s-worker-2) on pve1 to 'good-state': OK — now stopped" in status


async def test_delete_asks_for_the_name_and_current_is_not_a_snapshot(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 109) as (app, pilot, _table):
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("c", *"old", "enter")
        await settle(app, pilot)
        await pilot.press("x")  # the cursor is on `current`
        await pilot.pause()
        assert isinstance(app.screen, SnapshotsDialog)
        assert "not a snapshot" in str(app.screen.query_one("#snapshots-status").render())
        await pilot.press("up", "x")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: still there
        await settle(app, pilot)
        assert snapshot_names(lab, 109) == ["old"]
        await pilot.press("x", *"old", "enter")
        await settle(app, pilot)
        assert snapshot_names(lab, 109) == []
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "GuestsScreen"


async def test_the_details_pane_shows_the_snapshot_tree(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 108, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("c", *"first", "enter")
        await settle(app, pilot)
        await pilot.press("c", *"second", "enter")
        await settle(app, pilot)
        await pilot.press("escape", "enter")
        await settle(app, pilot)
        details = app.screen.query_one("#details")
        text = "\n".join(str(line) for line in details.data["snapshot_tree"])  # type: ignore[attr-defined]
        assert text.splitlines()[0].startswith("first") and text.splitlines()[1].startswith("  └ second")
        assert text.splitlines()[2] == "    └ ● current (You are here)"


async def test_n_on_marked_guests_takes_one_snapshot_name_for_each(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 103) as (app, pilot, _table):
        await pilot.press("space", "space")  # marks 103 and 104
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SnapshotNameDialog)
        assert "all 2 marked" in str(app.screen.query_one("#name-title").render())
        await pilot.press(*"nightly", "enter")
        await settle(app, pilot)
        assert snapshot_names(lab, 103) == ["nightly"] and snapshot_names(lab, 104) == ["nightly"]
        assert any("snapshot 'nightly' taken of 2 of 2 guests" in n.message for n in app._notifications)


async def test_the_repl_runs_snapshot_commands_and_asks_for_the_name_before_a_rollback(
        lab: SimulatorThread, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pmpc_tui.tui.screens.console import ConsoleScreen
    from pmpc_tui.tui.widgets.repl import ReplPane, repl_session

    monkeypatch.setenv("PMPC_STATE_DIR", str(tmp_path))
    app = make_app(lab)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await pilot.pause()
        assert isinstance(app.screen, ConsoleScreen)

        async def run(line: str) -> None:
            app.screen.query_one(ReplPane).input.value = line
            await pilot.press("enter")
            await settle(app, pilot)

        await run("snapshot create ct grafana repl-snap")
        await run("snapshot list ct grafana")
        transcript = "\n".join(str(line) for line in repl_session(app).transcript)
        assert "repl-snap" in transcript and "● current (You are here)" in transcript
        app.screen.query_one(ReplPane).input.value = "snapshot rollback ct grafana repl-snap"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")  # declined: nothing is sent
        await settle(app, pilot)
        tasks = lab.call(lambda: [t.type for t in lab.sim.cluster.tasks.values() if t.id == "202"])
        assert "vzrollback" not in tasks and "vzsnapshot" in tasks


@pytest.fixture
def managed_ws(lab: SimulatorThread, tmp_path: Path) -> Iterator[Path]:
    """A workspace imported from the module's simulator (the CLI runs outside the test's event loop)."""
    from iac_support import cli_environment, run_cli

    with cli_environment(lab, tmp_path):
        assert run_cli(tmp_path, "init", str(tmp_path / "ws")) == 0
        assert run_cli(tmp_path / "ws", "import") == 0
        yield tmp_path / "ws"


async def test_a_rollback_of_a_guest_the_code_manages_says_it_drifted(lab: SimulatorThread, managed_ws: Path) -> None:
    from tui_support import editor_app

    app = editor_app(lab, managed_ws)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms_at(app, pilot, 110)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("c", *"managed", "enter")
        await settle(app, pilot)
        await pilot.press("up", "r", *"managed", "enter")
        await settle(app, pilot)
        status = str(app.screen.query_one("#snapshots-status").render())
        assert "to 'managed': OK" in status
        assert "drift: guest 110 (proxmox_virtual_environment_vm." in status
        assert "import --guest 110" in status
