"""`proxmox-mpc` entry point: parse arguments, run the command's handler, render, exit with a code."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from pmpc_tui import __version__
from pmpc_tui.commands.registry import COMMANDS, OUTPUT_FORMATS, decimal_number
from pmpc_tui.exit_codes import ExitCode

if TYPE_CHECKING:
    from pmpc_tui.simulator.server import SimulatorProcess

EPILOG = """exit codes: 0 ok · 1 error · 2 changes/drift/findings present · 3 cannot connect/authenticate ·
4 not found · 5 permission denied · 6 confirmation refused or missing · 7 conflict (running, locked,
changed since read, unfinished apply, kept edits) · 64 usage error · 65 the workspace's code does not
parse · 130 interrupted
docs: README.md and docs/ — try `proxmox-mpc --demo` for a simulated cluster."""


class CliParser(argparse.ArgumentParser):
    """argparse whose usage errors exit 64 (EX_USAGE), never 2: 2 means "changes present"."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _env_seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(
        prog="proxmox-mpc", description="Keyboard-driven console and CLI for Proxmox VE infrastructure-as-code.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"proxmox-mpc {__version__}")
    parser.add_argument("--profile", "-p", action="append", metavar="PROFILE",
                        help="connection profile to use (default: the active one); repeat it to read several "
                             "clusters at once (list, describe, health, tasks, test-connection; the console)")
    parser.add_argument("--all-profiles", action="store_true",
                        help="read every saved profile's cluster at once (the commands above)")
    parser.add_argument("--cluster-timeout", type=decimal_number, default=30.0, metavar="SECONDS",
                        help="with several clusters: seconds each may take before it counts as unreachable")
    parser.add_argument("--output", "-o", choices=OUTPUT_FORMATS, default="table", help="output format")
    parser.add_argument("--refresh", type=decimal_number, default=_env_seconds("PMPC_REFRESH", 5.0),
                        metavar="SECONDS", help="console refresh interval (default 5, or $PMPC_REFRESH; 0 = manual)")
    parser.add_argument("--demo", action="store_true",
                        help="start the bundled simulator and run against it (no real cluster needed)")
    parser.register("action", "parsers", _CommandParsers)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.help,
                           epilog=command.examples_epilog("proxmox-mpc "),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.unconfigured[command.name] = (command, p)  # type: ignore[attr-defined]
    return parser


class _CommandParsers(argparse._SubParsersAction):  # type: ignore[type-arg]
    """The commands' parsers, each filled with its arguments only when that command is run (or asked for help):
    setting up all 30 cost every start ~25 ms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unconfigured: dict[str, tuple[Any, argparse.ArgumentParser]] = {}

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        pending = self.unconfigured.pop(values[0], None) if values else None
        if pending is not None:
            command, subparser = pending
            command.configure_parser(subparser)
        super().__call__(parser, namespace, values, option_string)


def _profiles(args: argparse.Namespace) -> list[str]:
    """Every `--profile` given (a subcommand's own `--profile`, such as `init`'s, replaces the list)."""
    value = args.profile
    names = value if isinstance(value, list) else [value] if value else []
    args.profile = names[-1] if names else None  # one profile: exactly as before
    return names


def main(argv: Sequence[str] | None = None, *, process: bool = False) -> int:
    """Run one command; `process`: this is the whole process (`run()`), so its garbage collection may be tuned."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.profiles = _profiles(args)
    if args.command is None:
        return _run_console(args)
    import asyncio  # here, not at the top: `--help` and usage errors leave without it (~30 ms of a 0.15 s start)

    if process and args.command not in SERVING:
        _fewer_collections()  # never for a caller in-process (a test, an embedding): its thresholds stay its own
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


SERVING = frozenset({"mcp", "serve", "simulator", "logs", "health"})  # may run long: the usual collections


def _fewer_collections() -> None:
    """A one-shot command collects garbage rarely: the modules loaded so far are frozen out of every collection
    and the young generation holds 50,000 allocations, not 700 (as import, plan and the reader children do)."""
    import gc

    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def run() -> NoReturn:
    """The process's entry point: `main()`, then, once the exit handlers ran and the output is flushed, leave
    without tearing down every module and object (~40 ms of a 0.2 s command). With other threads still
    running, the interpreter exits normally and waits for them."""
    import threading

    code = int(main(process=True))
    if threading.active_count() > 1:
        raise SystemExit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said there
            pass
    os._exit(code)


