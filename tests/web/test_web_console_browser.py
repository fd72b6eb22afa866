"""A real browser (Debian's chromium, driven by Playwright) logs in, uses the console, starts a VM, sees an event.

`make test` installs chromium with apt when it is missing (never a downloaded build, never `playwright install`).
The terminal draws on a canvas, so "the dashboard appears" is read from what the page's terminal received over
its WebSocket (the same bytes xterm.js draws), together with the page showing the terminal (`-first-byte`).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from collections.abc import Iterator
from typing import Any

import pytest
from web_console_support import Served, serve

from pmpc_tui.simulator.server import SimulatorInfo, SimulatorThread

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DASHBOARD = b"Recent tasks"  # a heading of the dashboard screen
EVENTS_ROUTE = importlib.util.find_spec("pmpc_tui.web.events_routes") is not None


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, SimulatorInfo]]:
    with SimulatorThread(task_speed=0.02) as sim, serve(sim.info, tmp_path_factory.mktemp("web")) as served:
        yield served, sim.info


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless system chromium (skips when chromium or Playwright is missing: `make test` installs both)."""
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make browser installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


def log_in(page: Any, served: Served, sim: SimulatorInfo) -> None:
    page.goto(served.url + "/console")
    page.wait_for_url("**/login?next=/console")
    page.fill("#username", "root")
    page.fill("#realm", "pam")
    page.fill("#password", "not-the-password")
    page.click("#submit")
    page.locator("#message", has_text="wrong user name, realm or password").wait_for()
    assert page.url.endswith("/login?next=/console") and page.input_value("#password") == ""
    page.fill("#realm", "pam")
    page.fill("#password", sim.password)
    page.click("#submit")
    page.wait_for_url("**/console")


def terminal_received(page: Any) -> bytearray:
    """Everything the page's console WebSocket receives from now on (binary frames: the terminal's output)."""
    received = bytearray()

    def on_socket(ws: Any) -> None:
        if ws.url.split("?")[0].endswith("/console/ws"):
            ws.on("framereceived", lambda payload: received.extend(payload) if isinstance(payload, bytes) else None)
    page.on("websocket", on_socket)
    return received


def wait_for(predicate: Any, timeout: float, page: Any) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return bool(predicate())


def test_a_browser_logs_in_sees_the_dashboard_starts_a_vm_and_an_event_arrives(
        web: tuple[Served, SimulatorInfo], browser: Any) -> None:
    served, sim = web
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    remote: list[str] = []
    page.on("request", lambda request: remote.append(request.url)
            if not request.url.startswith((served.url, served.url.replace("https", "wss"), "data:")) else None)
    received = terminal_received(page)
    try:
        log_in(page, served, sim)
        assert wait_for(lambda: DASHBOARD in received, 90, page), "the dashboard never reached the browser"
        page.wait_for_selector("body.-first-byte", timeout=30_000)  # the page shows the terminal
        assert not remote, f"the page reached outside the server: {remote}"

        if EVENTS_ROUTE:  # the event stream, opened from the page with its login cookie
            page.evaluate("""() => { window.pmpcEvents = [];
                const ws = new WebSocket(location.origin.replace('https', 'wss') + '/api/v1/events');
                ws.onmessage = (m) => window.pmpcEvents.push(JSON.parse(m.data)); window.pmpcSocket = ws; }""")
            assert wait_for(lambda: page.evaluate("window.pmpcEvents.length") > 0, 30, page)

        guests = page.evaluate("""async () => (await (await fetch('/api/v1/guests?kind=vm&status=stopped')).json())""")
        rows = guests if isinstance(guests, list) else next(v for v in guests.values() if isinstance(v, list))
        stopped = next(g for g in rows if g.get("status") == "stopped" and not g.get("template"))
        answer = page.evaluate("""async (vmid) => {
            const r = await fetch(`/api/v1/guests/vm/${vmid}/start`, {method: 'POST',
                headers: {'X-CSRF-Token': sessionStorage.getItem('pmpc_csrf'), 'Content-Type': 'application/json'},
                body: '{}'});
            return {status: r.status, body: await r.text()}; }""", stopped["vmid"])
        assert answer["status"] in (200, 202), answer
        without_csrf = page.evaluate("""async (vmid) => (await fetch(`/api/v1/guests/vm/${vmid}/start`,
            {method: 'POST', body: '{}'})).status""", stopped["vmid"])
        assert without_csrf == 403

        if EVENTS_ROUTE:
            def started() -> bool:
                events = page.evaluate("window.pmpcEvents")
                return any(e["type"].startswith("task.") or e["type"] == "guest.status" for e in events)
            assert wait_for(started, 60, page), json.dumps(page.evaluate("window.pmpcEvents"))[:2000]
        else:
            pytest.xfail("STEP PENDING: /api/v1/events is not merged into this branch yet (webevents)")
    finally:
        context.close()
