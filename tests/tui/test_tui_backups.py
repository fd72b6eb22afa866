"""The console's backup keys, driven headless with Pilot against the simulator: `b` backs up with a small
form and a progress bar, `B` lists the guest's archives and restores one."""

from __future__ import annotations

from textual.widgets import DataTable, ProgressBar
from tui_support import make_app, open_vms_at, settle, vms_screen

from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.guest_table import GuestTable


def _archives(sim: SimulatorThread, vmid: int) -> list[str]:
    return sim.call(lambda: sorted(v.volid for v in sim.sim.cluster.volumes.values()
                                   if v.content == "backup" and v.vmid == vmid))


async def test_b_backs_up_the_selected_vm_with_the_chosen_storage_and_shows_progress(sim: SimulatorThread) -> None:
    app = make_app(sim)
    before = _archives(sim, 109)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_vms_at(app, pilot, 109)
        await pilot.press("b")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "BackupFormScreen"
        app.screen.query_one("#storage").value = "nas"  # type: ignore[attr-defined]
        app.screen.query_one("#compress").value = "gzip"  # type: ignore[attr-defined]
        await pilot.click("#go")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ProgressScreen"
        await settle(app, pilot)
        assert app.screen.query_one(ProgressBar).percentage == 1.0
        assert "done" in str(app.screen.query_one("#outcome").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert any("backup of VM 109 (dev-sandbox): OK" in n.message for n in app._notifications)
    new = sorted(set(_archives(sim, 109)) - set(before))
    assert len(new) == 1 and new[0].startswith("nas:backup/vzdump-qemu-109-") and new[0].endswith(".vma.gz")


async def test_b_on_marked_guests_backs_them_all_up(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("space")
        table = app.screen.query_one(GuestTable)
        table.move_cursor(row=table.get_row_index("106"))
        await pilot.press("space", "b")
        await settle(app, pilot)
        app.screen.query_one("#storage").value = "local"  # type: ignore[attr-defined]
        await pilot.click("#go")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
    assert any(v.startswith("local:backup/vzdump-qemu-101-") for v in _archives(sim, 101))
    assert any(v.startswith("local:backup/vzdump-qemu-106-") for v in _archives(sim, 106))


async def test_restore_over_the_vm_needs_its_typed_name(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 109, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("B")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "BackupsScreen"
        assert app.screen.query_one(DataTable).row_count >= 1
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "RestoreFormScreen"
        await pilot.press("enter")  # VMID 109, the guest itself: asks for its name
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press(*"dev-sandbox", "enter")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "ProgressScreen"
        assert "done" in str(app.screen.query_one("#outcome").render())
    tasks = sim.call(lambda: [t.type for t in sim.sim.cluster.tasks.values() if t.id == "109"])
    assert "qmrestore" in tasks


async def test_restore_of_a_running_vm_is_explained_and_nothing_is_sent(sim: SimulatorThread) -> None:
    async with vms_screen(sim, 101, size=(120, 40)) as (app, pilot, _table):
        await pilot.press("B")
        await settle(app, pilot)
        writes = sim.sim.api.write_count
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "RestoreFormScreen"
        assert "running" in str(app.screen.query_one("#restore-error").render())
        assert sim.sim.api.write_count == writes
