"""Plain English in the console's REPL is read off the event loop: while a request is being understood (the
first one loads the model), the console keeps taking keys."""

from __future__ import annotations

import threading
import time

from tui_support import make_app, settle

from pmpc_tui.nl.parser import parse_request
from pmpc_tui.nl.proposal import Proposal
from pmpc_tui.nl.propose import use_parser
from pmpc_tui.services.names import Names
from pmpc_tui.simulator.server import SimulatorThread
from pmpc_tui.tui.widgets.repl import ReplPane, repl_session


async def test_the_repl_keeps_taking_keys_while_a_request_is_understood(sim: SimulatorThread) -> None:
    release = threading.Event()
    reading: dict[str, threading.Thread] = {}

    def slow_parser(text: str, names: Names) -> Proposal:
        """The offline parser, held until the test has typed (as a first request waits for the model)."""
        reading["thread"] = threading.current_thread()
        if not release.wait(20):
            raise TimeoutError("the test never let the parser go on")
        return parse_request(text, names)

    use_parser(slow_parser)
    try:
        app = make_app(sim)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(app, pilot)
            await pilot.press("8")
            await pilot.pause()
            pane = app.screen.query_one(ReplPane)
            pane.input.value = "which vms are running on pve2"
            await pilot.press("enter")
            deadline = time.monotonic() + 30
            while "thread" not in reading and time.monotonic() < deadline:
                await pilot.pause(0.05)
            await pilot.press("h", "i")  # typed while the request is still being read
            await pilot.pause()
            typed = pane.input.value
            shown_meanwhile = "\n".join(str(line) for line in repl_session(app).transcript)
            release.set()
            deadline = time.monotonic() + 30
            while "list vms" not in "\n".join(str(x) for x in repl_session(app).transcript) \
                    and time.monotonic() < deadline:
                await pilot.pause(0.05)
            shown = "\n".join(str(line) for line in repl_session(app).transcript)
    finally:
        release.set()
        use_parser(parse_request)
    assert reading["thread"] is not threading.current_thread()  # not on the console's event loop
    assert typed == "hi" and "list vms" not in shown_meanwhile
    assert "list vms --node pve2 --status running" in shown
