"""The settings dialog (`e`) and the disks dialog (`v`) on the guests screen, driven with Pilot against the
simulator (issue #16)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input, Select
from tui_support import settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.confirm import ConfirmScreen
from pmpc_tui.tui.widgets.disks_dialog import DisksDialog, MoveTargetDialog
from pmpc_tui.tui.widgets.settings_dialog import SettingsDialog


@pytest.fixture(scope="module")
def lab() -> Iterator[SimulatorThread]:
    """One simulator for the module; each test works on its own guest."""
    with SimulatorThread(task_speed=0.02) as thread:
        yield thread


def config(sim: SimulatorThread, vmid: int) -> dict:
    return sim.call(lambda: dict(sim.sim.cluster.guests[vmid].config))


def pending(sim: SimulatorThread, vmid: int) -> dict:
    return sim.call(lambda: dict(sim.sim.cluster.guests[vmid].pending))


async def test_e_changes_cores_and_grows_a_disk_and_offers_the_reboot_for_what_is_pending(
        lab: SimulatorThread) -> None:
    async with vms_screen(lab, 106, size=(100, 40)) as (app, pilot, _table):
        await pilot.press("e")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsDialog)
        assert app.screen.query_one("#set-cores", Input).value == "4"
        app.screen.query_one("#set-cores", Input).value = "6"
        assert app.screen.query_one("#resize-disk", Select).value == "scsi0"
        app.screen.query_one("#resize-size", Input).value = "+4G"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Pending until reboot: cores 4 → 6" in app.screen.question
        assert str(pending(lab, 106)["cores"]) == "6" and "size=64G" in config(lab, 106)["scsi0"]
        await pilot.press("escape")  # not now: the change stays pending
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "GuestsScreen" and str(config(lab, 106)["cores"]) == "4"


async def test_e_refuses_bad_input_in_the_dialog_and_sends_nothing(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 108, size=(100, 40)) as (app, pilot, _table):
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#resize-size", Input).value = "8G"  # smaller than its 32G
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsDialog)
        assert "shrinking disks is not supported" in str(app.screen.query_one("#settings-status").render())
        assert "size=32G" in config(lab, 108)["scsi0"]


async def test_v_moves_detaches_and_deletes_a_disk_after_typing_its_key(lab: SimulatorThread) -> None:
    async with vms_screen(lab, 109, size=(100, 40)) as (app, pilot, _table):
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, DisksDialog) and [r["disk"] for r in app.screen.rows] == ["scsi0"]
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, MoveTargetDialog)
        await pilot.press(*"nas", "enter")
        await settle(app, pilot)
        await pilot.press("escape")  # close the progress dialog once done
        await settle(app, pilot)
        assert config(lab, 109)["scsi0"].startswith("nas:")
        assert config(lab, 109)["unused0"] == "local-lvm:vm-109-disk-0"
        assert isinstance(app.screen, DisksDialog) and [r["disk"] for r in app.screen.rows] == ["scsi0", "unused0"]
        await pilot.press("down", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "local-lvm:vm-109-disk-0" in app.screen.question
        await pilot.press(*"unused0", "enter")
        await settle(app, pilot)
        assert "unused0" not in config(lab, 109)
        await pilot.press("up", "t")
        await settle(app, pilot)
        assert "scsi0" not in config(lab, 109) and config(lab, 109)["unused0"].startswith("nas:")
