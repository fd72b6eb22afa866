"""Running the app under uvicorn on the current event loop, with TLS, and saying where it listens."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from pmpc_tui.services.session import Session
from pmpc_tui.services.web_sessions import WebCluster
from pmpc_tui.services.web_tls import ServerCertificate
from pmpc_tui.web.config import WebConfig

# seconds an idle client connection stays open (uvicorn's default 5 s races clients that reuse a connection
# after a pause: "server disconnected without sending a response"; reverse proxies keep 60 to 75 s)
KEEP_ALIVE = 30


def web_config(session: Session, read_only: bool, fingerprint: str) -> WebConfig:
    """The server's configuration from the serve command's session: its profile's cluster, no credentials."""
    session.read_only = session.read_only or read_only  # --read-only: its state database is only read
    profile = session.active_profile()
    cluster = WebCluster.from_profile(profile)
    ws = session.workspace()
    return WebConfig(cluster=cluster, server_session=session, read_only=read_only, fingerprint=fingerprint,
                     workspace=ws.root if ws is not None else None)


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"https://{shown}:{port}"


async def run_server(config: WebConfig, host: str, port: int, cert: ServerCertificate,
                     listening: Callable[[str], None]) -> None:
    """Serve until interrupted; `listening(url)` is called once the socket accepts connections."""
    import uvicorn

    from pmpc_tui.web.app import build_app

    app = build_app(config)
    uv = uvicorn.Config(app, host=host, port=port, ssl_certfile=str(cert.cert_file), ssl_keyfile=str(cert.key_file),
                        log_level="warning", access_log=False, lifespan="on",
                        server_header=False, proxy_headers=False, timeout_keep_alive=KEEP_ALIVE)
    server = uvicorn.Server(uv)
    logging.getLogger("uvicorn.error").propagate = True
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task  # it failed to start: its error is raised here
            return
        await asyncio.sleep(0.02)
    bound = port
    for srv in server.servers:
        for sock in srv.sockets:
            bound = sock.getsockname()[1]
            break
    listening(url_of(host, bound))
    await task
