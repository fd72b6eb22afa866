"""The REPL's parsing, completion and history, without the UI."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path

import pytest

from pmpc_tui.cli.main import build_parser
from pmpc_tui.commands.context import CommandContext
from pmpc_tui.commands.registry import COMMANDS
from pmpc_tui.commands.repl import (
    META_COMMANDS,
    Completer,
    History,
    HistoryCursor,
    MetaCommand,
    Names,
    contains_secret,
    help_text,
    parse_line,
    register_meta,
)
from pmpc_tui.exit_codes import ExitCode
from pmpc_tui.pve.errors import ValidationFailed
from pmpc_tui.simulator.server import SimulatorThread

NAMES = Names(vms=[(101, "web-01"), (102, "web-02"), (109, "dev-sandbox")], cts=[(200, "pihole")],
              nodes=["pve1", "pve2", "pve3"], storage=["local", "local-lvm", "nas"])


def complete(line: str) -> list[str]:
    return Completer(lambda: NAMES).complete(line).candidates


@pytest.mark.parametrize("line", ["list vms --status running -l tag=web", "start ct pihole --wait --timeout 30",
                                  "delete vm 109 --yes --purge", "tasks log UPID:pve1:1", "describe vm 101 -o yaml"])
def test_a_line_parses_to_what_the_cli_would_parse(line: str) -> None:
    parsed = parse_line(line)
    assert parsed.kind == "command" and parsed.args is not None
    cli = build_parser().parse_args(line.split())
    for key, value in vars(cli).items():
        if key not in ("profile", "demo", "refresh", "all_profiles", "cluster_timeout"):  # global CLI options
            assert getattr(parsed.args, key) == value, key


def test_output_defaults_to_table_and_slash_prefix_is_optional() -> None:
    assert parse_line("list nodes").args.output == "table"  # type: ignore[union-attr]
    sync = parse_line("/sync")
    assert sync.kind == "command" and sync.command is not None and sync.command.name == "sync"


@pytest.mark.parametrize(("line", "expected"), [
    ("start vm", "the following arguments are required: guest"),
    ("list things", "invalid choice: 'things'"),
    ("lst vms", "unknown command 'lst'"),
    ("list vms --bogus", "unrecognized arguments: --bogus"),
    ('describe vm "web', "No closing quotation"),
    ("simulator --port 1", "only runs in a shell"),
    ("connect x --url https://h --token-id a@pam!t --secret-stdin", "--secret-env"),
])
def test_bad_lines_become_messages_not_exits(line: str, expected: str) -> None:
    parsed = parse_line(line)
    assert parsed.kind == "error" and expected in parsed.text


def test_dash_h_and_help_show_the_registry_help_with_examples() -> None:
    parsed = parse_line("start -h")
    assert parsed.kind == "text" and "--wait" in parsed.text and "start vm 101 --wait" in parsed.text
    overview = help_text()
    for command in COMMANDS:
        assert (f"  {command.name} " in overview) == command.console
    assert "/exit" in overview and "/clear" in overview
    assert "delete vm 109" in help_text("delete") and "no command" in help_text("frobnicate")


def test_meta_commands_can_be_registered() -> None:
    register_meta(MetaCommand("plan", "show what apply would change", "/plan"))
    try:
        parsed = parse_line("/plan --target web")
        assert parsed.kind == "meta" and parsed.meta is not None and parsed.words == ["--target", "web"]
        assert "/plan" in complete("/pl")
    finally:
        del META_COMMANDS["plan"]


def test_history_runs_the_workspace_history_and_slash_history_the_typed_lines() -> None:
    parsed = parse_line("history show HEAD")
    assert parsed.kind == "command" and parsed.command is not None and parsed.command.name == "history"
    parsed = parse_line("/history")
    assert parsed.kind == "meta" and parsed.meta is not None and parsed.meta.name == "history"


def test_completes_commands_and_slash_commands() -> None:
    assert complete("st") == ["start", "stop", "storage"]
    assert complete("desc") == ["describe"]
    assert complete("/he") == ["/health", "/help"]
    assert "/sync" in complete("/s") and "simulator" not in complete("s")
    assert complete("/help de") == ["describe", "delete", "destroy", "debug"]


def test_completes_choices_flags_and_option_values() -> None:
    assert complete("start ") == ["vm", "ct"]
    assert complete("list c") == ["cts", "ct"]
    assert complete("list vms --st") == ["--storage", "--status"]
    assert complete("list vms --status ") == ["running", "stopped", "paused"]
    assert complete("list vms -o j") == ["json"]
    assert complete("tasks ") == ["list", "log", "stop"]
    assert "--wait" not in complete("start vm 101 --wait --")  # already given


def test_completes_guest_node_and_storage_names() -> None:
    assert complete("start vm web") == ["web-01", "web-02"]
    assert complete("start vm 10") == ["101", "102", "109"]
    assert complete("describe ct p") == ["pihole"]
    assert complete("describe ct web") == []  # web-01 is a VM, not a container
    assert complete("list vms --node ") == ["pve1", "pve2", "pve3"]
    assert complete("list storage --storage local") == ["local", "local-lvm"]
    assert complete("list --node=p") == []  # values after = are not guessed
    completion = Completer(lambda: NAMES).complete("list storage --storage lo --node pve1", cursor=25)
    assert completion.start == 23 and completion.common_prefix == "local"


def test_names_come_from_the_latest_cluster_view() -> None:
    from pmpc_tui.services.live import ClusterView

    view = ClusterView(nodes=[{"node": "n1"}], vms=[{"vmid": 300, "name": "db"}],
                       storage=[{"storage": "ceph"}, {"storage": "ceph"}])
    names = Names.from_view(view)
    assert names.nodes == ["n1"] and names.vms == [(300, "db")] and names.storage == ["ceph"]
    assert Names.from_view(None) == Names()


def test_history_persists_caps_and_skips_repeats_and_secrets(tmp_path: Path) -> None:
    path = tmp_path / "state" / "repl_history"
    history = History(path, limit=3)
    for line in ["list vms", "list vms", "", "list cts", "sync", "describe vm 101",
                 "connect x --url u --password hunter2", "tasks token=abc"]:
        history.add(line)
    assert history.entries == ["list cts", "sync", "describe vm 101"]
    assert path.read_text().splitlines() == history.entries
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "hunter2" not in path.read_text()
    assert History(path, limit=3).entries == history.entries


def test_secret_detection_allows_where_a_secret_lives() -> None:
    assert contains_secret("connect x --secret s3cret")
    assert contains_secret("connect x --password=s3cret")
    assert not contains_secret("connect lab --url https://h --token-id a@pam!mpc --secret-env PVE_TOKEN")
    assert not contains_secret("list vms -l tag=web")


def test_history_cursor_walks_back_and_returns_to_the_draft(tmp_path: Path) -> None:
    history = History(tmp_path / "h")
    for line in ["one", "two"]:
        history.add(line)
    cursor = HistoryCursor(history)
    assert cursor.next() is None
    assert cursor.previous("dra") == "two"
    assert cursor.previous("two") == "one"
    assert cursor.previous("one") is None
    assert cursor.next() == "two"
    assert cursor.next() == "dra"
    assert cursor.index is None


def test_an_unreadable_history_is_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "dir-not-file"
    folder.mkdir()
    history = History(folder)  # a directory where the file should be
    assert history.entries == [] and history.error is not None
    history.add("list vms")
    assert history.entries == ["list vms"] and "cannot save" in (history.error or "")


@pytest.mark.parametrize("line", ["delete vm \uff11\uff10\uff19 --yes", "stop vm \uff11\uff10\uff19",
                                  "describe vm \uff11\uff10\uff19", "start vm -1", "resume ct 99",
                                  "reboot vm '$(id)'", "suspend vm ''"])
def test_a_bad_vmid_typed_in_the_repl_is_refused_before_anything_is_sent(
        sim: SimulatorThread, tmp_path: Path, line: str) -> None:
    """The REPL runs a line as the console's pane does: parse it, then the registry handler."""
    from iac_support import cli_environment

    with cli_environment(sim, tmp_path):
        parsed = parse_line(line)
        assert parsed.kind == "command" and parsed.command is not None
        before = sim.control("GET", "/state")["requests"]

        async def run() -> None:
            ctx = CommandContext(report=lambda _line: None)
            try:
                assert parsed.command is not None
                await parsed.command.load()(ctx, parsed.args)
            finally:
                await ctx.close()

        with pytest.raises(ValidationFailed, match="VMID") as exc:
            asyncio.run(run())
        assert exc.value.exit_code == ExitCode.USAGE
        assert sim.control("GET", "/state")["requests"] == before
    assert sim.call(lambda: 109 in sim.sim.cluster.guests and sim.sim.cluster.guests[109].status == "stopped")
