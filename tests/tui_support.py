"""Helpers for driving the console headless with Pilot against the simulator."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual import events

from pmpc_tui.pve.client import ConnectionSettings, PVEClient
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.app import ProxmoxApp
from pmpc_tui.tui.widgets.guest_table import GuestTable


def make_app(sim: SimulatorThread, secret: str | None = None) -> ProxmoxApp:
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, secret or sim.info.token_secret,
                                  fingerprint=sim.info.fingerprint)

    async def factory() -> PVEClient:
        return await PVEClient(settings).connect()

    return ProxmoxApp(factory, demo=True, refresh_seconds=0)


async def settle(app: ProxmoxApp, pilot: object) -> None:
    """Wait for all of the app's work, then let it paint."""
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def open_vms_at(app: ProxmoxApp, pilot: object, vmid: int) -> None:
    """Wait for the first refresh, switch to the VMs screen and put the cursor on `vmid`."""
    await settle(app, pilot)
    await pilot.press("2")  # type: ignore[attr-defined]
    table = app.screen.query_one(GuestTable)
    table.move_cursor(row=table.get_row_index(str(vmid)))
    await pilot.pause()  # type: ignore[attr-defined]


@asynccontextmanager
async def vms_screen(sim: SimulatorThread, vmid: int,
                     size: tuple[int, int] = (80, 24)) -> AsyncIterator[tuple[ProxmoxApp, Any, GuestTable]]:
    """The console headless on the VMs screen, the cursor on `vmid` after the first read: (app, pilot, table)."""
    app = make_app(sim)
    async with app.run_test(size=size) as pilot:
        await open_vms_at(app, pilot, vmid)
        yield app, pilot, app.screen.query_one(GuestTable)


@asynccontextmanager
async def guests_on_screen(sim: SimulatorThread,
                           size: tuple[int, int] = (100, 30)) -> AsyncIterator[tuple[ProxmoxApp, Any, GuestTable]]:
    """The console headless on the VMs screen once its first read has landed: (app, pilot, table)."""
    app = make_app(sim)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        yield app, pilot, app.screen.query_one(GuestTable)


async def choose_in_palette(pilot: Any, text: str) -> None:
    """Open the command palette, type `text`, let it search, and take its first match."""
    await pilot.press("ctrl+p", *text)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def settle_editor(app: ProxmoxApp, pilot: object) -> None:
    """Wait for the app's work, except the file tree's loader, which runs for as long as the tree exists."""
    busy = [w for w in app.workers if w.name != "_loader"]
    if busy:  # an empty list would mean "all workers" to wait_for_complete
        await app.workers.wait_for_complete(busy)
    await pilot.pause()  # type: ignore[attr-defined]


async def settle_until(app: ProxmoxApp, pilot: object, done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Settle until `done()` holds: the work a button press starts begins a few messages later, so one settle
    right after the press can find nothing running yet (seen on a loaded machine)."""
    deadline = time.monotonic() + timeout
    await settle_editor(app, pilot)
    while not done() and time.monotonic() < deadline:
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        await settle_editor(app, pilot)


def editor_app(sim: SimulatorThread, root: Path | None) -> ProxmoxApp:
    user, token = sim.info.token_id.split("!")
    settings = ConnectionSettings(sim.info.url, user, token, sim.info.token_secret, fingerprint=sim.info.fingerprint)

    async def factory() -> PVEClient:
        return await PVEClient(settings).connect()

    return ProxmoxApp(factory, refresh_seconds=0, workspace_root=root)


def type_ahead(app: ProxmoxApp, *keys: tuple[str, str | None]) -> None:
    """Send (key, character) events back to back, with no pause between them, as a terminal delivers keys typed
    ahead (Pilot's `press` waits for the console to go idle after each key)."""
    driver = app._driver
    assert driver is not None
    for key, char in keys:
        event = events.Key(key, char)
        event.set_sender(app)
        driver.send_message(event)
