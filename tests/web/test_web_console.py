"""The console in the browser, as a browser's WebSocket sees it: `proxmox-mpc serve` against the simulator."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from web_console_support import COOKIE, Served, insecure_tls, login, serve, wait_until

from pmpc_tui.simulator.server import SimulatorInfo, SimulatorThread

pytestmark = pytest.mark.slow
DASHBOARD = b"Recent tasks"  # a heading of the dashboard screen


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, SimulatorInfo]]:
    """One server (at most 2 consoles, no spare: every console process counted is a tab's) for the simulator."""
    limits = {"PMPC_WEB_MAX_CONSOLES": "2", "PMPC_WEB_SPARE_CONSOLES": "0"}
    with SimulatorThread(task_speed=0.02) as sim, serve(sim.info, tmp_path_factory.mktemp("web"), **limits) as served:
        yield served, sim.info


@pytest.fixture(autouse=True)
def every_console_ends(web: tuple[Served, SimulatorInfo]) -> Iterator[None]:
    """After each test, every console it opened has ended (closing a socket stops its process)."""
    yield
    assert wait_until(lambda: not web[0].consoles(), 30), "a console outlived its WebSocket"


def connect(served: Served, cookie: str | None, origin: str | None = None,
            size: str = "?width=100&height=30") -> websockets.connect:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    return websockets.connect(served.ws_url + size, ssl=insecure_tls(), additional_headers=headers,
                              origin=origin or served.url, open_timeout=30)  # type: ignore[arg-type]


async def until_dashboard(ws: websockets.ClientConnection, timeout: float = 90) -> bytes:
    """The terminal output until the dashboard is drawn."""
    seen = b""
    deadline = time.monotonic() + timeout
    while DASHBOARD not in seen:
        message = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic()))
        if isinstance(message, bytes):
            seen += message
    return seen


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(web: tuple[Served, SimulatorInfo]) -> None:
    served, _ = web
    with served.client() as http:
        page = http.get("/console", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=/console"
        form = http.get("/login")
    assert form.status_code == 200
    assert 'id="username"' in form.text and 'id="password"' in form.text and "/api/v1/auth/login" not in form.text
    assert "/console/static/login.js" in form.text


def test_every_page_and_asset_comes_from_this_server_and_nothing_from_the_internet(
        web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    with served.client() as http:
        http.cookies.set(COOKIE, cookie)
        pages = {path: http.get(path) for path in ("/login", "/console")}
        assets: set[str] = set()
        for page in pages.values():
            assert page.status_code == 200
            assert page.headers["content-security-policy"].startswith("default-src 'self'")
            links = re.findall(r'(?:href|src)="([^"]+)"', page.text)
            assert links and all(link.startswith("/") and not link.startswith("//") for link in links), links
            assets.update(links)
        assert "fonts.googleapis" not in pages["/console"].text
        assert {"/console/assets/js/textual.js", "/console/assets/css/xterm.css",
                "/console/assets/fonts/RobotoMono-VariableFont_wght.ttf"} <= assets
        for link in assets - {"/console", "/login?next=/console"}:
            answer = http.get(link)
            assert answer.status_code == 200, link
            assert not re.search(rb"url\(\s*['\"]?https?:", answer.content), link
        assert http.get("/console/static/../console_routes.py").status_code == 404
    assert re.search(r'data-session-websocket-url="wss://127\.0\.0\.1:\d+/console/ws"', pages["/console"].text)


async def test_a_logged_in_user_sees_the_dashboard_and_closing_the_tab_ends_the_console(
        web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    async with connect(served, cookie) as ws:
        await until_dashboard(ws)
        consoles = served.consoles()
        assert len(consoles) == 1
        await ws.send('["ping", "42"]')
        while (answer := await asyncio.wait_for(ws.recv(), 30)) != '["pong", "42"]':
            assert isinstance(answer, bytes)  # screen updates may come first
        await ws.send('["resize", {"width": 120, "height": 40}]')
    assert await asyncio.to_thread(wait_until, lambda: not served.consoles(), 30), "the console outlived its tab"


async def test_keys_typed_in_the_page_reach_the_console_and_q_closes_the_tab_s_console(
        web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    async with connect(served, cookie) as ws:
        await until_dashboard(ws)
        await ws.send('["focus"]')
        await ws.send('["stdin", "q"]')
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 30)
    assert await asyncio.to_thread(wait_until, lambda: not served.consoles(), 30)


async def test_the_console_runs_as_the_logged_in_user_and_their_ticket_is_never_on_its_command_line(
        web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    async with connect(served, cookie) as ws:
        screen = await until_dashboard(ws)
        (pid,) = served.consoles()
        environ = Path(f"/proc/{pid}/environ").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    assert b"root@pam" in screen  # the header names whom the console works as
    # handed over through a pipe once the console was loaded: not in argv, not in the environment it started with
    assert b"PVE:" not in cmdline and sim.password.encode() not in cmdline
    assert b"PMPC_TICKET" not in environ and b"PVE:" not in environ
    # the server's own credentials (its profile's token in $LAB_TOKEN) stay with the server
    assert b"LAB_TOKEN" not in environ and sim.token_secret.encode() not in environ


async def test_a_websocket_without_a_login_is_refused_and_starts_no_console(web: tuple[Served, SimulatorInfo]) -> None:
    served, _ = web
    for cookie in (None, "not-a-session"):
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with connect(served, cookie):
                pass
        assert refused.value.response.status_code == 403
    assert not served.consoles()


async def test_a_websocket_from_another_sites_page_is_refused(web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    with pytest.raises(websockets.InvalidStatus):
        async with connect(served, cookie, origin="https://127.0.0.1:1"):
            pass
    assert not served.consoles()


async def test_a_console_beyond_the_servers_cap_is_told_to_try_again_later(web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, _ = login(served, sim)
    async with connect(served, cookie) as first, connect(served, cookie) as second:
        await asyncio.gather(until_dashboard(first), until_dashboard(second))
        async with connect(served, cookie) as third:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(third.recv(), 30)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013
        assert "consoles of this server are in use" in closed.value.rcvd.reason
        assert len(served.consoles()) == 2


def test_opening_the_console_page_loads_a_console_that_the_tabs_socket_then_uses(tmp_path: Path) -> None:
    async def open_tab(served: Served, cookie: str, spare: int) -> None:
        async with connect(served, cookie) as ws:
            await until_dashboard(ws)
            assert spare in served.consoles()  # the loaded spare became this tab's console

    with SimulatorThread(task_speed=0.02) as sim, serve(sim.info, tmp_path) as served:
        cookie, _ = login(served, sim.info)
        with served.client() as http:
            http.cookies.set(COOKIE, cookie)
            assert http.get("/console").status_code == 200
        assert wait_until(lambda: len(served.consoles()) == 1, 30)
        (spare,) = served.consoles()
        asyncio.run(open_tab(served, cookie, spare))
        assert wait_until(lambda: spare not in served.consoles(), 30)


async def test_logging_out_ends_the_console(web: tuple[Served, SimulatorInfo]) -> None:
    served, sim = web
    cookie, csrf = login(served, sim)
    async with connect(served, cookie) as ws:
        await until_dashboard(ws)
        with served.client() as http:
            http.cookies.set(COOKIE, cookie)
            assert http.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 30)
    assert await asyncio.to_thread(wait_until, lambda: not served.consoles(), 30)