async def _run(args: argparse.Namespace) -> int:
    from pmpc_tui.commands.context import CommandContext
    from pmpc_tui.commands.registry import BY_NAME
    from pmpc_tui.commands.render import render
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.pve.errors import PVEError

    def report(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    from pmpc_tui.observability.correlation import operation
    from pmpc_tui.observability.logfile import setup_logging
    from pmpc_tui.services.session import Session

    ctx = CommandContext(session=Session(profile_name=args.profile), report=report)
    demo = None
    several_clusters = args.command == "init" and getattr(args, "cluster", None)  # init's --profile in pairs
    if (args.all_profiles or len(set(args.profiles)) > 1) and not several_clusters:
        return await _run_grouped(args, report)
    if args.command == "mcp" and getattr(args, "read_only", False):
        ctx.session.read_only = True  # as its server will set it: not even a memo of proxmox-mpc.yaml is written
    try:
        ws = ctx.workspace()
        # `mcp --read-only` writes nothing, not even its log file
        setup_logging(ws.root if ws else None, to_file=not getattr(args, "read_only", False))
        command = BY_NAME[args.command]
        if args.demo and not (command.offline_flag and getattr(args, command.offline_flag, False)):
            demo = await _start_demo(ctx)
        handler = command.load()
        with operation(args.command):
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
        return ExitCode.CONNECT
    except BrokenPipeError:  # `proxmox-mpc list vms | head`: the reader had enough; leave quietly
        _silence_stdout()
        return ExitCode.OK
    except Exception as exc:  # a bug or an unforeseen OS error: one short line here, the traceback in the log
        return _unexpected(exc)
    finally:
        await ctx.close()
        if demo is not None:
            demo.stop()


async def _run_grouped(args: argparse.Namespace, report: Callable[[str], None]) -> int:
    """A read command on several clusters at once, grouped by cluster (exit 1 when any failed)."""
    from pmpc_tui.commands.multi_handlers import run_grouped
    from pmpc_tui.commands.render import render
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.observability.correlation import operation
    from pmpc_tui.observability.logfile import setup_logging
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.multi_cluster import chosen_profiles

    if args.demo:
        print("error: --demo runs one simulated cluster; it does not go with several profiles", file=sys.stderr)
        return ExitCode.USAGE
    if not math.isfinite(args.cluster_timeout) or args.cluster_timeout <= 0:
        print("error: --cluster-timeout must be a positive number of seconds", file=sys.stderr)
        return ExitCode.USAGE
    try:
        from pmpc_tui.workspace.find import find_workspace

        names = chosen_profiles(args.profiles, args.all_profiles)
        ws = find_workspace()
        setup_logging(ws.root if ws else None)
        with operation(args.command):
            result = await run_grouped(names, args, report, args.cluster_timeout)
        text = render(result, args.output)
        if text:
            print(text)
        return result.exit_code
    except PVEError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.CONNECT
    except BrokenPipeError:
        _silence_stdout()
        return ExitCode.OK
    except Exception as exc:
        return _unexpected(exc)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail on the closed pipe again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _unexpected(exc: Exception) -> int:
    """Report an error no handler expected without a traceback (that goes to the log file)."""
    import logging

    from pmpc_tui.pve.redact import redact

    logging.getLogger("pmpc.cli").error("unexpected error", exc_info=exc)
    text = redact(str(exc).splitlines()[0] if str(exc) else "")[:300]
    print(f"error: {type(exc).__name__}: {text}\n  → This is unexpected; `proxmox-mpc logs --level error` shows "
          "the details, `proxmox-mpc report-issue` bundles them for a bug report.", file=sys.stderr)
    return ExitCode.ERROR


def _run_console(args: argparse.Namespace) -> int:
    """Open the full-screen console on the active profile, the demo simulator, or the first-run screen."""
    from pmpc_tui.config.profiles import ProfileError
    from pmpc_tui.pve.errors import PVEError
    from pmpc_tui.services.connection import client_factory
    from pmpc_tui.services.console_launch import console_launch
    from pmpc_tui.tui.app import ProxmoxApp

    if not math.isfinite(args.refresh) or args.refresh < 0:
        print("error: --refresh must be 0 (off) or a number of seconds", file=sys.stderr)
        return ExitCode.USAGE
    group: list[str] | None = None
    try:
        if args.all_profiles or len(set(args.profiles)) > 1:  # group mode: several clusters open, one current
            from pmpc_tui.services.multi_cluster import chosen_profiles

            if args.demo:
                print("error: --demo runs one simulated cluster; it does not go with several profiles",
                      file=sys.stderr)
                return ExitCode.USAGE
            group = chosen_profiles(args.profiles, args.all_profiles)
            args.profile = group[0]
        launch = console_launch(args.profile, args.demo, lambda line: print(line, file=sys.stderr))
    except PVEError as exc:  # a broken proxmox-mpc.yaml: say what is wrong rather than ignoring it
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ProfileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ExitCode.CONNECT
    factory = client_factory(launch.settings) if launch.settings is not None else None
    app = ProxmoxApp(factory, demo=args.demo, cluster_label=launch.label, refresh_seconds=args.refresh,
                     demo_process=launch.demo_process, profile_name=launch.profile_name,
                     workspace_root=launch.workspace_root, state_name=launch.state_name, group=group)
    app.session.uses_saved_profiles = not launch.handed_over  # a browser's console acts as its user only
    app.run()
    return ExitCode.OK


async def _start_demo(ctx: object) -> SimulatorProcess:
    """Start the simulator in a child process and point the context at it (nothing is saved)."""
    from pmpc_tui.commands.context import CommandContext
    from pmpc_tui.services.demo import demo_profile, start_demo_cluster

    assert isinstance(ctx, CommandContext)
    ctx.report("starting the demo cluster (Proxmox VE API simulator, homelab scenario)…")
    import asyncio

    proc = await asyncio.to_thread(start_demo_cluster)
    info = proc.info
    ctx.session.profile = demo_profile(proc)
    ctx.report(f"DEMO cluster at {info.url} (certificate pinned {info.fingerprint[:23]}…)")
    return proc


if __name__ == "__main__":
    raise SystemExit(main())
