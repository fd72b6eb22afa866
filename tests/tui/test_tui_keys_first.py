"""Issue #13: while the console handles a key, refresh work in worker threads waits (never for long), and
the table measures wide names right."""

from __future__ import annotations

import contextvars
import threading
import time

from pmpc_tui.services.live import KeysFirst
from pmpc_tui.tui.widgets.virtual_table import cell_widths


def _paused_for(gate: KeysFirst) -> float:
    took: list[float] = []

    def work() -> None:
        started = time.monotonic()
        gate.pause()
        took.append(time.monotonic() - started)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(5)
    return took[0]


def test_refresh_work_goes_on_at_once_when_no_key_is_being_handled() -> None:
    assert _paused_for(KeysFirst(limit=2.0)) < 0.5


def test_refresh_work_waits_for_a_key_until_its_frame_is_drawn() -> None:
    gate = KeysFirst(limit=5.0)
    gate.hold()
    threading.Timer(0.3, gate.release).start()
    assert 0.2 < _paused_for(gate) < 4.0


def test_a_key_whose_release_is_lost_holds_refresh_work_back_no_longer_than_the_limit() -> None:
    gate = KeysFirst(limit=0.3)
    gate.hold()
    assert 0.2 < _paused_for(gate) < 4.0
    assert _paused_for(gate) < 0.2  # past the limit, later pauses do not wait again


def test_a_wide_character_name_widens_its_column_by_two_cells_per_character() -> None:
    assert cell_widths([["101", "web"], ["102", "数据库"]], 2) == [3, 6]
    assert cell_widths([], 2) == [0, 0]


async def test_a_large_answer_is_decoded_only_when_no_key_is_being_handled() -> None:
    from tui_support import make_app

    from pmpc_tui.simulator.server import SimulatorThread

    with SimulatorThread(scenario="large", nodes=2, vms=600, cts=2, seed=1) as sim:
        app = make_app(sim)
        async with app.run_test(size=(100, 30)):
            await app.workers.wait_for_complete()  # the console's first refresh
            client = await app.client()
            gate = app.keys_first
            gate.hold()  # a key is being handled: the 600-guest answer waits for it
            threading.Timer(0.2, gate.release).start()
            started = time.monotonic()
            resources = await client.get("/cluster/resources")
            assert time.monotonic() - started >= 0.15
            assert len([r for r in resources if r["type"] == "qemu"]) == 600
            waits: list[str] = []
            ours: contextvars.ContextVar[bool] = contextvars.ContextVar("ours", default=False)
            ours.set(True)  # the client runs each call in a copy of its caller's context: the console's reads
            client.before_decode = lambda: waits.append("decode") if ours.get() else None  # are not counted
            assert (await client.get("/version"))["version"]
            assert waits == []  # a small answer is decoded at once
            await client.get("/cluster/resources")
            assert waits == ["decode"]
