"""Operations on marked guests (Space on the VMs screen), driven headless with Pilot against the simulator:
migrate, settings and template in bulk; clone and disks say they work on one guest at a time."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, ProgressBar, Select
from tui_support import settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread


async def mark(app: Any, pilot: Any, table: Any, *vmids: int) -> None:
    """Put the cursor on each guest and mark it with Space."""
    for vmid in vmids:
        table.move_cursor(row=table.get_row_index(str(vmid)))
        await pilot.pause()
        await pilot.press("space")
    await pilot.pause()
    assert table.marked == set(vmids)


def notes(app: Any) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


def node_of(sim: SimulatorThread, vmid: int) -> str:
    return str(sim.call(lambda: sim.sim.cluster.guests[vmid].node))


async def test_m_on_marked_guests_migrates_each_one_and_skips_those_already_there(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 102, 109)
        await pilot.press("m")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "MigrateFormScreen"
        assert "3 guests" in str(app.screen.query_one("Static").render())
        app.screen.query_one("#node", Select).value = "pve2"
        await pilot.click("#go")
        await settle(app, pilot)
        assert "already on pve2: VM 102 (web-02)" in notes(app)
        assert app.screen.__class__.__name__ == "ProgressScreen"
        await settle(app, pilot)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        assert "done" in str(app.screen.query_one("#outcome").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert "migrated 2 of 2 guests to pve2" in notes(app)
        assert not table.marked
    assert [node_of(sim, v) for v in (101, 102, 109)] == ["pve2", "pve2", "pve2"]


async def test_a_refused_guest_is_listed_before_anything_is_sent_and_the_others_move(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 109)
        await pilot.press("m")
        await settle(app, pilot)
        app.screen.query_one("#node", Select).value = "pve3"
        app.screen.query_one("#online", Checkbox).value = False
        writes = sim.sim.api.write_count
        await pilot.click("#go")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert "refused: VM 101 (web-01) on pve1 is running" in notes(app) and "--online" in notes(app)
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert "migrated 1 of 1 guests to pve3" in notes(app)
        assert sim.sim.api.write_count > writes
    assert node_of(sim, 101) == "pve1" and node_of(sim, 109) == "pve3"


async def test_escape_in_the_bulk_migrate_form_sends_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 109)
        writes = sim.sim.api.write_count
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.sim.api.write_count == writes
        assert table.marked == {101, 109}
    assert node_of(sim, 101) == "pve1" and node_of(sim, 109) == "pve1"


def config(sim: SimulatorThread, vmid: int) -> dict[str, Any]:
    return dict(sim.call(lambda: dict(sim.sim.cluster.guests[vmid].config)))


def pending(sim: SimulatorThread, vmid: int) -> dict[str, Any]:
    return dict(sim.call(lambda: dict(sim.sim.cluster.guests[vmid].pending)))


async def test_e_on_marked_guests_sends_each_only_what_differs_and_names_what_waits_for_a_reboot(
        sim: SimulatorThread) -> None:
    from textual.widgets import Input

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 106, 109)
        await pilot.press("e")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "BulkSettingsDialog"
        assert not app.screen.query("#resize-disk")  # no disks in bulk
        app.screen.query_one("#bulk-cores", Input).value = "4"
        app.screen.query_one("#bulk-onboot", Select).value = "1"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        text = notes(app)
        assert "changed 3 of 3 guests" in text
        assert "VM 106 (k8s-worker-2) on pve1: onboot 0 → 1" in text  # already 4 cores: not sent again
        assert "pending until reboot" in text and "VM 101 (web-01) on pve1: cores 2 → 4" in text
    assert str(pending(sim, 101)["cores"]) == "4"  # running VM: waits for the reboot
    assert str(config(sim, 109)["cores"]) == "4" and str(config(sim, 109)["onboot"]) == "1"
    assert str(config(sim, 106)["cores"]) == "4" and "cores" not in pending(sim, 106)


async def test_bad_input_in_the_bulk_settings_stays_in_the_form_and_sends_nothing(sim: SimulatorThread) -> None:
    from textual.widgets import Input

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 109)
        writes = sim.sim.api.write_count
        await pilot.press("e")
        await settle(app, pilot)
        app.screen.query_one("#bulk-memory", Input).value = "lots"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "BulkSettingsDialog"
        assert "not a whole number" in str(app.screen.query_one("#bulk-status").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert sim.sim.api.write_count == writes


def is_template(sim: SimulatorThread, vmid: int) -> bool:
    return bool(sim.call(lambda: sim.sim.cluster.guests[vmid].is_template))


async def test_T_on_marked_guests_lists_the_refused_then_converts_the_rest_after_their_typed_number(
        sim: SimulatorThread) -> None:
    from textual.widgets import Input

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 107, 109)
        writes = sim.sim.api.write_count
        await pilot.press("T")
        await settle(app, pilot)
        assert "refused: VM 101 (web-01) on pve1 is running" in notes(app)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        question = str(app.screen.query_one("#question").render())
        assert "VM 107 (win11-desktop)" in question and "VM 109 (dev-sandbox)" in question
        assert "web-01" not in question
        assert sim.sim.api.write_count == writes  # nothing sent before the answer
        app.screen.query_one(Input).value = "2"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "2 of 2 guests are now templates" in notes(app)
    assert is_template(sim, 107) and is_template(sim, 109) and not is_template(sim, 101)


async def test_escape_at_the_bulk_template_question_converts_nothing(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 107, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 107, 109)
        await pilot.press("T")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.marked == {107, 109}
    assert not is_template(sim, 107) and not is_template(sim, 109)


async def test_y_and_v_on_marked_guests_say_they_work_on_one_guest_and_take_the_one_under_the_cursor(
        sim: SimulatorThread) -> None:
    from textual.widgets import Input

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 101, 102)
        table.move_cursor(row=table.get_row_index("104"))
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert "Clone works on one guest at a time (each clone needs its own name): VM 104 (k8s-cp-1)" in notes(app)
        assert app.screen.__class__.__name__ == "CloneFormScreen"
        assert app.screen.query_one("#name", Input).value == "k8s-cp-1-copy"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert ("The disks dialog works on one guest at a time (disk keys differ per guest): VM 104 (k8s-cp-1)"
                in notes(app))
        assert app.screen.__class__.__name__ == "DisksDialog"
        assert app.screen.vmid == 104  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.marked == {101, 102}  # the marks stay for the bulk operations


async def test_a_migration_that_fails_does_not_stop_the_others_and_the_summary_names_it(sim: SimulatorThread) -> None:
    from pmpc_tui.simulator.faults import FaultPlan

    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, table):
        await mark(app, pilot, table, 106, 109)
        await pilot.press("m")
        await settle(app, pilot)
        app.screen.query_one("#node", Select).value = "pve3"

        def fail_109() -> None:
            sim.sim.api.faults = FaultPlan(rate=1.0, kinds=("error",), path_regex=r"/qemu/109/migrate$",
                                           methods=("POST",))
        sim.call(fail_109)
        await pilot.click("#go")
        await settle(app, pilot)
        await settle(app, pilot)
        assert "1 of 2 failed" in str(app.screen.query_one("#outcome").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert "migrated 1 of 2 guests to pve3" in notes(app) and "failed: VM 109 (dev-sandbox)" in notes(app)
    assert node_of(sim, 106) == "pve3" and node_of(sim, 109) == "pve1"
