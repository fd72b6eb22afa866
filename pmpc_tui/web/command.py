"""`proxmox-mpc serve`: the web server on loopback by default, always over TLS."""

from __future__ import annotations

import argparse
import json
import sys

from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import Result


async def serve(ctx: CommandContext, args: argparse.Namespace) -> Result:
    from pmpc_tui.services.inputs import check_port
    from pmpc_tui.services.web_sessions import check_serve_limits
    from pmpc_tui.services.web_tls import server_certificate
    from pmpc_tui.services.webhooks import webhooks_for
    from pmpc_tui.web.server import run_server, web_config

    check_port(args.port, allow_zero=True)
    check_serve_limits(args.idle_timeout, args.login_limit, args.cache_ttl)
    cert = server_certificate(args.cert, args.key, args.host)
    config = web_config(ctx.session, args.read_only, cert.fingerprint)
    config.idle_timeout, config.login_limit, config.read_cache_ttl = args.idle_timeout, args.login_limit, args.cache_ttl
    config.webhooks = await webhooks_for(ctx.session.workspace())  # a bad secret file stops serve here

    def listening(url: str) -> None:
        config.url = url
        if args.json:
            print(json.dumps({"url": url, "fingerprint": cert.fingerprint}), flush=True)
        else:
            mode = " (read-only)" if args.read_only else ""
            print(f"proxmox-mpc web{mode} on {url}\n  certificate SHA-256 fingerprint: {cert.fingerprint}\n"
                  f"  cluster: {config.cluster.url} — log in with your Proxmox VE user", file=sys.stderr, flush=True)

    await run_server(config, args.host, args.port, cert, listening)
    return Result()
