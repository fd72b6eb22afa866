"""`proxmox-mpc` entry point: parse arguments, run the command's handler, render, exit with a code."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pmpc_tui import __version__
from pmpc_tui.commands.registry import COMMANDS, OUTPUT_FORMATS

if TYPE_CHECKING:
    from pmpc_tui.pve.client import ConnectionSettings
    from pmpc_tui.simulator.server import SimulatorProcess

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

EPILOG = """exit codes: 0 ok · 1 error · 2 invalid input · 3 cannot connect/authenticate · 4 not found ·
5 permission denied · 6 conflict or locked · 130 interrupted
docs: README.md and docs/ — try `proxmox-mpc --demo` for a simulated cluster."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="proxmox-mpc", description="Keyboard-driven console and CLI for Proxmox VE infrastructure-as-code.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"proxmox-mpc {__version__}")
    parser.add_argument("--profile", "-p", help="connection profile to use (default: the active one)")
    parser.add_argument("--output", "-o", choices=OUTPUT_FORMATS, default="table", help="output format")
    parser.add_argument("--demo", action="store_true",
                        help="start the bundled simulator and run against it (no real cluster needed)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help,
                           epilog=command.examples_epilog("proxmox-mpc "),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        command.configure_parser(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _run_console(args)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


async def _run(args: argparse.Namespace) -> int:
    from pmpc_tui.cli.render import render
    from pmpc_tui.commands.context import CommandContext
    from pmpc_tui.commands.registry import BY_NAME
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.pve.errors import PVEError

    def report(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    ctx = CommandContext(profile_name=args.profile, report=report)
    demo = None
    try:
        if args.demo:
            demo = await _start_demo(ctx)
        command = BY_NAME[args.command]
        handler = command.load()
        result = await handler(ctx, args)
        text = render(result, args.output)
        if text:
            print(text)
        return result.exit_code
    except PVEError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    finally:
        await ctx.close()
        if demo is not None:
            demo.stop()


def _run_console(args: argparse.Namespace) -> int:
    """Open the full-screen console on the active profile (or on the demo simulator)."""
    from pmpc_tui.app import ProxmoxApp
    from pmpc_tui.config.profiles import ProfileError, ProfileStore
    from pmpc_tui.pve.client import PVEClient
    from pmpc_tui.simulator.server import SimulatorProcess

    demo_proc = None
    try:
        if args.demo:
            print("starting the demo cluster (Proxmox VE API simulator, homelab scenario)…", file=sys.stderr)
            demo_proc = SimulatorProcess("--scenario", "homelab", "--task-speed", "0.3")
            settings = _demo_settings(demo_proc)
            label = "DEMO"
        else:
            try:
                profile = ProfileStore().get(args.profile)
                settings = profile.settings()
            except ProfileError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 3
            label = f"{profile.name} · {profile.url}"

        async def client_factory() -> PVEClient:
            return await PVEClient(settings).connect()

        ProxmoxApp(client_factory, demo=args.demo, cluster_label=label).run()
        return 0
    finally:
        if demo_proc is not None:
            demo_proc.stop()


def _demo_settings(proc: SimulatorProcess) -> ConnectionSettings:
    from pmpc_tui.pve.client import ConnectionSettings

    user, token = proc.info.token_id.split("!", 1)
    return ConnectionSettings(proc.info.url, user, token, proc.info.token_secret, fingerprint=proc.info.fingerprint)


async def _start_demo(ctx: object) -> SimulatorProcess:
    """Start the simulator in a child process and point the context at it (nothing is saved)."""
    from pmpc_tui.commands.context import CommandContext
    from pmpc_tui.config.profiles import Profile
    from pmpc_tui.simulator.server import SimulatorProcess

    assert isinstance(ctx, CommandContext)
    ctx.report("starting the demo cluster (Proxmox VE API simulator, homelab scenario)…")
    proc = await asyncio.to_thread(SimulatorProcess, "--scenario", "homelab", "--task-speed", "0.3")
    info = proc.info
    os.environ["PMPC_DEMO_TOKEN_SECRET"] = info.token_secret
    user, token = info.token_id.split("!", 1)
    ctx.profile = Profile(name="demo", url=info.url, user=user, token_name=token, secret_source="env",
                          secret_ref="PMPC_DEMO_TOKEN_SECRET", fingerprint=info.fingerprint)
    ctx.report(f"DEMO cluster at {info.url} (certificate pinned {info.fingerprint[:23]}…)")
    return proc


if __name__ == "__main__":
    raise SystemExit(main())
